"""A query's working memory — rows a sort or DISTINCT holds, collected lists, lists and strings built by
expressions — counted against the transaction's memory limit (`transaction_memory_max`) beside its changes.

A buffer holds its bytes (`Held.add`) while it grows and gives them back (`Held.release`) once whoever owns it is
done: the limit bounds what is alive at once, not what a long transaction allocated over time. Without a limit
nothing is counted (the sizes are not even estimated). Sizes are estimates, as the storage's are."""
from __future__ import annotations

from typing import Iterable, Iterator

from graphplex.databases.cypher.context import MEMGRAPH, ExecutionContext
from graphplex.databases.storage.memory import MemoryScope, value_bytes


# What a buffered row costs beside its values: the dict and a slot per column.
ROW_BYTES = 64
SLOT_BYTES = 16
# Held bytes are allocated in the tracker in steps of this size.
STEP = 32_768


class Held:
    """The bytes one buffer of a running query holds, counted in its transaction's memory tracker (in steps of
    `STEP` bytes, so that a buffer of small elements costs an addition per element, not a call)."""

    __slots__ = ("memory", "bytes", "pending")

    def __init__(self, ctx) -> None:
        memory = ctx.txn.memory
        self.memory = memory if memory.bounded else None
        self.bytes = 0      # allocated in the tracker
        self.pending = 0    # held, not yet allocated

    @property
    def counting(self) -> bool:
        return self.memory is not None

    def add(self, size: int) -> None:
        """Holds `size` more bytes; raises MemoryPoolOutOfMemoryError beyond the limit."""
        if self.memory is not None:
            self.pending += size
            if self.pending >= STEP:
                self.memory.allocate(self.pending)
                self.bytes += self.pending
                self.pending = 0

    def add_value(self, value: object) -> None:
        if self.memory is not None:
            self.add(_size(value))

    def add_element(self, value: object) -> None:
        """Holds an element of a list being built (its slot and its value)."""
        if self.memory is not None:
            self.add(8 + _size(value))

    def add_row(self, row: dict) -> None:
        if self.memory is not None:
            self.add(ROW_BYTES + SLOT_BYTES * len(row))

    def add_rows(self, count: int, width: int) -> None:
        """Holds `count` rows of `width` values each (rows a column scan grouped without making them)."""
        if self.memory is not None:
            self.add(count * (ROW_BYTES + SLOT_BYTES * width))

    def hold_only(self, value: object) -> None:
        """Holds just what `value` takes, shallowly (an accumulator replaced at every step of `reduce`)."""
        if self.memory is not None:
            self.release()
            kind = type(value)
            if kind is str:
                self.add(49 + len(value))
            elif isinstance(value, list):
                self.add(56 + 8 * len(value))

    def release(self) -> None:
        """Gives back everything held."""
        if self.memory is not None:
            if self.bytes:
                self.memory.used = max(0, self.memory.used - self.bytes)
            self.bytes = self.pending = 0


def within(rows: Iterable, ctx: ExecutionContext, limit: int, clause: str) -> Iterator:
    """`rows`, pulled under a `MemoryScope` of `limit` bytes (`clause` names it): what producing them allocates
    (writes, buffers) counts against `limit`, besides the transaction's own limit; what the consumer does between
    pulls does not. A statement of a Memgraph session fails in Memgraph's words."""
    memory = ctx.txn.memory
    scope = MemoryScope(limit, clause, ctx.host is not None and ctx.host.dialect == MEMGRAPH)
    iterator = iter(rows)
    while True:
        memory.enter(scope)
        try:
            row = next(iterator)
        except StopIteration:
            return
        finally:
            memory.leave(scope)
        yield row


def held_until_done(records: Iterable[dict], ctx: ExecutionContext) -> Iterator[dict]:
    """A procedure call's records, each held in working memory until the call's last one is pulled. Memgraph keeps
    a procedure's results in the query's memory until the query has pulled them, so under its memory limits
    (QUERY and PROCEDURE MEMORY LIMIT) what a procedure yields counts as a list the query builds does."""
    held = Held(ctx)
    try:
        for record in records:
            held.add_value(record)
            yield record
    finally:
        held.release()


def _size(value: object) -> int:
    kind = type(value)
    if kind is int or kind is float or kind is bool or value is None:
        return 28
    return value_bytes(value)
