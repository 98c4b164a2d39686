"""`graphplex import`, `dump` and `load`: moving whole graphs in and out, below Cypher.

Import reads CSV files in neo4j-admin's header format (`id:ID(Space)`, `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`,
`name:int`, `tags:string[]`, `:IGNORE`) into a new database through storage transactions of 50,000 elements, in
IN_MEMORY_ANALYTICAL mode when the database is in memory (no log while loading; one snapshot at the end).
A dump is every node, relationship, index and constraint of one consistent snapshot, a graph file of the
durability records (`databases/durability/records.py`: a header with magic and format version, checksummed
frames); `load` checks the whole file, then recreates a database from it."""
from __future__ import annotations

import csv
import gc
import os
import time
from contextlib import contextmanager
from pathlib import Path
from itertools import groupby, islice, repeat
from operator import add, itemgetter
from typing import Iterator

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.functions import FUNCTIONS
from graphplex.databases.cypher.parser import parse
from graphplex.databases.durability import records
from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.databases.storage import SchemaChange
from graphplex.cli.dump_formats import schema_statements, write_cypher, write_neo4j_admin
from graphplex.cli.main import EXIT_FAILED, EXIT_OK, credentials, open_dbms

BATCH = 50_000
# Rows parsed before one storage call creates them (`create_vertices`, `create_edges`).
CHUNK = 5_000
_INTEGER = {"int", "long", "short", "byte"}
_FLOAT = {"float", "double"}
_TEMPORAL = {"date", "localtime", "time", "localdatetime", "datetime", "duration"}


# --- import ---------------------------------------------------------------------------------------------------

class _Column:
    def __init__(self, header: str) -> None:
        name, _, kind = header.partition(":")
        self.name = name
        kind = kind.strip()
        self.space = None
        if "(" in kind and kind.endswith(")"):
            kind, self.space = kind[:-1].split("(", 1)
        self.kind = kind.upper() if kind.upper() in ("ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE") \
            else kind.lower() or "string"
        self.array = self.kind.endswith("[]")
        if self.array:
            self.kind = self.kind[:-2]


def _convert(kind: str, text: str) -> object:
    if kind in _INTEGER:
        return int(text)
    if kind in _FLOAT:
        return float(text)
    if kind == "boolean":
        return text.strip().lower() == "true"
    if kind in _TEMPORAL:
        return FUNCTIONS[kind].impl(None, text)
    if kind == "point":
        expression = parse(f"RETURN point({text}) AS p").parts[0].clauses[0].projection.items[0].expression
        return compile_expression(expression, Scope())({}, ExecutionContext(None, {}))
    return text


_SPECIAL = {"ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"}
_TYPES = _INTEGER | _FLOAT | _TEMPORAL | {"boolean", "string", "point"}


def _check_types(path: str, columns: list[_Column]) -> None:
    """Refuses a header naming a type the importer does not know, at `file:1:column`."""
    for number, column in enumerate(columns, start=1):
        if column.kind not in _TYPES and column.kind not in _SPECIAL:
            known = " ".join(sorted(_TYPES))
            raise ClientError(f"{path}:1:{number}: column {column.name or '(unnamed)'}: unknown type "
                              f"{column.kind!r} (known types: {known}; arrays end with [])",
                              "Neo.ClientError.Statement.ArgumentError")


def _value(column: _Column, text: str, array_delimiter: str = ";") -> object:
    if text == "":
        return None
    if column.array:
        return [_convert(column.kind, item) for item in text.split(array_delimiter)]
    return _convert(column.kind, text)


def _files(specs: list[str]) -> list[tuple[str | None, str]]:
    result = []
    for spec in specs:
        token, sep, path = spec.partition("=")
        result.append((token, path) if sep and not os.path.exists(spec) else (None, spec))
    return result


