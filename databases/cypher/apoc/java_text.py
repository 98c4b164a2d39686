"""Values as Java prints them, and Java's `String.format`: APOC builds messages and strings with these
(`apoc.util.validate`, `apoc.text.format`, the hash functions), so their text must come out as Neo4j's does."""
from __future__ import annotations

import math
import re
from decimal import Decimal

from graphplex.databases.storage import Edge, Vertex


class JavaFormatError(Exception):
    """`String.format` refused its arguments; `exception` is the Java exception's class name."""

    def __init__(self, exception: str, message: str) -> None:
        super().__init__(message)
        self.exception = exception
        self.message = message


def java_double(value: float) -> str:
    """Java's `Double.toString`: 1.0, 0.001, 1.0E7, 1.0E-4, NaN, Infinity."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{len(digits) - 1 + exponent}"


def java_string(value: object) -> str:
    """`String.valueOf(value)` for the values Cypher hands a procedure (lists as `[a, b]`, maps as `{k=v}`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(java_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={java_string(item)}" for key, item in value.items()) + "}"
    if isinstance(value, Vertex):
        return f"Node[{value.gid}]"
    if isinstance(value, Edge):
        return f"Relationship[{value.gid}]"
    return str(value)


_SPECIFIER = re.compile(r"%(\d+\$)?([-#+ 0,(<]*)(\d+)?(\.\d+)?([a-zA-Z%])")


def java_format(template: str, arguments: list) -> str:
    """Java's `String.format(template, arguments...)` for the conversions messages use (s S d x X o f e E g b
    c n %), with flags, width, precision and explicit indices; raises JavaFormatError where Java throws."""
    out: list[str] = []
    position = 0
    next_argument = 0
    for match in _SPECIFIER.finditer(template):
        out.append(template[position:match.start()])
        position = match.end()
        index, flags, width, precision, conversion = match.groups()
        if conversion == "n":
            out.append("\n")
            continue
        if conversion == "%":
            out.append(_pad("%", flags, width))
            continue
        if index:
            number = int(index[:-1]) - 1
        else:
            number = next_argument
            next_argument += 1
        if number >= len(arguments):
            raise JavaFormatError("java.util.MissingFormatArgumentException", f"Format specifier '{match.group()}'")
        out.append(_convert(arguments[number], flags, width, precision, conversion, match.group()))
    out.append(template[position:])
    return "".join(out)


def _pad(text: str, flags: str, width: str | None) -> str:
    if not width:
        return text
    return text.ljust(int(width)) if "-" in flags else text.rjust(int(width))


def _convert(value, flags: str, width: str | None, precision: str | None, conversion: str, spec: str) -> str:
    lower = conversion.lower()
    if lower == "s":
        text = java_string(value)
        if precision:
            text = text[:int(precision[1:])]
        text = _pad(text, flags, width)
        return text.upper() if conversion == "S" else text
    if lower == "b":
        text = "false" if value is None or value is False else "true"
        return _pad(text.upper() if conversion == "B" else text, flags, width)
    if value is None:
        return _pad("null", flags, width)
    if lower == "c":
        text = chr(value) if isinstance(value, int) else str(value)
        return _pad(text, flags, width)
    if lower in "dxo":
        if not isinstance(value, int) or isinstance(value, bool):
            raise JavaFormatError("java.util.IllegalFormatConversionException",
                                  f"{conversion} != {java_class(value)}")
        fill = ""
        if "0" in flags and "-" not in flags:
            fill = "0"
        sign = "+" if "+" in flags else (" " if " " in flags else "")
        align = "<" if "-" in flags else ""
        grouping = "," if "," in flags and lower == "d" else ""
        text = format(value, f"{align}{sign}{fill}{width or ''}{grouping}{lower}")
        return text.upper() if conversion == "X" else text
    if lower in "feg":
        if not isinstance(value, float):
            raise JavaFormatError("java.util.IllegalFormatConversionException",
                                  f"{conversion} != {java_class(value)}")
        fill = "0" if "0" in flags and "-" not in flags else ""
        sign = "+" if "+" in flags else (" " if " " in flags else "")
        align = "<" if "-" in flags else ""
        grouping = "," if "," in flags else ""
        digits = precision or ".6"
        text = format(value, f"{align}{sign}{fill}{width or ''}{grouping}{digits}{lower}")
        return text.upper() if conversion.isupper() else text
    raise JavaFormatError("java.util.UnknownFormatConversionException", f"Conversion = '{conversion}'")


def java_class(value: object) -> str:
    """The Java class a Cypher value arrives in a procedure as, for messages that name it."""
    if isinstance(value, bool):
        return "java.lang.Boolean"
    return {int: "java.lang.Long", float: "java.lang.Double", str: "java.lang.String", list: "java.util.ArrayList",
            dict: "java.util.HashMap"}.get(type(value), "java.lang.Object")
