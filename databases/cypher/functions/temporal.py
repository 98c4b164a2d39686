"""Temporal functions and the string form of temporal values.

`date`, `localtime`, `time`, `localdatetime` and `datetime` each take nothing (the current instant), a string
(ISO 8601), a map (components, or a temporal to select from with components overriding), or a temporal value
(converted); each also has `.transaction`, `.statement`, `.realtime` (current instant of that clock, optional
time zone) and `.truncate(unit, temporal[, map])`. `datetime.fromepoch`, `datetime.fromepochmillis`,
`duration(map or string)`, `duration.between/inMonths/inDays/inSeconds` and `timestamp()` complete the set.

The current instant: `.statement` (and the plain forms) is fixed for one execution context, `.transaction` for
one transaction, `.realtime` is read at every call. The default time zone is UTC, or `ctx.default_timezone`
when the execution context carries one.
"""
from __future__ import annotations

import datetime as dt
import time as _time

from graphplex.databases.cypher.errors import argument_error, type_error
from graphplex.databases.cypher.functions import temporal_values as tv
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.values import is_number, type_name
from graphplex.databases.values import Duration, Point

DATE, LOCAL_TIME, ZONED_TIME, LOCAL_DATETIME, ZONED_DATETIME = (
    tv.DATE, tv.LOCAL_TIME, tv.ZONED_TIME, tv.LOCAL_DATETIME, tv.ZONED_DATETIME)
_FUNCTION_NAMES = {DATE: "date", LOCAL_TIME: "localtime", ZONED_TIME: "time", LOCAL_DATETIME: "localdatetime",
                   ZONED_DATETIME: "datetime"}
_HAS_DATE = (DATE, LOCAL_DATETIME, ZONED_DATETIME)
_HAS_TIME = (LOCAL_TIME, ZONED_TIME, LOCAL_DATETIME, ZONED_DATETIME)
_ZONED = (ZONED_TIME, ZONED_DATETIME)


# --- string form -------------------------------------------------------------------------------------------

def temporal_to_string(value: object) -> str:
    """Neo4j's string form of a temporal value, a duration or a point (what `toString()` returns)."""
    if isinstance(value, dt.datetime):
        return tv.format_datetime(value)
    if isinstance(value, dt.date):
        return tv.format_date(value)
    if isinstance(value, dt.time):
        return tv.format_time(value)
    if isinstance(value, Duration):
        return tv.format_duration(value)
    if isinstance(value, Point):
        from graphplex.databases.cypher.functions.spatial import point_to_string
        return point_to_string(value)
    raise type_error(f"Expected a temporal value, a duration or a point but was {type_name(value)}")


# --- clocks and the default zone ---------------------------------------------------------------------------

def default_zone(ctx) -> dt.tzinfo:
    zone = getattr(ctx, "default_timezone", None)
    if zone is None:
        return tv.UTC
    if isinstance(zone, dt.tzinfo):
        return zone
    return tv.parse_zone(zone)


def clock_nanos(ctx, clock: str = "statement") -> int:
    """Nanoseconds since the epoch of the given clock: fixed per execution context ('statement'), per
    transaction ('transaction'), or read now ('realtime')."""
    if clock == "realtime" or ctx is None:
        return _time.time_ns()
    holder = ctx if clock == "statement" else (getattr(ctx, "txn", None) or ctx)
    attribute = f"_cypher_{clock}_clock"
    value = getattr(holder, attribute, None)
    if value is None:
        value = _time.time_ns()
        try:
            setattr(holder, attribute, value)
        except (AttributeError, TypeError):
            pass
    return value


def _now(ctx, clock: str, zone_value=None) -> tv.DateTime:
    zone = tv.parse_zone(zone_value) if zone_value is not None else default_zone(ctx)
    return tv.datetime_from_epoch_nanos(clock_nanos(ctx, clock), zone)


def _as_kind(now: tv.DateTime, kind: str) -> object:
    if kind == DATE:
        return tv.date_of(now)
    if kind == LOCAL_TIME:
        return tv.local_time_of(now)
    if kind == ZONED_TIME:
        return tv.make_time(tv.nod_of(now), tv.offset_zone(tv.offset_seconds(now)))
    if kind == LOCAL_DATETIME:
        return tv.local_datetime_of(now)
    return now


# --- selecting from another temporal -----------------------------------------------------------------------

