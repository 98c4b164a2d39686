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
# Running out of a memory limit, in either dialect's words: a retryable transient error (Memgraph's clients read it as
# `Memgraph.TransientError.…`, translated where the Bolt failure is built).
OUT_OF_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


def value_bytes(value: object) -> int:
    """Approximate size of one property value."""
    kind = type(value)
    if kind is str:
        return 49 + len(value)
    if kind is int or kind is float or kind is bool:
        return 28
    if kind is list or kind is tuple:
        return 56 + 8 * len(value) + sum(value_bytes(v) for v in value)
    if kind is dict:  # a map property (Memgraph's), counted with what it holds as an entity's property map is
        return props_bytes(value)
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


class MemoryScope:
    """A tighter limit for part of a transaction's work — one statement (Memgraph's `QUERY MEMORY LIMIT`) or one
    procedure's calls (`PROCEDURE MEMORY LIMIT`) — counting only what the tracker allocates while the scope is
    entered: work is pulled lazily, so a scope is entered for each pull and what other work does in between is not
    its own. `clause` names it in Neo4j's message; `memgraph` (a session of Memgraph's dialect) fails with
    Memgraph's message instead (its code is the same: Memgraph's clients read Memgraph's form of it)."""

    __slots__ = ("limit", "clause", "memgraph", "spent", "entered_at")

    def __init__(self, limit: int, clause: str = "QUERY MEMORY LIMIT", memgraph: bool = False) -> None:
        self.limit = limit
        self.clause = clause
        self.memgraph = memgraph
        self.spent = 0          # over the pulls that ended
        self.entered_at = 0     # the tracker's `used` when the current pull began

    def check(self, used: int, size: int) -> None:
        """Refuses an allocation of `size` bytes, the tracker having `used` now, that would pass the limit."""
        current = self.spent + used - self.entered_at
        if current + size <= self.limit:
            return
        if self.memgraph:
            raise TransientError(
                f"Memory limit exceeded! Attempting to allocate a chunk of {readable_size(size)} which would put "
                f"the current use to {readable_size(current + size)}, while the maximum allowed size for allocation "
                f"is set to {readable_size(self.limit)}.", OUT_OF_MEMORY)
        raise TransientError(
            f"The allocation of an extra {format_bytes(size)} would use more than the limit "
            f"{format_bytes(self.limit)}. Currently using {format_bytes(current)}. {self.clause} threshold reached",
            OUT_OF_MEMORY)


def readable_size(size: int) -> str:
    """Memgraph's memory size format (`utils::GetReadableSize`): `{n}B` below 1 KiB, else `%.2f` KiB, MiB …"""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.0f}B" if unit == "B" else f"{value:.2f}{unit}"
        value /= 1024
    return f"{value:.2f}TiB"


class MemoryTracker:
    """Counts a transaction's change-state bytes and refuses an allocation that would pass `limit` (the
    transaction's, `transaction_memory_max`) or the limit of an entered `MemoryScope`."""

    __slots__ = ("used", "limit", "scopes")

    def __init__(self, limit: int | None = None) -> None:
        self.used = 0
        self.limit = limit
        self.scopes: list[MemoryScope] = []

    @property
    def bounded(self) -> bool:
        """Whether some limit applies now (working memory is only estimated then)."""
        return self.limit is not None or bool(self.scopes)

    def allocate(self, size: int) -> None:
        if self.limit is not None and self.used + size > self.limit:
            raise TransientError(
                f"The allocation of an extra {format_bytes(size)} would use more than the limit "
                f"{format_bytes(self.limit)}. Currently using {format_bytes(self.used)}. "
                "db.memory.transaction.max threshold reached",
                "Neo.TransientError.General.MemoryPoolOutOfMemoryError")
        for scope in self.scopes:
            scope.check(self.used, size)
        self.used += size

    def enter(self, scope: MemoryScope) -> None:
        """Counts what is allocated from now against `scope` too, until `leave`."""
        scope.entered_at = self.used
        self.scopes.append(scope)

    def leave(self, scope: MemoryScope) -> None:
        """Stops counting against `scope`, keeping what it was charged while entered."""
        scope.spent += self.used - scope.entered_at
        self.scopes.remove(scope)
