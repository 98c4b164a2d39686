"""Bolt structures ↔ graphplex values: nodes, relationships, paths, temporal values, durations and points.

Bolt 5 (and 4.4 with the `utc` patch) sends zoned date-times as UTC seconds; 4.x without it sends the legacy
structures that count local wall-clock seconds. Nodes and relationships carry element ids from Bolt 5."""
from __future__ import annotations

import datetime as dt
import zoneinfo

from graphplex.databases.errors import ClientError, error_for_code
from graphplex.databases.temporal_values import DateTime, Time
from graphplex.databases.values import Duration, Point
from graphplex.bolt.packstream import Structure
from graphplex.types import Node, Path, Relationship

_EPOCH = dt.date(1970, 1, 1)
_EPOCH_DATETIME = dt.datetime(1970, 1, 1)
_NANOS = 1_000_000_000
# UTC as Memgraph names it: its zoned date-times hold the zone of a 'Z' (and of none given) as the tz database's
# Etc/UTC, and a zone named by any of UTC's links as Etc/UTC too (utils/temporal.cpp; std::chrono::locate_zone follows
# links to their zone).
MEMGRAPH_UTC = "Etc/UTC"
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"})


# The values that travel as they are, both ways (looked up by exact type: a subclass takes the long way).
_PLAIN = frozenset({type(None), bool, int, float, str, bytes})


def _nanos_of(value) -> int:
    return getattr(value, "nanosecond", value.microsecond * 1000)


def _numeric_id(element_id: str) -> int:
    return int(element_id.rsplit(":", 1)[-1])