def command_import(args, out, err) -> int:
    if not args.database:
        raise ValueError("import needs --database NAME (a new database)")
    if not args.nodes:
        raise ValueError("import needs at least one --nodes FILE")
    if not args.data_dir:
        raise ValueError("import needs --data-dir DIR: a database imported into an in-memory DBMS would be "
                         "thrown away when the command ends")
    for _, path in _files(args.nodes) + _files(args.relationships):
        if not os.path.isfile(path):  # before any database is created
            raise (IsADirectoryError if os.path.isdir(path) else FileNotFoundError)(2, "not a file", path)
    name = args.database.lower()
    with open_dbms(args, storage_mode=args.storage_mode) as dbms, _new_database(dbms, args, name) as database:
        mode = dbms.entry(name).storage_mode
        analytical = not database.on_disk
        if analytical:
            _set_storage_mode(dbms, args, name, "IN_MEMORY_ANALYTICAL")
        start = time.perf_counter()
        ids: dict[str | None, dict[str, object]] = {}  # id space → id → node
        counts = {"nodes": 0, "relationships": 0, "properties": 0}
        files = [("nodes", token, path) for token, path in _files(args.nodes)] + \
            [("relationships", token, path) for token, path in _files(args.relationships)]
        # The loader's objects live as long as the graph: the cyclic collector would only walk them over and
        # over (a third of the time at a million relationships). This process is ours; switch it off meanwhile.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                          TimeRemainingColumn(), console=_console(out), transient=True) as progress:
                with _bulk(dbms, args, name, "graphplex import") as txn:
                    for kind, token, path in files:
                        task = progress.add_task(os.path.basename(path), total=os.path.getsize(path))
                        loader = _load_nodes if kind == "nodes" else _load_relationships
                        loader(txn, database, path, token, args.delimiter, args.array_delimiter, ids, counts,
                               lambda position: progress.update(task, completed=position))
            if analytical:
                _set_storage_mode(dbms, args, name, mode)
        finally:
            if collecting:
                gc.enable()
        seconds = time.perf_counter() - start
    elements = counts["nodes"] + counts["relationships"]
    out.write(f"IMPORT DONE in {seconds:.2f} s: {counts['nodes']} nodes, {counts['relationships']} relationships, "
              f"{counts['properties']} properties ({elements / seconds if seconds else 0:,.0f} elements/s)\n")
    return EXIT_OK


def _console(out):
    from rich.console import Console
    return Console(file=out)


@contextmanager
def _table(path: str, delimiter: str) -> Iterator:
    """(columns, file, reader) of a CSV file, the header read and checked; columns is None for an empty file."""
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file, delimiter=delimiter)
        header = next(reader, None)
        columns = None if header is None else [_Column(h) for h in header]
        if columns is not None:
            _check_types(path, columns)
        yield columns, file, reader


class _Batches:
    """The batches of BATCH elements a bulk transaction writes in (`DBMSTransaction.new_batch`): a bulk load never
    holds one huge transaction, and each batch is registered and guarded like one of `CALL { } IN TRANSACTIONS`.
    `txn` is the storage transaction of the current batch. Leaving the `with` block commits the last batch, or on
    an error rolls it back."""

    def __init__(self, bulk, database: str) -> None:
        self.bulk = bulk
        self.database = database
        self.batch = bulk.new_batch(database)
        self.txn = self.batch.transaction
        self.size = 0

    @property
    def room(self) -> int:
        """How many more elements the current batch takes."""
        return BATCH - self.size

    def tick(self) -> None:
        self.advance(1)

    def advance(self, count: int) -> None:
        """`count` more elements were written in the current batch; a full batch is committed."""
        self.size += count
        if self.size >= BATCH:
            self.batch.commit()
            self.batch = self.bulk.new_batch(self.database)
            self.txn = self.batch.transaction
            self.size = 0

    def __enter__(self) -> "_Batches":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.batch.commit()
        else:
            self.batch.rollback()


@contextmanager
def _bulk(dbms, args, name: str, purpose: str, write: bool = True) -> Iterator:
    """The DBMS's bulk transaction for `name` as the command's user: committed when the block ends, rolled back
    on an error."""
    txn = dbms.bulk_transaction(name, purpose, credentials(args), write)
    try:
        yield txn
    except BaseException:
        txn.rollback()
        raise
    txn.commit()


def _set_storage_mode(dbms, args, name: str, mode: str) -> None:
    with dbms.session(database=name, auth=credentials(args)) as session:
        session.run(f"STORAGE MODE {mode}").consume()


@contextmanager
def _new_database(dbms, args, name: str, replace: bool = False) -> Iterator:
    """Creates database `name` (dropping an old one when `replace`) and yields it; if what fills it fails, the
    half-filled database is dropped again, so a failed import or load leaves nothing behind."""
    auth = credentials(args)
    with dbms.session(auth=auth) as session:
        if replace:
            session.run("DROP DATABASE $name IF EXISTS", name=name).consume()
        session.run("CREATE DATABASE $name", name=name).consume()
    try:
        yield dbms.databases[name]
    except BaseException:
        with dbms.session(auth=auth) as session:
            session.run("DROP DATABASE $name IF EXISTS", name=name).consume()
        raise


