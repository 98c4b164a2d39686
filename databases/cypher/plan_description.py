"""A plan described as Neo4j 5.26 describes it for EXPLAIN and PROFILE: a tree of operators rooted at
`ProduceResults`, each with its input as its child down to the source (a scan or a seek), with Neo4j's operator
names (`operatorType` as "Name@database"), `identifiers`, `args` (`Details`, and the planner and runtime at the
root) and, when profiled, `rows`, `dbHits`, `pageCacheHits`, `pageCacheMisses` and `time` (nanoseconds).

A MATCH runs as one fused operator here; it is shown as the chain of steps it was planned into (scan or seek,
expands, filters). Rows and time are measured per operator, so the steps of a fused MATCH report its figures on
the step that produces its rows; the others say "Fused in Pipeline" and carry no figures (the driver takes a
profile's figures as optional, absent meaning not measured, which is not 0); `dbHits` counts what an operator read
from the store: the rows a MATCH or a procedure produced.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from graphplex.databases.cypher.plan import Operator, Plan

# graphplex's operators by Neo4j's names; a name not listed is Neo4j's already.
NEO4J_NAMES = {
    "SkipLimit": "Limit",
    "SetProperties": "SetProperty",
    "Remove": "RemoveLabels",
    "CallSubquery": "Apply",
    "UnionAll": "Union",
    "Yield": "Projection",
    "ProjectPath": "Projection",
    "VarLengthExpand": "VarLengthExpand(All)",
}
ROOT_ARGUMENTS = {"planner": "COST", "planner-impl": "IDP", "planner-version": "5.26", "runtime": "SLOTTED",
                  "runtime-impl": "SLOTTED", "runtime-version": "5.26", "version": "CYPHER 5"}
_STEP = re.compile(r"^(Expand\((?:All|Into)\)|[A-Za-z]+(?:\+Filter)?)(.*)$")


# A schema command's plan (CREATE INDEX …): Neo4j plans it with its administration planner for its schema runtime,
# and the command's operator is the root (nothing is produced).
SCHEMA_ROOT_ARGUMENTS = {**ROOT_ARGUMENTS, "planner": "ADMINISTRATION", "planner-impl": "ADMINISTRATION",
                         "runtime": "SCHEMA", "runtime-impl": "SCHEMA"}


def describe(plan: "Plan", database: str, stats: dict[int, list] | None = None) -> dict:
    """The plan tree the driver reads as `summary.plan` (EXPLAIN) or, with `stats`, `summary.profile`."""
    describer = _Describer(database, stats)
    child = describer.chain(plan.operators, [])
    if plan.category == "schema" and child is not None:
        child["args"].update(SCHEMA_ROOT_ARGUMENTS)
        return child
    root = describer.node("ProduceResults", ", ".join(plan.columns), list(plan.columns),
                          [child] if child else [], measured=_last_measured(plan.operators, stats))
    root["args"].update(ROOT_ARGUMENTS)
    return root


def operators_of(tree: dict) -> Iterable[dict]:
    """Every operator of a described plan, from the root down (depth first)."""
    yield tree
    for child in tree.get("children", ()):
        yield from operators_of(child)


def _last_measured(operators: list["Operator"], stats: dict[int, list] | None) -> list | None:
    """ProduceResults' figures: the rows of the last operator; it is not timed apart from it (time 0)."""
    if stats is None:
        return None
    return [stats.get(id(operators[-1]), [0, 0.0])[0], 0.0] if operators else [0, 0.0]


class _Describer:
    def __init__(self, database: str, stats: dict[int, list] | None) -> None:
        self.database = database
        self.stats = stats

    def chain(self, operators: list["Operator"], identifiers: list[str]) -> dict | None:
        """A pipeline (source first) as nested operators, its last operator at the top."""
        top: dict | None = None
        upstream = 0.0
        for operator in operators:
            top = self.operator(operator, top, identifiers, upstream)
            identifiers = top["identifiers"]
            upstream = self.stats.get(id(operator), [0, 0.0])[1] if self.stats is not None else 0.0
        return top

    def operator(self, operator: "Operator", below: dict | None, identifiers: list[str],
                 upstream: float = 0.0) -> dict:
        """One operator over `below`; its time is its own: an operator's clock also runs while it pulls its input,
        so the time of the operator below (`upstream`) is taken off, as Neo4j reports time per operator."""
        seen = list(operator.identifiers) or list(identifiers)
        measured = None
        if self.stats is not None:
            rows, seconds = self.stats.get(id(operator), [0, 0.0])
            measured = [rows, max(0.0, seconds - upstream)]
        if operator.name in ("Match", "Optional"):
            return self.match(operator, below, identifiers, seen, measured)
        children = [below] if below is not None else []
        if operator.name in ("Union", "UnionAll"):
            children = [self.operator(branch, None, identifiers) for branch in operator.children]
        elif operator.children:
            inner = self.chain(operator.children, identifiers)
            children += [inner] if inner is not None else []
        hits = measured[0] if measured is not None and operator.name == "ProcedureCall" else 0
        return self.node(operator.name, operator.details, seen, children, measured, hits)

    def match(self, operator: "Operator", below: dict | None, before: list[str], after: list[str],
              measured: list | None) -> dict:
        steps = [step for text in operator.details.split(" → ") if text for step in _steps(text)] or [("Argument", "")]
        top = below
        known = list(before)
        for index, (name, details) in enumerate(steps):
            known += [n for n in after if n not in known and re.search(rf"\b{re.escape(n)}\b", details)]
            last = index == len(steps) - 1
            ids = list(after) if last else list(known)
            step_measured = measured if last else None
            top = self.node(name, details, ids, [top] if top is not None else [], step_measured,
                            measured[0] if last and measured is not None else 0,
                            fused=not last and measured is not None)
        if operator.name == "Optional":
            top = self.node("Optional", ", ".join(after), list(after), [top], measured)
        return top

    def node(self, name: str, details: str, identifiers: list[str], children: list[dict],
             measured: list | None, db_hits: int = 0, fused: bool = False) -> dict:
        args: dict = {"Details": details} if details else {}
        if fused:
            args["Pipeline"] = "Fused in Pipeline"
        node = {"operatorType": f"{NEO4J_NAMES.get(name, name)}@{self.database}", "args": args,
                "identifiers": [n for n in identifiers if not n.startswith("  ")], "children": children}
        if measured is not None:
            rows, seconds = measured
            node.update(rows=rows, dbHits=db_hits, pageCacheHits=0, pageCacheMisses=0, time=int(seconds * 1e9))
            args.update(Rows=rows, DbHits=db_hits, PageCacheHits=0, PageCacheMisses=0, Time=int(seconds * 1e9))
        return node


def _steps(text: str) -> list[tuple[str, str]]:
    """A step of a MATCH as planned ("Expand(All)(a)-[r:T]-(b)") as Neo4j's operators, (name, details) each: a
    label scan filtered on a property (no index) is two of them."""
    found = _STEP.match(text.strip())
    if found is None:
        return [(text, "")]
    name, details = found.groups()
    if name in ("Expand(All)", "Expand(Into)", "VarLengthExpand", "ShortestPath"):
        return [(name, details)]
    details = details[1:-1] if details.startswith("(") and details.endswith(")") else details
    if name == "NodeByLabelScan+Filter":
        scanned, _, key = details.partition(" {")
        variable = scanned.split(":")[0]
        return [("NodeByLabelScan", scanned), ("Filter", f"{variable}.{key.rstrip('}')} = …")]
    return [(name, details)]
