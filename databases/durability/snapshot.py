"""Snapshots: the whole committed state of a database at one timestamp, written atomically.

The file is one framed record (the log's framing: length and CRC-32), written to a temporary file, synced,
renamed over the previous snapshot, and the directory synced: a crash leaves the old snapshot or the new one,
never half of either."""
from __future__ import annotations

import os
import zlib
from dataclasses import astuple
from pathlib import Path

from graphplex.databases.durability.codec import decode, encode
from graphplex.databases.durability.wal import HEADER
from graphplex.databases.errors import DatabaseError
from graphplex.databases.storage import SchemaChange, Storage

SNAPSHOT_NAME = "snapshot"


def write_snapshot(storage: Storage, directory: Path) -> int:
    """Writes what a snapshot transaction sees now; returns its timestamp. Runs while others commit."""
    txn = storage.begin("SNAPSHOT_ISOLATION")
    try:
        ts = txn.start_ts
        operations: list = []
        for vertex in txn.vertices():
            version = txn.view(vertex)
            operations.append(("V", vertex.gid, sorted(version.labels), dict(version.props)))
        for edge in txn.edges():
            operations.append(("E", edge.gid, edge.type, edge.src.gid, edge.dst.gid, dict(txn.view(edge).props)))
        operations.extend(("S",) + astuple(change) for change in _schema(storage))
        # Ids are never reused, not even those of entities deleted before the snapshot.
        operations.append(("N", storage.peek_vertex_gid(), storage.peek_edge_gid()))
    finally:
        txn.commit()
    payload = encode((ts, operations))
    temporary = directory / (SNAPSHOT_NAME + ".tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(HEADER.pack(len(payload), zlib.crc32(payload)) + payload)
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise DatabaseError(f"Could not write the snapshot {temporary} ({error.strerror or error}; is the disk "
                            "full?). The previous snapshot and the log are kept.",
                            "Neo.DatabaseError.General.UnknownError") from error
    os.replace(temporary, directory / SNAPSHOT_NAME)
    _sync_directory(directory)
    return ts


def read_snapshot(directory: Path) -> tuple[int, list] | None:
    """(timestamp, operations) of the snapshot, None when there is none; a damaged one is refused."""
    path = directory / SNAPSHOT_NAME
    if not path.exists():
        return None
    data = path.read_bytes()
    if len(data) < HEADER.size:
        raise _damaged(path, 0, "truncated header")
    length, checksum = HEADER.unpack_from(data, 0)
    payload = data[HEADER.size:]
    if len(payload) != length:
        raise _damaged(path, HEADER.size, f"expected {length} bytes, found {len(payload)}")
    if zlib.crc32(payload) != checksum:
        raise _damaged(path, HEADER.size, "checksum mismatch")
    try:
        return decode(payload)
    except Exception as error:
        raise _damaged(path, HEADER.size, str(error)) from error


def _schema(storage: Storage) -> list[SchemaChange]:
    """The schema as the changes that recreate it: plain indexes, then constraints (which own their index)."""
    changes = [SchemaChange("create_index", index.name, index.entity_type, index.label, index.properties)
               for index in storage.indexes.by_name.values() if index.owning_constraint is None]
    changes += [SchemaChange("create_constraint", c.name, c.entity_type, c.label, c.properties, c.kind,
                             c.property_types) for c in storage.schema.constraints.values()]
    return changes


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _damaged(path: Path, offset: int, detail: str) -> DatabaseError:
    return DatabaseError(f"The snapshot {path} is damaged at offset {offset} ({detail}). The database was not "
                         "opened and its files were left untouched.", "Neo.DatabaseError.General.UnknownError")
