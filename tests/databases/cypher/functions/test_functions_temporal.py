"""Temporal functions, accessors, arithmetic and value classes beyond the TCK tables."""
from __future__ import annotations

import copy
import datetime as dt
import pickle
import zoneinfo

import pytest
from function_cells import call, evaluate, new_ctx, show

from graphplex.databases.cypher.functions import FUNCTIONS, property_of
from graphplex.databases.cypher.functions.temporal import temporal_to_string
from graphplex.databases.cypher.functions.temporal_values import DateTime, Time, java_double_string
from graphplex.databases.errors import Neo4jError
from graphplex.databases.values import Duration, Point

TYPE_ERROR = "Neo.ClientError.Statement.TypeError"
ARGUMENT_ERROR = "Neo.ClientError.Statement.ArgumentError"


def text(expression: str, **env):
    return show(evaluate(expression, env, ctx=new_ctx()))


def error_code(expression: str, **env) -> str:
    with pytest.raises(Neo4jError) as caught:
        evaluate(expression, env, ctx=new_ctx())
    return caught.value.code


# --- Temporal5: accessors ----------------------------------------------------------------------------------

def fields(value, names: str) -> list:
    return [property_of(value, name.strip()) for name in names.split(",")]


def test_date_accessors():
    d = evaluate("date({year: 1984, month: 10, day: 11})")
    assert fields(d, "year, quarter, month, week, weekYear, day, ordinalDay, weekDay, dayOfQuarter, dayOfWeek") == \
        [1984, 4, 10, 41, 1984, 11, 285, 4, 11, 4]


def test_date_accessors_in_last_week_year():
    d = evaluate("date({year: 1984, month: 1, day: 1})")
    assert fields(d, "year, weekYear, week, weekDay") == [1984, 1983, 52, 7]


def test_local_time_accessors():
    t = evaluate("localtime({hour: 12, minute: 31, second: 14, nanosecond: 645876123})")
    assert fields(t, "hour, minute, second, millisecond, microsecond, nanosecond") == [12, 31, 14, 645, 645876, 645876123]


def test_time_accessors():
    t = evaluate("time({hour: 12, minute: 31, second: 14, nanosecond: 645876123, timezone: '+01:00'})")
    assert fields(t, "hour, minute, second, millisecond, microsecond, nanosecond, timezone, offset, offsetMinutes, "
                     "offsetSeconds") == [12, 31, 14, 645, 645876, 645876123, "+01:00", "+01:00", 60, 3600]


def test_local_datetime_accessors():
    d = evaluate("localdatetime({year: 1984, month: 11, day: 11, hour: 12, minute: 31, second: 14, "
                 "nanosecond: 645876123})")
    assert fields(d, "year, quarter, month, week, weekYear, day, ordinalDay, weekDay, dayOfQuarter, hour, minute, "
                     "second, millisecond, microsecond, nanosecond") == \
        [1984, 4, 11, 45, 1984, 11, 316, 7, 42, 12, 31, 14, 645, 645876, 645876123]


def test_datetime_accessors():
    d = evaluate("datetime({year: 1984, month: 11, day: 11, hour: 12, minute: 31, second: 14, nanosecond: 645876123, "
                 "timezone: 'Europe/Stockholm'})")
    assert fields(d, "year, quarter, month, week, weekYear, day, ordinalDay, weekDay, dayOfQuarter, hour, minute, "
                     "second, millisecond, microsecond, nanosecond, timezone, offset, offsetMinutes, offsetSeconds, "
                     "epochSeconds, epochMillis") == \
        [1984, 4, 11, 45, 1984, 11, 316, 7, 42, 12, 31, 14, 645, 645876, 645876123, "Europe/Stockholm", "+01:00", 60,
         3600, 469020674, 469020674645]


def test_duration_accessors():
    d = evaluate("duration({years: 1, months: 4, days: 10, hours: 1, minutes: 1, seconds: 1, nanoseconds: 111111111})")
    assert fields(d, "years, quarters, months, weeks, days, hours, minutes, seconds, milliseconds, microseconds, "
                     "nanoseconds, quartersOfYear, monthsOfQuarter, monthsOfYear, daysOfWeek, minutesOfHour, "
                     "secondsOfMinute, millisecondsOfSecond, microsecondsOfSecond, nanosecondsOfSecond") == \
        [1, 5, 16, 1, 10, 1, 61, 3661, 3661111, 3661111111, 3661111111111, 1, 1, 4, 3, 1, 1, 111, 111111, 111111111]


