"""The lazy list `range()` returns when it is long: `UNWIND range(1, 10^11) AS x RETURN x LIMIT 1` answers at once.

A `LazyRange` is a `list` (every `isinstance(value, list)` of the engine accepts it) whose elements are computed
from a Python `range` when asked for: its length, indexing, slicing, iteration, `IN` and equality need no
elements in memory. Whatever needs a real list (`+`, `||`, storing, returning it to the client) calls
`materialize`, which builds it in chunks with a termination point and the transaction's memory limit between two.
A short range is a plain list: `RANGE_LAZY_FROM` keeps every small range exactly as before."""
from __future__ import annotations

import itertools

# Ranges with fewer elements are plain lists.
RANGE_LAZY_FROM = 100_000
# Elements materialized between two termination points (and two memory allocations).
CHUNK = 65_536
# Bytes a materialized element is counted as (a list slot and an int).
ELEMENT_BYTES = 36


def make_range(numbers: range, ctx) -> list:
    """`numbers` as a Cypher list: lazy when long. A list's size is a 64-bit integer, so a range of more
    elements (`range(-2^63, 2^63 - 1)`) is refused."""
    try:
        length = len(numbers)
    except OverflowError:
        from graphplex.databases.cypher.errors import argument_error

        raise argument_error(f"range() from {numbers.start} to {numbers.stop - (1 if numbers.step > 0 else -1)} "
                             f"step {numbers.step} has more elements than a list can hold ({2 ** 63 - 1})") from None
    if length < RANGE_LAZY_FROM:
        return list(numbers)
    return LazyRange(numbers, ctx)


class LazyRange(list):
    """A long arithmetic progression of integers that behaves as the list of its elements."""

    def __init__(self, numbers: range, ctx) -> None:
        super().__init__()
        self.numbers = numbers
        self.ctx = ctx

    def materialize(self) -> list:
        """The elements as a plain list, built in chunks: termination and the memory limit apply between two."""
        txn = self.ctx.txn
        out: list = []
        iterator = iter(self.numbers)
        while True:
            if txn.termination is not None:
                txn.check_terminated()
            chunk = list(itertools.islice(iterator, CHUNK))
            if not chunk:
                return out
            txn.memory.allocate(len(chunk) * ELEMENT_BYTES)
            out.extend(chunk)

    def contains(self, value: object) -> bool | None:
        """Cypher `value IN self`: integers and integral floats by arithmetic, nothing else is an element."""
        if value is None:
            return None
        if isinstance(value, bool):
            return False
        if isinstance(value, float):
            return value.is_integer() and int(value) in self.numbers
        return isinstance(value, int) and value in self.numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __bool__(self) -> bool:
        return len(self.numbers) > 0

    def __iter__(self):
        return iter(self.numbers)

    def __reversed__(self):
        return reversed(self.numbers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return make_range(self.numbers[index], self.ctx)
        return self.numbers[index]

    def __contains__(self, value) -> bool:
        return bool(self.contains(value))

    def __eq__(self, other) -> bool:
        if isinstance(other, LazyRange):
            return self.numbers == other.numbers
        if isinstance(other, list):
            return len(other) == len(self) and all(a == b for a, b in zip(self.numbers, other))
        return NotImplemented

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __add__(self, other):
        return self.materialize() + list(other)

    def __radd__(self, other):
        return list(other) + self.materialize()

    def __repr__(self) -> str:
        return f"LazyRange({self.numbers!r})"

    def __reduce__(self):
        return list, (self.materialize(),)
