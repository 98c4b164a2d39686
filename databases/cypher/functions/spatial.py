"""Spatial functions: point(), point.distance() (also as distance()) and point.withinBBox(), with the point
accessors and string form used by `accessors.py` and `toString()`.

Points are `databases.values.Point(srid, x, y, z)`: 7203 cartesian, 9157 cartesian-3d, 4326 wgs-84 (x is the
longitude, y the latitude), 4979 wgs-84-3d (z is the height in metres).
"""
from __future__ import annotations

import math

from graphplex.databases.cypher.errors import argument_error, type_error
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.functions.temporal_values import java_double_string
from graphplex.databases.cypher.values import is_number, type_name
from graphplex.databases.values import Point

CARTESIAN, CARTESIAN_3D, WGS84, WGS84_3D = 7203, 9157, 4326, 4979
CRS_NAMES = {CARTESIAN: "cartesian", CARTESIAN_3D: "cartesian-3d", WGS84: "wgs-84", WGS84_3D: "wgs-84-3d"}
_CRS_BY_NAME = {name: srid for srid, name in CRS_NAMES.items()}
_DIMENSIONS = {CARTESIAN: 2, CARTESIAN_3D: 3, WGS84: 2, WGS84_3D: 3}
_GEOGRAPHIC = (WGS84, WGS84_3D)
EARTH_RADIUS_METERS = 6378140.0
_KEYS = ("x", "y", "z", "longitude", "latitude", "height", "crs", "srid")


def is_geographic(point: Point) -> bool:
    return point.srid in _GEOGRAPHIC


def coordinates(point: Point) -> tuple[float, ...]:
    return (point.x, point.y) if point.z is None else (point.x, point.y, point.z)


def point_to_string(point: Point) -> str:
    """Neo4j's form, e.g. `point({x: 1.0, y: 2.0, crs: 'cartesian'})`."""
    z = f", z: {java_double_string(point.z)}" if point.z is not None else ""
    crs = CRS_NAMES.get(point.srid, str(point.srid))
    return f"point({{x: {java_double_string(point.x)}, y: {java_double_string(point.y)}{z}, crs: '{crs}'}})"


def point_field(point: Point, key: str) -> object:
    """`p.x`, `p.y`, `p.z`, `p.longitude`, `p.latitude`, `p.height`, `p.crs`, `p.srid`."""
    name = key.lower()
    geographic = is_geographic(point)
    if name == "x":
        return point.x
    if name == "y":
        return point.y
    if name == "z" and point.z is not None:
        return point.z
    if name == "longitude" and geographic:
        return point.x
    if name == "latitude" and geographic:
        return point.y
    if name == "height" and geographic and point.z is not None:
        return point.z
    if name == "crs":
        return CRS_NAMES.get(point.srid)
    if name == "srid":
        return point.srid
    if name in _KEYS:
        raise argument_error(f"Field: {key} is not available on point: {point_to_string(point)}")
    raise argument_error(f"No such field: {key} (on a Point)")


def _coordinate(name: str, value: object) -> float:
    if not is_number(value):
        raise type_error(f"Cannot assign {name} of a point: expected a number but was {type_name(value).title()}")
    return float(value)