def test_negative_duration_accessors_truncate_towards_zero():
    d = evaluate("duration({months: -20, seconds: -1, milliseconds: -500})")
    assert fields(d, "years, monthsOfYear, seconds, nanosecondsOfSecond, milliseconds") == [-1, -8, -2, 500000000,
                                                                                             -1500]


def test_accessor_names_are_case_insensitive_and_unknown_ones_fail():
    d = evaluate("date('2015-07-21')")
    assert property_of(d, "YEAR") == 2015
    with pytest.raises(Neo4jError) as caught:
        property_of(d, "hour")
    assert caught.value.code == ARGUMENT_ERROR
    with pytest.raises(Neo4jError) as caught:
        property_of(evaluate("localdatetime('2015-07-21T12:00')"), "epochSeconds")
    assert caught.value.code == ARGUMENT_ERROR
    with pytest.raises(Neo4jError) as caught:
        property_of("a string", "year")
    assert caught.value.code == TYPE_ERROR


# --- string forms ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("localtime('12:00:00.1')", "12:00:00.100"),
    ("localtime('12:00:00.0001')", "12:00:00.000100"),
    ("localtime('00:00:00')", "00:00"),
    ("date('0028-11-11')", "0028-11-11"),
    ("time('12:34:56-02:05:07')", "12:34:56-02:05:07"),
    ("datetime({year: 2015, month: 7, day: 21, timezone: 'UTC'})", "2015-07-21T00:00Z[UTC]"),
    ("duration('PT0S')", "PT0S"),
    ("duration({seconds: -0.5})", "PT-0.5S"),
    ("duration({months: -20})", "P-1Y-8M"),
    ("duration('P1Y2M10DT12H45M30.5S')", "P1Y2M10DT12H45M30.5S"),
    ("duration({days: 1, milliseconds: -1})", "P1DT-0.001S"),
    ("duration({seconds: -60, milliseconds: -1})", "PT-1M-0.001S"),
])
def test_string_forms(expression, expected):
    assert text(expression) == expected
    assert call("toString", evaluate(expression)) == expected


def test_point_string_form():
    assert temporal_to_string(Point(7203, 1, 2)) == "point({x: 1.0, y: 2.0, crs: 'cartesian'})"
    assert temporal_to_string(Point(4979, 12.5, 56.0, 1e7)) == "point({x: 12.5, y: 56.0, z: 1.0E7, crs: 'wgs-84-3d'})"


@pytest.mark.parametrize("value, expected", [
    (1.0, "1.0"), (0.001, "0.001"), (0.0001, "1.0E-4"), (1e7, "1.0E7"), (9999999.0, "9999999.0"),
    (123.456, "123.456"), (-2.5, "-2.5"), (12345678.9, "1.23456789E7"), (1e-10, "1.0E-10"), (0.0, "0.0"),
    (float("nan"), "NaN"), (float("-inf"), "-Infinity"),
])
def test_java_double_string(value, expected):
    assert java_double_string(value) == expected


def test_to_string_round_trips():
    for expression in ("date({year: 1984, month: 10, day: 11})",
                       "localtime({hour: 12, minute: 31, second: 14, nanosecond: 645876123})",
                       "time({hour: 12, minute: 31, second: 14, nanosecond: 645876123, timezone: '+01:00'})",
                       "localdatetime({year: 1984, month: 10, day: 11, hour: 12, minute: 31, second: 0, nanosecond: 1})",
                       "datetime({year: 2017, month: 8, day: 8, hour: 12, minute: 31, second: 14, "
                       "nanosecond: 645876123, timezone: 'Europe/Stockholm'})",
                       "duration({years: 12, months: 5, days: -14, hours: 16})"):
        value = evaluate(expression)
        function = expression.split("(")[0]
        assert call(function, call("toString", value)) == value


# --- constructors ------------------------------------------------------------------------------------------

def test_select_from_other_temporals():
    dt_value = evaluate("datetime('2015-07-21T21:40:32.142+02:00[Europe/Stockholm]')")
    assert show(call("date", dt_value)) == "2015-07-21"
    assert show(call("localtime", dt_value)) == "21:40:32.142"
    assert show(call("time", dt_value)) == "21:40:32.142+02:00"
    assert show(call("localdatetime", dt_value)) == "2015-07-21T21:40:32.142"
    assert call("datetime", dt_value) == dt_value
    assert show(call("datetime", evaluate("localdatetime('2015-07-21T21:40')"))) == "2015-07-21T21:40Z"
    assert show(call("time", evaluate("localtime('21:40')"))) == "21:40Z"


