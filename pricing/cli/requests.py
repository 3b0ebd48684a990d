"""The plan request a command's arguments make: the scenario file and the options that override
it, the market file and the segment file (the shipped ones by default)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pricing.inputs.schemas import load_json, parse_scenario
from pricing.inputs.segments import load_segments
from pricing.inputs.sites import load_sites
from pricing.models import CostParameters
from pricing.request import Catalogue, PlanRequest


def plan_request(args: argparse.Namespace, **overrides: object) -> PlanRequest:
    """The request of ``args`` (``--scenario``, ``--markets``, ``--segments``, ``--sites``,
    ``--market``);
    ``overrides`` that are not None replace the scenario's rules. The scenario is checked
    first, then the market file, then the segment file."""
    scenario = (
        parse_scenario(load_json(args.scenario), Path(args.scenario).name)
        if args.scenario
        else parse_scenario({})
    )
    settings = scenario.settings(**{k: v for k, v in overrides.items() if v is not None})
    catalogue = Catalogue.read(args.markets)
    if scenario.market_changes:
        catalogue = catalogue.with_markets(scenario.changed_markets(catalogue.markets))
    sites = getattr(args, "sites", None)
    return PlanRequest(
        catalogue=catalogue,
        settings=settings,
        segment_rows=load_segments(args.segments),
        rates=scenario.rates(),
        only=tuple(args.market) if args.market else None,
        params=CostParameters(sites=tuple(load_sites(sites).values())) if sites else None,
    )