def _property_readers(columns: list[_Column], path: str, array_delimiter: str) -> list[tuple[int, str, object, object]]:
    """(position, key, converter, column converter) of each property column. The converter is None for plain
    strings (stored as read) and otherwise turns a non-empty field into its value; the column converter is what
    converts a whole column of non-empty fields in one C loop (`str` for plain strings, `int`, `float`), None
    where only the converter will do."""
    readers = []
    for position, column in enumerate(columns):
        if column.kind in _SPECIAL:
            continue
        plain = column.kind == "string" and not column.array
        whole = str if plain else None if column.array else _COLUMN_CONVERTERS.get(column.kind)
        readers.append((position, column.name, None if plain else _field_converter(column, path, array_delimiter), whole))
    return readers


_COLUMN_CONVERTERS = {**dict.fromkeys(_INTEGER, int), **dict.fromkeys(_FLOAT, float)}


def _field_converter(column: _Column, path: str, array_delimiter: str):
    def convert(text: str, number: int) -> object:
        try:
            return _value(column, text, array_delimiter)
        except (ValueError, TypeError, Neo4jError) as error:
            raise _bad_row(path, number, f"column {column.name}: {getattr(error, 'message', error)}") from None
    return convert


def _properties(readers, row: list[str], number: int) -> dict:
    props = {}
    for position, key, convert, _ in readers:
        text = row[position]
        if text:
            if convert is None:
                props[key] = text
            else:
                value = convert(text, number)
                if value is not None:
                    props[key] = value
    return props


def _column_properties(readers, rows: list[list[str]], keys: list[str], values: list[list]) -> list[dict] | None:
    """Each row's property map built column by column in C loops (`keys` / `values`: extra columns put last), the
    same maps `_properties` builds row by row; None when the chunk needs the row-by-row path: an empty field (a
    property left out), a type only the field converter reads, or a value that does not convert (the error
    reported with its line)."""
    keys, values = [key for _, key, _, _ in readers] + keys, \
        [list(map(itemgetter(position), rows)) for position, _, _, _ in readers] + values
    for index, (_, _, _, whole) in enumerate(readers):
        column = values[index]
        if whole is None or "" in column:
            return None
        if whole is not str:
            try:
                values[index] = list(map(whole, column))
            except (ValueError, TypeError):
                return None
    if not keys:
        return [{} for _ in rows]
    return list(map(dict, map(zip, repeat(keys), zip(*values))))


def _chunks(batches: "_Batches", file, reader, path: str, progress) -> Iterator[tuple[int, list[list[str]]]]:
    """(line number of the first, records) of the file's records in chunks that never cross a batch's end: each
    chunk is created by one storage call. The progress bar moves once a chunk."""
    number = 2
    position = file.buffer.tell  # how far the text layer has read: close enough for a progress bar
    while True:
        rows = list(islice(reader, min(CHUNK, batches.room)))
        if not rows:
            break
        yield number, rows
        number += len(rows)
        progress(position())
    progress(os.path.getsize(path))


def _load_nodes(bulk, database, path, label, delimiter, array_delimiter, ids, counts, progress) -> None:
    with _table(path, delimiter) as (columns, file, reader):
        if columns is None:
            return
        extra = (label,) if label else ()
        readers = _property_readers(columns, path, array_delimiter)
        id_column = next(((i, c) for i, c in enumerate(columns) if c.kind == "ID"), None)
        label_positions = [i for i, c in enumerate(columns) if c.kind == "LABEL"]
        space = ids.setdefault(id_column[1].space if id_column is not None else None, {})
        names: dict[str, tuple] = {}  # a label field → its labels

        def by_rows(first: int, rows: list[list[str]]) -> list[tuple]:
            parsed = []
            for number, row in enumerate(rows, start=first):
                if len(row) != len(columns):
                    raise _bad_row(path, number, f"expected {len(columns)} fields, found {len(row)}")
                props = _properties(readers, row, number)
                labels = extra
                for position in label_positions:
                    labels = labels + tuple(name for name in row[position].split(array_delimiter) if name)
                key = None
                if id_column is not None:
                    position, column = id_column
                    key = row[position]
                    if key in space:
                        raise _bad_row(path, number, f"duplicate node id '{key}'")
                    space[key] = None  # taken: the node follows when its chunk is created
                    if column.name:
                        props[column.name] = key
                parsed.append((key, labels, props))
            return parsed

        def by_columns(rows: list[list[str]]) -> list[tuple] | None:
            """What `by_rows` returns, column by column; None when a row needs `by_rows` (and its error)."""
            if set(map(len, rows)) != {len(columns)}:
                return None
            keys = [None] * len(rows)
            named: tuple[list, list] = ([], [])
            if id_column is not None:
                position, column = id_column
                keys = list(map(itemgetter(position), rows))
                if len(set(keys)) != len(keys) or not space.keys().isdisjoint(keys):
                    return None
                if column.name:
                    named = ([column.name], [keys])
            props = _column_properties(readers, rows, *named)
            if props is None:
                return None
            labels = [extra] * len(rows)
            for position in label_positions:
                fields = list(map(itemgetter(position), rows))
                for field in set(fields).difference(names):
                    names[field] = tuple(name for name in field.split(array_delimiter) if name)
                labels = list(map(add, labels, map(names.__getitem__, fields)))
            return list(zip(keys, labels, props))

        with _Batches(bulk, database.name) as batches:
            for number, rows in _chunks(batches, file, reader, path, progress):
                chunk = by_columns(rows) or by_rows(number, rows)
                txn = batches.txn
                specs = [(labels, props) for _, labels, props in chunk]
                if database.on_disk:
                    created = [txn.create_vertex(labels, props) for labels, props in specs]
                else:
                    created = txn.create_vertices(specs)
                if id_column is not None:
                    # In memory a vertex object outlives its transaction; on disk only its id does.
                    space.update(zip([key for key, _, _ in chunk],
                                     [vertex.gid for vertex in created] if database.on_disk else created))
                counts["properties"] += sum(len(props) for _, props in specs)
                counts["nodes"] += len(chunk)
                batches.advance(len(chunk))