def _cannot(kind: str, value: object) -> Exception:
    return argument_error(f"Cannot construct {_FUNCTION_NAMES[kind]} from: {_describe(value)}")


def _describe(value: object) -> str:
    if tv.is_temporal(value) or isinstance(value, Duration):
        return temporal_to_string(value)
    return repr(value)


def select(kind: str, value: object, ctx=None) -> object:
    """A temporal value converted to `kind` (its date and/or time; a missing zone becomes the default zone)."""
    if kind in _HAS_DATE and not tv.has_date(value):
        raise _cannot(kind, value)
    if kind in _HAS_TIME and not tv.has_time(value):
        raise _cannot(kind, value)
    if kind == DATE:
        return tv.date_of(value)
    if kind == LOCAL_TIME:
        return tv.local_time_of(value)
    if kind == LOCAL_DATETIME:
        return tv.local_datetime_of(value)
    if kind == ZONED_TIME:
        if tv.is_zoned(value):
            return tv.make_time(tv.nod_of(value), tv.offset_zone(tv.offset_seconds(value)))
        return tv.make_time(tv.nod_of(value), tv.time_zone_for_time(default_zone(ctx)))
    if tv.is_zoned(value):
        if isinstance(value, tv.DateTime):
            return value
        return tv.make_zoned_datetime(tv.date_of(value), tv.nod_of(value), value.tzinfo, tv.offset_seconds(value))
    return tv.make_zoned_datetime(tv.date_of(value), tv.nod_of(value), default_zone(ctx))


# --- building from a map -----------------------------------------------------------------------------------

