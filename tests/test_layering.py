"""Dependencies point one way: databases ← system_db ← dbms. Parses every module's imports."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"databases": {"system_db", "dbms"}, "system_db": {"dbms"}, "dbms": set()}


def layer(module: str) -> str | None:
    """The repository folder (layer) a `graphplex…` module lives in, None for anything else."""
    parts = module.split(".")
    if parts[0] != "graphplex":
        return None
    if len(parts) > 1 and parts[1] in ("databases", "system_db"):
        return parts[1]
    return "dbms"


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
            if node.module == "graphplex":
                modules.extend(f"graphplex.{alias.name}" for alias in node.names)
    return {name for name in map(layer, modules) if name}


def test_modules_are_imported_under_graphplex_only():
    """The folders install beneath `graphplex`; importing them by their folder names would load a second copy."""
    offenders = []
    for package in sorted(FORBIDDEN):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_upward_imports(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_packages(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def test_import_databases_does_not_drag_in_the_coordinator():
    import subprocess
    import sys

    code = ("import sys, graphplex.databases.storage; "
            "print(sorted(m for m in sys.modules if m.startswith('graphplex.') and not m.startswith('graphplex.databases')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT.parent)
    assert out.stdout.strip() == "[]"
