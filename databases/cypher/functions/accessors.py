"""Property access on values that are not maps or entities: temporal fields, duration parts, point coordinates.

Field names are matched case-insensitively, as Neo4j does. A field the value does not have is an argument
error ("No such field"); anything that is not a temporal value, a duration or a point is a type error.
"""
from __future__ import annotations

import datetime as dt

from graphplex.databases.cypher.errors import argument_error, type_error
from graphplex.databases.cypher.functions import temporal_values as tv
from graphplex.databases.cypher.values import type_name
from graphplex.databases.graph_types import Node, Relationship
from graphplex.databases.values import Duration, Point


def property_of(value: object, key: str) -> object:
    """`value.key` for a temporal value, a duration, a point, or a node or relationship a composite database's
    constituent returned (`graph_types`: a snapshot from another graph); a type error for anything else."""
    if isinstance(value, (Node, Relationship)):
        return value.get(key)
    if isinstance(value, Point):
        from graphplex.databases.cypher.functions.spatial import point_field
        return point_field(value, key)
    if isinstance(value, Duration):
        return duration_field(value, key)
    if isinstance(value, (dt.date, dt.time)):
        return temporal_field(value, key)
    raise type_error(f"Type mismatch: expected a map, node or relationship but was {type_name(value)} "
                     f"(when accessing property `{key}`)")


# --- temporal instants ---------------------------------------------------------------------------------------

def _date_fields(date: dt.date) -> dict:
    return {
        "year": lambda: date.year,
        "quarter": lambda: tv.quarter_of(date),
        "month": lambda: date.month,
        "week": lambda: tv.week_of_year(date),
        "weekyear": lambda: tv.week_based_year(date),
        "dayofquarter": lambda: tv.day_of_quarter(date),
        "quarterday": lambda: tv.day_of_quarter(date),
        "day": lambda: date.day,
        "ordinalday": lambda: date.timetuple().tm_yday,
        "dayofweek": lambda: date.isoweekday(),
        "weekday": lambda: date.isoweekday(),
    }


def _time_fields(value: dt.time | dt.datetime) -> dict:
    nanos = tv.nanos_of(value)
    return {
        "hour": lambda: value.hour,
        "minute": lambda: value.minute,
        "second": lambda: value.second,
        "millisecond": lambda: nanos // 1_000_000,
        "microsecond": lambda: nanos // 1000,
        "nanosecond": lambda: nanos,
    }


def _zone_fields(value: dt.time | dt.datetime) -> dict:
    offset = tv.offset_seconds(value)
    return {
        "timezone": lambda: tv.zone_name(value),
        "offset": lambda: tv.offset_string(offset),
        "offsetminutes": lambda: tv.jdiv(offset, 60),
        "offsetseconds": lambda: offset,
    }


def temporal_field(value: dt.date | dt.time, key: str) -> object:
    fields: dict = {}
    if isinstance(value, dt.date):
        fields.update(_date_fields(tv.date_of(value)))
    if isinstance(value, (dt.datetime, dt.time)):
        fields.update(_time_fields(value))
        if value.tzinfo is not None:
            fields.update(_zone_fields(value))
            if isinstance(value, dt.datetime):
                fields["epochseconds"] = lambda: tv.epoch_nanos(value) // tv.NANOS_PER_SECOND
                fields["epochmillis"] = lambda: tv.epoch_nanos(value) // 1_000_000
    getter = fields.get(key.lower())
    if getter is None:
        raise argument_error(f"No such field: {key} (on a {tv.kind_of(value)})")
    return getter()


# --- durations -----------------------------------------------------------------------------------------------

def duration_field(value: Duration, key: str) -> int:
    """Neo4j's `DurationValue.get(field)`: totals per unit (`months`, `seconds`, …) and the part within the next
    larger unit (`monthsOfYear`, `secondsOfMinute`, …); divisions truncate towards zero."""
    months, days, seconds, nanos = tv.normalized(value)
    d, m = tv.jdiv, tv.jmod
    fields = {
        "years": lambda: d(months, 12),
        "quarters": lambda: d(months, 3),
        "months": lambda: months,
        "monthsofyear": lambda: m(months, 12),
        "monthsofquarter": lambda: m(months, 3),
        "quartersofyear": lambda: m(d(months, 3), 4),
        "weeks": lambda: d(days, 7),
        "days": lambda: days,
        "daysofweek": lambda: m(days, 7),
        "hours": lambda: d(seconds, 3600),
        "minutes": lambda: d(seconds, 60),
        "minutesofhour": lambda: m(d(seconds, 60), 60),
        "seconds": lambda: seconds,
        "secondsofminute": lambda: m(seconds, 60),
        "milliseconds": lambda: seconds * 1000 + nanos // 1_000_000,
        "millisecondsofsecond": lambda: nanos // 1_000_000,
        "microseconds": lambda: seconds * 1_000_000 + nanos // 1000,
        "microsecondsofsecond": lambda: nanos // 1000,
        "nanoseconds": lambda: seconds * tv.NANOS_PER_SECOND + nanos,
        "nanosecondsofsecond": lambda: nanos,
    }
    getter = fields.get(key.lower())
    if getter is None:
        raise argument_error(f"No such field: {key} (on a Duration)")
    return getter()
