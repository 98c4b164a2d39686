"""The record kinds of a database's files, and the headers that name each file's kind and format version.

The one module that knows what the files hold: the log (one commit record a frame), snapshots and dumps (a graph
file: a begin record, chunks of operations, an end record counting them), all encoded with `codec`. Writers,
recovery and load go through here.

Every file starts with `magic (8 bytes) | format version (u16) | flags (u16, none defined: zero)`; a file of
another kind or of a version this code does not read is refused, naming the file and the version (version 2
added the frame header's number and checksum, `frames`; version 1 files are refused, as nothing was released with
them). Records are framed (`frames`: length, number, payload checksum, header checksum), and a payload starts
with its record kind (one byte):

    0x01 commit      i64 commit timestamp, u32 count, entries        (the log)
    0x02 begin       i64 timestamp                                    (graph files: first)
    0x03 operations  u32 count, entries                               (graph files: chunks)
    0x04 end         u64 operations in the file                       (graph files: last)

An operation is its kind (one byte) and fields; labels, properties and schema fields are codec values:

    0x01 vertex          i64 gid, labels (list of strings), properties (map)
    0x02 edge            i64 gid, type (string), i64 source gid, i64 target gid, properties (map)
    0x03 edge deleted    i64 gid
    0x04 vertex deleted  i64 gid
    0x05 schema change   a map of SchemaChange's fields by name
    0x06 next ids        i64 next vertex gid, i64 next edge gid
    0x07 vertex batch    labels, keys (list of strings), columns (string of struct codes q, d, ?, and s for a
                         string), u32 count, then per vertex: i64 gid and one fixed-width value a key that is not
                         a string; then each string column's values as one list (s added within version 2: older
                         code refuses such a batch as malformed)
    0x08 edge batch      type, keys, columns, u32 count, then per edge: i64 gid, source, target, the values; then
                         the string columns
    0x09 property keys   keys (list of strings): tokens no vertex or edge of the record may hold (a commit's new
                         keys, a snapshot's whole registry; added within version 2: a file without one reads as
                         before, its keys taken from the vertices and edges)

Batches hold runs of vertices (or edges) alike in labels (type), keys and value types whose values are all
integers, floats, booleans or strings: decoding them takes one `struct.iter_unpack` and one list a string column,
which keeps recovery fast. The
count of a commit or operations record counts entries (an operation or a batch); the end record counts
operations.

In memory an operation is the tuple `Storage.replay` takes: ("V", gid, labels, props), ("E", gid, type, src,
dst, props), ("e", gid), ("v", gid), ("S", *SchemaChange fields), ("N", next vertex gid, next edge gid), ("K", [property keys]).
A commit lists its operations as replay needs them: vertices, edges, edge deletions, vertex deletions, schema,
and the property keys it made tokens.
"""
from __future__ import annotations

import itertools
import os
import struct
from dataclasses import astuple, dataclass, fields
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator

from graphplex.databases.durability.codec import (DECODE_ERRORS, SHORT_STRING, decode_from, encode, encode_into,
                                                  encode_map_parts)
from graphplex.databases.durability.codec import LIST as LIST_TAG
from graphplex.databases.durability.frames import DamagedFrame, pack_frame, read_frame
from graphplex.databases.errors import ClientError, DatabaseError, Neo4jError
from graphplex.databases.storage import Edge, SchemaChange, Storage, Transaction, Vertex

FILE_HEADER = struct.Struct("<8sHH")
CHUNK = 10_000  # operations per frame of a graph file


@dataclass(frozen=True)
class FileKind:
    """A kind of file: its magic, the format version written, and the error a file that cannot be read raises."""

    name: str
    magic: bytes
    version: int
    error: type[Neo4jError] = DatabaseError
    code: str = "Neo.DatabaseError.General.UnknownError"
    damage_note: str = "The database was not opened and its files were left untouched."

    @property
    def header(self) -> bytes:
        return FILE_HEADER.pack(self.magic, self.version, 0)

    def refuse(self, message: str) -> Neo4jError:
        return self.error(message, self.code)


LOG = FileKind("transaction log", b"GPX-LOG\n", 2)
SNAPSHOT = FileKind("snapshot", b"GPX-SNAP", 2)
DUMP = FileKind("dump", b"GPX-DUMP", 2, ClientError, "Neo.ClientError.Statement.ArgumentError",
                "Nothing was loaded.")
DISK_STORE = FileKind("disk store", b"GPX-DISK", 1)

