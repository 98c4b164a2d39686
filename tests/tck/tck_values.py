"""The TCK's notation for expected values, and how our engine's values are compared against it.

The notation (the TCK's README.adoc, "Format of the expected results"): integers, floats (decimal, exponent, `NaN`,
`Inf`, `-Inf`), strings in single quotes, `true`/`false`, `null`, lists `[…]`, maps `{k: v}`, nodes
`(:A:B {k: 1})`, relationships `[:T {k: 1}]` and paths `<(:A)-[:T]->(:B)<-[:U]-()>`. Temporal values have no
notation of their own: the TCK writes them as the strings Neo4j prints, e.g. `'2015-07-21T21:40:32.142+01:00'`.

Comparison works on one model for both sides: an engine value is first converted into the notation's model
(`from_engine`: a node becomes a `TckNode` of labels and properties, a temporal value its Cypher string), then both
sides are reduced to a hashable, type-strict key (`value_key`). Equal keys mean equal values; `1` and `1.0` have
different keys, as the TCK requires, and NaN equals NaN so that a NaN result can be expected. Keys also make the
"in any order" comparison of rows a plain multiset comparison.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from graphplex.databases.graph_types import Node, Path, Relationship
from graphplex.databases.values import Duration, Point

__all__ = [
    "TckNode", "TckRelationship", "TckPath", "TckValueError", "parse_value", "from_engine", "value_key",
    "values_equal", "rows_equal", "format_value", "cypher_string", "to_parameter",
]


@dataclass(frozen=True)
class TckNode:
    """A node as the TCK describes it: identity is not observable, only labels and properties."""

    labels: frozenset[str] = frozenset()
    properties: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TckRelationship:
    """A relationship as the TCK describes it: its type and properties (endpoints only matter inside a path)."""

    type: str
    properties: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TckPath:
    """A path: a start node, then hops of (relationship, traversed forwards?, next node)."""

    start: TckNode
    hops: tuple[tuple[TckRelationship, bool, TckNode], ...] = ()


class TckValueError(ValueError):
    """A cell that is not in the TCK's value notation (or a value that cannot be a query parameter)."""


# ----------------------------------------------------------------------------------------------------------------
# Parsing the notation

