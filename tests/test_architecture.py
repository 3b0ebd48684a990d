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
    assert users == {
        "tiers/model.py",
        "tiers/constraints.py",
        "tiers/desk_rows.py",
        "tiers/portfolio.py",
        "tiers/shared_rows.py",
        "tiers/solve.py",
        "tiers/floors.py",
    }


def test_core_is_laid_out_along_the_pipeline() -> None:
    """One package per stage of the pipeline; at the top only the plan and what it is made of."""
    core = ROOT / "pricing"
    packages = {p.name for p in core.iterdir() if (p / "__init__.py").exists()}
    assert packages == {
        "inputs", "costing", "delivery", "tiers", "money", "outputs", "offers", "scenarios",
        "risk", "cli",
    }  # fmt: skip
    top = {p.stem for p in core.glob("*.py")}
    assert top == {
        "__init__", "__main__", "errors", "models", "settings", "request", "plan",
        "market_model", "rules", "counterfactuals", "priced_tier",
    }  # fmt: skip
    stages = {
        "inputs": {"catalog", "table_files", "limits", "segments", "schemas"},
        "costing": {"week", "service", "staffing", "capacity", "desks", "workload", "engine"},
        "delivery": {"shared", "decision", "delivered", "verdicts"},
        "tiers": set(
            [
                "problem",
                "model",
                "constraints",
                "desk_rows",
                "portfolio",
                "shared_rows",
                "solve",
                "accounts",
                "explain",
                "negotiation",
            ]
        ),
        "money": {"fx", "live_rates", "pricepoints"},
        "outputs": {"exports", "provenance", "spreadsheet", "headers", "plan_workbook", "charts"},
        "offers": {"offer", "pdf", "workbooks", "guidance", "promises", "risks", "citations"},
        "scenarios": {"scenario", "store", "store_messages"},
        "risk": {"uncertainty", "draws", "sweep", "cluster", "outputs", "charts"},
        "cli": {"main", "args", "offer", "sweep"},
    }
    for package, modules in stages.items():
        assert modules <= {p.stem for p in (core / package).glob("*.py")}, package


CODE = ("pricing", "ui", "pages")
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    """Every module of the app's code by its dotted name (``pricing.plan``, ``ui.data``)."""
    found = {}
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``path`` imports anywhere: at the top, inside a function or
    under ``if TYPE_CHECKING:`` (each is a dependency all the same)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".")[: -node.level] if path.stem != "__init__" else name
                base = ".".join([*package, *([node.module] if node.module else [])])
            found |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
    return (found & known) - {name}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def test_no_import_circle_of_any_kind() -> None:
    modules = _modules()
    graph = {name: _imported(name, path, set(modules)) for name, path in modules.items()}
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_or_function_is_too_long() -> None:
    """No module over 350 lines and no function over 60 in pricing/, ui/ and pages/."""
    for path in _modules().values():
        text = path.read_text()
        assert len(text.splitlines()) <= MAX_MODULE_LINES, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= MAX_FUNCTION_LINES, (path, node.name, length)


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in helper modules (conftest, helpers, ...), never in a test."""
    for path in (ROOT / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.split(".")[-1].startswith("test_"), (path, node.module)


def test_pages_hold_no_model_maths() -> None:
    """Pages render; numbers come from pricing/ (no solver, no numpy maths in a page)."""
    for path in (ROOT / "pages").glob("*.py"):
        assert not _imports(path) & {"pulp", "numpy", "scipy", "highspy"}, path


def test_the_router_imports_pandas_before_any_page_builds_a_figure() -> None:
    """Sessions run in threads: a figure built while another session is still importing pandas
    meets a half-made module (plotly/plotly.py#2433). A session's run of app.py imports it
    first, so Python's import lock holds it until pandas is whole."""
    tree = ast.parse((ROOT / "app.py").read_text())
    names = [
        node.names[0].name if isinstance(node, ast.Import) else node.module
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    first_of_ours = next(
        i for i, name in enumerate(names) if name.split(".")[0] in ("pricing", "ui")
    )
    assert "pandas" in names[:first_of_ours]


def test_the_app_uses_streamlit_by_its_public_api_only() -> None:
    """No module of Streamlit's own beyond ``streamlit`` and its test harness, so an upgrade of
    Streamlit cannot break the app through its internals."""
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        for name in _imports_of_streamlit(path):
            assert name == "streamlit", (path, name)
    for path in (ROOT / "tests").rglob("*.py"):
        for name in _imports_of_streamlit(path):
            assert name in ("streamlit", "streamlit.testing.v1"), (path, name)


def _imports_of_streamlit(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "streamlit"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            found.append(node.module)
    return found


def _st_stop_callers(path: Path) -> list[str]:
    """The functions of ``path`` that call ``st.stop()`` (``<module>`` for top-level code)."""
    tree = ast.parse(path.read_text())
    callers = []
    scopes = [("<module>", tree)]
    while scopes:
        name, scope = scopes.pop()
        for node in ast.iter_child_nodes(scope):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                scopes.append((node.name, node))
            elif isinstance(node, ast.ClassDef):
                scopes.append((name, node))
            else:
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and ast.unparse(inner.func) == "st.stop":
                        callers.append(name)
    return callers


def test_pages_end_early_with_stop_page_not_st_stop() -> None:
    """st.stop() would end the run before the router draws the shared sidebar. Only the outer
    run of a page opened before the router (ui.router.through_router) stops with it, after the
    router has drawn the page and the sidebar, and a page run without the router at all
    (ui.widgets.stop_page)."""
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        allowed = {"router.py": ["through_router"], "widgets.py": ["stop_page"]}
        assert _st_stop_callers(path) == allowed.get(path.name, []), path


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
