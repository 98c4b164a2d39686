"""Range predicates on property values in index-key order, shared by every storage's range seeks."""
from __future__ import annotations

from dataclasses import dataclass

from graphplex.databases.values import index_key, is_orderable_key


@dataclass(frozen=True)
class RangeBounds:
    """lower ≤ value ≤ upper (each bound optional, inclusive or not), within the type group of the bounds."""

    low: tuple | None
    high: tuple | None
    lower_inclusive: bool
    upper_inclusive: bool

    @classmethod
    def of(cls, lower: object, upper: object, lower_inclusive: bool, upper_inclusive: bool) -> "RangeBounds":
        return cls(index_key(lower) if lower is not None else None, index_key(upper) if upper is not None else None,
                   lower_inclusive, upper_inclusive)

    @property
    def group(self) -> int | None:
        bound = self.low or self.high
        return bound[0] if bound else None

    def seek_arguments(self) -> tuple:
        """(lower, upper, lower_inclusive, upper_inclusive) for `PropertyIndex.seek_range`."""
        group = self.group
        low_bound = self.low if self.low is not None else (None if group is None else (group,))
        high_bound = self.high if self.high is not None else (None if group is None else (group + 1,))
        return (low_bound, high_bound, self.lower_inclusive if self.low else True,
                self.upper_inclusive if self.high else False)

    def holds(self, value: object) -> bool:
        if value is None:
            return False
        key = index_key(value)
        group = self.group
        if (group is not None and key[0] != group) or not is_orderable_key(key):
            return False
        if self.low is not None and (key < self.low or (key == self.low and not self.lower_inclusive)):
            return False
        if self.high is not None and (key > self.high or (key == self.high and not self.upper_inclusive)):
            return False
        return True
