"""The plan as the command line prints it (docs/cli.md, "plan"): plain JSON, without the
workbook machinery (the plan printed loads no spreadsheet writer)."""

from __future__ import annotations

from pricing.plan import MarketPlan, Plan, PricedTier


def plan_payload(plan: Plan) -> dict:
    """The plan as the CLI prints it (docs/cli.md, "plan")."""
    payload: dict = {"markets": [market_payload(market) for market in plan.markets]}
    if plan.decision is not None:
        payload["profit_usd"] = round(sum(m.solution.profit for m in plan.markets), 2)
        payload["gap"] = plan.decision.gap
    return payload


def market_payload(plan: MarketPlan) -> dict:
    """One market of :func:`plan_payload`."""
    solution = plan.solution
    return {
        "market": plan.market.code,
        "name": plan.market.name,
        "currency": plan.market.currency,
        "cost_usd": round(solution.cost, 2),
        "revenue_usd": round(solution.revenue, 2),
        "profit_usd": round(solution.profit, 2),
        "floor_revenue_usd": round(solution.floor_revenue, 2),
        "working_days": plan.working_days,
        "business_hours": plan.workload.week.label,
        "public_holidays": len(plan.workload.week.holidays),
        "status": solution.status,
        "gap": solution.gap,
        "assignment": dict(solution.assignment),
        "tiers": [_tier_payload(tier) for tier in plan.tiers],
        "rate": {
            "rate": plan.rate.rate,
            "as_of": plan.rate.as_of.isoformat(),
            "source": plan.rate.source,
            "stale": plan.rate.is_stale(),
            "buffer": plan.buffer,
        },
        "rules": [effect.as_json() for effect in plan.rules],
        "counterfactuals": [c.as_json() for c in plan.counterfactuals],
        "explanations": list(plan.reasons),
        "message": solution.message,
        **_delivery_payload(plan),
    }


def _delivery_payload(plan: MarketPlan) -> dict:
    """How the portfolio serves the market and its verdict (docs/cli.md, "plan")."""
    chosen, verdict = plan.delivery, plan.verdict
    if chosen is None:
        return {}
    found = {
        "delivery_model": chosen.delivery,
        "site": chosen.site,
        "shared_desk": chosen.desk,
        "shared_desk_cost_usd": round(chosen.shared_cost_usd, 2),
        "marginal_profit_usd": round(chosen.marginal_profit_usd, 2),
        "together_with": list(chosen.together_with),
    }
    if verdict is not None:
        found["verdict"] = verdict.verdict
        found["reason"] = verdict.reason
        found["fixes"] = [
            {"change": f.change, "profit_usd": round(f.profit_usd, 2), "scenario": f.scenario}
            for f in verdict.fixes
        ]
    return found


def _tier_payload(tier: PricedTier) -> dict:
    return {
        "name": tier.name,
        "options": list(tier.options),
        "answer_within_seconds": tier.answer_within_seconds,
        "ticket_response_seconds": tier.ticket_response_seconds,
        "coverage": tier.coverage,
        "accounts": round(tier.accounts, 2),
        "unit_cost_usd": round(tier.unit_cost_usd, 2),
        "marginal_cost_usd": round(tier.marginal_cost_usd, 2),
        "target_usd": round(tier.quote_usd.target, 2),
        "list_usd": round(tier.quote_usd.list_price, 2),
        "floor_usd": round(tier.quote_usd.floor, 2),
        "target_local": tier.target_local,
        "list_local": tier.list_local,
        "floor_local": tier.floor_local,
        "margin_at_floor": round(tier.margin_at_floor, 4),
        "buyers": list(tier.buyers),
        "contract_value_usd": round(tier.contract_value_usd, 2) or None,
        "share_of_contract_value": _share(tier.share_of_contract_value),
    }


def _share(share: float | None) -> float | None:
    return None if share is None else round(share, 4)