class Dialect:
    """How values travel on one connection: `v5` (element ids), `utc` (UTC-based zoned date-times) and `memgraph`
    (a Memgraph client, which reads a date-time in UTC with Memgraph's zone Etc/UTC)."""

    def __init__(self, v5: bool, utc: bool, memgraph: bool = False) -> None:
        self.v5 = v5
        self.utc = utc
        self.memgraph = memgraph

    # --- out ---------------------------------------------------------------------------------------------------

    def encode_all(self, values) -> list:
        """A record's values for the wire; the plain ones (most) as they are, without a call each."""
        encode = self.encode
        return [value if type(value) in _PLAIN else encode(value) for value in values]

    def encode(self, value: object) -> object:
        if value is None or isinstance(value, (bool, int, float, str, bytes)):
            return value
        if isinstance(value, (list, tuple)):
            return [self.encode(item) for item in value]
        if isinstance(value, dict):
            return {str(key): self.encode(item) for key, item in value.items()}
        if isinstance(value, Node):
            return self._node(value)
        if isinstance(value, Relationship):
            return self._relationship(value)
        if isinstance(value, Path):
            return self._path(value)
        if isinstance(value, dt.datetime):
            return self._datetime(value)
        if isinstance(value, dt.date):
            return Structure(0x44, ((value - _EPOCH).days,))
        if isinstance(value, dt.time):
            nanos = ((value.hour * 60 + value.minute) * 60 + value.second) * _NANOS + _nanos_of(value)
            if value.tzinfo is None:
                return Structure(0x74, (nanos,))
            offset = value.tzinfo.utcoffset(None) if not isinstance(value.tzinfo, zoneinfo.ZoneInfo) else \
                value.tzinfo.utcoffset(dt.datetime.now())
            return Structure(0x54, (nanos, int(offset.total_seconds())))
        if isinstance(value, Duration):
            return Structure(0x45, (value.months, value.days, value.seconds, value.nanoseconds))
        if isinstance(value, Point):
            if value.z is None:
                return Structure(0x58, (value.srid, float(value.x), float(value.y)))
            return Structure(0x59, (value.srid, float(value.x), float(value.y), float(value.z)))
        raise error_for_code("Neo.DatabaseError.General.UnknownError",
                             f"A value of type {type(value).__name__} cannot be sent over Bolt")

    def _node(self, node: Node) -> Structure:
        fields = [_numeric_id(node.element_id), sorted(node.labels), self.encode(dict(node))]
        if self.v5:
            fields.append(node.element_id)
        return Structure(0x4E, tuple(fields))

    def _relationship(self, rel: Relationship) -> Structure:
        fields = [_numeric_id(rel.element_id), _numeric_id(rel.start_node.element_id),
                  _numeric_id(rel.end_node.element_id), rel.type, self.encode(dict(rel))]
        if self.v5:
            fields += [rel.element_id, rel.start_node.element_id, rel.end_node.element_id]
        return Structure(0x52, tuple(fields))

    def _path(self, path: Path) -> Structure:
        nodes: list = []
        node_index: dict[str, int] = {}
        for node in path.nodes:
            if node.element_id not in node_index:
                node_index[node.element_id] = len(nodes)
                nodes.append(self._node(node))
        rels: list = []
        rel_index: dict[str, int] = {}
        indices: list[int] = []
        for position, rel in enumerate(path.relationships):
            if rel.element_id not in rel_index:
                rel_index[rel.element_id] = len(rels) + 1
                fields = [_numeric_id(rel.element_id), rel.type, self.encode(dict(rel))]
                if self.v5:
                    fields.append(rel.element_id)
                rels.append(Structure(0x72, tuple(fields)))
            forward = rel.start_node.element_id == path.nodes[position].element_id
            indices.append(rel_index[rel.element_id] * (1 if forward else -1))
            indices.append(node_index[path.nodes[position + 1].element_id])
        return Structure(0x50, (nodes, rels, indices))

    def _datetime(self, value: dt.datetime) -> Structure:
        nanos = _nanos_of(value)
        if value.tzinfo is None:
            seconds = int((value.replace(microsecond=0) - _EPOCH_DATETIME).total_seconds())
            return Structure(0x64, (seconds, nanos))
        offset = int(value.utcoffset().total_seconds())
        local = value.replace(tzinfo=None, microsecond=0)
        local_seconds = int((local - _EPOCH_DATETIME).total_seconds())
        utc_seconds = local_seconds - offset
        zone = self._zone_id(value.tzinfo, offset)
        if zone is not None:
            return Structure(0x69, (utc_seconds, nanos, zone)) if self.utc else \
                Structure(0x66, (local_seconds, nanos, zone))
        return Structure(0x49, (utc_seconds, nanos, offset)) if self.utc else \
            Structure(0x46, (local_seconds, nanos, offset))

    def _zone_id(self, tzinfo: dt.tzinfo, offset: int) -> str | None:
        """The zone id a zoned date-time travels with, None for an offset. graphplex's values are Neo4j's, whose
        'Z' is the offset 0: a Memgraph client reads UTC, an offset 0 or a zone of UTC's names, as Memgraph's
        Etc/UTC (Memgraph would keep an explicit '+00:00' an offset, which graphplex does not tell apart)."""
        key = tzinfo.key if isinstance(tzinfo, zoneinfo.ZoneInfo) else None
        if self.memgraph and (key in _UTC_NAMES or (key is None and isinstance(tzinfo, dt.timezone) and offset == 0)):
            return MEMGRAPH_UTC
        return key

    # --- in ----------------------------------------------------------------------------------------------------

    def decode(self, value: object) -> object:
        if isinstance(value, list):
            return [self.decode(item) for item in value]
        if isinstance(value, dict):
            decode = self.decode
            return {key: item if type(item) in _PLAIN else decode(item) for key, item in value.items()}
        if not isinstance(value, Structure):
            return value
        try:
            return self._structure(value)
        except (ValueError, TypeError, OverflowError, KeyError, IndexError, zoneinfo.ZoneInfoNotFoundError) as error:
            raise ClientError(f"Invalid value for structure 0x{value.tag:02X}: {error}",
                              "Neo.ClientError.Request.Invalid") from None

    def _structure(self, value: Structure) -> object:
        tag, fields = value.tag, value.fields
        if tag == 0x44:
            return _EPOCH + dt.timedelta(days=fields[0])
        if tag in (0x74, 0x54):
            nanos = fields[0]
            seconds, fraction = divmod(nanos, _NANOS)
            hours, rest = divmod(seconds, 3600)
            zone = dt.timezone(dt.timedelta(seconds=fields[1])) if tag == 0x54 else None
            return Time(hours, rest // 60, rest % 60, tzinfo=zone, nanosecond=fraction)
        if tag == 0x64:
            return _at(fields[0], fields[1], None)
        if tag in (0x49, 0x46):
            zone = dt.timezone(dt.timedelta(seconds=fields[2]))
            seconds = fields[0] + (fields[2] if tag == 0x49 else 0)
            return _at(seconds, fields[1], zone)
        if tag in (0x69, 0x66):
            zone = zoneinfo.ZoneInfo(fields[2])
            if tag == 0x69:
                moment = (_EPOCH_DATETIME + dt.timedelta(seconds=fields[0])).replace(tzinfo=dt.timezone.utc)
                local = moment.astimezone(zone)
                return DateTime(local.year, local.month, local.day, local.hour, local.minute, local.second,
                                tzinfo=zone, fold=local.fold, nanosecond=fields[1])
            return _at(fields[0], fields[1], zone)
        if tag == 0x45:
            return Duration(*fields)
        if tag == 0x58:
            return Point(fields[0], float(fields[1]), float(fields[2]))
        if tag == 0x59:
            return Point(fields[0], float(fields[1]), float(fields[2]), float(fields[3]))
        if tag in (0x4E, 0x52, 0x72, 0x50):
            raise ClientError("Nodes, relationships and paths cannot be passed as parameters",
                              "Neo.ClientError.Statement.TypeError")
        raise ClientError(f"Unknown structure 0x{tag:02X} in a parameter", "Neo.ClientError.Request.Invalid")


def _at(local_seconds: int, nanos: int, zone) -> DateTime:
    moment = _EPOCH_DATETIME + dt.timedelta(seconds=local_seconds)
    return DateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
                    tzinfo=zone, nanosecond=nanos)
