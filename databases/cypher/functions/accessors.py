"""Property access on values that are not maps or entities: temporal fields, duration parts, point coordinates."""
from __future__ import annotations

import datetime as dt

from databases.cypher.errors import type_error
from databases.cypher.values import type_name
from databases.values import Duration, Point


def property_of(value: object, key: str) -> object:
    """`value.key` for a temporal value, a duration or a point; a type error for anything else."""
    if isinstance(value, Point):
        fields = {"x": value.x, "y": value.y, "z": value.z, "srid": value.srid}
        if key in fields:
            return fields[key]
    elif isinstance(value, Duration):
        fields = {"months": value.months, "days": value.days, "seconds": value.seconds,
                  "nanoseconds": value.nanoseconds}
        if key in fields:
            return fields[key]
    elif isinstance(value, (dt.date, dt.time)):
        if hasattr(value, key):
            return getattr(value, key)
    raise type_error(f"Type mismatch: expected a map, node or relationship but was {type_name(value)} "
                     f"(when accessing property `{key}`)")