# The first dumps began with this line and held pickled frames.
_PICKLE_DUMP = b"GRAPHPLEX-DUMP 1\n"


def check_header(kind: FileKind, path: Path | str, data: bytes) -> int:
    """The size of the header `data` starts with; refuses a file of another kind or an unknown version."""
    if len(data) < FILE_HEADER.size:
        raise kind.refuse(f"The {kind.name} {path} is damaged: {len(data)} bytes are too short for its header. "
                          f"{kind.damage_note}")
    magic, version, flags = FILE_HEADER.unpack_from(data, 0)
    if magic != kind.magic:
        legacy = ("; it is a pickled dump from before format versions, which this graphplex no longer reads"
                  if data.startswith(_PICKLE_DUMP) else "")
        raise kind.refuse(f"The file {path} is not a graphplex {kind.name}: it starts with {data[:8]!r}, not "
                          f"{kind.magic!r}{legacy}. {kind.damage_note}")
    if version != kind.version:
        age = (" (the file is newer)" if version > kind.version
               else " (an older format: there is no migration)" if version else "")
        raise kind.refuse(f"The {kind.name} {path} has format version {version}; this graphplex reads version "
                          f"{kind.version} only{age}. {kind.damage_note}")
    if flags:
        raise kind.refuse(f"The {kind.name} {path} has header flags 0x{flags:04x}, which format version {version} "
                          f"does not define (a damaged header, or a newer graphplex). {kind.damage_note}")
    return FILE_HEADER.size


# --- record kinds -------------------------------------------------------------------------------------------

COMMIT, BEGIN, OPERATIONS, END = 1, 2, 3, 4
VERTEX, EDGE, EDGE_DELETED, VERTEX_DELETED, SCHEMA, NEXT_IDS, VERTEX_BATCH, EDGE_BATCH = 1, 2, 3, 4, 5, 6, 7, 8
PROPERTY_KEYS = 9
BATCH_MIN = 4  # alike operations in a row that are written as one batch
# Property values a batch holds as columns: those of fixed width by their struct codes, strings as "s".
_COLUMNS = {int: "q", float: "d", bool: "?", str: "s"}

_KIND_I64 = struct.Struct("<Bq")
_KIND_U32 = struct.Struct("<BI")
_KIND_U64 = struct.Struct("<BQ")
_KIND_I64_U32 = struct.Struct("<BqI")
_KIND_I64_I64 = struct.Struct("<Bqq")
_I64, _U32, _U64 = struct.Struct("<q"), struct.Struct("<I"), struct.Struct("<Q")
_I64_I64 = struct.Struct("<qq")
_VERTEX_START = struct.Struct("<qBI")  # gid, then the tag and length of the label list
_SCHEMA_FIELDS = tuple(field.name for field in fields(SchemaChange))


def encode_commit(commit_ts: int, operations: list) -> bytes:
    """The log record of one commit."""
    out = bytearray(_KIND_I64_U32.pack(COMMIT, commit_ts, 0))
    _U32.pack_into(out, 9, _encode_operations(operations, out))
    return bytes(out)


def decode_commit(payload: bytes) -> tuple[int, list]:
    """(commit timestamp, operations) of a log record."""
    try:
        kind, commit_ts, count = _KIND_I64_U32.unpack_from(payload, 0)
        if kind != COMMIT:
            raise _malformed(f"record kind {kind} where a commit was expected")
        operations, end = _decode_operations(payload, _KIND_I64_U32.size, count)
    except DECODE_ERRORS as error:
        raise _malformed(f"{type(error).__name__}: {error}") from error
    if end != len(payload):
        _check_end(payload, end)
    return commit_ts, operations


def _encode_operations(operations: list, out: bytearray) -> int:
    """Appends `operations`, runs of alike vertices or edges as batches; returns how many entries."""
    if len(operations) < BATCH_MIN:  # no batch possible: most commits write an entity or two
        for operation in operations:
            _encode_operation(operation, out)
        return len(operations)
    shapes = [_shape(operation) for operation in operations]
    entries = start = 0
    while start < len(operations):
        shape = shapes[start]
        end = start + 1
        if shape is not None:
            while end < len(operations) and shapes[end] == shape:
                end += 1
        if end - start >= BATCH_MIN and _encode_batch(operations[start:end], shape, out):
            entries += 1
        else:
            for operation in operations[start:end]:
                _encode_operation(operation, out)
            entries += end - start
        start = end
    return entries


