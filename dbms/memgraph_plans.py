"""EXPLAIN and PROFILE as Memgraph answers them, for a session of Memgraph's dialect (`graphplex.dialects`).

Memgraph's clients (mgconsole, GQLAlchemy's `execute_and_fetch("EXPLAIN …")`) read a plan from the result's rows,
not from the summary: EXPLAIN answers one column `QUERY PLAN`, a line per operator (src/query/plan/pretty_print.cpp:
` * Produce {n}`, a branch opened by ` |\\ ` and indented by `| `, every input chain ending in ` * Once`); PROFILE
answers `OPERATOR`, `ACTUAL HITS`, `RELATIVE TIME` and `ABSOLUTE TIME` (src/query/plan/profile.cpp
`ProfilingStatsToTable`: `* Produce {n}`, the rows of a branch after a `|\\` row, times as `{: 10.6f} %` and
`{: 10.6f} ms`).

Both are drawn from the one plan description graphplex gives Neo4j's clients (`plan_description`), with its operators
under Memgraph's names where Memgraph has a clear equivalent (NodeByLabelScan is ScanAllByLabel, NodeIndexSeek
ScanAllByLabelProperties, Eager Accumulate …) and graphplex's own name otherwise (a CREATE of a whole pattern is one
`Create`, where Memgraph has a CreateNode or CreateExpand per element). ACTUAL HITS are the rows an operator produced
(Memgraph counts its pulls, one more once it runs dry); the times are the operator's own, its input's excluded, as
Memgraph's are."""
from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator

EXPLAIN_COLUMNS = ["QUERY PLAN"]
PROFILE_COLUMNS = ["OPERATOR", "ACTUAL HITS", "RELATIVE TIME", "ABSOLUTE TIME"]
ONCE = "Once"
BRANCH = "|\\"

