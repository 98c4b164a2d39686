"""ON_DISK_TRANSACTIONAL: the committed graph in SQLite, snapshot transactions over it.

The store and its SQLite and file-format modules load on first use (PEP 562): an in-memory database, the usual
start, never needs them."""
from __future__ import annotations

from importlib import import_module

ONLY_SNAPSHOT_ISOLATION = "Snapshot isolation level is the only supported isolation level for disk storage."

__all__ = ["DiskStorage", "ONLY_SNAPSHOT_ISOLATION", "DISK_FILES"]


def __getattr__(name: str):
    if name == "DiskStorage":
        return import_module("graphplex.databases.storage.disk.storage").DiskStorage
    if name == "DISK_FILES":
        # The files of an on-disk store (SQLite's write-ahead log and shared memory beside the database file).
        file_name = import_module("graphplex.databases.storage.disk.store").FILE_NAME
        return (file_name, file_name + "-wal", file_name + "-shm")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