_DATE_FIELDS = ("year", "quarter", "month", "week", "ordinalDay", "dayOfQuarter", "dayOfWeek", "day")
_TIME_FIELDS = ("hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
_SELECTORS = ("date", "time", "datetime")
_FIELDS = {name.lower(): name for name in
           _DATE_FIELDS + _TIME_FIELDS + _SELECTORS + ("timezone", "epochSeconds", "epochMillis")}


def _canonical_fields(fields: dict) -> dict:
    result = {}
    for key, value in fields.items():
        name = _FIELDS.get(key.lower()) if isinstance(key, str) else None
        if name is None:
            raise argument_error(f"No such field: {key}")
        result[name] = value
    return result


def _int_field(name: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise type_error(f"{name} must be an integer value, but was {type_name(value).title()}")


def valid_nano(millisecond, microsecond, nanosecond) -> int:
    """The fraction of the second from millisecond, microsecond and nanosecond components (each within the
    range left by the larger ones)."""
    ms = _int_field("millisecond", millisecond) if millisecond is not None else 0
    us = _int_field("microsecond", microsecond) if microsecond is not None else 0
    ns = _int_field("nanosecond", nanosecond) if nanosecond is not None else 0
    if not 0 <= ms < 1000:
        raise argument_error(f"Invalid value for Millisecond: {ms}")
    if not 0 <= us < (1000 if millisecond is not None else 1_000_000):
        raise argument_error(f"Invalid value for Microsecond: {us}")
    limit = 1000 if microsecond is not None else 1_000_000 if millisecond is not None else 1_000_000_000
    if not 0 <= ns < limit:
        raise argument_error(f"Invalid value for Nanosecond: {ns}")
    return ms * 1_000_000 + us * 1000 + ns


def _build_date(base: dt.date | None, fields: dict) -> dt.date | None:
    present = [name for name in _DATE_FIELDS if name in fields]
    if base is None:
        if not present:
            return None
        if "year" not in fields:
            raise argument_error("year must be specified")
        groups = [group for group, names in (("calendar", ("month", "day")), ("week", ("week", "dayOfWeek")),
                                             ("quarter", ("quarter", "dayOfQuarter")), ("ordinal", ("ordinalDay",)))
                  if any(name in fields for name in names)]
        if len(groups) > 1:
            raise argument_error(f"Cannot combine {' and '.join(groups)} date fields")
        for child, parent in (("day", "month"), ("dayOfWeek", "week"), ("dayOfQuarter", "quarter")):
            if child in fields and parent not in fields:
                raise argument_error(f"{child} cannot be specified without {parent}")
        year = _int_field("year", fields["year"])
        date = tv.week_date(year, 1, 1) if "week" in fields else tv.make_date(year, 1, 1)
    else:
        date = base
    for name in present:
        value = _int_field(name, fields[name])
        if name == "year":
            date = tv.with_week_based_year(date, value) if "week" in fields else tv.with_year(date, value)
        elif name == "quarter":
            date = tv.with_quarter(date, value)
        elif name == "month":
            date = tv.with_month(date, value)
        elif name == "week":
            date = tv.with_week(date, value)
        elif name == "ordinalDay":
            date = tv.with_day_of_year(date, value)
        elif name == "dayOfQuarter":
            date = tv.with_day_of_quarter(date, value)
        elif name == "dayOfWeek":
            date = tv.with_day_of_week(date, value)
        else:
            date = tv.with_day_of_month(date, value)
    return date


def _build_time(base: int | None, fields: dict) -> int | None:
    present = [name for name in _TIME_FIELDS if name in fields]
    if base is None:
        if not present:
            return None
        if "hour" not in fields:
            raise argument_error("hour must be specified")
        order = [("hour", "hour" in fields), ("minute", "minute" in fields), ("second", "second" in fields),
                 ("subsecond", any(name in fields for name in ("millisecond", "microsecond", "nanosecond")))]
        missing = None
        for name, given in order:
            if not given and missing is None:
                missing = name
            elif given and missing is not None:
                raise argument_error(f"{name} cannot be specified without {missing}")
        nod = 0
    else:
        nod = base
    hour, minute, second, nanos = tv.split_nod(nod)
    for name, limit in (("hour", 24), ("minute", 60), ("second", 60)):
        if name in fields:
            value = _int_field(name, fields[name])
            if not 0 <= value < limit:
                raise argument_error(f"Invalid value for {name.capitalize()} (valid values 0 - {limit - 1}): "
                                     f"{value}")
            hour, minute, second = (value if name == "hour" else hour, value if name == "minute" else minute,
                                    value if name == "second" else second)
    if any(name in fields for name in ("millisecond", "microsecond", "nanosecond")):
        nanos = valid_nano(fields.get("millisecond"), fields.get("microsecond"), fields.get("nanosecond"))
    return ((hour * 60 + minute) * 60 + second) * tv.NANOS_PER_SECOND + nanos


def build(kind: str, fields: dict, ctx=None) -> object:
    """A temporal value of `kind` from a Cypher map of components (see the module doc)."""
    fields = _canonical_fields(fields)
    if any(value is None for value in fields.values()):
        return None
    zone = None
    if "timezone" in fields:
        zone = tv.parse_zone(fields.pop("timezone"))
    if not fields:
        if zone is not None:
            return _as_kind(tv.datetime_from_epoch_nanos(clock_nanos(ctx), zone), kind)
        raise argument_error(f"Cannot construct {_FUNCTION_NAMES[kind]} from an empty map")
    if zone is not None and kind not in _ZONED:
        raise argument_error(f"Cannot assign a time zone to a {_FUNCTION_NAMES[kind]}")
    if "epochSeconds" in fields or "epochMillis" in fields:
        return _build_from_epoch(kind, fields, zone, ctx)
    allowed_selectors = {DATE: ("date",), LOCAL_TIME: ("time",), ZONED_TIME: ("time",)}.get(kind, _SELECTORS)
    for name in fields:
        if (name in _SELECTORS and name not in allowed_selectors) or (kind not in _HAS_DATE and name in _DATE_FIELDS) \
                or (kind not in _HAS_TIME and name in _TIME_FIELDS):
            raise argument_error(f"Cannot assign {name} to a {_FUNCTION_NAMES[kind]}")

    date_source = fields.pop("date", None)
    time_source = fields.pop("time", None)
    datetime_source = fields.pop("datetime", None)
    for name, source in (("date", date_source), ("time", time_source), ("datetime", datetime_source)):
        if source is not None and not tv.is_temporal(source):
            raise type_error(f"Cannot construct {_FUNCTION_NAMES[kind]} from {name}: expected a temporal value "
                             f"but was {type_name(source)}")
    if datetime_source is not None:
        if date_source is not None or time_source is not None:
            raise argument_error("Cannot select datetime together with date or time")
        if not (tv.has_date(datetime_source) and tv.has_time(datetime_source)):
            raise _cannot(kind, datetime_source)
        date_source = time_source = datetime_source
    if date_source is not None and not tv.has_date(date_source):
        raise argument_error(f"Cannot get the date of: {_describe(date_source)}")
    if time_source is not None and not tv.has_time(time_source):
        raise argument_error(f"Cannot get the time of: {_describe(time_source)}")

    date = nod = None
    if kind in _HAS_DATE:
        date = _build_date(tv.date_of(date_source) if date_source is not None else None, fields)
        if date is None:
            raise argument_error("year must be specified")
    if kind in _HAS_TIME:
        nod = _build_time(tv.nod_of(time_source) if time_source is not None else None, fields)
        if nod is None:
            if kind in (LOCAL_TIME, ZONED_TIME):
                raise argument_error("hour must be specified")
            nod = 0

    if kind == DATE:
        return date
    if kind == LOCAL_TIME:
        return tv.make_time(nod)
    if kind == LOCAL_DATETIME:
        return tv.make_local_datetime(date, nod)
    source = time_source if time_source is not None else None
    source_zoned = source is not None and tv.is_zoned(source)
    if kind == ZONED_TIME:
        if source_zoned:
            source_offset = tv.offset_seconds(source)
            if zone is None:
                return tv.make_time(nod, tv.offset_zone(source_offset))
            at = source if isinstance(source, dt.datetime) else None
            target = tv.time_zone_for_time(zone, at)
            target_offset = tv.offset_seconds(tv.make_time(0, target))
            return tv.make_time(nod + (target_offset - source_offset) * tv.NANOS_PER_SECOND, target)
        return tv.make_time(nod, tv.time_zone_for_time(zone if zone is not None else default_zone(ctx)))
    if source_zoned:
        local = tv.make_zoned_datetime(date, nod, source.tzinfo, tv.offset_seconds(source))
        return tv.with_zone_same_instant(local, zone) if zone is not None else local
    return tv.make_zoned_datetime(date, nod, zone if zone is not None else default_zone(ctx))


def _build_from_epoch(kind: str, fields: dict, zone, ctx) -> object:
    if kind != ZONED_DATETIME:
        raise argument_error(f"Cannot construct {_FUNCTION_NAMES[kind]} from epochSeconds or epochMillis")
    if "epochSeconds" in fields and "epochMillis" in fields:
        raise argument_error("Cannot specify both epochSeconds and epochMillis")
    extra = set(fields) - {"epochSeconds", "epochMillis", "millisecond", "microsecond", "nanosecond"}
    if extra:
        raise argument_error(f"Cannot assign {sorted(extra)[0]} together with an epoch value")
    if "epochSeconds" in fields:
        nanos = _int_field("epochSeconds", fields["epochSeconds"]) * tv.NANOS_PER_SECOND
    else:
        nanos = _int_field("epochMillis", fields["epochMillis"]) * 1_000_000
    if any(name in fields for name in ("millisecond", "microsecond", "nanosecond")):
        nanos += valid_nano(fields.get("millisecond"), fields.get("microsecond"), fields.get("nanosecond"))
    return tv.datetime_from_epoch_nanos(nanos, zone if zone is not None else default_zone(ctx))


# --- the constructor functions -----------------------------------------------------------------------------

def construct(kind: str, ctx, value) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        zone = default_zone(ctx)
        parse = {DATE: tv.parse_date, LOCAL_TIME: tv.parse_local_time, LOCAL_DATETIME: tv.parse_local_datetime,
                 ZONED_TIME: lambda text: tv.parse_time(text, zone),
                 ZONED_DATETIME: lambda text: tv.parse_datetime(text, zone)}[kind]
        return parse(value)
    if isinstance(value, dict):
        return build(kind, value, ctx)
    if tv.is_temporal(value):
        return select(kind, value, ctx)
    raise type_error(f"Invalid input for function '{_FUNCTION_NAMES[kind]}()': Expected a String, Map or "
                     f"temporal value, got: {type_name(value)}")


_MISSING = object()


def _register_temporal_type(kind: str) -> None:
    name = _FUNCTION_NAMES[kind]

    def constructor(ctx, value=_MISSING):
        if value is _MISSING:
            return _as_kind(_now(ctx, "statement"), kind)
        return construct(kind, ctx, value)

    constructor.__doc__ = (f"Creates a {kind} value: the current one, or from a string, a map of components or "
                           f"another temporal value.")
    function(name, 0, 1, category="temporal", signature=f"{name}([input])", deterministic=False)(constructor)

    for clock in ("transaction", "statement", "realtime"):
        def current(ctx, zone=_MISSING, _clock=clock):
            if zone is None:
                return None
            return _as_kind(_now(ctx, _clock, None if zone is _MISSING else zone), kind)
        current.__doc__ = f"The current {kind} of the {clock} clock, optionally in a given time zone."
        function(f"{name}.{clock}", 0, 1, category="temporal", signature=f"{name}.{clock}([timezone])",
                 deterministic=False)(current)

    def truncate_function(ctx, unit, value, fields=_MISSING):
        return truncate(kind, ctx, unit, value, {} if fields is _MISSING else fields)

    truncate_function.__doc__ = f"Truncates a temporal value to a unit, as a {kind}, optionally overriding fields."
    function(f"{name}.truncate", 2, 3, category="temporal", signature=f"{name}.truncate(unit, input[, map])",
             deterministic=False)(truncate_function)


def truncate(kind: str, ctx, unit, value, fields) -> object:
    """`<kind>.truncate(unit, value, fields)`."""
    if unit is None or value is None or fields is None:
        return None
    unit = tv.truncation_unit(unit)
    if not tv.is_temporal(value):
        raise type_error(f"Invalid input for function '{_FUNCTION_NAMES[kind]}.truncate()': Expected a temporal "
                         f"value, got: {type_name(value)}")
    if not isinstance(fields, dict):
        raise type_error(f"Invalid input for function '{_FUNCTION_NAMES[kind]}.truncate()': Expected a Map, got: "
                         f"{type_name(fields)}")
    fields = _canonical_fields(fields)
    if any(item is None for item in fields.values()):
        return None
    date = None
    if kind in _HAS_DATE:
        if not tv.has_date(value):
            raise argument_error(f"Cannot truncate {_describe(value)} to a {_FUNCTION_NAMES[kind]}: it has no date")
        if kind == DATE and unit not in tv.DATE_UNITS:
            raise argument_error(f"Unit too small for truncating a date: {unit}")
        if unit in tv.DATE_UNITS:
            date, nod = tv.truncate_date(tv.date_of(value), unit), 0
        else:
            date = tv.date_of(value)
            nod = tv.truncate_nod(tv.nod_of(value) if tv.has_time(value) else 0, unit)
    else:
        if not tv.has_time(value):
            raise argument_error(f"Cannot truncate {_describe(value)} to a {_FUNCTION_NAMES[kind]}: it has no time")
        if unit in tv.DATE_UNITS and unit != "day":
            raise argument_error(f"Unit too large for truncating a time: {unit}")
        nod = tv.truncate_nod(tv.nod_of(value), unit)
    nod = _conflicting_subseconds(nod, unit, fields)
    zone = None
    if "timezone" in fields:
        if kind not in _ZONED:
            raise argument_error(f"Cannot assign a time zone to a {_FUNCTION_NAMES[kind]}")
        zone = tv.parse_zone(fields.pop("timezone"))

    if kind == DATE:
        base, selector = date, "date"
    elif kind == LOCAL_TIME:
        base, selector = tv.make_time(nod), "time"
    elif kind == LOCAL_DATETIME:
        base, selector = tv.make_local_datetime(date, nod), "datetime"
    elif kind == ZONED_TIME:
        if zone is not None:
            tz = tv.time_zone_for_time(zone)
        elif tv.is_zoned(value):
            tz = tv.offset_zone(tv.offset_seconds(value))
        else:
            tz = tv.time_zone_for_time(default_zone(ctx))
        base, selector = tv.make_time(nod, tz), "time"
    else:
        if zone is None:
            zone = value.tzinfo if isinstance(value, dt.datetime) and value.tzinfo is not None else default_zone(ctx)
        base, selector = tv.make_zoned_datetime(date, nod, zone), "datetime"
    if not fields:
        return base
    return build(kind, {selector: base, **fields}, ctx)


def _conflicting_subseconds(nod: int, unit: str, fields: dict) -> int:
    """Truncating to milli- or microseconds keeps those digits when the map sets the smaller units."""
    fraction = nod % tv.NANOS_PER_SECOND
    if unit == "millisecond" and ("microsecond" in fields or "nanosecond" in fields):
        nanos = valid_nano(fraction // 1_000_000, fields.pop("microsecond", None), fields.pop("nanosecond", None))
        return nod - fraction + nanos
    if unit == "microsecond" and "nanosecond" in fields:
        nanos = valid_nano(None, fraction // 1000, fields.pop("nanosecond"))
        return nod - fraction + nanos
    return nod


for _kind in (DATE, LOCAL_TIME, ZONED_TIME, LOCAL_DATETIME, ZONED_DATETIME):
    _register_temporal_type(_kind)


@function("datetime.fromepoch", 2, category="temporal", signature="datetime.fromepoch(seconds, nanoseconds)")
def datetime_fromepoch(ctx, seconds, nanoseconds):
    """The UTC date-time of a number of seconds and nanoseconds since the epoch."""
    if seconds is None or nanoseconds is None:
        return None
    nanos = _int_field("seconds", seconds) * tv.NANOS_PER_SECOND + _int_field("nanoseconds", nanoseconds)
    return tv.datetime_from_epoch_nanos(nanos, default_zone(ctx))


@function("datetime.fromepochmillis", 1, category="temporal", signature="datetime.fromepochmillis(milliseconds)")
def datetime_fromepochmillis(ctx, milliseconds):
    """The UTC date-time of a number of milliseconds since the epoch."""
    if milliseconds is None:
        return None
    return tv.datetime_from_epoch_nanos(_int_field("milliseconds", milliseconds) * 1_000_000, default_zone(ctx))


@function("timestamp", 0, category="temporal", signature="timestamp()", deterministic=False)
def timestamp(ctx):
    """Milliseconds since the epoch, of the statement clock."""
    return clock_nanos(ctx) // 1_000_000


# --- durations ---------------------------------------------------------------------------------------------

_DURATION_FIELDS = {name.lower(): name for name in ("years", "quarters", "months", "weeks", "days", "hours",
                                                    "minutes", "seconds", "milliseconds", "microseconds",
                                                    "nanoseconds")}


def build_duration(fields: dict) -> Duration | None:
    values = {}
    for key, value in fields.items():
        name = _DURATION_FIELDS.get(key.lower()) if isinstance(key, str) else None
        if name is None:
            raise argument_error(f"No such field: {key}")
        if value is None:
            return None
        if not is_number(value):
            raise type_error(f"{name} must be a number, but was {type_name(value).title()}")
        values[name] = value
    get = lambda name: values.get(name, 0)  # noqa: E731
    months = get("years") * 12 + get("quarters") * 3 + get("months")
    days = get("weeks") * 7 + get("days")
    seconds = get("hours") * 3600 + get("minutes") * 60 + get("seconds")
    nanos = get("milliseconds") * 1_000_000 + get("microseconds") * 1000 + get("nanoseconds")
    return tv.duration_from_parts(months, days, seconds, nanos)


@function("duration", 1, category="temporal", signature="duration(input)")
def duration(ctx, value):
    """A duration from a map of components (years … nanoseconds, fractions allowed) or an ISO 8601 string."""
    if value is None:
        return None
    if isinstance(value, str):
        return tv.parse_duration(value)
    if isinstance(value, dict):
        return build_duration(value)
    if isinstance(value, Duration):
        return tv.make_duration(*tv.normalized(value))
    raise type_error(f"Invalid input for function 'duration()': Expected a String or Map, got: {type_name(value)}")


def _between(name: str, compute):
    def between(ctx, start, end):
        if start is None or end is None:
            return None
        for value in (start, end):
            if not tv.is_temporal(value):
                raise type_error(f"Invalid input for function '{name}()': Expected a temporal value, got: "
                                 f"{type_name(value)}")
        return compute(start, end)
    between.__doc__ = {
        "duration.between": "The duration from one temporal value to another: months, days, seconds.",
        "duration.inMonths": "The duration from one temporal value to another in whole months.",
        "duration.inDays": "The duration from one temporal value to another in whole days.",
        "duration.inSeconds": "The duration from one temporal value to another in seconds and nanoseconds.",
    }[name]
    function(name, 2, category="temporal", signature=f"{name}(from, to)")(between)
    return between


duration_between = _between("duration.between", tv.duration_between)
duration_in_months = _between("duration.inMonths", tv.duration_in_months)
duration_in_days = _between("duration.inDays", tv.duration_in_days)
duration_in_seconds = _between("duration.inSeconds", tv.duration_in_seconds)