_FLOAT = re.compile(r"-?(?:\d+\.\d+(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)")
_INTEGER = re.compile(r"-?\d+")
_NAME = re.compile(r"[A-Za-z0-9_$]+")
_WORDS = {"null": None, "true": True, "false": False, "NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


def parse_value(text: str) -> object:
    """Parses one cell of an expected-results or parameters table."""
    parser = _ValueParser(text)
    value = parser.value()
    parser.skip_blanks()
    if parser.pos != len(text):
        raise parser.error("unexpected text after the value")
    return value


class _ValueParser:
    """Recursive descent over the notation; whitespace is allowed between tokens."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str) -> TckValueError:
        return TckValueError(f"{message} at offset {self.pos} of {self.text!r}")

    def skip_blanks(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_blanks()
        return self.text[self.pos:self.pos + 1]

    def expect(self, token: str) -> None:
        self.skip_blanks()
        if not self.text.startswith(token, self.pos):
            raise self.error(f"expected {token!r}")
        self.pos += len(token)

    def accept(self, token: str) -> bool:
        self.skip_blanks()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def value(self) -> object:
        char = self.peek()
        if char == "(":
            return self.node()
        if char == "<":
            return self.path()
        if char == "[":
            return self.relationship() if self.text[self.pos + 1:].lstrip().startswith(":") else self.list()
        if char == "{":
            return self.map()
        if char == "'":
            return self.string()
        return self.scalar()

    def scalar(self) -> object:
        for word, value in _WORDS.items():
            end = self.pos + len(word)
            if self.text.startswith(word, self.pos) and not _NAME.match(self.text, end):
                self.pos = end
                return value
        for pattern, convert in ((_FLOAT, float), (_INTEGER, int)):
            match = pattern.match(self.text, self.pos)
            if match and not _NAME.match(self.text, match.end()):
                self.pos = match.end()
                return convert(match.group())
        raise self.error("expected a value")

    def string(self) -> str:
        self.expect("'")
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "'":
                return "".join(chars)
            if char == "\\":
                chars.append(self.escape())
            else:
                chars.append(char)
        raise self.error("unterminated string")

    def escape(self) -> str:
        char = self.text[self.pos:self.pos + 1]
        self.pos += 1
        if char in _ESCAPES:
            return _ESCAPES[char]
        if char in ("u", "U"):
            width = 4 if char == "u" else 8
            digits = self.text[self.pos:self.pos + width]
            if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                self.pos += width
                return chr(int(digits, 16))
        return "\\" + char  # not an escape the TCK uses: keep it as written

    def name(self) -> str:
        self.skip_blanks()
        if self.accept("`"):
            end = self.text.find("`", self.pos)
            if end < 0:
                raise self.error("unterminated `name`")
            name, self.pos = self.text[self.pos:end], end + 1
            return name
        match = _NAME.match(self.text, self.pos)
        if not match:
            raise self.error("expected a name")
        self.pos = match.end()
        return match.group()

    def list(self) -> list:
        self.expect("[")
        items: list = []
        if self.accept("]"):
            return items
        items.append(self.value())
        while self.accept(","):
            items.append(self.value())
        self.expect("]")
        return items

    def map(self) -> dict:
        self.expect("{")
        entries: dict = {}
        if self.accept("}"):
            return entries
        while True:
            key = self.string() if self.peek() == "'" else self.name()
            self.expect(":")
            entries[key] = self.value()
            if not self.accept(","):
                break
        self.expect("}")
        return entries

    def node(self) -> TckNode:
        self.expect("(")
        labels = []
        while self.accept(":"):
            labels.append(self.name())
        properties = self.map() if self.peek() == "{" else {}
        self.expect(")")
        return TckNode(frozenset(labels), properties)

    def relationship(self) -> TckRelationship:
        self.expect("[")
        self.expect(":")
        rel_type = self.name()
        properties = self.map() if self.peek() == "{" else {}
        self.expect("]")
        return TckRelationship(rel_type, properties)

    def path(self) -> TckPath:
        self.expect("<")
        start = self.node()
        hops = []
        while not self.accept(">"):
            if self.accept("<-"):
                relationship = self.relationship()
                self.expect("-")
                forwards = False
            else:
                self.expect("-")
                relationship = self.relationship()
                self.expect("->")
                forwards = True
            hops.append((relationship, forwards, self.node()))
        return TckPath(start, tuple(hops))


# ----------------------------------------------------------------------------------------------------------------
# From the engine's values to the notation's model, and comparison


def from_engine(value: object) -> object:
    """An engine result value in the notation's model; temporal and spatial values become their Cypher string."""
    if isinstance(value, Node):
        return _node(value)
    if isinstance(value, Relationship):
        return TckRelationship(value.type, {k: from_engine(v) for k, v in value.items()})
    if isinstance(value, Path):
        hops = []
        for index, relationship in enumerate(value.relationships):
            forwards = relationship.start_node.element_id == value.nodes[index].element_id
            hops.append((from_engine(relationship), forwards, _node(value.nodes[index + 1])))
        return TckPath(_node(value.nodes[0]), tuple(hops))
    if isinstance(value, (list, tuple)):
        return [from_engine(item) for item in value]
    if isinstance(value, dict):
        return {key: from_engine(item) for key, item in value.items()}
    if isinstance(value, (dt.date, dt.time, Duration, Point)):
        return cypher_string(value)
    return value


def _node(node: Node) -> TckNode:
    return TckNode(frozenset(node.labels), {key: from_engine(item) for key, item in node.items()})


def value_key(value: object, ordered_lists: bool = True) -> Hashable:
    """A hashable key, equal for two values exactly when the TCK considers them equal.

    Types are kept apart (`1` ≠ `1.0`, `true` ≠ `1`); NaN equals NaN. With `ordered_lists=False` every list,
    however deeply nested, is compared as a multiset ("ignoring element order for lists").
    """
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", "NaN" if math.isnan(value) else value)
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, list):
        keys = [value_key(item, ordered_lists) for item in value]
        return ("list", tuple(keys if ordered_lists else sorted(keys, key=repr)))
    if isinstance(value, dict):
        return ("map", _map_key(value, ordered_lists))
    if isinstance(value, TckNode):
        return ("node", tuple(sorted(value.labels)), _map_key(value.properties, ordered_lists))
    if isinstance(value, TckRelationship):
        return ("relationship", value.type, _map_key(value.properties, ordered_lists))
    if isinstance(value, TckPath):
        hops = tuple((value_key(rel, ordered_lists), forwards, value_key(node, ordered_lists))
                     for rel, forwards, node in value.hops)
        return ("path", value_key(value.start, ordered_lists), hops)
    return ("other", type(value).__name__, repr(value))


def _map_key(entries: dict, ordered_lists: bool) -> tuple:
    # Sorted tuples rather than frozensets: a key's repr must be canonical, as unordered lists sort by it.
    return tuple(sorted((key, value_key(item, ordered_lists)) for key, item in entries.items()))


def values_equal(expected: object, actual: object, ordered_lists: bool = True) -> bool:
    """Whether an engine value (`actual`, as the engine returned it) is the expected TCK value."""
    return value_key(expected, ordered_lists) == value_key(from_engine(actual), ordered_lists)


def rows_equal(expected: Sequence[Sequence[object]], actual: Sequence[Sequence[object]], *,
               ordered: bool, ordered_lists: bool = True) -> bool:
    """Whether the engine's rows are the expected rows: as a sequence (`ordered`) or as a multiset of rows."""
    expected_keys = [tuple(value_key(value, ordered_lists) for value in row) for row in expected]
    actual_keys = [tuple(value_key(from_engine(value), ordered_lists) for value in row) for row in actual]
    if ordered:
        return expected_keys == actual_keys
    return Counter(expected_keys) == Counter(actual_keys)


# ----------------------------------------------------------------------------------------------------------------
# Printing, parameters and Cypher strings