def _shape(operation: tuple) -> tuple | None:
    """What a batch shares: kind, labels or type, property keys and the columns of its values (fixed-width ones
    and strings); None for an operation with other values (lists, temporal values...), encoded on its own."""
    kind = operation[0]
    if kind != "V" and kind != "E":
        return None
    props = operation[-1]
    if not props:  # most relationships of an imported graph
        return kind, tuple(operation[2]) if kind == "V" else operation[2], (), ""
    columns = ""
    for item in props.values():
        code = _COLUMNS.get(type(item))
        if code is None:
            return None
        columns += code
    return kind, tuple(operation[2]) if kind == "V" else operation[2], tuple(props), columns


def _encode_batch(operations: list, shape: tuple, out: bytearray) -> bool:
    kind, labels_or_type, keys, columns = shape
    row = _row(kind, columns)
    values = list(zip(*[operation[-1].values() for operation in operations])) if columns else []
    fixed = [column for code, column in zip(columns, values) if code != "s"]
    ids = [list(map(itemgetter(position), operations)) for position in ((1,) if kind == "V" else (1, 3, 4))]
    try:
        rows = b"".join(map(row.pack, *ids, *fixed))
    except struct.error:  # an integer beyond 64 bits
        return False
    out.append(VERTEX_BATCH if kind == "V" else EDGE_BATCH)
    encode_into(list(labels_or_type) if kind == "V" else labels_or_type, out)
    encode_into(list(keys), out)
    encode_into(columns, out)
    out += _U32.pack(len(operations))
    out += rows
    for code, column in zip(columns, values):
        if code == "s":
            encode_into(list(column), out)
    return True


_ROWS: dict[tuple[str, str], struct.Struct] = {}


def _row(kind: str, columns: str) -> struct.Struct:
    """The layout of one row of a batch: the ids, then one fixed-width column a property."""
    row = _ROWS.get((kind, columns))
    if row is None:
        if columns.strip("qd?s"):
            raise _malformed(f"batch columns {columns!r}")
        row = _ROWS[(kind, columns)] = struct.Struct(("<q" if kind == "V" else "<qqq") + columns.replace("s", ""))
    return row


def _decode_batch(kind: str, payload: bytes, position: int, append) -> int:
    labels_or_type, position = decode_from(payload, position)
    keys, position = decode_from(payload, position)
    columns, position = decode_from(payload, position)
    if type(columns) is not str or type(keys) is not list or len(keys) != len(columns):
        raise _malformed(f"a batch of {len(keys)} keys and columns {columns!r}")
    row = _row(kind, columns)
    count = _U32.unpack_from(payload, position)[0]
    start = position + 4
    end = start + row.size * count
    if end > len(payload):
        raise _malformed(f"a batch of {count} rows runs past the end of the record")
    rows = row.iter_unpack(payload[start:end])
    if "s" in columns:
        rows, end = _with_strings(rows, columns, 1 if kind == "V" else 3, count, payload, end)
    if kind == "V":
        labels = labels_or_type
        if len(keys) == 1:
            key = keys[0]
            for gid, item in rows:
                append(("V", gid, list(labels), {key: item}))
        else:
            for values in rows:
                append(("V", values[0], list(labels), dict(zip(keys, values[1:]))))
    else:
        for values in rows:
            append(("E", values[0], labels_or_type, values[1], values[2], dict(zip(keys, values[3:]))))
    return end


def _with_strings(rows, columns: str, ids: int, count: int, payload: bytes, position: int) -> tuple[list, int]:
    """The rows of a batch with its string columns (the lists after the fixed-width rows) put in their places;
    the position after the lists."""
    fixed = list(zip(*rows)) or [()] * (ids + len(columns) - columns.count("s"))
    ordered, next_fixed = fixed[:ids], ids
    for code in columns:
        if code == "s":
            strings, position = decode_from(payload, position)
            if type(strings) is not list or len(strings) != count or not all(type(s) is str for s in strings):
                raise _malformed(f"a string column that is not a list of {count} strings")
            ordered.append(strings)
        else:
            ordered.append(fixed[next_fixed])
            next_fixed += 1
    return list(zip(*ordered)), position


