"""Snapshots: the whole committed state of a database at one timestamp, written atomically.

The file is a graph file of `records` (header, begin record with the timestamp, chunks of operations, an end
record), written to a temporary file, synced, renamed over the previous snapshot, and the directory synced: a
crash leaves the old snapshot or the new one, never half of either."""
from __future__ import annotations

import os
from pathlib import Path

from graphplex.databases.durability.records import SNAPSHOT, graph_operations, read_graph_file, write_graph_file
from graphplex.databases.errors import DatabaseError
from graphplex.databases.storage import Storage

SNAPSHOT_NAME = "snapshot"


def write_snapshot(storage: Storage, directory: Path) -> int:
    """Writes what a snapshot transaction sees now; returns its timestamp. Runs while others commit."""
    txn = storage.begin("SNAPSHOT_ISOLATION")
    path = directory / SNAPSHOT_NAME
    try:
        ts = txn.start_ts

        def operations():
            yield from graph_operations(txn, storage)
            # The tokens, also those nothing holds any more (read after the snapshot began: a superset is harmless).
            yield ("K", storage.property_keys.names())
            # Ids are never reused, not even those of entities deleted before the snapshot.
            yield ("N", storage.peek_vertex_gid(), storage.peek_edge_gid())
        write_graph_file(SNAPSHOT, path, ts, operations())
    except OSError as error:
        raise DatabaseError(f"Could not write the snapshot {path}.tmp ({error.strerror or error}; is the disk "
                            "full?). The previous snapshot and the log are kept.",
                            "Neo.DatabaseError.General.UnknownError") from error
    finally:
        txn.commit()
    _sync_directory(directory)
    return ts


def read_snapshot(directory: Path) -> tuple[int, list] | None:
    """(timestamp, operations) of the snapshot, None when there is none; a damaged one is refused."""
    path = directory / SNAPSHOT_NAME
    if not path.exists():
        return None
    return read_graph_file(SNAPSHOT, path)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
