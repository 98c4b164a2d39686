"""Where a running statement notices that it must stop (TERMINATE, a timeout, a dropped database, a vanished client).

Whoever stops a transaction only sets its `termination` (another thread may do so at any moment); the statement's
own thread raises it at the next termination point and its coordinator rolls it back. The points are few and
cheap — reading one attribute — so they can sit on every path that may run long:

  * between rows of every operator: `Operator` wraps each operator's output in `checked_rows`, so a pipeline stops
    whichever operator produces or filters away its rows;
  * inside expressions that loop: list comprehensions, quantifiers and `reduce` test the mark at each element, and a
    lazy `range` being materialized between chunks (`ranges.LazyRange.materialize`);
  * in procedures and algorithms, and while waiting for a lock (`ctx.check()`, the storage's own waits);
  * in regular expressions, which run in slices of time between two checks (`regex_fullmatch`).
"""
from __future__ import annotations

from typing import Iterable, Iterator

# How long a regular expression runs before its first termination check (seconds); each next slice is twice as long.
REGEX_SLICE = 0.05


def checked_rows(rows: Iterable[dict], ctx) -> Iterator[dict]:
    """The rows unchanged, with a termination point before each is handed on."""
    for row in rows:
        if ctx.txn.termination is not None:
            ctx.txn.check_terminated()
        yield row


def regex_fullmatch(pattern, text: str, ctx) -> bool:
    """Whether the compiled `regex` pattern matches all of `text`, stopping at termination: the match runs in
    slices of time with a termination point between two, each slice twice the last (a match restarts after a
    slice, so a long but finite match costs at most about twice its time, and a stop waits at most that long)."""
    txn = ctx.txn
    slice_ = REGEX_SLICE
    while True:
        if txn.termination is not None:
            txn.check_terminated()
        try:
            return pattern.fullmatch(text, timeout=slice_) is not None
        except TimeoutError:
            slice_ *= 2