def _encode_operation(operation: tuple, out: bytearray) -> None:
    kind = operation[0]
    if kind == "V":
        out += _KIND_I64.pack(VERTEX, operation[1])
        labels = _LABELS.get(tuple(operation[2]))
        if labels is None:
            labels = _remember_labels(operation[2])
        out += labels
        encode_into(operation[3], out)
    elif kind == "E":
        out += _KIND_I64.pack(EDGE, operation[1])
        encode_into(operation[2], out)
        out += _I64_I64.pack(operation[3], operation[4])
        encode_into(operation[5], out)
    elif kind == "e" or kind == "v":
        out += _KIND_I64.pack(EDGE_DELETED if kind == "e" else VERTEX_DELETED, operation[1])
    elif kind == "S":
        out.append(SCHEMA)
        encode_into(dict(zip(_SCHEMA_FIELDS, operation[1:])), out)
    elif kind == "N":
        out += _KIND_I64_I64.pack(NEXT_IDS, operation[1], operation[2])
    elif kind == "K":
        out.append(PROPERTY_KEYS)
        encode_into(list(operation[1]), out)
    else:
        raise ValueError(f"not an operation: {operation!r}")


# Encoded label lists by labels: a graph has few label combinations, and every vertex record holds one.
_LABELS: dict[tuple, bytes] = {}


def _remember_labels(labels: list) -> bytes:
    if len(_LABELS) > 4096:
        _LABELS.clear()
    encoded = _LABELS[tuple(labels)] = encode(list(labels))
    return encoded


def _decode_operations(payload: bytes, position: int, count: int) -> tuple[list, int]:
    operations = []
    append = operations.append
    vertex_start, value = _VERTEX_START.unpack_from, decode_from  # locals: the hot loop
    for _ in range(count):
        kind = payload[position]
        position += 1
        if kind == VERTEX:
            gid, tag, labels_count = vertex_start(payload, position)
            if tag == LIST_TAG and labels_count == 1 and payload[position + 13] == SHORT_STRING:  # one label
                start = position + 15
                position = start + payload[position + 14]
                labels = [payload[start:position].decode("utf-8", "surrogatepass")]
            else:
                labels, position = _decode_labels(payload, position + 8)
            props, position = value(payload, position)
            append(("V", gid, labels, props))
        elif kind == EDGE:
            gid = _I64.unpack_from(payload, position)[0]
            type_, position = decode_from(payload, position + 8)
            src, dst = _I64_I64.unpack_from(payload, position)
            props, position = decode_from(payload, position + 16)
            append(("E", gid, type_, src, dst, props))
        elif kind == EDGE_DELETED or kind == VERTEX_DELETED:
            append(("e" if kind == EDGE_DELETED else "v", _I64.unpack_from(payload, position)[0]))
            position += 8
        elif kind == SCHEMA:
            named, position = decode_from(payload, position)
            append(("S",) + astuple(_schema_change(named)))
        elif kind == NEXT_IDS:
            append(("N",) + _I64_I64.unpack_from(payload, position))
            position += 16
        elif kind == PROPERTY_KEYS:
            keys, position = decode_from(payload, position)
            if type(keys) is not list or not all(type(key) is str for key in keys):
                raise _malformed(f"property keys that are no list of strings: {keys!r}")
            append(("K", keys))
        elif kind == VERTEX_BATCH or kind == EDGE_BATCH:
            position = _decode_batch("V" if kind == VERTEX_BATCH else "E", payload, position, append)
        else:
            raise _malformed(f"unknown operation kind {kind} at byte {position - 1}")
    return operations, position


def _decode_labels(payload: bytes, position: int) -> tuple[list, int]:
    """A vertex's labels: the codec's list of strings, read inline (recovery reads one for every vertex)."""
    if payload[position] != LIST_TAG:
        return decode_from(payload, position)
    count = _U32.unpack_from(payload, position + 1)[0]
    position += 5
    labels = []
    for _ in range(count):
        label, position = decode_from(payload, position)
        if type(label) is not str:
            raise _malformed(f"a label that is not a string before byte {position}")
        labels.append(label)
    return labels, position


def _schema_change(named: object) -> SchemaChange:
    if not isinstance(named, dict) or not set(named) <= set(_SCHEMA_FIELDS):
        raise _malformed(f"a schema change with unknown fields: {named!r}")
    return SchemaChange(**named)


def _check_end(payload: bytes, end: int) -> None:
    if end != len(payload):
        raise _malformed(f"{len(payload) - end} bytes after the record's last operation")


def _malformed(detail: str) -> DatabaseError:
    return DatabaseError(f"Malformed record: {detail}.", "Neo.DatabaseError.General.UnknownError")


# --- what a commit, a snapshot or a dump holds --------------------------------------------------------------

