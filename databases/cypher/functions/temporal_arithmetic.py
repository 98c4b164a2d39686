"""Arithmetic on temporal values and durations; NotImplemented tells the caller the operands are not temporal.

Neo4j's rules: a temporal instant plus or minus a duration (months first, day of month clamped; then days; then
seconds and nanoseconds — a date takes only the whole days of those, a time ignores months and days); duration
plus or minus duration (field by field); duration times or divided by a number (an integer factor exactly, a
float one with fractions spilling into smaller units). Anything else involving a temporal value or a duration
is a type error the caller raises.
"""
from __future__ import annotations

import math

from graphplex.databases.cypher.errors import arithmetic_error, division_by_zero
from graphplex.databases.cypher.functions import temporal_values as tv
from graphplex.databases.cypher.values import is_number
from graphplex.databases.values import Duration


def add_temporal(a: object, b: object) -> object:
    if isinstance(a, Duration):
        if isinstance(b, Duration):
            return _combine(a, b, 1)
        if tv.is_temporal(b):
            return tv.add_duration(b, a)
        return NotImplemented
    if isinstance(b, Duration) and tv.is_temporal(a):
        return tv.add_duration(a, b)
    return NotImplemented


def subtract_temporal(a: object, b: object) -> object:
    if isinstance(b, Duration):
        if isinstance(a, Duration):
            return _combine(a, b, -1)
        if tv.is_temporal(a):
            return tv.add_duration(a, b, -1)
    return NotImplemented


def multiply_temporal(a: object, b: object) -> object:
    if isinstance(a, Duration) and is_number(b):
        return _scale(a, b)
    if isinstance(b, Duration) and is_number(a):
        return _scale(b, a)
    return NotImplemented


def divide_temporal(a: object, b: object) -> object:
    if isinstance(a, Duration) and is_number(b):
        if b == 0:
            raise division_by_zero()
        months, days, seconds, nanos = tv.normalized(a)
        divisor = float(b)
        return tv.approximate(months / divisor, days / divisor, seconds / divisor, nanos / divisor)
    return NotImplemented


def _combine(a: Duration, b: Duration, sign: int) -> Duration:
    am, ad, as_, an = tv.normalized(a)
    bm, bd, bs, bn = tv.normalized(b)
    return tv.make_duration(am + sign * bm, ad + sign * bd, as_ + sign * bs, an + sign * bn)


def _scale(duration: Duration, factor: int | float) -> Duration:
    months, days, seconds, nanos = tv.normalized(duration)
    if isinstance(factor, int):
        return tv.make_duration(months * factor, days * factor, seconds * factor, nanos * factor)
    if math.isnan(factor) or math.isinf(factor):
        raise arithmetic_error(f"Cannot multiply a duration by {factor}")
    return tv.approximate(months * factor, days * factor, seconds * factor, nanos * factor)