def _load_relationships(bulk, database, path, type_, delimiter, array_delimiter, ids, counts, progress) -> None:
    with _table(path, delimiter) as (columns, file, reader):
        if columns is None:
            return
        readers = _property_readers(columns, path, array_delimiter)
        starts = [(i, ids.get(c.space, {})) for i, c in enumerate(columns) if c.kind == "START_ID"]
        ends = [(i, ids.get(c.space, {})) for i, c in enumerate(columns) if c.kind == "END_ID"]
        type_positions = [i for i, c in enumerate(columns) if c.kind == "TYPE"]
        width = len(columns)

        def node(row: list[str], number: int, positions) -> object:
            found = None
            for position, space in positions:
                text = row[position]
                found = space.get(text)
                if found is None:
                    raise _bad_row(path, number, f"no node with id '{text}'")
            return found

        def by_rows(first: int, rows: list[list[str]]) -> list[tuple]:
            parsed = []
            for number, row in enumerate(rows, start=first):
                if len(row) < width:  # missing trailing fields are empty ones
                    row = row + [""] * (width - len(row))
                start, end = node(row, number, starts), node(row, number, ends)
                kind = type_
                for position in type_positions:
                    kind = row[position] or kind
                if start is None or end is None or not kind:
                    raise _bad_row(path, number, "a relationship needs :START_ID, :END_ID and a type")
                parsed.append((kind, start, end, _properties(readers, row, number)))
            return parsed

        def by_columns(rows: list[list[str]]) -> list[tuple] | None:
            """What `by_rows` returns, column by column; None when a row needs `by_rows` (and its error)."""
            if len(starts) != 1 or len(ends) != 1 or len(type_positions) > 1 or min(map(len, rows)) < width:
                return None
            (start, start_space), (end, end_space) = starts[0], ends[0]
            sources = list(map(start_space.get, map(itemgetter(start), rows)))
            targets = list(map(end_space.get, map(itemgetter(end), rows)))
            if None in sources or None in targets:
                return None
            kinds = repeat(type_) if not type_positions else list(map(itemgetter(type_positions[0]), rows))
            if not type_positions and not type_ or type_positions and "" in kinds:
                return None
            props = _column_properties(readers, rows, [], [])
            if props is None:
                return None
            return list(zip(kinds, sources, targets, props))

        with _Batches(bulk, database.name) as batches:
            for number, rows in _chunks(batches, file, reader, path, progress):
                chunk = by_columns(rows) or by_rows(number, rows)
                txn = batches.txn
                for kind, run in _runs_of_one_type(chunk):
                    if database.on_disk:
                        for _, start, end, props in run:
                            txn.create_edge(txn.vertex(start), txn.vertex(end), kind, props)
                    else:
                        txn.create_edges(kind, list(zip(map(itemgetter(1), run), map(itemgetter(2), run))),
                                         list(map(itemgetter(3), run)))
                    counts["properties"] += sum(map(len, map(itemgetter(3), run)))
                counts["relationships"] += len(chunk)
                batches.advance(len(chunk))


def _runs_of_one_type(chunk: list) -> Iterator[tuple[str, list]]:
    """The chunk's relationships in file order, as runs of one type (one `create_edges` call each)."""
    for kind, run in groupby(chunk, itemgetter(0)):
        yield kind, list(run)


