"""Estimates of the memory a transaction's change state holds, so that a per-transaction limit can be enforced.

The figures are estimates in the spirit of Neo4j's memory tracking: what CPython allocates for the objects a
write creates (a version with its slots, a copied property map, a new entity), not a measurement.
"""
from __future__ import annotations

import sys

from graphplex.databases.errors import TransientError, format_bytes

VERSION_BYTES = 88
ENTITY_BYTES = 72
DICT_BYTES = 64
ENTRY_BYTES = 40


def value_bytes(value: object) -> int:
    """Approximate size of one property value."""
    kind = type(value)
    if kind is str:
        return 49 + len(value)
    if kind is int or kind is float or kind is bool:
        return 28
    if kind is list or kind is tuple:
        return 56 + 8 * len(value) + sum(value_bytes(v) for v in value)
    return sys.getsizeof(value)


def props_bytes(props: dict) -> int:
    size = DICT_BYTES + len(props) * (ENTRY_BYTES + 28)
    for value in props.values():
        kind = type(value)
        if kind is str:
            size += 21 + len(value)
        elif kind is not int and kind is not float and kind is not bool:
            size += value_bytes(value) - 28
    return size


class MemoryTracker:
    """Counts a transaction's change-state bytes and refuses an allocation that would pass `limit`."""

    __slots__ = ("used", "limit")

    def __init__(self, limit: int | None = None) -> None:
        self.used = 0
        self.limit = limit

    def allocate(self, size: int) -> None:
        if self.limit is not None and self.used + size > self.limit:
            raise TransientError(
                f"The allocation of an extra {format_bytes(size)} would use more than the limit "
                f"{format_bytes(self.limit)}. Currently using {format_bytes(self.used)}. "
                "db.memory.transaction.max threshold reached",
                "Neo.TransientError.General.MemoryPoolOutOfMemoryError")
        self.used += size
