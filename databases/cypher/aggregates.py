"""Aggregating functions: an accumulator per group, fed one value per row."""
from __future__ import annotations

import math
from typing import Callable, Protocol

from graphplex.databases.cypher.errors import argument_error, arithmetic_error, type_error
from graphplex.databases.cypher.expressions import MAX_INT, MIN_INT
from graphplex.databases.cypher.values import OrderKey, group_key, is_number, type_name
from graphplex.databases.values import Duration


class Accumulator(Protocol):
    """Collects the values of one group; nulls are skipped by every aggregate except count(*)."""

    def add(self, value: object) -> None: ...

    def result(self) -> object: ...


class _Distinct(Accumulator):
    """Feeds each distinct value once to the wrapped accumulator."""

    def __init__(self, inner: Accumulator) -> None:
        self.inner = inner
        self.seen: set = set()

    def add(self, value):
        if value is None:
            return
        key = group_key(value)
        if key not in self.seen:
            self.seen.add(key)
            self.inner.add(value)

    def result(self):
        return self.inner.result()


class DistinctCount(Accumulator):
    """count(DISTINCT x): the number of distinct non-null values, which are all it keeps (no inner count)."""

    def __init__(self) -> None:
        self.seen: set = set()

    def add(self, value):
        if value is not None:
            self.seen.add(group_key(value))

    def result(self):
        return len(self.seen)


class CountStar(Accumulator):
    def __init__(self) -> None:
        self.count = 0

    def add(self, value):
        self.count += 1

    def result(self):
        return self.count


class Count(Accumulator):
    def __init__(self) -> None:
        self.count = 0

    def add(self, value):
        if value is not None:
            self.count += 1

    def result(self):
        return self.count


class Sum(Accumulator):
    def __init__(self) -> None:
        self.total: object = 0
        self.duration: Duration | None = None

    def add(self, value):
        if value is None:
            return
        if isinstance(value, Duration):
            from graphplex.databases.cypher.expressions import add
            self.duration = value if self.duration is None else add(self.duration, value)
            return
        if not is_number(value):
            raise type_error(f"Type mismatch: sum() expects numbers or durations, got {type_name(value)}")
        total = self.total + value
        if type(total) is int and not MIN_INT <= total <= MAX_INT:
            raise arithmetic_error("long overflow")  # Neo4j adds integers with Math.addExact
        self.total = total

    def result(self):
        return self.duration if self.duration is not None else self.total


class Avg(Accumulator):
    def __init__(self) -> None:
        self.total = 0.0
        self.count = 0
        self.durations: list = []

    def add(self, value):
        if value is None:
            return
        if isinstance(value, Duration):
            self.durations.append(value)
            return
        if not is_number(value):
            raise type_error(f"Type mismatch: avg() expects numbers or durations, got {type_name(value)}")
        self.total += value
        self.count += 1

    def result(self):
        if self.durations:
            from graphplex.databases.cypher.expressions import add, divide
            total = self.durations[0]
            for value in self.durations[1:]:
                total = add(total, value)
            return divide(total, len(self.durations))
        return self.total / self.count if self.count else None


class _Extreme(Accumulator):
    """min/max over Cypher's global order (mixed types allowed, as Neo4j does)."""

    def __init__(self, sign: int) -> None:
        self.sign = sign
        self.best: OrderKey | None = None

    def add(self, value):
        if value is None:
            return
        key = OrderKey(value)
        if self.best is None or (key < self.best if self.sign < 0 else self.best < key):
            self.best = key

    def result(self):
        return None if self.best is None else self.best.value


class Collect(Accumulator):
    def __init__(self) -> None:
        self.items: list = []

    def add(self, value):
        if value is not None:
            self.items.append(value)

    def result(self):
        return self.items


class StDev(Accumulator):
    def __init__(self, population: bool) -> None:
        self.population = population
        self.values: list[float] = []

    def add(self, value):
        if value is None:
            return
        if not is_number(value):
            raise type_error(f"Type mismatch: stDev() expects numbers, got {type_name(value)}")
        self.values.append(float(value))

    def result(self):
        n = len(self.values)
        if n < (1 if self.population else 2):
            return 0.0
        mean = sum(self.values) / n
        squares = sum((v - mean) ** 2 for v in self.values)
        return math.sqrt(squares / (n if self.population else n - 1))


class Percentile(Accumulator):
    def __init__(self, continuous: bool) -> None:
        self.continuous = continuous
        self.values: list = []
        self.percentile: float | None = None

    def add_with(self, value, percentile):
        if percentile is None:
            return
        if not is_number(percentile) or not 0.0 <= percentile <= 1.0:
            raise argument_error(f"Invalid input '{percentile}' is not a valid argument, must be a number in the "
                                 "range 0.0 to 1.0")
        self.percentile = float(percentile)
        if value is not None:
            if not is_number(value):
                raise type_error(f"Type mismatch: percentile expects numbers, got {type_name(value)}")
            self.values.append(value)

    def result(self):
        if not self.values or self.percentile is None:
            return None
        values = sorted(self.values)
        p = self.percentile
        if self.continuous:
            position = p * (len(values) - 1)
            low = math.floor(position)
            high = math.ceil(position)
            fraction = position - low
            return float(values[low] + (values[high] - values[low]) * fraction)
        index = max(0, math.ceil(p * len(values)) - 1) if p > 0 else 0
        return values[index]


_FACTORIES: dict[str, Callable[[], Accumulator]] = {
    "count": Count, "sum": Sum, "avg": Avg, "min": lambda: _Extreme(-1), "max": lambda: _Extreme(1),
    "collect": Collect, "stdev": lambda: StDev(False), "stdevp": lambda: StDev(True),
    "percentilecont": lambda: Percentile(True), "percentiledisc": lambda: Percentile(False),
}


def new_accumulator(name: str, distinct: bool) -> Accumulator:
    """A fresh accumulator for the aggregate `name` (lower case); `count(*)` is "count*"."""
    if name == "count*":
        return CountStar()
    if name == "count" and distinct:
        return DistinctCount()
    accumulator = _FACTORIES[name]()
    return _Distinct(accumulator) if distinct and not isinstance(accumulator, Percentile) else accumulator



def seeded_accumulator(name: str, count: int, value: object) -> Accumulator:
    """An accumulator (count(*), count, sum, avg, min or max) that already holds a group's share of rows a column
    scan aggregated (`columnar`): `count` rows (count(*)) or non-null values, and `value` their sum (a float
    total for avg) or extreme (None when `count` is 0). Rows added later go on from there, as if added one by one."""
    accumulator = new_accumulator(name, False)
    if isinstance(accumulator, (CountStar, Count)):
        accumulator.count = count
    elif isinstance(accumulator, Sum):
        accumulator.total = value if count else 0
    elif isinstance(accumulator, Avg):
        accumulator.total, accumulator.count = (value, count) if count else (0.0, 0)
    elif isinstance(accumulator, _Extreme):
        accumulator.best = OrderKey(value) if count else None
    else:
        raise ValueError(f"{name}() cannot be seeded")
    return accumulator