def commit_record(txn: Transaction, commit_ts: int) -> bytes:
    """The log record of a transaction about to publish: `encode_commit(commit_ts, commit_operations(txn))`, byte
    for byte. Most commits write a few vertices or edges and change no schema: their record is encoded straight
    from the entities' versions, with no operation tuples or copies on the way (this runs under the commit lock,
    once a commit). Anything else (deletions, schema changes, new property keys, enough entities for a batch)
    goes the general way."""
    written = txn.written_entities()
    if len(written) >= BATCH_MIN or txn.schema_changes() or txn.new_property_keys():
        return encode_commit(commit_ts, commit_operations(txn))
    own = txn.info
    parts: list = [b""]  # the record's header, once the entries are counted
    edges: list = []  # after every vertex, as replay needs them
    count = 0
    for entity in written:
        head = entity.head
        if head is None or head.owner is not own:
            continue
        if head.deleted:
            return encode_commit(commit_ts, commit_operations(txn))
        if isinstance(entity, Vertex):
            parts.append(_KIND_I64.pack(VERTEX, entity.gid))
            labels = _LABEL_SETS.get(head.labels)
            parts.append(labels if labels is not None else _remember_label_set(head.labels))
            encode_map_parts(head.props, parts)
        elif isinstance(entity, Edge):
            edges.append(_KIND_I64.pack(EDGE, entity.gid) + encode(entity.type)
                         + _I64_I64.pack(entity.src.gid, entity.dst.gid))
            encode_map_parts(head.props, edges)
        else:
            continue
        count += 1
    parts[0] = _KIND_I64_U32.pack(COMMIT, commit_ts, count)
    parts += edges
    return b"".join(parts)


# Encoded label lists by label set: versions share one frozenset a set of labels (`Storage.label_set`).
_LABEL_SETS: dict[frozenset, bytes] = {}


def _remember_label_set(labels: frozenset) -> bytes:
    if len(_LABEL_SETS) > 4096:
        _LABEL_SETS.clear()
    encoded = _LABEL_SETS[labels] = encode(sorted(labels))
    return encoded


def commit_operations(txn: Transaction) -> list:
    """The operations a transaction about to publish leaves behind: the final state of each entity it wrote."""
    own = txn.info
    vertices, edges, dead_edges, dead_vertices = [], [], [], []
    for entity in txn.written_entities():
        head = entity.head
        if head is None or head.owner is not own:
            continue
        existed = head.older is not None
        if isinstance(entity, Vertex):
            if head.deleted:
                if existed:
                    dead_vertices.append(("v", entity.gid))
            else:
                vertices.append(("V", entity.gid, sorted(head.labels), dict(head.props)))
        elif isinstance(entity, Edge):
            if head.deleted:
                if existed:
                    dead_edges.append(("e", entity.gid))
            else:
                edges.append(("E", entity.gid, entity.type, entity.src.gid, entity.dst.gid, dict(head.props)))
    schema = [("S",) + astuple(change) for change in txn.schema_changes()]
    new_keys = txn.new_property_keys()
    tokens = [("K", list(new_keys))] if new_keys else []
    return vertices + edges + dead_edges + dead_vertices + schema + tokens


def graph_operations(txn: Transaction, storage: Storage) -> Iterator[tuple]:
    """What a (snapshot) transaction sees: every vertex, then every edge, then the schema that recreates it. In
    memory the transaction is a new one (a snapshot's or a dump's) and the tables are read directly, each entity
    viewed once (`txn.vertices()` would view it a second time for its version)."""
    if isinstance(txn, Transaction):
        vertices, edges = tuple(storage.vertices.values()), tuple(storage.edges.values())
    else:
        vertices, edges = txn.vertices(), txn.edges()
    view = txn.view
    for vertex in vertices:
        version = view(vertex)
        if version is not None:
            yield ("V", vertex.gid, sorted(version.labels), dict(version.props))
    for edge in edges:
        version = view(edge)
        if version is not None:
            yield ("E", edge.gid, edge.type, edge.src.gid, edge.dst.gid, dict(version.props))
    for change in schema_changes(storage):
        yield ("S",) + astuple(change)