@pytest.mark.parametrize("expression", [
    "date(localtime('12:00'))", "localtime(date('2015-07-21'))", "localdatetime(date('2015-07-21'))",
    "datetime(time('12:00'))",
])
def test_select_needs_the_parts(expression):
    assert error_code(expression) == ARGUMENT_ERROR


def test_null_propagates():
    for name in ("date", "localtime", "time", "localdatetime", "datetime", "duration", "datetime.fromepochmillis"):
        assert call(name, None) is None
    assert call("date", {"year": None}) is None
    assert call("duration", {"days": None}) is None
    assert call("datetime.fromepoch", None, 1) is None
    assert call("date.truncate", None, evaluate("date('2015-07-21')")) is None
    assert call("date.truncate", "day", None) is None
    assert call("date.statement", None) is None
    for name in ("duration.between", "duration.inMonths", "duration.inDays", "duration.inSeconds"):
        assert call(name, None, evaluate("date('2015-07-21')")) is None


@pytest.mark.parametrize("expression, code", [
    ("date('2015-13-01')", ARGUMENT_ERROR),
    ("date('2015-02-30')", ARGUMENT_ERROR),
    ("date('not a date')", ARGUMENT_ERROR),
    ("date('2015-07-21T12:00')", ARGUMENT_ERROR),
    ("localtime('25:00')", ARGUMENT_ERROR),
    ("localtime('12:00+01:00')", ARGUMENT_ERROR),
    ("localdatetime('2015-07-21T12:00Z')", ARGUMENT_ERROR),
    ("datetime('2015-07-21T12:00+05:00[Europe/Stockholm]')", ARGUMENT_ERROR),
    ("datetime('2015-07-21T12:00[Mars/Olympus_Mons]')", ARGUMENT_ERROR),
    ("time('12:00+19:00')", ARGUMENT_ERROR),
    ("duration('P')", ARGUMENT_ERROR),
    ("duration('PT')", ARGUMENT_ERROR),
    ("duration('P1.5Y2M')", ARGUMENT_ERROR),
    ("duration('1 day')", ARGUMENT_ERROR),
    ("date(42)", TYPE_ERROR),
    ("duration(42)", TYPE_ERROR),
    ("date({})", ARGUMENT_ERROR),
    ("date({month: 1})", ARGUMENT_ERROR),
    ("date({year: 2015, day: 3})", ARGUMENT_ERROR),
    ("date({year: 2015, dayOfWeek: 3})", ARGUMENT_ERROR),
    ("date({year: 2015, month: 2, week: 3})", ARGUMENT_ERROR),
    ("date({year: 2015, month: 2, day: 29})", ARGUMENT_ERROR),
    ("date({year: 2014, week: 53})", ARGUMENT_ERROR),
    ("date({year: 2015, quarter: 2, dayOfQuarter: 92})", ARGUMENT_ERROR),
    ("date({year: 2015, ordinalDay: 366})", ARGUMENT_ERROR),
    ("date({year: 2015, foo: 1})", ARGUMENT_ERROR),
    ("date({year: 2015.5})", TYPE_ERROR),
    ("date({year: 2015, hour: 1})", ARGUMENT_ERROR),
    ("localtime({minute: 1})", ARGUMENT_ERROR),
    ("localtime({hour: 1, second: 1})", ARGUMENT_ERROR),
    ("localtime({hour: 24})", ARGUMENT_ERROR),
    ("localtime({hour: 1, minute: 2, second: 3, millisecond: 1000})", ARGUMENT_ERROR),
    ("localtime({hour: 1, minute: 2, second: 3, millisecond: 1, microsecond: 1000})", ARGUMENT_ERROR),
    ("localtime({hour: 1, timezone: '+01:00'})", ARGUMENT_ERROR),
    ("localdatetime({hour: 1})", ARGUMENT_ERROR),
    ("datetime({year: 2015, timezone: 'Nowhere/Special'})", ARGUMENT_ERROR),
    ("datetime({year: 2015, timezone: 1})", TYPE_ERROR),
    ("duration({days: 'one'})", TYPE_ERROR),
    ("duration({fortnights: 1})", ARGUMENT_ERROR),
])
def test_construction_errors(expression, code):
    assert error_code(expression) == code


