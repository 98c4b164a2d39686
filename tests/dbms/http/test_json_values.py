"""Typed JSON (`application/vnd.neo4j.query`) carries every parameter value exactly: what a client reads back is
what it would send. Property-based over Cypher's scalar, temporal, spatial and nested values."""
from __future__ import annotations

import datetime as dt
import json
import math
import zoneinfo

from hypothesis import given, strategies as st

from graphplex.http.json_values import plain, read_typed, typed
from graphplex.types import Duration, Point

_ZONES = [zoneinfo.ZoneInfo(name) for name in ("Europe/Oslo", "America/New_York", "Asia/Kolkata", "UTC")]
_OFFSETS = [dt.timezone(dt.timedelta(minutes=m)) for m in (-570, -60, 60, 330)]

integers = st.integers(min_value=-2 ** 63, max_value=2 ** 63 - 1)
floats = st.floats(allow_nan=True, allow_infinity=True)
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
local_times = st.times()
datetimes = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))
zoned = st.builds(lambda moment, zone: moment.replace(tzinfo=zone, fold=0), datetimes, st.sampled_from(_ZONES + _OFFSETS))
offset_times = st.builds(lambda time, zone: time.replace(tzinfo=zone), local_times, st.sampled_from(_OFFSETS))
durations = st.builds(Duration, st.integers(-10 ** 4, 10 ** 4), st.integers(-10 ** 4, 10 ** 4),
                      st.integers(-10 ** 8, 10 ** 8), st.integers(0, 999_999_999))
coordinates = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
points = st.one_of(st.builds(Point, st.sampled_from([7203, 4326]), coordinates, coordinates),
                   st.builds(Point, st.sampled_from([9157, 4979]), coordinates, coordinates, coordinates))
scalars = st.one_of(st.none(), st.booleans(), integers, floats, st.text(), st.binary(max_size=20), dates,
                    local_times, datetimes, zoned, offset_times, durations, points)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                      max_leaves=12)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, dt.datetime) and a.tzinfo is not None:
        return isinstance(b, dt.datetime) and a == b and a.utcoffset() == b.utcoffset() and \
            getattr(a.tzinfo, "key", None) == getattr(b.tzinfo, "key", None)
    if isinstance(a, float):
        return isinstance(b, float) and a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b if not isinstance(a, (dt.date, dt.time)) else a == b


@given(values)
def test_typed_json_reads_back_what_it_wrote(value):
    wire = json.loads(json.dumps(typed(value)))
    assert _same(read_typed(wire), value)
    assert typed(read_typed(wire)) == wire


@given(values)
def test_plain_json_is_always_valid_json(value):
    json.dumps(plain(value), allow_nan=False)
