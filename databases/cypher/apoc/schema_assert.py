"""apoc.schema.assert: makes the schema hold the given range indexes and uniqueness (or node key) constraints, and
with `dropExisting` (the default) nothing else, as APOC 5.26's `Schemas.schemaAssert` does. LangChain's tests call
`apoc.schema.assert({}, {})` to clear the schema between tests.

Each change is a schema command run inside the calling statement (the procedure's mode is SCHEMA), so it goes
through the DBMS transaction's door as a top-level CREATE/DROP INDEX or CONSTRAINT does: the caller's schema
privileges, and the rule that a transaction does not mix schema and data writes. APOC's semantics kept here:
existing rules are listed first (indexes, then constraints), each "KEPT" when the maps name it, else "DROPPED"
(with `dropExisting`) or "KEPT"; lookup indexes and indexes owned by constraints are not listed; a constraint
matches a map entry by label and properties whatever its type; what the maps name and is missing is "CREATED".
"""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.apoc.cypher_runner import prepare, run_plan
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.procedure_failures import procedure_failed

CALLER = "apoc.schema.assert"
OUTPUTS = [("label", "ANY"), ("key", "STRING"), ("keys", "LIST<STRING>"), ("unique", "BOOLEAN"),
           ("action", "STRING")]
_UNIQUE_KINDS = ("UNIQUENESS", "KEY")


def _row(label, keys: list[str], unique: bool = False, action: str = "KEPT") -> dict:
    """APOC's AssertSchemaResult: `key` only when there is one property."""
    return {"label": label, "key": keys[0] if len(keys) == 1 else None, "keys": keys, "unique": unique,
            "action": action}


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _run(ctx, text: str) -> None:
    """One schema command, run as the procedure's inner statement."""
    plan = prepare(ctx, CALLER, text, {}, read_only=False, schema=True)
    for _ in run_plan(ctx, CALLER, plan, {}):
        pass


def _wanted(argument, name: str) -> dict[str, list]:
    """A copy of a map argument (label -> property names, or lists of them), as APOC copies it before removing
    what it finds."""
    if argument is None:
        return {}
    wanted = {}
    for label, keys in argument.items():
        if not isinstance(keys, list):
            raise procedure_failed(CALLER, f"the value of `{label}` in `{name}` is not a list",
                                   "java.lang.ClassCastException")
        wanted[label] = list(keys)
    return wanted


def _remove(keys: list, item) -> bool:
    """Java's List.remove(Object): the first equal element, if any."""
    if item in keys:
        keys.remove(item)
        return True
    return False


def _assert_indexes(ctx, indexes: dict[str, list], drop_existing: bool) -> list[dict]:
    rows = []
    for index in sorted(ctx.txn.storage.indexes.by_name.values(), key=lambda i: i.id):
        if index.owning_constraint:
            continue
        keys = list(index.properties)
        wanted = indexes.get(index.label)
        included = wanted is not None and _remove(wanted, keys if len(keys) > 1 else keys[0])
        row = _row(index.label, keys)
        if drop_existing and not included:
            _run(ctx, f"DROP INDEX {_quoted(index.name)}")
            row["action"] = "DROPPED"
        rows.append(row)
    for label, keys, _ in _still_wanted(indexes):
        _run(ctx, f"CREATE INDEX FOR (n:{_quoted(label)}) ON ({_properties(keys)})")
        rows.append(_row(label, keys, action="CREATED"))
    return rows


def _assert_constraints(ctx, constraints: dict[str, list], drop_existing: bool) -> list[dict]:
    rows = []
    for constraint in sorted(ctx.txn.storage.schema.constraints.values(), key=lambda c: c.id):
        keys = list(constraint.properties)
        row = _row(constraint.label, keys, unique=constraint.kind in _UNIQUE_KINDS)
        wanted = constraints.get(constraint.label)
        if wanted is not None:
            kept = [item for item in wanted if item != (row["key"] if isinstance(item, str) else keys)]
            found = len(kept) != len(wanted)
            wanted[:] = kept  # APOC's removeIf: every equal entry goes
        else:
            found = False
        if not found and drop_existing:
            _run(ctx, f"DROP CONSTRAINT {_quoted(constraint.name)}")
            row["action"] = "DROPPED"
        rows.append(row)
    for label, keys, listed in _still_wanted(constraints):
        kind = "NODE KEY" if listed else "UNIQUE"  # APOC: a string is a uniqueness, a list a node key
        _run(ctx, f"CREATE CONSTRAINT FOR (n:{_quoted(label)}) REQUIRE ({_properties(keys)}) IS {kind}")
        rows.append(_row(label, keys, unique=True, action="CREATED"))
    return rows


def _still_wanted(wanted: dict[str, list]) -> Iterator[tuple[str, list[str], bool]]:
    """Each (label, keys, given as a list) left to create; entries neither a string nor a list are skipped."""
    for label, items in wanted.items():
        for item in items:
            if isinstance(item, str):
                yield label, [item], False
            elif isinstance(item, list):
                yield label, [str(key) for key in item], True


def _properties(keys: list[str]) -> str:
    return ", ".join(f"n.{_quoted(key)}" for key in keys)


@procedure(CALLER, inputs=[("indexes", "MAP", ...), ("constraints", "MAP", ...), ("dropExisting", "BOOLEAN", True)],
           outputs=OUTPUTS, mode="SCHEMA")
def assert_schema(ctx, indexes, constraints, drop_existing) -> Iterator[dict]:
    """Drops all other existing indexes and constraints when `dropExisting` is `true` (default is `true`).
    Asserts at the end of the operation that the given indexes and unique constraints are there."""
    rows = _assert_indexes(ctx, _wanted(indexes, "indexes"), drop_existing)
    rows += _assert_constraints(ctx, _wanted(constraints, "constraints"), drop_existing)
    yield from rows