def test_map_keys_are_case_insensitive():
    assert text("date({Year: 2015, MONTH: 7, day: 21})") == "2015-07-21"
    assert text("duration({Days: 2})") == "P2D"


def test_week_year_and_week_53():
    assert text("date({year: 2015, week: 53, dayOfWeek: 7})") == "2016-01-03"
    assert text("date('2015-W53-7')") == "2016-01-03"
    assert text("date({date: date('2015-12-31'), year: 2014})") == "2014-12-31"
    assert text("date({date: date('2016-02-29'), year: 2015})") == "2015-02-28"
    assert text("date('2015-Q3-45')") == "2015-08-14"


def test_epoch_constructors():
    assert text("datetime.fromepoch(416779, 999999999)") == "1970-01-05T19:46:19.999999999Z"
    assert text("datetime.fromepochmillis(237821673987)") == "1977-07-15T13:34:33.987Z"
    assert text("datetime({epochSeconds: 469020674, nanosecond: 5})") == "1984-11-11T11:31:14.000000005Z"
    assert text("datetime({epochMillis: 469020674645, timezone: 'Europe/Stockholm'})") == \
        "1984-11-11T12:31:14.645+01:00[Europe/Stockholm]"
    assert error_code("datetime({epochSeconds: 1, year: 1984})") == ARGUMENT_ERROR
    assert error_code("date({epochSeconds: 1})") == ARGUMENT_ERROR


def test_named_zones_resolve_gaps_and_overlaps_like_java():
    assert text("datetime('2017-03-26T02:30[Europe/Stockholm]')") == "2017-03-26T03:30+02:00[Europe/Stockholm]"
    assert text("datetime('2017-10-29T02:30[Europe/Stockholm]')") == "2017-10-29T02:30+02:00[Europe/Stockholm]"
    assert text("datetime('2017-10-29T02:30+01:00[Europe/Stockholm]')") == "2017-10-29T02:30+01:00[Europe/Stockholm]"


# --- current instants --------------------------------------------------------------------------------------

def test_statement_clock_is_fixed_per_context_and_transaction_clock_per_transaction():
    ctx = new_ctx()
    first = call("datetime", ctx=ctx)
    assert call("datetime.statement", ctx=ctx) == first
    assert call("localtime", ctx=ctx) == call("localtime.statement", ctx=ctx)
    assert call("timestamp", ctx=ctx) == property_of(first, "epochMillis")
    transaction = call("datetime.transaction", ctx=ctx)
    other_statement = new_ctx()
    other_statement.txn = ctx.txn
    assert call("datetime.transaction", ctx=other_statement) == transaction
    assert isinstance(call("datetime.realtime", ctx=ctx), DateTime)
    assert abs(property_of(call("datetime.realtime"), "epochSeconds") - property_of(first, "epochSeconds")) < 60


def test_current_instants_in_a_zone():
    ctx = new_ctx()
    now = call("datetime", ctx=ctx)
    stockholm = call("datetime.statement", "Europe/Stockholm", ctx=ctx)
    assert stockholm == now and property_of(stockholm, "timezone") == "Europe/Stockholm"
    assert call("datetime", {"timezone": "Europe/Stockholm"}, ctx=ctx) == now
    assert property_of(call("time", {"timezone": "+05:00"}, ctx=ctx), "offset") == "+05:00"
    assert call("date", {"timezone": "+14:00"}, ctx=ctx) in (call("date", ctx=ctx),
                                                            call("date", ctx=ctx) + dt.timedelta(days=1))
    assert property_of(call("time", ctx=ctx), "timezone") == "Z"
    assert call("localdatetime", ctx=ctx).tzinfo is None


def test_default_time_zone_of_the_context():
    ctx = new_ctx()
    ctx.default_timezone = "Europe/Stockholm"
    assert text_in(ctx, "datetime('2015-07-21T12:00')") == "2015-07-21T12:00+02:00[Europe/Stockholm]"
    assert property_of(call("datetime", ctx=ctx), "timezone") == "Europe/Stockholm"


def text_in(ctx, expression):
    return show(evaluate(expression, ctx=ctx))


