"""Printing results: values as Cypher-like text (tables, CSV) or JSON, and the formats of `--format`."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import TextIO

from rich.console import Console
from rich.table import Table

from graphplex.databases.cypher.functions.conversion import to_string
from graphplex.databases.values import Duration, Point
from graphplex.types import Node, Path, Relationship

FORMATS = ("table", "csv", "json", "jsonl")


def text(value: object) -> str:
    """A value as cypher-shell shows it: strings quoted inside structures, nodes as `(:Label {k: v})`."""
    return _text(value, top=True)


def _text(value: object, top: bool = False) -> str:
    if value is None:
        return "NULL" if top else "null"
    if isinstance(value, str):
        return value if top else json.dumps(value, ensure_ascii=False)
    if isinstance(value, Node):
        labels = "".join(f":{label}" for label in sorted(value.labels))
        return f"({labels}{_props(value)})"
    if isinstance(value, Relationship):
        return f"[:{value.type}{_props(value)}]"
    if isinstance(value, Path):
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
        return to_string(value)
    return str(value)


def _props(entity) -> str:
    if not len(entity):
        return ""
    return " {" + ", ".join(f"{key}: {_text(value)}" for key, value in sorted(entity.items())) + "}"


def jsonable(value: object) -> object:
    """A value as JSON: nodes and relationships as objects with their ids, temporal values as ISO strings."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Node):
        return {"elementId": value.element_id, "labels": sorted(value.labels),
                "properties": {k: jsonable(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"elementId": value.element_id, "type": value.type,
                "startNodeElementId": value.start_node.element_id, "endNodeElementId": value.end_node.element_id,
                "properties": {k: jsonable(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return {"nodes": [jsonable(n) for n in value.nodes],
                "relationships": [jsonable(r) for r in value.relationships]}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return text(value)


class Printer:
    """Writes results in one format; tables also report row counts, time and what the statement changed."""

    def __init__(self, out: TextIO, format: str = "table", summary: bool = True) -> None:
        self.out = out
        self.format = format
        self.summary = summary
        self.console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)

    def result(self, keys: list[str], records: list[tuple], counters: dict, seconds: float) -> None:
        if self.format == "json":
            self.out.write(json.dumps([dict(zip(keys, map(jsonable, r))) for r in records], ensure_ascii=False) + "\n")
        elif self.format == "jsonl":
            for record in records:
                self.out.write(json.dumps(dict(zip(keys, map(jsonable, record))), ensure_ascii=False) + "\n")
        elif self.format == "csv":
            if keys:
                buffer = io.StringIO()
                writer = csv.writer(buffer, lineterminator="\n")
                writer.writerow(keys)
                writer.writerows([_csv(value) for value in record] for record in records)
                self.out.write(buffer.getvalue())
        else:
            self._table(keys, records, counters, seconds)
        self.out.flush()

    def _table(self, keys, records, counters, seconds) -> None:
        if keys:
            table = Table(show_lines=False)
            for key in keys:
                table.add_column(key, overflow="fold")
            for record in records:
                table.add_row(*(text(value) for value in record))
            self.console.print(table)
        if self.summary:
            changes = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counters.items() if count)
            rows = f"{len(records)} row{'s' if len(records) != 1 else ''}" if keys else "0 rows"
            self.console.print(f"{rows}{'; ' + changes if changes else ''} ({seconds * 1000:.0f} ms)")

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
