"""The storage modes Memgraph offers, and what each means for transactions.

IN_MEMORY_TRANSACTIONAL is the default: MVCC isolation, every commit logged. IN_MEMORY_ANALYTICAL gives up
isolation and the log for speed: every transaction reads what any other has written, committed or not (as
READ_UNCOMMITTED), and commits are not logged (a snapshot can still be taken on demand and on close).
ON_DISK_TRANSACTIONAL keeps the committed graph in an on-disk store and allows only snapshot isolation."""
from __future__ import annotations

import enum

from graphplex.databases.errors import ClientError


class StorageMode(enum.Enum):
    IN_MEMORY_TRANSACTIONAL = "IN_MEMORY_TRANSACTIONAL"
    IN_MEMORY_ANALYTICAL = "IN_MEMORY_ANALYTICAL"
    ON_DISK_TRANSACTIONAL = "ON_DISK_TRANSACTIONAL"

    @classmethod
    def parse(cls, value: "str | StorageMode") -> "StorageMode":
        if isinstance(value, cls):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            raise ClientError(f"Unknown storage mode '{value}'. Expected one of "
                              f"{', '.join(mode.value for mode in cls)}.",
                              "Neo.ClientError.General.InvalidArguments") from None


ANALYTICAL_ISOLATION_MESSAGE = (
    "Isolation level cannot be modified when storage mode is set to IN_MEMORY_ANALYTICAL.IN_MEMORY_ANALYTICAL mode "
    "doesn't provide any isolation guarantees, you can think about it as an equivalent to READ_UNCOMMITED.")

