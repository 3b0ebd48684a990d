"""The shape DESIGN.md and STYLE.md ask for, checked rather than hoped for."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_core_never_imports_streamlit() -> None:
    for path in (ROOT / "pricing").rglob("*.py"):
        assert "streamlit" not in _imports(path), path


def test_only_the_tier_model_and_its_solver_import_pulp() -> None:
    users = {
        str(p.relative_to(ROOT / "pricing"))
        for p in (ROOT / "pricing").rglob("*.py")
        if "pulp" in _imports(p)
    }
    assert users == {"tiers/model.py", "tiers/constraints.py", "tiers/solve.py"}


def test_core_is_laid_out_along_the_pipeline() -> None:
    """One package per stage of the pipeline; at the top only the plan and what it is made of."""
    core = ROOT / "pricing"
    packages = {p.name for p in core.iterdir() if (p / "__init__.py").exists()}
    assert packages == {
        "inputs", "costing", "tiers", "money", "outputs", "offers", "scenarios", "cli",
    }  # fmt: skip
    top = {p.stem for p in core.glob("*.py")}
    assert top == {
        "__init__", "__main__", "errors", "models", "settings", "request", "plan",
        "market_model", "rules", "counterfactuals",
    }  # fmt: skip
    stages = {
        "inputs": {"catalog", "table_files", "limits", "segments", "schemas"},
        "costing": {"week", "service", "staffing", "capacity", "desks", "workload", "engine"},
        "tiers": {"problem", "model", "constraints", "solve", "accounts", "explain", "negotiation"},
        "money": {"fx", "live_rates", "pricepoints"},
        "outputs": {"exports", "provenance", "spreadsheet", "headers", "plan_workbook", "charts"},
        "offers": {"offer", "pdf", "workbooks", "guidance", "promises", "risks", "citations"},
        "scenarios": {"scenario", "store", "store_messages", "sensitivity"},
        "cli": {"main", "args", "offer"},
    }
    for package, modules in stages.items():
        assert modules <= {p.stem for p in (core / package).glob("*.py")}, package


def test_no_core_module_is_too_long() -> None:
    for path in (ROOT / "pricing").rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 420, path


def test_pages_hold_no_model_maths() -> None:
    """Pages render; numbers come from pricing/ (no solver, no numpy maths in a page)."""
    for path in (ROOT / "pages").glob("*.py"):
        assert not _imports(path) & {"pulp", "numpy", "scipy", "highspy"}, path


def test_the_router_imports_pandas_before_any_page_builds_a_figure() -> None:
    """Sessions run in threads: a figure built while another thread (a session, or the warm-up)
    is still importing pandas meets a half-made module (plotly/plotly.py#2433). A session's run
    of app.py imports it first, so Python's import lock holds it until pandas is whole."""
    tree = ast.parse((ROOT / "app.py").read_text())
    session = next(node for node in tree.body if isinstance(node, ast.If))
    assert ast.unparse(session.test) == "__name__ == '__main__'"
    names = [
        node.names[0].name if isinstance(node, ast.Import) else node.module
        for node in session.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    first_of_ours = next(
        i for i, name in enumerate(names) if name.split(".")[0] in ("pricing", "ui")
    )
    assert "pandas" in names[:first_of_ours]


def test_streamlit_finds_the_app_and_its_warm_up() -> None:
    """`streamlit run app.py` serves app.py's st.App (so its lifespan warms the server) only if
    Streamlit's own discovery finds it; otherwise the app would still run, just cold."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.app_name == "app"


def test_pages_end_early_with_stop_page_not_st_stop() -> None:
    """st.stop() would end the run before the router draws the shared sidebar."""
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        assert "st.stop()" not in path.read_text().replace("``st.stop()``", ""), path


def test_every_page_first_makes_sure_it_runs_in_the_router() -> None:
    """A page's first statement after its imports is through_router(), before it draws."""
    for path in (ROOT / "pages").glob("*.py"):
        tree = ast.parse(path.read_text())
        body = [
            node
            for node in tree.body
            if not isinstance(node, ast.Import | ast.ImportFrom)
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        ]
        first = ast.unparse(body[0])
        assert first == "through_router()", (path.name, first)


def test_every_cost_component_has_a_chart_label() -> None:
    """A component without a label would drop out of the stacked bars without a word."""
    from pricing.costing.engine import COMPONENTS
    from pricing.outputs.charts import COMPONENT_LABELS

    assert set(COMPONENT_LABELS) == set(COMPONENTS)
