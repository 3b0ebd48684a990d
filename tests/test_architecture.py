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


def test_only_the_optimizer_imports_pulp() -> None:
    users = {p.name for p in (ROOT / "pricing").rglob("*.py") if "pulp" in _imports(p)}
    assert users == {"optimizer.py"}


def test_pages_hold_no_model_maths() -> None:
    """Pages render; numbers come from pricing/ (no solver, no numpy maths in a page)."""
    for path in (ROOT / "pages").glob("*.py"):
        assert not _imports(path) & {"pulp", "numpy", "scipy", "highspy"}, path