# --- arithmetic --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, expected", [
    ("date('2015-01-31') + duration('P1M')", "2015-02-28"),
    ("date('2016-02-29') + duration('P1Y')", "2017-02-28"),
    ("date('2015-03-31') - duration('P1M')", "2015-02-28"),
    ("date('2015-07-21') + duration('PT47H')", "2015-07-22"),
    ("date('2015-07-21') - duration('PT47H')", "2015-07-20"),
    ("localtime('23:00') + duration('PT2H')", "01:00"),
    ("localtime('01:00') - duration('P1DT2H')", "23:00"),
    ("localdatetime('2016-02-29T12:00') - duration('P1Y')", "2015-02-28T12:00"),
    ("datetime('2017-03-25T02:30+01:00[Europe/Stockholm]') + duration('P1D')",
     "2017-03-26T03:30+02:00[Europe/Stockholm]"),
    ("datetime('2017-03-26T01:30+01:00[Europe/Stockholm]') + duration('PT1H')",
     "2017-03-26T03:30+02:00[Europe/Stockholm]"),
    ("datetime('2017-10-28T02:30+02:00[Europe/Stockholm]') + duration('P1D')",
     "2017-10-29T02:30+02:00[Europe/Stockholm]"),
    ("datetime('2017-10-29T01:30+02:00[Europe/Stockholm]') + duration('PT1H')",
     "2017-10-29T02:30+02:00[Europe/Stockholm]"),
    ("datetime('2017-10-29T01:30+02:00[Europe/Stockholm]') + duration('PT2H')",
     "2017-10-29T02:30+01:00[Europe/Stockholm]"),
    ("duration('PT1.5S') * 3", "PT4.5S"),
    ("duration('P1M') / 2", "P15DT5H14M33S"),
    ("duration('P1D') * -1", "P-1D"),
    ("duration('PT1S') - duration('PT1.5S')", "PT-0.5S"),
])
def test_arithmetic(expression, expected):
    assert text(expression) == expected


def test_arithmetic_of_other_types_is_not_temporal():
    from graphplex.databases.cypher.functions.temporal_arithmetic import (
        add_temporal, divide_temporal, multiply_temporal, subtract_temporal,
    )
    d = evaluate("date('2015-07-21')")
    p = evaluate("duration('P1D')")
    assert add_temporal(d, d) is NotImplemented
    assert add_temporal(d, 1) is NotImplemented
    assert subtract_temporal(p, d) is NotImplemented
    assert subtract_temporal(d, d) is NotImplemented
    assert multiply_temporal(d, 2) is NotImplemented
    assert multiply_temporal(p, True) is NotImplemented
    assert divide_temporal(2, p) is NotImplemented
    assert add_temporal(1, 2) is NotImplemented
    with pytest.raises(Neo4jError):
        divide_temporal(p, 0)


def test_durations_are_normalised():
    assert call("duration", {"seconds": 1, "nanoseconds": -1}) == Duration(0, 0, 0, 999_999_999)
    assert call("duration", {"seconds": -1, "milliseconds": 500}) == Duration(0, 0, -1, 500_000_000)
    assert call("duration", {"hours": 25}) == Duration(0, 0, 90000, 0)
    assert call("duration", {"weeks": 1, "quarters": 1}) == Duration(3, 7, 0, 0)
    assert call("duration", Duration(0, 0, 0, -1)) == Duration(0, 0, -1, 999_999_999)


def test_duration_between_details():
    assert text("duration.between(localtime('12:00'), localtime('11:00'))") == "PT-1H"
    assert text("duration.between(date('2015-01-31'), date('2015-03-01'))") == "P1M1D"
    assert text("duration.between(datetime('2017-03-26T00:00[Europe/Stockholm]'), "
                "datetime('2017-03-27T00:00[Europe/Stockholm]'))") == "P1D"
    assert text("duration.inSeconds(datetime('2017-03-26T00:00[Europe/Stockholm]'), "
                "datetime('2017-03-27T00:00[Europe/Stockholm]'))") == "PT23H"
    assert text("duration.between(time('23:00Z'), time('00:30+01:00'))") == "PT30M"
    assert text("duration.between(time('23:00Z'), time('00:30Z'))") == "PT-22H-30M"
    assert error_code("duration.inMonths(localtime('12:00'), localtime('13:00'))") == ARGUMENT_ERROR
    assert error_code("duration.between(date('2015-07-21'), 42)") == TYPE_ERROR