def _bad_row(path: str, number: int, detail: str) -> ClientError:
    return ClientError(f"{path}:{number}: {detail}", "Neo.ClientError.Statement.ArgumentError")


# --- dump and load --------------------------------------------------------------------------------------------

def command_dump(args, out, err) -> int:
    with open_dbms(args) as dbms:
        name = args.source.lower()
        database = dbms.databases.get(name)
        if database is None or name == "system":
            raise ValueError(f"no user database named {args.source!r}")
        counts = {"V": 0, "E": 0, "S": 0}

        def counted(operations):
            for operation in operations:
                counts[operation[0]] += 1
                yield operation
        with _bulk(dbms, args, name, "graphplex dump", write=False) as bulk:
            txn = bulk.child(name)
            operations = counted(records.graph_operations(txn, database.storage))
            if args.format == "neo4j-admin":
                written = write_neo4j_admin(operations, Path(args.file), name)
                out.write(f"Dumped {args.source}: {written.nodes} nodes, {written.relationships} relationships to "
                          f"{len(written.files)} CSV files in {args.file} (load them with the commands in "
                          f"{Path(args.file) / 'import.txt'})\n")
                if written.left_out:
                    err.write(f"graphplex: warning: {written.left_out} empty list properties were left out "
                              "(neo4j-admin reads an empty field as no property)\n")
                return EXIT_OK
            if args.format == "cypher":
                schema, skipped = schema_statements(*_schema(dbms, args, name), args.dialect)
                with _text_output(args.file, out) as script:
                    written = write_cypher(operations, schema, script, name, args.dialect)
                if skipped:
                    err.write(f"graphplex: warning: Memgraph has no statement for these indexes and constraints, "
                              f"left out: {', '.join(skipped)}\n")
                if args.file != "-":
                    client = "mgconsole <" if args.dialect == "memgraph" else "cypher-shell -f"
                    out.write(f"Dumped {args.source}: {written.nodes} nodes, {written.relationships} relationships, "
                              f"{len(schema)} schema statements to {args.file} (run it with {client} {args.file}, "
                              "or graphplex run)\n")
                return EXIT_OK
            records.write_graph_file(records.DUMP, args.file, txn.start_ts, operations)
    out.write(f"Dumped {args.source}: {counts['V']} nodes, {counts['E']} relationships to {args.file}\n")
    return EXIT_OK


def _schema(dbms, args, name: str) -> tuple[list[dict], list[dict]]:
    """The database's indexes and constraints as SHOW INDEXES and SHOW CONSTRAINTS give them."""
    with dbms.session(database=name, auth=credentials(args)) as session:
        indexes = [row.data() for row in session.run("SHOW INDEXES YIELD *")]
        constraints = [row.data() for row in session.run("SHOW CONSTRAINTS YIELD *")]
    return indexes, constraints


@contextmanager
def _text_output(path: str, out) -> Iterator:
    """Standard output for `-`, else the file `path`, written beside it first and put in place only when whole:
    a dump that fails (a value with no Cypher literal) leaves no half script that would load half a graph."""
    if path == "-":
        yield out
        return
    partial = f"{path}.partial"
    try:
        with open(partial, "w", encoding="utf-8") as file:
            yield file
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def command_load(args, out, err) -> int:
    name = args.target.lower()
    _, operations = records.read_graph_file(records.DUMP, args.file)  # the whole file checked before any change
    with open_dbms(args) as dbms:
        if dbms.entry(name) is not None and not args.overwrite:
            err.write(f"graphplex: database {name} exists (use --overwrite)\n")
            return EXIT_FAILED
        ids: dict[int, int] = {}
        counts = [0, 0]
        schema = []
        with _new_database(dbms, args, name, replace=args.overwrite), \
                _bulk(dbms, args, name, "graphplex load") as bulk:
            with _Batches(bulk, name) as batches:
                for operation in operations:
                    kind = operation[0]
                    txn = batches.txn
                    if kind == "V":
                        ids[operation[1]] = txn.create_vertex(operation[2], operation[3]).gid
                        counts[0] += 1
                    elif kind == "E":
                        txn.create_edge(txn.vertex(ids[operation[3]]), txn.vertex(ids[operation[4]]),
                                        operation[2], operation[5])
                        counts[1] += 1
                    elif kind == "S":
                        schema.append(SchemaChange(*operation[1:]))
                        continue
                    else:
                        continue
                    batches.tick()
            with _Batches(bulk, name) as batches:
                for change in schema:
                    batches.txn.change_schema(change)
    out.write(f"Loaded {name}: {counts[0]} nodes, {counts[1]} relationships from {args.file}\n")
    return EXIT_OK


__all__ = ["command_import", "command_dump", "command_load"]