def schema_changes(storage: Storage) -> list[SchemaChange]:
    """The schema as the changes that recreate it: plain, lookup and search indexes, then constraints (which own
    their index), then Memgraph's triggers."""
    constraints = storage.schema.constraints.values()
    owned = {constraint.name for constraint in constraints}
    changes = [SchemaChange("create_index", index.name, index.entity_type, index.label, index.properties,
                            index_type=index.index_type)
               for index in (*storage.indexes.by_name.values(), *storage.schema.lookups.values())
               if index.owning_constraint is None and index.name not in owned]
    changes += [index.as_change() for index in sorted(storage.schema.search.values(), key=lambda i: i.id)]
    # A constraint beside a plain index of its schema (Memgraph keeps the two apart) is recreated as independent.
    beside = {(index.entity_type, index.label, index.properties) for index in storage.indexes.by_name.values()
              if index.owning_constraint is None and index.index_type == "RANGE"}
    changes += [SchemaChange("create_constraint", c.name, c.entity_type, c.label, c.properties, c.kind,
                             c.property_types, independent=(c.entity_type, c.label, c.properties) in beside)
                for c in constraints]
    changes += [trigger.change() for trigger in storage.schema.triggers.values()]
    return changes


# --- graph files: snapshots and dumps -----------------------------------------------------------------------

def write_graph_file(kind: FileKind, path: Path, timestamp: int, operations: Iterable[tuple]) -> int:
    """Writes `operations` as a graph file at `path` atomically (a temporary file, synced, then renamed over
    `path`); returns how many. On any failure the temporary file is removed and `path` is left as it was."""
    temporary = Path(str(path) + ".tmp")
    count = 0
    try:
        with open(temporary, "wb") as file:
            numbers = itertools.count()  # of the frames, as `frames` checks them on reading
            file.write(kind.header + pack_frame(_KIND_I64.pack(BEGIN, timestamp), next(numbers)))
            operations = iter(operations)
            while True:  # full chunks, then a last one with what is left (possibly none)
                chunk = list(itertools.islice(operations, CHUNK))
                file.write(pack_frame(_operations_record(chunk), next(numbers)))
                count += len(chunk)
                if len(chunk) < CHUNK:
                    break
            file.write(pack_frame(_KIND_U64.pack(END, count), next(numbers)))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _operations_record(chunk: list) -> bytes:
    out = bytearray(_KIND_U32.pack(OPERATIONS, 0))
    _U32.pack_into(out, 1, _encode_operations(chunk, out))
    return bytes(out)


def read_graph_file(kind: FileKind, path: Path) -> tuple[int, list]:
    """(timestamp, operations) of a whole graph file; a damaged, foreign or unknown-version file is refused."""
    data = Path(path).read_bytes()
    offset = check_header(kind, path, data)
    timestamp: int | None = None
    operations: list = []
    for number in itertools.count():
        if offset >= len(data):
            raise damaged(kind, path, offset, "it ends before its end record")
        start = offset
        try:
            payload, offset = read_frame(data, offset, number)
        except DamagedFrame as damage:
            raise damaged(kind, path, damage.offset, damage.detail) from None
        try:
            record = payload[0]
            if timestamp is None:
                if record != BEGIN:
                    raise _malformed(f"record kind {record} where the begin record was expected")
                timestamp = _I64.unpack_from(payload, 1)[0]
                _check_end(payload, 1 + _I64.size)
            elif record == OPERATIONS:
                chunk, end = _decode_operations(payload, 1 + _U32.size, _U32.unpack_from(payload, 1)[0])
                _check_end(payload, end)
                operations.extend(chunk)
            elif record == END:
                count = _U64.unpack_from(payload, 1)[0]
                if count != len(operations):
                    raise _malformed(f"the end record counts {count} operations, the file holds {len(operations)}")
                break
            else:
                raise _malformed(f"unknown record kind {record}")
        except (DatabaseError, *DECODE_ERRORS) as error:
            detail = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
            raise damaged(kind, path, start, detail) from error
    if offset != len(data):
        raise damaged(kind, path, offset, f"{len(data) - offset} bytes after the end record")
    return timestamp, operations


def damaged(kind: FileKind, path: Path, offset: int, detail: str) -> Neo4jError:
    """The refusal of a file damaged at `offset`: the one wording of every reader."""
    return kind.refuse(f"The {kind.name} {path} is damaged at offset {offset} ({detail}). {kind.damage_note}")


__all__ = ["FileKind", "LOG", "SNAPSHOT", "DUMP", "DISK_STORE", "FILE_HEADER", "check_header", "damaged",
           "encode_commit", "decode_commit", "commit_record", "commit_operations", "graph_operations", "schema_changes",
           "write_graph_file", "read_graph_file"]