def make_point(fields: dict) -> Point | None:
    """Neo4j's `PointValue.fromMap`: x/y[/z] or longitude/latitude[/height], with an optional crs or srid."""
    values = {}
    for key, value in fields.items():
        name = key.lower() if isinstance(key, str) else None
        if name not in _KEYS:
            raise argument_error(f"Unknown key '{key}' for creating new point")
        if value is None:
            return None
        values[name] = value
    srid = None
    if "crs" in values:
        crs = values["crs"]
        if not isinstance(crs, str):
            raise type_error(f"Cannot assign crs of a point: expected a String but was {type_name(crs).title()}")
        srid = _CRS_BY_NAME.get(crs.lower())
        if srid is None:
            raise argument_error(f"Unknown coordinate reference system: {crs}")
    if "srid" in values:
        code = values["srid"]
        if not isinstance(code, int) or isinstance(code, bool):
            raise type_error(f"Cannot assign srid of a point: expected an Integer but was {type_name(code).title()}")
        if code not in CRS_NAMES:
            raise argument_error(f"Unknown coordinate reference system code: {code}")
        if srid is not None and srid != code:
            raise argument_error(f"Cannot specify both crs '{values['crs']}' and srid {code}")
        srid = code
    cartesian_keys = [key for key in ("x", "y", "z") if key in values]
    geographic_keys = [key for key in ("longitude", "latitude", "height") if key in values]
    if cartesian_keys and geographic_keys:
        raise argument_error("A point cannot have both cartesian (x, y, z) and geographic (longitude, latitude, "
                             "height) coordinates")
    if geographic_keys:
        if "longitude" not in values or "latitude" not in values:
            raise argument_error("A geographic point must contain 'longitude' and 'latitude'")
        coords = [_coordinate("longitude", values["longitude"]), _coordinate("latitude", values["latitude"])]
        if "height" in values:
            coords.append(_coordinate("height", values["height"]))
        if srid is None:
            srid = WGS84_3D if len(coords) == 3 else WGS84
        elif srid not in _GEOGRAPHIC:
            raise argument_error(f"Geographic points do not support the coordinate reference system "
                                 f"{CRS_NAMES[srid]}")
    else:
        if "x" not in values or "y" not in values:
            raise argument_error("A point must contain either 'x' and 'y', or 'longitude' and 'latitude'")
        coords = [_coordinate("x", values["x"]), _coordinate("y", values["y"])]
        if "z" in values:
            coords.append(_coordinate("z", values["z"]))
        if srid is None:
            srid = CARTESIAN_3D if len(coords) == 3 else CARTESIAN
    if _DIMENSIONS[srid] != len(coords):
        raise argument_error(f"Cannot create point with {_DIMENSIONS[srid]}D coordinate reference system and "
                             f"{len(coords)} coordinates. Please consider using equivalent "
                             f"{len(coords)}D coordinate reference system")
    if srid in _GEOGRAPHIC:
        longitude, latitude = coords[0], coords[1]
        if not -180.0 <= longitude <= 180.0:
            raise argument_error(f"Cannot create WGS84 point with invalid coordinate: {coords}. "
                                 f"Valid range for X coordinate is [-180, 180].")
        if not -90.0 <= latitude <= 90.0:
            raise argument_error(f"Cannot create WGS84 point with invalid coordinate: {coords}. "
                                 f"Valid range for Y coordinate is [-90, 90].")
    return Point(srid, coords[0], coords[1], coords[2] if len(coords) == 3 else None)


@function("point", 1, category="spatial", signature="point(map)")
def point(ctx, value):
    """A point from a map of coordinates: {x, y[, z][, crs|srid]} or {longitude, latitude[, height]}."""
    if value is None:
        return None
    if isinstance(value, Point):
        return value
    if isinstance(value, dict):
        return make_point(value)
    raise type_error(f"Invalid input for function 'point()': Expected a Map, got: {type_name(value)}")


def distance(a: Point, b: Point) -> float | None:
    """Euclidean distance for cartesian points; haversine on a sphere of radius 6378140 m for WGS-84 (3D: with
    the height difference, the arc at the average height)."""
    if a.srid != b.srid:
        return None
    if not is_geographic(a):
        return math.sqrt(sum((p - q) ** 2 for p, q in zip(coordinates(a), coordinates(b))))
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    dx, dy = lon2 - lon1, lat2 - lat1
    alpha = math.sin(dy / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dx / 2.0) ** 2
    alpha = min(1.0, max(0.0, alpha))
    great_circle = 2.0 * math.atan2(math.sqrt(alpha), math.sqrt(1 - alpha))
    if a.z is None:
        return EARTH_RADIUS_METERS * great_circle
    arc = (EARTH_RADIUS_METERS + (a.z + b.z) / 2) * great_circle
    return math.sqrt(arc * arc + (a.z - b.z) ** 2)


def _distance_function(ctx, a, b):
    """The distance between two points of the same coordinate reference system (null otherwise)."""
    if not isinstance(a, Point) or not isinstance(b, Point):
        return None
    return distance(a, b)


function("point.distance", 2, category="spatial", signature="point.distance(from, to)")(_distance_function)
function("distance", 2, category="spatial", signature="distance(from, to)")(_distance_function)


@function("point.withinBBox", 3, category="spatial", signature="point.withinBBox(point, lowerLeft, upperRight)")
def within_bbox(ctx, point_value, lower_left, upper_right):
    """Whether a point lies in the box of two corners (for WGS-84, a box whose lower-left longitude exceeds the
    upper-right one crosses the date line); null for points of different coordinate reference systems."""
    if not all(isinstance(p, Point) for p in (point_value, lower_left, upper_right)):
        return None
    if not point_value.srid == lower_left.srid == upper_right.srid:
        return None
    check, low, high = coordinates(point_value), coordinates(lower_left), coordinates(upper_right)
    for index, (c, lo, hi) in enumerate(zip(check, low, high)):
        if is_geographic(point_value) and index < 2 and lo > hi:
            if hi < c < lo:
                return False
        elif c < lo or c > hi:
            return False
    return True
