"""`graphplex dump --format neo4j-admin | cypher`: a database as files another deployment loads.

- `neo4j-admin`: a folder of CSV files with neo4j-admin import headers (`:ID`, `name:type`, `:LABEL`, `:START_ID`,
  `:END_ID`, `:TYPE`), one file per label set (per relationship type) and property types, with the commands that
  load it (`neo4j-admin database import full`, `graphplex import`) in `import.txt`.
- `cypher`: one script of Cypher statements that cypher-shell (or `graphplex run`) runs: the nodes and
  relationships in batches of UNWIND over literal maps, matched through a temporary key, then the indexes and
  constraints (after the data: no constraint is checked row by row), then the temporary key removed.

Both read one consistent snapshot (the dump's transaction) and write values in the forms Neo4j reads back: ISO
temporal text, points by SRID and coordinates, durations as ISO 8601."""
from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, TextIO

from graphplex.databases import text_values
from graphplex.databases.errors import ClientError
from graphplex.types import Duration, Point

IMPORT_LABEL = "__GraphplexImport"
IMPORT_KEY = "__graphplex_id"
_BATCH = 1_000  # rows per UNWIND statement of a Cypher dump
_ARRAY_DELIMITERS = ";|\x1f"
# A temporal, duration or point kind (`text_values.kind_of`) as neo4j-admin's column type, which is also the name of
# the Cypher function that makes one from its text.
_TYPE_NAMES = {"Date": "date", "Time": "time", "LocalTime": "localtime", "LocalDateTime": "localdatetime",
               "OffsetDateTime": "datetime", "ZonedDateTime": "datetime", "Duration": "duration", "Point": "point"}


