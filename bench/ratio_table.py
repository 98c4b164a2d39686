"""The ratio table of issue 18 from one run's result lines: per workload, each engine's figure, graphplex ÷ the
best database peer, graphplex ÷ networkx (the pure-Python floor) and the issue's target with met / not met.
Ratios compare figures measured in the same run only; a peer that did not run leaves its cells empty."""
from __future__ import annotations

import statistics
from dataclasses import dataclass

ENGINE_TITLES = {"graphplex": "graphplex", "kuzu": "Kùzu (in memory)", "falkordb": "FalkorDB-lite",
                 "networkx": "networkx", "sqlite": "SQLite WAL FULL"}
DATABASE_PEERS = ("kuzu", "falkordb", "sqlite")  # "best peer": the databases a user would pick instead
FLOOR = "networkx"


@dataclass(frozen=True)
class Target:
    """graphplex's figure ÷ the figure of `against` (an engine, or "best" for the best database peer) must reach
    `factor` (at most `factor` where lower is better)."""
    against: str
    factor: float
    note: str = ""


@dataclass(frozen=True)
class Row:
    key: str                      # result key: the workload, `_durable` appended for fsync-per-commit W1
    title: str
    metric: str = "ops_per_s"
    lower_is_better: bool = False
    targets: tuple[Target, ...] = ()


NO_REGRESSION = (Target("best", 2.0, "no regression"),)
ROWS = (
    Row("W1_point_write", "W1 point write (tx/s)", targets=NO_REGRESSION),
    Row("W2_point_read", "W2 point read (queries/s)", targets=NO_REGRESSION),
    Row("W6_explicit_tx", "W6 explicit tx (tx/s)", targets=NO_REGRESSION),
    Row("W4_two_hop", "W4 two-hop (queries/s)", targets=(Target(FLOOR, 0.5),)),
    Row("W8_shortest_path", "W8 shortest path (queries/s)", targets=(Target(FLOOR, 0.5),)),
    Row("W3_bulk_load", "W3 bulk load (elements/s)", targets=(Target(FLOOR, 0.5),)),
    Row("W5_aggregate_scan", "W5 scan + group + count (queries/s)",
        targets=(Target("kuzu", 1.0, "moonshot"), Target(FLOOR, 0.5, "first milestone"))),
    Row("W7_memory", "W7 memory (bytes per element)", metric="bytes_per_element", lower_is_better=True,
        targets=(Target(FLOOR, 1.0),)),
    Row("W1_point_write_durable", "W1 durable, fsync each commit (tx/s)", targets=(Target("sqlite", 1.0),)),
)


def result_key(line: dict) -> str:
    """The key a result line is filed under: durable W1 apart from in-memory W1."""
    return line["workload"] + ("_durable" if line.get("mode") == "durable_fsync" else "")


def median_results(rounds: list[dict[str, dict[str, dict]]]) -> dict[str, dict[str, dict]]:
    """One round's results as they are; of several, per engine and key the first round's line with each figure
    replaced by its median over the rounds that have it (and the figures of every round beside it)."""
    if len(rounds) == 1:
        return rounds[0]
    merged: dict[str, dict[str, dict]] = {}
    for one in rounds:
        for engine, lines in one.items():
            for key, line in lines.items():
                merged.setdefault(engine, {}).setdefault(key, dict(line))
    for engine, lines in merged.items():
        for key, line in lines.items():
            for metric in ("ops_per_s", "bytes_per_element"):
                values = [one[engine][key][metric] for one in rounds
                          if one.get(engine, {}).get(key, {}).get(metric) is not None]
                if values:
                    line[metric], line[f"{metric}_rounds"] = statistics.median(values), values
    return merged


def _figure(results: dict[str, dict[str, dict]], engine: str, row: Row) -> float | None:
    line = results.get(engine, {}).get(row.key)
    value = None if line is None else line.get(row.metric)
    return value if value else None


def _best_peer(results: dict[str, dict[str, dict]], row: Row) -> tuple[str, float] | None:
    figures = [(engine, value) for engine in DATABASE_PEERS
               if (value := _figure(results, engine, row)) is not None]
    if not figures:
        return None
    pick = min if row.lower_is_better else max
    return pick(figures, key=lambda item: item[1])


def _against(results: dict[str, dict[str, dict]], row: Row, against: str) -> tuple[str, float] | None:
    if against == "best":
        return _best_peer(results, row)
    value = _figure(results, against, row)
    return None if value is None else (against, value)


def format_figure(value: float | None, row: Row) -> str:
    if value is None:
        return "—"
    if row.lower_is_better:
        return f"{value:.0f} B"
    for limit, suffix in ((1e6, " M"), (1e3, " k")):
        if value >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def format_ratio(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.2g}×"


def _target_text(target: Target, row: Row) -> str:
    whom = "best peer" if target.against == "best" else ENGINE_TITLES[target.against].split(" (")[0]
    sign = "≤" if row.lower_is_better else "≥"
    note = f" ({target.note})" if target.note else ""
    return f"{sign} {target.factor:g}× {whom}{note}"


def evaluate(results: dict[str, dict[str, dict]], row: Row) -> dict:
    """One row as data (printed as a JSON line for machines and as a markdown row for people)."""
    ours = _figure(results, "graphplex", row)
    entry: dict = {"table_row": row.key, "metric": row.metric,
                   "figures": {engine: _figure(results, engine, row) for engine in ENGINE_TITLES}}
    best = _best_peer(results, row)
    entry["best_peer"] = None if best is None else best[0]
    entry["vs_best_peer"] = None if best is None or ours is None else round(ours / best[1], 4)
    floor = _figure(results, FLOOR, row)
    entry["vs_networkx"] = None if floor is None or ours is None else round(ours / floor, 4)
    entry["targets"] = []
    for target in row.targets:
        other = _against(results, row, target.against)
        if other is None or ours is None:
            status, ratio = "n/a", None
        else:
            ratio = ours / other[1]
            met = ratio <= target.factor if row.lower_is_better else ratio >= target.factor
            status = "met" if met else "not met"
        entry["targets"].append({"target": _target_text(target, row), "ratio": None if ratio is None
                                 else round(ratio, 4), "status": status})
    return entry


def markdown(results: dict[str, dict[str, dict]]) -> tuple[str, list[dict]]:
    """The table and the rows as data."""
    engines = list(ENGINE_TITLES)
    header = (["workload"] + [ENGINE_TITLES[engine] for engine in engines]
              + ["graphplex ÷ best DB peer", "graphplex ÷ networkx", "target (issue 18)", "status"])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    entries = []
    for row in ROWS:
        entry = evaluate(results, row)
        entries.append(entry)
        best = entry["best_peer"]
        vs_best = ("—" if entry["vs_best_peer"] is None
                   else f"{format_ratio(entry['vs_best_peer'])} {ENGINE_TITLES[best].split(' (')[0]}")
        vs_floor = "—" if entry["vs_networkx"] is None else format_ratio(entry["vs_networkx"])
        targets = "; ".join(t["target"] for t in entry["targets"])
        statuses = "; ".join(t["status"] if t["ratio"] is None else f"{t['status']} ({format_ratio(t['ratio'])})"
                             for t in entry["targets"])
        cells = ([row.title] + [format_figure(entry["figures"][engine], row) for engine in engines]
                 + [vs_best, vs_floor, targets, statuses])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines), entries
