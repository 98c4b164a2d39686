"""Values between graphplex and the official driver, for statements a remote alias runs elsewhere.

Rows come back as the driver's types (`neo4j.graph`, `neo4j.time`, `neo4j.spatial`) and leave as graphplex's
public ones (`graphplex.types`, nanosecond `DateTime`/`Time`, zoneinfo zones), so a caller cannot tell a remote row
from a local one; parameters go the other way. Nodes, relationships and paths cannot be sent to a remote server
(they belong to this DBMS's graphs), as in Neo4j."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import neo4j.graph
import neo4j.spatial
import neo4j.time

from graphplex.databases.errors import ClientError
from graphplex.databases.temporal_values import DateTime, Time, nanos_of
from graphplex.databases.values import Duration, Point
from graphplex.types import Node, Path, Relationship

_POINTS = {7203: neo4j.spatial.CartesianPoint, 9157: neo4j.spatial.CartesianPoint,
           4326: neo4j.spatial.WGS84Point, 4979: neo4j.spatial.WGS84Point}


def from_driver(value: object) -> object:
    """A value of a remote row as graphplex gives it."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, neo4j.spatial.Point):   # before lists: the driver's points and durations are tuples
        return Point(value.srid, *value)
    if isinstance(value, neo4j.time.Duration):
        return Duration(value.months, value.days, value.seconds, value.nanoseconds)
    if isinstance(value, (list, tuple)):
        return [from_driver(item) for item in value]
    if isinstance(value, dict):
        return {key: from_driver(item) for key, item in value.items()}
    if isinstance(value, neo4j.graph.Node):
        return _node(value)
    if isinstance(value, neo4j.graph.Relationship):
        return _relationship(value, {})
    if isinstance(value, neo4j.graph.Path):
        nodes = {node.element_id: _node(node) for node in value.nodes}
        return Path(tuple(nodes[node.element_id] for node in value.nodes),
                    tuple(_relationship(rel, nodes) for rel in value.relationships))
    if isinstance(value, neo4j.time.DateTime):
        return DateTime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                        tzinfo=_zone(value.tzinfo), nanosecond=value.nanosecond)
    if isinstance(value, neo4j.time.Date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, neo4j.time.Time):
        return Time(value.hour, value.minute, value.second, tzinfo=_zone(value.tzinfo), nanosecond=value.nanosecond)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return value
    raise ClientError(f"A remote row holds a value graphplex cannot read: {type(value).__name__}",
                      "Neo.ClientError.Statement.TypeError")


def to_driver(value: object) -> object:
    """A parameter as the driver sends it."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, (list, tuple)):
        return [to_driver(item) for item in value]
    if isinstance(value, dict):
        return {key: to_driver(item) for key, item in value.items()}
    if isinstance(value, dt.datetime):
        return neo4j.time.DateTime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                                   nanos_of(value), tzinfo=value.tzinfo)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        return neo4j.time.Time(value.hour, value.minute, value.second, nanos_of(value), tzinfo=value.tzinfo)
    if isinstance(value, Duration):
        return neo4j.time.Duration(months=value.months, days=value.days, seconds=value.seconds,
                                   nanoseconds=value.nanoseconds)
    if isinstance(value, Point):
        return _POINTS[value.srid]((value.x, value.y) if value.z is None else (value.x, value.y, value.z))
    if isinstance(value, (Node, Relationship, Path)):
        kind = {Node: "node", Relationship: "relationship", Path: "path"}[type(value)]
        raise ClientError(f"Importing {kind} values in remote subqueries is currently not supported",
                          "Neo.ClientError.Statement.TypeError")
    raise ClientError(f"A parameter of type {type(value).__name__} cannot be sent to a remote database",
                      "Neo.ClientError.Statement.TypeError")


def _node(node: neo4j.graph.Node) -> Node:
    return Node(node.element_id, frozenset(node.labels), from_driver(dict(node)))


def _relationship(rel: neo4j.graph.Relationship, nodes: dict[str, Node]) -> Relationship:
    start, end = rel.start_node, rel.end_node
    return Relationship(rel.element_id, rel.type, nodes.get(start.element_id) or _node(start),
                        nodes.get(end.element_id) or _node(end), from_driver(dict(rel)))


def _zone(tzinfo):
    """A zone as graphplex keeps it: a named zone as `zoneinfo`, an offset as `datetime.timezone`."""
    if tzinfo is None or isinstance(tzinfo, (zoneinfo.ZoneInfo, dt.timezone)):
        return tzinfo
    name = getattr(tzinfo, "zone", None) or getattr(tzinfo, "key", None)
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return dt.timezone(tzinfo.utcoffset(None))
