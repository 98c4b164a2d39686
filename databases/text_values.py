"""Temporal, spatial and duration values as text, both ways, in the forms Neo4j's HTTP Query API writes and reads.

A protocol that carries these values as strings (JSON has no date, duration or point) names each by a kind and
writes it with Java's ISO formatters, as the Query API of Neo4j 5.26 does: seconds always present, the fraction
with as many digits as it needs, points as EWKT (`SRID=4326;POINT (1.5 2.5)`), durations as `DurationValue`
prints them. Reading takes what Cypher's own constructors take (`date('…')`, `duration('…')`), so a client may
send what it received."""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from graphplex.databases.cypher.functions.temporal_values import (
    UTC, format_duration, java_double_string as format_float, parse_date, parse_datetime, parse_duration, parse_local_datetime,
    parse_local_time, parse_time,
)
from graphplex.databases.errors import ClientError
from graphplex.databases.temporal_values import format_date, format_zone, nanos_of, offset_string
from graphplex.databases.values import Duration, Point

_EWKT = re.compile(r"\s*SRID=(?P<srid>\d+)\s*;\s*POINT\s*(?P<z>Z\s*)?\(\s*(?P<coordinates>[^)]*)\)\s*", re.IGNORECASE)


def kind_of(value: object) -> str | None:
    """The Query API's type name of a temporal, spatial or duration value (None for any other value). A date-time
    with a named zone is a `ZonedDateTime`, one with an offset only an `OffsetDateTime`."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return "LocalDateTime"
        return "ZonedDateTime" if isinstance(value.tzinfo, zoneinfo.ZoneInfo) else "OffsetDateTime"
    if isinstance(value, dt.date):
        return "Date"
    if isinstance(value, dt.time):
        return "LocalTime" if value.tzinfo is None else "Time"
    if isinstance(value, Duration):
        return "Duration"
    if isinstance(value, Point):
        return "Point"
    return None


def format_value(value: object, zone_name: bool = True) -> str:
    """The text of a value `kind_of` names. `zone_name=False` leaves a date-time's zone name out (its offset
    stays): Neo4j's plain JSON writes date-times with `ISO_OFFSET_DATE_TIME`."""
    if isinstance(value, dt.datetime):
        text = f"{format_date(value)}T{_time_of_day(value)}"
        if value.tzinfo is None:
            return text
        return text + (format_zone(value) if zone_name else offset_string(int(value.utcoffset().total_seconds())))
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        text = _time_of_day(value)
        if value.tzinfo is None:
            return text
        offset = value.utcoffset() if not isinstance(value.tzinfo, zoneinfo.ZoneInfo) else \
            value.tzinfo.utcoffset(dt.datetime.now())
        return text + offset_string(int(offset.total_seconds()))
    if isinstance(value, Duration):
        return format_duration(value)
    if isinstance(value, Point):
        coordinates = [value.x, value.y] + ([] if value.z is None else [value.z])
        numbers = " ".join(format_float(float(c)) for c in coordinates)
        return f"SRID={value.srid};POINT {'Z ' if value.z is not None else ''}({numbers})"
    raise TypeError(f"{type(value).__name__} has no text form")


def _time_of_day(value) -> str:
    """`ISO_LOCAL_TIME`: hours, minutes and seconds, then the fraction of a second without trailing zeros."""
    text = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    nanos = nanos_of(value)
    return text + "." + f"{nanos:09d}".rstrip("0") if nanos else text


def parse_value(kind: str, text: str) -> object:
    """The value of `kind` that `text` writes; a text that is not one is a ClientError naming the kind."""
    parse = _PARSERS.get(kind)
    if parse is None:
        raise ClientError(f"Unknown type '{kind}'", "Neo.ClientError.Request.Invalid")
    try:
        return parse(text)
    except ClientError as error:
        raise ClientError(f"Invalid {kind} value '{text}': {error.message}", "Neo.ClientError.Request.Invalid") \
            from None
    except (ValueError, OverflowError) as error:
        raise ClientError(f"Invalid {kind} value '{text}': {error}", "Neo.ClientError.Request.Invalid") from None


def _parse_point(text: str) -> Point:
    match = _EWKT.fullmatch(text)
    if match is None:
        raise ValueError("expected SRID=<srid>;POINT [Z] (<x> <y> [<z>])")
    coordinates = [float(part) for part in match["coordinates"].split()]
    if len(coordinates) != (3 if match["z"] else 2):
        raise ValueError(f"expected {3 if match['z'] else 2} coordinates")
    return Point(int(match["srid"]), *coordinates)


def _zoned(text: str) -> dt.datetime:
    value = parse_datetime(text, UTC)
    if value.tzinfo is None:
        raise ValueError("a zone or offset is required")
    return value


def _zoned_time(text: str) -> dt.time:
    return parse_time(text, UTC)


_PARSERS = {
    "Date": parse_date, "Time": _zoned_time, "LocalTime": parse_local_time, "DateTime": _zoned,
    "OffsetDateTime": _zoned, "ZonedDateTime": _zoned, "LocalDateTime": parse_local_datetime,
    "Duration": parse_duration, "Point": _parse_point,
}
KINDS = frozenset(_PARSERS)
__all__ = ["KINDS", "format_float", "format_value", "kind_of", "parse_value"]
