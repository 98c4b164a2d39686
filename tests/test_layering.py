"""Dependencies point one way: databases ← system_db ← dbms, and across packages only through a package's face.
Parses every module's imports."""
import ast
import importlib
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


# --- faces ----------------------------------------------------------------------------------------------------
# Across packages a module imports only a face of the other package, and only the names that face exports (its
# `__all__`, else its public top-level names). A package's face is its `__init__`; `databases` publishes a few
# modules besides, because its `__init__` exports only `Database` and the Cypher package's `__init__` nothing yet:
# the shared error and value types (and Neo4j's wording of a failed procedure), storage and durability (their `__init__`), the record format of logs and
# dumps, and the modules of the Cypher front end the coordinator drives (AST, classification, execution context,
# SHOW plans, expressions, functions, the parser, the notifications a summary reports).
FACES = {
    "system_db": {"graphplex.system_db"},
    "databases": {
        "graphplex.databases", "graphplex.databases.errors", "graphplex.databases.procedure_failures",
        "graphplex.databases.values",
        "graphplex.databases.graph_types", "graphplex.databases.temporal_values", "graphplex.databases.storage",
        "graphplex.databases.durability", "graphplex.databases.durability.records",
        "graphplex.databases.cypher.ast", "graphplex.databases.cypher.classify", "graphplex.databases.cypher.context",
        "graphplex.databases.cypher.show", "graphplex.databases.cypher.expressions",
        "graphplex.databases.cypher.functions", "graphplex.databases.cypher.parser",
        "graphplex.databases.cypher.notifications",
    },
}
# Reaches past a face that only a change inside `databases` can remove (the storage face does not export them yet).
WAITING_FOR_THE_STORAGE_FACE = {
    ("dbms/session.py", "graphplex.databases.storage.disk", "ONLY_SNAPSHOT_ISOLATION"),
    ("dbms/settings.py", "graphplex.databases.storage.disk", "ONLY_SNAPSHOT_ISOLATION"),
    ("system_db/security/guards.py", "graphplex.databases.storage.records", "Version"),
}


def exported(module: str) -> set[str]:
    loaded = importlib.import_module(module)
    names = getattr(loaded, "__all__", None)
    return set(names) if names is not None else {name for name in vars(loaded) if not name.startswith("_")}


def face_violations(path: Path) -> list[tuple[str, str, str]]:
    """(file, module, name) of each import from another package that passes its face."""
    here = path.relative_to(ROOT).parts[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            pairs = [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            pairs = [(alias.name, None) for alias in node.names]
        else:
            continue
        for module, name in pairs:
            other = layer(module)
            if other is None or other == here or other == "dbms":
                continue
            faces = FACES[other]
            if module not in faces:
                allowed = name is not None and f"{module}.{name}" in faces
            else:
                allowed = name is None or name in exported(module) or f"{module}.{name}" in faces
            if not allowed:
                found.append((str(path.relative_to(ROOT)), module, name))
    return found


@pytest.mark.parametrize("package", ["dbms", "system_db"])
def test_other_packages_are_imported_through_their_faces_only(package):
    offenders = [v for path in sorted((ROOT / package).rglob("*.py")) for v in face_violations(path)
                 if v not in WAITING_FOR_THE_STORAGE_FACE]
    assert not offenders, "\n".join(f"{file}: from {module} import {name}" for file, module, name in offenders)


def test_the_faces_name_modules_that_exist():
    for faces in FACES.values():
        for module in faces:
            importlib.import_module(module)