def _refused(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.Statement.ArgumentError")


# --- neo4j-admin CSV -------------------------------------------------------------------------------------------

def _admin_type(value: object) -> str:
    """The neo4j-admin header type of a property value (`long`, `string[]`, `datetime`, …)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray)):
        return "byte[]"
    if isinstance(value, (list, tuple)):
        kinds = {_admin_type(item) for item in value}
        if len(kinds) != 1 or next(iter(kinds)).endswith("[]"):
            raise _refused(f"the list {value!r} has no neo4j-admin column type (an array holds one scalar type)")
        return next(iter(kinds)) + "[]"
    kind = _TYPE_NAMES.get(text_values.kind_of(value))
    if kind is not None:
        return kind
    raise _refused(f"a value of type {type(value).__name__} has no neo4j-admin column type")


def _admin_text(value: object, delimiter: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return text_values.format_float(value)
    if isinstance(value, (bytes, bytearray)):
        return delimiter.join(str(b - 256 if b > 127 else b) for b in value)  # Java's signed bytes
    if isinstance(value, (list, tuple)):
        return delimiter.join(_admin_text(item, delimiter) for item in value)
    if isinstance(value, Point):
        coordinates = [("x", value.x), ("y", value.y)] + ([] if value.z is None else [("z", value.z)])
        inner = ", ".join(f"{name}: {text_values.format_float(float(c))}" for name, c in coordinates)
        return f"{{srid: {value.srid}, {inner}}}"
    if text_values.kind_of(value) is not None:
        return text_values.format_value(value)
    return str(value)


@dataclass
class _CsvGroup:
    """One CSV file's worth of entities: the same labels (or type) and no property of two types."""

    key: tuple
    types: dict[str, str] = field(default_factory=dict)
    rows: list = field(default_factory=list)

    def takes(self, types: dict[str, str]) -> bool:
        return all(self.types.get(name, kind) == kind for name, kind in types.items())


def _grouped(groups: dict[tuple, list[_CsvGroup]], key: tuple, props: dict, row: tuple) -> None:
    types = {name: _admin_type(value) for name, value in props.items()}
    candidates = groups.setdefault(key, [])
    for group in candidates:
        if group.takes(types):
            break
    else:
        group = _CsvGroup(key)
        candidates.append(group)
    group.types.update(types)
    group.rows.append(row)


@dataclass
class Written:
    """What a dump wrote, for the command's report."""

    nodes: int = 0
    relationships: int = 0
    files: list[str] = field(default_factory=list)
    left_out: int = 0  # empty lists: neo4j-admin reads an empty field as no property


def write_neo4j_admin(operations: Iterable[tuple], folder: Path, database: str) -> Written:
    """The graph's nodes and relationships as neo4j-admin import CSV files in `folder` (created; must be empty),
    and `import.txt` with the commands that load them."""
    if folder.exists() and any(folder.iterdir()):
        raise _refused(f"{folder} is not empty: a neo4j-admin dump writes a folder of its own")
    written = Written()
    nodes: dict[tuple, list[_CsvGroup]] = {}
    relationships: dict[tuple, list[_CsvGroup]] = {}
    for operation in operations:
        if operation[0] == "V":
            _, gid, labels, props = operation
            kept = _without_empty_lists(props, written)
            _grouped(nodes, tuple(labels), kept, (gid, kept))
            written.nodes += 1
        elif operation[0] == "E":
            _, gid, rel_type, start, end, props = operation
            kept = _without_empty_lists(props, written)
            _grouped(relationships, (rel_type,), kept, (start, end, kept))
            written.relationships += 1
    delimiter = _array_delimiter(nodes, relationships)
    folder.mkdir(parents=True, exist_ok=True)  # only now: a value with no column type leaves no folder behind
    for number, group in enumerate((g for groups in nodes.values() for g in groups), start=1):
        names = sorted(group.types)
        header = [":ID"] + [_column(name, group.types[name]) for name in names] + [":LABEL"]
        labels = delimiter.join(group.key)
        rows = ([gid] + [_cell(props.get(name), delimiter) for name in names] + [labels] for gid, props in group.rows)
        written.files.append(_write_csv(folder / f"nodes_{number}.csv", header, rows))
    for number, group in enumerate((g for groups in relationships.values() for g in groups), start=1):
        names = sorted(group.types)
        header = [":START_ID", ":END_ID", ":TYPE"] + [_column(name, group.types[name]) for name in names]
        rows = ([start, end, group.key[0]] + [_cell(props.get(name), delimiter) for name in names]
                for start, end, props in group.rows)
        written.files.append(_write_csv(folder / f"relationships_{number}.csv", header, rows))
    (folder / "import.txt").write_text(_import_commands(written.files, delimiter, database), encoding="utf-8")
    return written


def _without_empty_lists(props: dict, written: Written) -> dict:
    kept = {name: value for name, value in props.items() if not (isinstance(value, (list, tuple)) and not value)}
    written.left_out += len(props) - len(kept)
    return kept


def _array_delimiter(*groupings: dict) -> str:
    """The first of `;`, `|`, U+001F that no string in an array, and no label, contains."""
    texts = set()
    for grouping in groupings:
        for key, groups in grouping.items():
            texts.update(key)
            for group in groups:
                for row in group.rows:
                    for value in row[-1].values():
                        if isinstance(value, (list, tuple)):
                            texts.update(item for item in value if isinstance(item, str))
    for delimiter in _ARRAY_DELIMITERS:
        if not any(delimiter in text for text in texts):
            return delimiter
    raise _refused("every array delimiter (; | U+001F) occurs in an array's strings or a label")


def _column(name: str, kind: str) -> str:
    if ":" in name:
        raise _refused(f"the property name {name!r} holds ':', which a neo4j-admin header cannot carry")
    return f"{name}:{kind}"


def _cell(value: object, delimiter: str) -> str:
    return "" if value is None else _admin_text(value, delimiter)


def _write_csv(path: Path, header: list[str], rows: Iterable[list]) -> str:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path.name


def _import_commands(files: list[str], delimiter: str, database: str) -> str:
    nodes = [name for name in files if name.startswith("nodes_")]
    relationships = [name for name in files if name.startswith("relationships_")]
    delimiter_option = "" if delimiter == ";" else f" --array-delimiter={delimiter!r}"
    admin = " ".join(["neo4j-admin database import full", *(f"--nodes={name}" for name in nodes),
                      *(f"--relationships={name}" for name in relationships)]) + f"{delimiter_option} {database}"
    ours = " ".join(["graphplex import --data-dir DIR --database", database, *(f"--nodes {name}" for name in nodes),
                     *(f"--relationships {name}" for name in relationships)]) + delimiter_option
    return (f"# Load these files, from this folder, into a new database {database!r}:\n"
            f"# Neo4j 5 (the database must not exist; stop it first if it does):\n{admin}\n"
            f"# graphplex:\n{ours}\n")


# --- Cypher ------------------------------------------------------------------------------------------------------

def cypher_literal(value: object) -> str:
    """A property value as a Cypher expression that evaluates to it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value != -2 ** 63 else "-9223372036854775807 - 1"
    if isinstance(value, float):
        if math.isnan(value):
            return "0.0 / 0.0"
        if math.isinf(value):
            return "1.0 / 0.0" if value > 0 else "-1.0 / 0.0"
        return text_values.format_float(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_name(key)}: {cypher_literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, Point):
        coordinates = [("x", value.x), ("y", value.y)] + ([] if value.z is None else [("z", value.z)])
        inner = ", ".join(f"{name}: {cypher_literal(float(c))}" for name, c in coordinates)
        return f"point({{srid: {value.srid}, {inner}}})"
    if isinstance(value, Duration):
        return f"duration('{text_values.format_value(value)}')"
    if isinstance(value, (dt.date, dt.time)):
        function = _TYPE_NAMES[text_values.kind_of(value)]
        return f"{function}('{text_values.format_value(value)}')"
    raise _refused(f"a value of type {type(value).__name__} has no Cypher literal (byte arrays: use --format "
                   "neo4j-admin)")


def _name(name: str) -> str:
    """A name backquoted (a backquote doubled), as Cypher reads any name back."""
    return "`" + name.replace("`", "``") + "`"


def schema_statements(indexes: list[dict], constraints: list[dict], dialect: str) -> tuple[list[str], list[str]]:
    """The statements that recreate SHOW INDEXES' and SHOW CONSTRAINTS' rows (with `createStatement`, `type`,
    `entityType`, `labelsOrTypes`, `properties`, `owningConstraint`), and the names of those the dialect has no
    statement for. Token lookup indexes are left out (Neo4j and Memgraph make their own), and so are the indexes a
    constraint owns."""
    indexes = [row for row in indexes if row["type"] != "LOOKUP" and row["owningConstraint"] is None]
    if dialect == "neo4j":
        return [row["createStatement"] for row in indexes + constraints], []
    statements, skipped = [], []
    for row in indexes:
        labels, properties = row["labelsOrTypes"], ", ".join(_name(p) for p in row["properties"])
        if row["type"] == "RANGE" and row["entityType"] == "NODE":
            statements.append(f"CREATE INDEX ON :{_name(labels[0])}({properties})")
        elif row["type"] == "RANGE" and len(row["properties"]) == 1:
            statements.append(f"CREATE EDGE INDEX ON :{_name(labels[0])}({properties})")
        else:
            skipped.append(row["name"])
    for row in constraints:
        if row["entityType"] != "NODE" or row["type"] not in ("UNIQUENESS", "NODE_PROPERTY_EXISTENCE", "NODE_KEY"):
            skipped.append(row["name"])
            continue
        node = f"(n:{_name(row['labelsOrTypes'][0])})"
        if row["type"] in ("UNIQUENESS", "NODE_KEY"):
            unique = ", ".join(f"n.{_name(p)}" for p in row["properties"])
            statements.append(f"CREATE CONSTRAINT ON {node} ASSERT {unique} IS UNIQUE")
        if row["type"] in ("NODE_PROPERTY_EXISTENCE", "NODE_KEY"):
            statements += [f"CREATE CONSTRAINT ON {node} ASSERT EXISTS (n.{_name(p)})" for p in row["properties"]]
    return statements, skipped


def write_cypher(operations: Iterable[tuple], schema: list[str], out: TextIO, database: str,
                 dialect: str = "neo4j") -> Written:
    """The graph as a Cypher script on `out` in Neo4j's or Memgraph's dialect: data first, then `schema` (CREATE
    statements), then clean-up."""
    written = Written()
    label, key = _name(IMPORT_LABEL), _name(IMPORT_KEY)
    client = "mgconsole" if dialect == "memgraph" else "cypher-shell"
    out.write(f"// graphplex dump of database {database!r}: run it with {client}, or graphplex run, on an empty "
              "database.\n")
    if dialect == "memgraph":  # Memgraph matches by an index, and has neither IF NOT EXISTS nor named constraints
        out.write(f"CREATE INDEX ON :{label}({key});\n")
    else:
        out.write(f"CREATE CONSTRAINT {_name('graphplex_import_key')} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} "
                  "IS UNIQUE;\n")
    pending: dict[tuple, list[str]] = {}

    def flush(group: tuple) -> None:
        rows = pending.pop(group, [])
        if not rows:
            return
        kind, name = group
        unwind = f"UNWIND [{', '.join(rows)}] AS row "
        if kind == "V":
            labels = "".join(f":{_name(item)}" for item in name)
            out.write(unwind + f"CREATE (n:{label}{labels} {{{key}: row.i}}) SET n += row.p;\n")
        else:
            out.write(unwind + f"MATCH (a:{label} {{{key}: row.s}}), (b:{label} {{{key}: row.e}}) "
                               f"CREATE (a)-[r:{_name(name)}]->(b) SET r += row.p;\n")

    for operation in operations:
        if operation[0] == "V":
            _, gid, labels, props = operation
            group = ("V", tuple(labels))
            pending.setdefault(group, []).append(f"{{i: {gid}, p: {cypher_literal(props)}}}")
            written.nodes += 1
        elif operation[0] == "E":
            if written.relationships == 0:
                for group in [g for g in pending if g[0] == "V"]:
                    flush(group)
            _, gid, rel_type, start, end, props = operation
            group = ("E", rel_type)
            pending.setdefault(group, []).append(f"{{s: {start}, e: {end}, p: {cypher_literal(props)}}}")
            written.relationships += 1
        else:
            continue
        if len(pending[group]) >= _BATCH:
            flush(group)
    for group in [g for g in pending if g[0] == "V"] + [g for g in pending if g[0] == "E"]:
        flush(group)
    for statement in schema:
        out.write(statement.rstrip(";") + ";\n")
    if dialect == "memgraph":
        out.write(f"MATCH (n:{label}) REMOVE n:{label}, n.{key};\n")
        out.write(f"DROP INDEX ON :{label}({key});\n")
    else:
        out.write(f"MATCH (n:{label}) CALL {{ WITH n REMOVE n:{label}, n.{key} }} IN TRANSACTIONS OF 10000 ROWS;\n")
        out.write(f"DROP CONSTRAINT {_name('graphplex_import_key')};\n")
    return written