def test_truncate_errors():
    assert error_code("date.truncate('hour', datetime('2015-07-21T12:00Z'))") == ARGUMENT_ERROR
    assert error_code("date.truncate('day', localtime('12:00'))") == ARGUMENT_ERROR
    assert error_code("localtime.truncate('month', localtime('12:00'))") == ARGUMENT_ERROR
    assert error_code("localtime.truncate('hour', date('2015-07-21'))") == ARGUMENT_ERROR
    assert error_code("date.truncate('fortnight', date('2015-07-21'))") == ARGUMENT_ERROR
    assert error_code("localdatetime.truncate('day', date('2015-07-21'), {timezone: '+01:00'})") == ARGUMENT_ERROR
    assert error_code("date.truncate('day', 'today')") == TYPE_ERROR
    assert text("date.truncate('day', datetime('2015-07-21T12:00Z'))") == "2015-07-21"
    assert text("localtime.truncate('day', localtime('12:34'))") == "00:00"
    assert text("date.truncate('WEEK', date('2015-01-01'))") == "2014-12-29"


# --- value classes -----------------------------------------------------------------------------------------

def test_values_are_python_datetime_values():
    assert type(call("date", "2015-07-21")) is dt.date
    for expression, cls in (("localtime('12:00')", dt.time), ("time('12:00')", dt.time),
                            ("localdatetime('2015-07-21T12:00')", dt.datetime),
                            ("datetime('2015-07-21T12:00')", dt.datetime)):
        assert isinstance(evaluate(expression), cls)
    assert isinstance(evaluate("datetime('2015-07-21T12:00[Europe/Stockholm]')").tzinfo, zoneinfo.ZoneInfo)
    assert evaluate("datetime('2015-07-21T12:00+01:00')").tzinfo == dt.timezone(dt.timedelta(hours=1))
    assert evaluate("datetime('2015-07-21T12:00Z')").tzinfo is dt.timezone.utc


def test_nanosecond_values_compare_hash_and_copy():
    a = Time(12, 31, 14, nanosecond=645876123)
    b = Time(12, 31, 14, nanosecond=645876124)
    plain = dt.time(12, 31, 14, 645876)
    assert a != b and a < b and b > a and a.microsecond == b.microsecond == 645876
    assert plain < a and a > plain and plain != a
    same = Time(12, 31, 14, nanosecond=645876000)
    assert same == plain and plain == same and hash(same) == hash(plain) and {plain: 1}[same] == 1
    for value in (a, DateTime(2015, 7, 21, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"), nanosecond=7)):
        restored = pickle.loads(pickle.dumps(value))
        assert restored == value and restored.nanosecond == value.nanosecond and type(restored) is type(value)
        assert copy.deepcopy(value).nanosecond == value.nanosecond
    assert a.replace(hour=1).nanosecond == 645876123
    x = DateTime(2015, 7, 21, 12, nanosecond=1)
    assert x > dt.datetime(2015, 7, 21, 12) and dt.datetime(2015, 7, 21, 12) < x
    assert hash(DateTime(2015, 7, 21, 12, tzinfo=dt.timezone.utc)) == hash(dt.datetime(2015, 7, 21, 12,
                                                                                          tzinfo=dt.timezone.utc))


def test_zoned_datetimes_compare_by_instant_also_in_one_zone():
    early = evaluate("datetime('2017-10-29T02:30+02:00[Europe/Stockholm]')")
    late = evaluate("datetime('2017-10-29T02:15+01:00[Europe/Stockholm]')")
    assert early < late and late > early and early != late
    assert evaluate("datetime('2017-10-29T01:30Z')") == evaluate("datetime('2017-10-29T02:30+01:00[Europe/Stockholm]')")


def test_registry_arities():
    for name in ("date", "localtime", "time", "localdatetime", "datetime"):
        assert (FUNCTIONS[name].min_args, FUNCTIONS[name].max_args) == (0, 1)
        assert (FUNCTIONS[f"{name}.truncate"].min_args, FUNCTIONS[f"{name}.truncate"].max_args) == (2, 3)
        for clock in ("transaction", "statement", "realtime"):
            assert FUNCTIONS[f"{name}.{clock}"].max_args == 1
    assert not FUNCTIONS["datetime"].deterministic and FUNCTIONS["duration.between"].deterministic
