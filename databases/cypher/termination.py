"""Where a running statement notices that it must stop (TERMINATE, a timeout, a dropped database, a vanished client).

Whoever stops a transaction only sets its `termination` (another thread may do so at any moment); the statement's
own thread raises it at the next termination point and its coordinator rolls it back. The points are few and
cheap — reading one attribute — so they can sit on every path that may run long:

  * between rows of every operator: `Operator` wraps each operator's output in `checked_rows`, so a pipeline stops
    whichever operator produces or filters away its rows;
  * inside expressions that loop (list comprehensions, quantifiers, `reduce`, materializing a lazy `range`) through
    `checked_items`;
  * in procedures and algorithms, and while waiting for a lock (`ctx.check()`, the storage's own waits);
  * in regular expressions, which run in slices of time (`regex_slice`) between two checks.
"""
from __future__ import annotations

from typing import Iterable, Iterator

# A regular expression runs at most this long between two termination checks (seconds).
REGEX_SLICE = 0.05


def checked_rows(rows: Iterable[dict], ctx) -> Iterator[dict]:
    """The rows unchanged, with a termination point before each is handed on."""
    for row in rows:
        if ctx.txn.termination is not None:
            ctx.txn.check_terminated()
        yield row


def checked_items(items: Iterable, ctx) -> Iterator:
    """The elements of a list an expression loops over, with a termination point before each."""
    txn = ctx.txn
    for item in items:
        if txn.termination is not None:
            txn.check_terminated()
        yield item


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
