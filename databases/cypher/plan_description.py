"""A plan described as Neo4j 5.26 describes it for EXPLAIN and PROFILE: a tree of operators rooted at
`ProduceResults`, each with its input as its child down to the source (a scan or a seek), with Neo4j's operator
names (`operatorType` as "Name@database"), `identifiers`, `args` (`Details`, and the planner and runtime at the
root) and, when profiled, `rows`, `dbHits`, `pageCacheHits`, `pageCacheMisses` and `time` (nanoseconds).

A MATCH is shown as the chain of steps it was planned into (scan or seek, expands, filters), each step one operator.
Every operator carries `EstimatedRows` (see `estimates`); when profiled, each one, a MATCH's steps and the
operators of subqueries included, carries its own figures: the rows it produced, the database hits it made and the
time it ran itself, its input's time not included (see `profiling` for what counts as a database hit).
ProduceResults reports the rows returned and the hits of turning them into values; its time is not taken apart
from the client's reading (0). Anonymous variables read `anon_0`, `anon_1`, … in the details, as Neo4j's do.
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Iterable

from graphplex.databases.cypher.estimates import DEFAULT_SELECTIVITY, UNWIND_ROWS
from graphplex.databases.cypher.profiling import Figures, Meter

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
_ANONYMOUS = re.compile(r"  (?:NODE|REL)\d+")
_GROUPING = frozenset({"EagerAggregation", "Aggregation", "Distinct"})


# A schema command's plan (CREATE INDEX …): Neo4j plans it with its administration planner for its schema runtime,
# and the command's operator is the root (nothing is produced).
SCHEMA_ROOT_ARGUMENTS = {**ROOT_ARGUMENTS, "planner": "ADMINISTRATION", "planner-impl": "ADMINISTRATION",
                         "runtime": "SCHEMA", "runtime-impl": "SCHEMA"}


def describe(plan: "Plan", database: str, meter: Meter | None = None) -> dict:
    """The plan tree the driver reads as `summary.plan` (EXPLAIN) or, with a `meter` that measured the run,
    `summary.profile` (PROFILE)."""
    describer = _Describer(database, meter)
    child, estimate = describer.chain(plan.operators, [], 1.0)
    if plan.category == "schema" and child is not None:
        child["args"].update(SCHEMA_ROOT_ARGUMENTS)
        return _anonymous_named(child)
    root = describer.node("ProduceResults", ", ".join(plan.columns), list(plan.columns),
                          [child] if child else [], estimate, describer.produced(plan.operators))
    root["args"].update(ROOT_ARGUMENTS)
    return _anonymous_named(root)


def operators_of(tree: dict) -> Iterable[dict]:
    """Every operator of a described plan, from the root down (depth first)."""
    yield tree
    for child in tree.get("children", ()):
        yield from operators_of(child)


class _Describer:
    def __init__(self, database: str, meter: Meter | None) -> None:
        self.database = database
        self.meter = meter

    def chain(self, operators: list["Operator"], identifiers: list[str], estimate: float) -> tuple[dict | None, float]:
        """A pipeline (source first) as nested operators, its last operator at the top, and its estimated rows
        when `estimate` rows enter it."""
        top: dict | None = None
        for operator in operators:
            top, estimate = self.operator(operator, top, identifiers, estimate)
            identifiers = top["identifiers"]
        return top, estimate

    def operator(self, operator: "Operator", below: dict | None, identifiers: list[str],
                 estimate: float) -> tuple[dict, float]:
        """One operator over `below`, and the rows it is estimated to produce from `estimate` rows."""
        seen = list(operator.identifiers) or list(identifiers)
        if operator.name in ("Match", "Optional"):
            return self.match(operator, below, identifiers, seen, estimate)
        children = [below] if below is not None else []
        if operator.name in ("Union", "UnionAll"):
            branches = [self.operator(branch, None, identifiers, estimate) for branch in operator.children]
            children = [branch for branch, _ in branches]
            estimate = sum(rows for _, rows in branches)
        elif operator.children:
            inner, per_row = self.chain(operator.children, identifiers, 1.0)
            children += [inner] if inner is not None else []
            estimate *= per_row if operator.name == "CallSubquery" else 1.0
        estimate = _estimated(operator, estimate)
        return self.node(operator.name, operator.details, seen, children, estimate, self.figures(operator)), estimate

    def match(self, operator: "Operator", below: dict | None, before: list[str], after: list[str],
              estimate: float) -> tuple[dict, float]:
        """A MATCH's steps, one operator each; an OPTIONAL MATCH's under an `Optional` keeping the rows they
        do not extend."""
        top = below
        known = [name for name in before if not name.startswith("  ")]
        produced = estimate
        for index, step in enumerate(operator.steps):
            known += [name for name in step.binds if name not in known]
            produced *= step.factor
            ids = list(after) if index == len(operator.steps) - 1 and operator.name == "Match" else list(known)
            top = self.node(step.name, step.details, ids, [top] if top is not None else [], produced,
                            self.figures(step))
        if operator.name == "Optional":
            produced = max(produced, estimate)
            top = self.node("Optional", ", ".join(after), list(after), [top] if top is not None else [], produced,
                            self.figures(operator))
        return top, produced

    def figures(self, measured: object) -> Figures | None:
        """What the run measured of an operator or step: None when not profiled, zeros when it never ran."""
        if self.meter is None:
            return None
        return self.meter.figures.get(id(measured)) or Figures()

    def produced(self, operators: list["Operator"]) -> Figures | None:
        """ProduceResults' figures: the rows the last operator handed it, the hits of making them values."""
        if self.meter is None:
            return None
        figures = Figures()
        last = self.meter.figures.get(id(operators[-1])) if operators else None
        figures.rows = last.rows if last is not None else 0
        figures.db_hits = self.meter.outside.db_hits
        return figures

    def node(self, name: str, details: str, identifiers: list[str], children: list[dict], estimate: float,
             figures: Figures | None) -> dict:
        args: dict = {"Details": details} if details else {}
        args["EstimatedRows"] = float(estimate)
        node = {"operatorType": f"{NEO4J_NAMES.get(name, name)}@{self.database}", "args": args,
                "identifiers": [n for n in identifiers if not n.startswith("  ")], "children": children}
        if figures is not None:
            nanoseconds = int(figures.seconds * 1e9) if name != "ProduceResults" else 0
            node.update(rows=figures.rows, dbHits=figures.db_hits, pageCacheHits=0, pageCacheMisses=0,
                        time=nanoseconds)
            args.update(Rows=figures.rows, DbHits=figures.db_hits, PageCacheHits=0, PageCacheMisses=0,
                        Time=nanoseconds)
        return node


def _estimated(operator: "Operator", estimate: float) -> float:
    """The rows an operator other than a MATCH produces from `estimate` rows: a filter keeps a default share, an
    UNWIND yields a default count of items per row, a grouping keeps about the square root, a LIMIT of a literal
    count at most that many."""
    name = operator.name
    if name == "SkipLimit" and operator.details.isdigit():
        return min(estimate, float(operator.details))
    if name == "Filter":
        return estimate * DEFAULT_SELECTIVITY
    if name == "Unwind":
        return estimate * UNWIND_ROWS
    if name in _GROUPING:
        return math.sqrt(estimate)
    return estimate


def _anonymous_named(tree: dict) -> dict:
    """The details with graphplex's internal names of unnamed pattern elements as Neo4j's `anon_N`, numbered in
    the order the plan's operators meet them from the source up."""
    names: dict[str, str] = {}

    def rename(found: re.Match) -> str:
        return names.setdefault(found.group(0), f"anon_{len(names)}")

    def walk(node: dict) -> None:
        for child in node["children"]:
            walk(child)
        details = node["args"].get("Details")
        if details and "  " in details:
            node["args"]["Details"] = _ANONYMOUS.sub(rename, details)
    walk(tree)
    return tree
