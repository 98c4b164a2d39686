"""Printing results: values as Cypher-like text (tables, CSV) or JSON, and the formats of `--format`."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import TextIO

from graphplex.databases.cypher.functions import FUNCTIONS
from graphplex.databases.values import Duration, Point
from graphplex.types import Node, Path, Relationship

FORMATS = ("table", "csv", "json", "jsonl")


def text(value: object) -> str:
    """A value as cypher-shell shows it: strings quoted inside structures, nodes as `(:Label {k: v})`."""
    return _text(value, top=True)


def _text(value: object, top: bool = False) -> str:
    if value is None:
        return "NULL" if top else "null"
    if _from_driver(value):
        return _driver_text(value)
    if isinstance(value, str):
        return value if top else json.dumps(value, ensure_ascii=False)
    if _is_node(value):
        labels = "".join(f":{label}" for label in sorted(value.labels))
        return f"({labels}{_props(value)})"
    if _is_relationship(value):
        return f"[:{value.type}{_props(value)}]"
    if _is_path(value):
        parts = [_text(value.nodes[0])]
        for relationship, node in zip(value.relationships, value.nodes[1:]):
            forward = relationship.start_node.element_id != node.element_id
            parts.append(f"-{_text(relationship)}->" if forward else f"<-{_text(relationship)}-")
            parts.append(_text(node))
        return "".join(parts)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (bool, int, float, Duration, Point, dt.date, dt.time, dt.datetime)) or \
            hasattr(value, "nanosecond"):
        return FUNCTIONS["tostring"].impl(None, value)
    return str(value)


def _from_driver(value: object) -> bool:
    """A temporal value or point of the `neo4j` driver (under `--uri`), which graphplex's functions do not know."""
    return type(value).__module__.startswith(("neo4j.time", "neo4j.spatial", "neo4j._spatial"))


def _driver_text(value) -> str:
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "srid"):
        names = ("x", "y", "z")[:len(value)]
        return "point({" + ", ".join(f"{n}: {c}" for n, c in zip(names, value)) + f", srid: {value.srid}}})"
    return str(value)


def _is_node(value: object) -> bool:
    """graphplex's nodes, and the `neo4j` driver's (under `--uri`), which have the same shape."""
    return isinstance(value, Node) or (hasattr(value, "labels") and hasattr(value, "element_id"))


def _is_relationship(value: object) -> bool:
    return isinstance(value, Relationship) or (hasattr(value, "start_node") and hasattr(value, "element_id"))


def _is_path(value: object) -> bool:
    return isinstance(value, Path) or (hasattr(value, "relationships") and hasattr(value, "nodes"))


def _props(entity) -> str:
    if not len(entity):
        return ""
    return " {" + ", ".join(f"{key}: {_text(value)}" for key, value in sorted(entity.items())) + "}"


def jsonable(value: object) -> object:
    """A value as JSON: nodes and relationships as objects with their ids, temporal values as ISO strings."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if _from_driver(value):
        return _driver_text(value)
    if _is_node(value):
        return {"elementId": value.element_id, "labels": sorted(value.labels),
                "properties": {k: jsonable(v) for k, v in value.items()}}
    if _is_relationship(value):
        return {"elementId": value.element_id, "type": value.type,
                "startNodeElementId": value.start_node.element_id, "endNodeElementId": value.end_node.element_id,
                "properties": {k: jsonable(v) for k, v in value.items()}}
    if _is_path(value):
        return {"nodes": [jsonable(n) for n in value.nodes],
                "relationships": [jsonable(r) for r in value.relationships]}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return text(value)


class Printer:
    """Writes results in one format; tables also report row counts, time and what the statement changed.

    `json` gathers the statements of a script (or of one shell input) into one document that `finish()` writes:
    `{"statements": [{"statement", "keys", "rows", "counters"[, "plan" | "profile"]}, …]}`; `jsonl` writes one
    line per row as it comes."""

    def __init__(self, out: TextIO, format: str = "table", summary: bool = True) -> None:
        from rich.console import Console
        self.out = out
        self.format = format
        self.summary = summary
        self.console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
        self.statements: list[dict] = []

    def result(self, keys: list[str], records: list[tuple], counters: dict, seconds: float,
               statement: str | None = None, plan: list[dict] | None = None, profiled: bool = False) -> None:
        """One statement's outcome; `plan` holds the operators of EXPLAIN (or PROFILE, `profiled`)."""
        if self.format == "json":
            entry = {"statement": statement, "keys": list(keys),
                     "rows": [dict(zip(keys, map(jsonable, r))) for r in records], "counters": dict(counters)}
            if plan is not None:
                entry["profile" if profiled else "plan"] = [jsonable(row) for row in plan]
            self.statements.append(entry)
            return
        explain_only = plan is not None and not profiled
        if self.format == "jsonl":
            for record in records:
                self.out.write(json.dumps(dict(zip(keys, map(jsonable, record))), ensure_ascii=False) + "\n")
            for row in plan or ():
                self.out.write(json.dumps(jsonable(row), ensure_ascii=False) + "\n")
        elif self.format == "csv":
            self._csv(keys, records)
            if plan:
                columns = list(plan[0])
                self._csv(columns, [tuple(row.get(c) for c in columns) for row in plan])
        else:
            self._table([] if explain_only else keys, records, counters, seconds, plan, profiled)
        self.out.flush()

    def finish(self) -> None:
        """Writes the JSON document of the statements so far (json only; nothing if there were none)."""
        if self.format == "json" and self.statements:
            self.out.write(json.dumps({"statements": self.statements}, ensure_ascii=False) + "\n")
            self.out.flush()
        self.statements = []

    def _csv(self, keys, records) -> None:
        if keys:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(keys)
            writer.writerows([_csv(value) for value in record] for record in records)
            self.out.write(buffer.getvalue())

    def _table(self, keys, records, counters, seconds, plan=None, profiled=False) -> None:
        from rich.table import Table
        if keys:
            table = Table(show_lines=False)
            for key in keys:
                table.add_column(key, overflow="fold")
            for record in records:
                table.add_row(*(text(value) for value in record))
            self.console.print(table)
        if plan is not None:
            self._plan(plan, profiled)
        if self.summary:
            changes = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counters.items() if count)
            rows = f"{len(records)} row{'s' if len(records) != 1 else ''}" if keys else "0 rows"
            self.console.print(f"{rows}{'; ' + changes if changes else ''} ({seconds * 1000:.0f} ms)")

    def _plan(self, plan: list[dict], profiled: bool) -> None:
        """The operators as cypher-shell shows a plan: one line each, with rows and time when profiled."""
        from rich.table import Table
        table = Table(title="PROFILE" if profiled else "EXPLAIN", title_justify="left", show_lines=False)
        table.add_column("Operator")
        table.add_column("Details", overflow="fold")
        if profiled:
            table.add_column("Rows", justify="right")
            table.add_column("Time (ms)", justify="right")
        for row in plan:
            cells = [str(row.get("operator", "")), str(row.get("details", ""))]
            if profiled:
                cells += [str(row.get("rows", "")), f"{row.get('time_ms') or 0:.3f}"]
            table.add_row(*cells)
        self.console.print(table)

    def message(self, line: str) -> None:
        if self.format == "table":
            self.console.print(line)
            self.out.flush()

    def error(self, line: str, err: TextIO) -> None:
        err.write(line + "\n")
        err.flush()


def _csv(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else text(value)