def format_value(value: object) -> str:
    """A value (of the notation's model or straight from the engine) written in the TCK's notation."""
    value = from_engine(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return {math.inf: "Inf", -math.inf: "-Inf"}.get(value, repr(value))
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\t", "\\t")
        return f"'{escaped}'"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return _format_map(value)
    if isinstance(value, TckNode):
        inside = "".join(f":{label}" for label in sorted(value.labels))
        if value.properties:
            inside += (" " if inside else "") + _format_map(value.properties)
        return f"({inside})"
    if isinstance(value, TckRelationship):
        properties = f" {_format_map(value.properties)}" if value.properties else ""
        return f"[:{value.type}{properties}]"
    if isinstance(value, TckPath):
        parts = [format_value(value.start)]
        for rel, forwards, node in value.hops:
            parts.append(f"-{format_value(rel)}->" if forwards else f"<-{format_value(rel)}-")
            parts.append(format_value(node))
        return "<" + "".join(parts) + ">"
    return repr(value)


def _format_map(entries: dict) -> str:
    return "{" + ", ".join(f"{key}: {format_value(item)}" for key, item in entries.items()) + "}"


def to_parameter(value: object) -> object:
    """A parsed TCK value as a query parameter; graph elements cannot be passed, as no TCK scenario does."""
    if isinstance(value, (TckNode, TckRelationship, TckPath)):
        raise TckValueError(f"a graph element cannot be a parameter: {format_value(value)}")
    if isinstance(value, list):
        return [to_parameter(item) for item in value]
    if isinstance(value, dict):
        return {key: to_parameter(item) for key, item in value.items()}
    return value


def cypher_string(value: object) -> str:
    """The string Neo4j prints for a temporal (or spatial) value, which is how the TCK writes expected values.

    Dates `1984-10-11`; times `12:31`, `12:31:14`, `12:31:14.645` (seconds only when not zero, the fraction
    without trailing zeros); offsets `Z`, `+01:00`, `+02:05:59`; a named zone adds `[Europe/Stockholm]`;
    durations `P1Y2M3DT4H5M6.7S`, each field carrying its own sign (`PT-1M-0.001S`), zero as `PT0S`.
    Python keeps microseconds; a value with a `nanosecond` attribute is printed to the nanosecond.
    """
    if isinstance(value, dt.datetime):
        return f"{_date_string(value)}T{_time_string(value)}{_zone_string(value)}"
    if isinstance(value, dt.date):
        return _date_string(value)
    if isinstance(value, dt.time):
        return f"{_time_string(value)}{_zone_string(value)}"
    if isinstance(value, Duration):
        return _duration_string(value)
    if isinstance(value, Point):
        return _point_string(value)
    raise TypeError(f"not a temporal or spatial value: {value!r}")


def _date_string(value: dt.date) -> str:
    year = f"{value.year:04d}" if 0 <= value.year <= 9999 else f"{value.year:+d}"
    return f"{year}-{value.month:02d}-{value.day:02d}"


def _time_string(value: dt.time | dt.datetime) -> str:
    nanos = getattr(value, "nanosecond", None)
    if nanos is None:
        nanos = value.microsecond * 1000
    text = f"{value.hour:02d}:{value.minute:02d}"
    if value.second or nanos:
        text += f":{value.second:02d}"
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    return text


def _zone_string(value: dt.time | dt.datetime) -> str:
    offset = value.utcoffset()
    if offset is None:
        return ""
    text = "Z" if not offset else _offset_string(offset)
    zone_name = getattr(value.tzinfo, "key", None)  # a zoneinfo.ZoneInfo: a named zone, not a fixed offset
    return f"{text}[{zone_name}]" if zone_name else text


def _offset_string(offset: dt.timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _duration_string(value: Duration) -> str:
    years = -(-value.months // 12) if value.months < 0 else value.months // 12  # truncated, as Java's `/`
    months = value.months - 12 * years
    parts = ["P"]
    parts += [f"{amount}{unit}" for amount, unit in ((years, "Y"), (months, "M"), (value.days, "D")) if amount]
    nanos = value.seconds * 1_000_000_000 + value.nanoseconds
    if nanos:
        sign = "-" if nanos < 0 else ""
        hours, rest = divmod(abs(nanos), 3600 * 1_000_000_000)
        minutes, rest = divmod(rest, 60 * 1_000_000_000)
        seconds, fraction = divmod(rest, 1_000_000_000)
        parts.append("T")
        parts += [f"{sign}{amount}{unit}" for amount, unit in ((hours, "H"), (minutes, "M")) if amount]
        if seconds or fraction:
            digits = f".{fraction:09d}".rstrip("0") if fraction else ""
            parts.append(f"{sign}{seconds}{digits}S")
    return "".join(parts) if len(parts) > 1 else "PT0S"


def _point_string(value: Point) -> str:
    crs = {7203: "cartesian", 9157: "cartesian-3d", 4326: "wgs-84", 4979: "wgs-84-3d"}.get(value.srid)
    z = f", z: {float(value.z)!r}" if value.z is not None else ""
    return f"point({{x: {float(value.x)!r}, y: {float(value.y)!r}{z}, crs: '{crs}'}})"
