"""The value encoding of the durable files: every value a graph can hold comes back as it was (type, nanoseconds,
zone, NaN, big integers), the bytes name no Python module, and anything unknown is refused clearly."""
import ast
import datetime as dt
import math
import struct
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from graphplex.databases.durability.codec import decode, encode
from graphplex.databases.errors import DatabaseError
from graphplex.databases.temporal_values import DateTime, Time
from graphplex.databases.values import Duration, Point

ZONES = ["Europe/Stockholm", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC", "Pacific/Chatham"]
nanos = st.integers(0, 999_999_999)
offsets = st.integers(-18 * 3600, 18 * 3600).map(lambda s: dt.timezone(dt.timedelta(seconds=s)))
named = st.sampled_from(ZONES).map(zoneinfo.ZoneInfo)


@st.composite
def times(draw, zone=None):
    return Time(draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59)),
                tzinfo=draw(zone) if zone is not None else None, nanosecond=draw(nanos))


@st.composite
def datetimes(draw, zone=None):
    value = draw(st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)))
    return DateTime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                    tzinfo=draw(zone) if zone is not None else None, fold=draw(st.integers(0, 1)),
                    nanosecond=draw(nanos))


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-2**63, 2**63 - 1), st.floats(), st.text(),
    st.binary(), st.dates(), times(), times(offsets), datetimes(), datetimes(offsets), datetimes(named),
    st.builds(Duration, st.integers(-2**63, 2**63 - 1), st.integers(-2**63, 2**63 - 1),
              st.integers(-2**63, 2**63 - 1), nanos),
    st.builds(Point, st.sampled_from([7203, 4326]), st.floats(), st.floats()),
    st.builds(Point, st.sampled_from([9157, 4979]), st.floats(), st.floats(), st.floats()),
)
hashable = st.one_of(st.integers(), st.text(max_size=5), st.dates(), st.booleans())
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
    st.dictionaries(st.text(max_size=5), inner, max_size=4), st.dictionaries(hashable, inner, max_size=3),
    st.sets(hashable, max_size=4), st.frozensets(hashable, max_size=4)), max_leaves=20)


def same(a, b) -> bool:
    """Equal, of the same type, NaN equal to NaN and 0.0 not to -0.0; zoned values in the same zone and fold."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Point):
        return a.srid == b.srid and all(same(x, y) for x, y in zip((a.x, a.y, a.z), (b.x, b.y, b.z)))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, (Time, DateTime)):
        fold_matters = isinstance(a.tzinfo, zoneinfo.ZoneInfo)  # elsewhere Python and Cypher ignore it
        return a == b and a.nanosecond == b.nanosecond and a.tzinfo == b.tzinfo and a.replace(tzinfo=None) == \
            b.replace(tzinfo=None) and (a.fold == b.fold or not fold_matters)
    return a == b


@settings(max_examples=400)
@given(values)
def test_every_value_comes_back_as_it_was(value):
    assert same(decode(encode(value)), value)


def test_named_zones_keep_their_key_and_fold_and_nanoseconds():
    zone = zoneinfo.ZoneInfo("Europe/Stockholm")
    second = DateTime(2021, 10, 31, 2, 30, tzinfo=zone, fold=1, nanosecond=123456789)  # the repeated hour
    back = decode(encode(second))
    assert back.tzinfo.key == "Europe/Stockholm" and back.fold == 1 and back.nanosecond == 123456789
    assert back.utcoffset() == dt.timedelta(hours=1)


def test_plain_datetime_values_come_back_with_nanoseconds():
    assert decode(encode(dt.time(1, 2, 3, 4))) == Time(1, 2, 3, nanosecond=4000)
    assert type(decode(encode(dt.datetime(2020, 1, 2, 3, 4, 5, 6, dt.timezone.utc)))) is DateTime
    assert type(decode(encode(dt.date(2020, 1, 2)))) is dt.date


def test_integers_beyond_64_bits_and_special_floats():
    for number in (2**63, -2**63 - 1, 10**40, -(10**40), 0, -1, 127, 128, -129, 2**31):
        assert decode(encode(number)) == number and type(decode(encode(number))) is int
    assert math.isnan(decode(encode(math.nan)))
    assert decode(encode(math.inf)) == math.inf and decode(encode(-math.inf)) == -math.inf


def test_the_encoding_names_no_python_module():
    value = [DateTime(2020, 1, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"), nanosecond=1), Time(1, nanosecond=5),
             Duration(1, 2, 3, 4), Point(7203, 1.0, 2.0), {"a": {1, 2}}, frozenset({"x"}), (1, 2)]
    data = encode(value)
    for name in (b"graphplex", b"temporal_values", b"datetime", b"zoneinfo", b"Duration", b"builtins"):
        assert name not in data


def test_an_unknown_tag_is_refused_clearly():
    with pytest.raises(DatabaseError) as caught:
        decode(b"\x7f")
    assert "unknown value tag 0x7f" in caught.value.message
    with pytest.raises(DatabaseError) as caught:
        decode(encode([1, 2]) + b"\x00")
    assert "after the value" in caught.value.message
    with pytest.raises(DatabaseError) as caught:
        decode(encode("a long string")[:-2])
    assert "runs past the end" in caught.value.message
    with pytest.raises(DatabaseError):
        decode(encode(2**40)[:-1])


def test_values_without_an_encoding_are_refused():
    with pytest.raises(DatabaseError) as caught:
        encode(object())
    assert "have no encoding" in caught.value.message
    with pytest.raises(DatabaseError):
        encode(dt.datetime(2020, 1, 1, tzinfo=dt.timezone(dt.timedelta(microseconds=5))))


def test_the_storage_formats_do_not_depend_on_the_cypher_library():
    root = Path(__file__).resolve().parents[3] / "databases"
    modules = [*sorted((root / "durability").glob("*.py")), root / "storage" / "disk" / "store.py",
               root / "temporal_values.py", root / "values.py"]
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            assert not [name for name in names if name.startswith("graphplex.databases.cypher")], path