_INDEX = re.compile(r"INDEX (?P<name>[^:\s]+):(?P<label>[^(\s]+)\((?P<keys>[^)]*)\)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LABEL_TEST = re.compile(r"(?P<name>[A-Za-z_]\w*):(?P<labels>\w+(?:\|\w+)*)")
_PROPERTY_TEST = re.compile(r"(?P<name>[A-Za-z_]\w*)\.(?P<key>\w+) "
                            r"(?:=|<>|<=?|>=?|STARTS WITH|ENDS WITH|CONTAINS|IN|IS)(?= )")


def _names(names: Iterable[str]) -> str:
    return ", ".join(names)


def _scan_by_label(node: dict, details: str) -> str:
    name, _, label = details.partition(":")
    return f"ScanAllByLabel ({name} :{label})"


def _index_seek(node: dict, details: str) -> str:
    found = _INDEX.search(details)
    if found is None:
        return _operator_type(node)
    return f"ScanAllByLabelProperties ({found['name']} :{found['label']} {{{found['keys']}}})"


def _filter(node: dict, details: str) -> str:
    """Memgraph's filter: the sorted set of its parts' names, `(n :L)` for a label test, `{n.p}` for a property
    compared to what does not depend on `n`, `Generic {…}` of the variables it uses for any other."""
    in_scope = set(node["identifiers"])
    return "Filter " + _names(sorted({_filter_part(part, in_scope) for part in details.split(" AND ")}))


def _filter_part(part: str, in_scope: set[str]) -> str:
    labels = _LABEL_TEST.fullmatch(part)
    if labels is not None and labels["name"] in in_scope:
        return f"({labels['name']} :{labels['labels']})"
    compared = _PROPERTY_TEST.match(part)
    if compared is not None and compared["name"] not in _WORD.findall(part[compared.end():]):
        return f"{{{compared['name']}.{compared['key']}}}"
    return f"Generic {{{_names(sorted(set(_WORD.findall(part)) & in_scope))}}}"


def _aggregate(node: dict, details: str) -> str:
    keys, _, aggregates = details.rpartition(" | ")
    return f"Aggregate {{{aggregates}}} {{{keys}}}"


def _call(node: dict, details: str) -> str:
    below = set(node["children"][0]["identifiers"]) if node["children"] else set()
    return f"CallProcedure<{details}> {{{_names(n for n in node['identifiers'] if n not in below)}}}"


def _union(node: dict, details: str) -> str:
    sides = [_names(child["identifiers"]) for child in node["children"]]
    return f"Union {{{' : '.join(sides)}}}"


# Memgraph's line for an operator of graphplex's described plan, by the plan's (Neo4j's) operator name; each takes
# the operator and its details.
_MEMGRAPH: dict[str, Callable[[dict, str], str]] = {
    "AllNodesScan": lambda node, details: f"ScanAll ({details})",
    "NodeByLabelScan": _scan_by_label,
    "NodeIndexSeek": _index_seek,
    "NodeIndexScan": _index_seek,
    "NodeIndexSeekByRange": _index_seek,
    "Expand(All)": lambda node, details: f"Expand {details}",
    "Expand(Into)": lambda node, details: f"Expand {details}",
    "VarLengthExpand(All)": lambda node, details: f"ExpandVariable {details}",
    "Filter": _filter,
    "Projection": lambda node, details: f"Produce {{{_names(node['identifiers'])}}}",
    "ProduceResults": lambda node, details: (f"Produce {{{_names(node['identifiers'])}}}" if node["identifiers"]
                                             else "EmptyResult"),
    "EagerAggregation": _aggregate,
    "Sort": lambda node, details: f"OrderBy {{{_names(node['identifiers'])}}}",
    "Limit": lambda node, details: "Limit" if details else "Skip",
    "Eager": lambda node, details: "Accumulate",
    "TransactionApply": lambda node, details: "PeriodicSubquery",
    "DetachDelete": lambda node, details: "Delete",
    "ProcedureCall": _call,
    "Union": _union,
    "LoadCSV": lambda node, details: f"LoadCsv {{{details}}}",
}


def _operator_type(node: dict) -> str:
    return node["operatorType"].rpartition("@")[0]


def _line(node: dict) -> str:
    """The operator as Memgraph writes it after `* `."""
    shown = _MEMGRAPH.get(_operator_type(node))
    return shown(node, node["args"].get("Details", "")) if shown is not None else _operator_type(node)


def _top(tree: dict) -> dict:
    """Where Memgraph's plan starts: a RETURN's projection is Memgraph's Produce itself, not one under another, and
    a UNION produces what its sides do."""
    children = tree["children"]
    if _operator_type(tree) != "ProduceResults" or len(children) != 1:
        return tree
    below = _operator_type(children[0])
    if below == "Projection":
        return {**children[0], "identifiers": tree["identifiers"]}
    return children[0] if below == "Union" else tree


def _walk(node: dict | None, depth: int) -> Iterator[tuple[int, str, dict | None]]:
    """(depth, line, operator) for `node` and what it reads, in Memgraph's order: an operator, then each of its
    branches (a subquery, a UNION's other side) one deeper after a branch mark, then its input; a chain ends in
    Once. The branch mark is (depth, BRANCH, None)."""
    if node is None:
        yield depth, ONCE, None
        return
    yield depth, _line(node), node
    children = node["children"]
    for branch in children[1:]:
        yield depth, BRANCH, None
        yield from _walk(branch, depth + 1)
    yield from _walk(children[0] if children else None, depth)


def explain_rows(tree: dict) -> list[tuple[str]]:
    """EXPLAIN's rows of `QUERY PLAN` for a described plan: ` ` then `| ` per depth, then `* <operator>` (a branch
    mark is `|\\ `, as Memgraph prints it with an empty branch name)."""
    rows = []
    for depth, line, _ in _walk(_top(tree), 0):
        mark = f"{BRANCH} " if line == BRANCH else f"* {line}"
        rows.append((" " + "| " * depth + mark,))
    return rows


def profile_rows(tree: dict) -> list[tuple]:
    """PROFILE's rows for a described, profiled plan: each operator with the rows it produced and its own time as a
    share of the whole run (`{: 10.6f} %`) and in milliseconds (`{: 10.6f} ms`); a branch is opened by a row of
    `|\\` and empty strings, as Memgraph's are."""
    walked = list(_walk(_top(tree), 0))
    total = sum(node["time"] for _, _, node in walked if node is not None)
    rows: list[tuple] = []
    for depth, line, node in walked:
        if line == BRANCH:
            rows.append((BRANCH, "", "", ""))
            continue
        hits, nanoseconds = (node["rows"], node["time"]) if node is not None else (1, 0)
        share = nanoseconds / total if total else 0.0
        rows.append(("| " * depth + f"* {line}", hits, f"{share * 100: 10.6f} %", f"{nanoseconds / 1e6: 10.6f} ms"))
    return rows


def answered_in_rows(profile: bool, records: Iterator, described: Callable[[], dict]) -> tuple[list[str], Iterator]:
    """The columns and rows Memgraph answers EXPLAIN (`profile` false) or PROFILE with. PROFILE runs the statement
    to its end first, its own records unseen; `described` gives the plan description once `records` are spent (a
    profiled one has its figures only then)."""
    def rows() -> Iterator[tuple]:
        for _ in records:
            pass
        tree = described()
        yield from profile_rows(tree) if profile else explain_rows(tree)
    return (PROFILE_COLUMNS if profile else EXPLAIN_COLUMNS), rows()
