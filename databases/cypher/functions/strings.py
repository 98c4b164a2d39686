"""String functions: toUpper/upper, toLower/lower, trim, ltrim, rtrim, btrim, substring, left, right, replace,
split, normalize, char_length/character_length. (`size` and `reverse` are in lists.py, `toString` in
conversion.py.)

Null in, null out (for every argument, as Neo4j 5 does); a value of the wrong type is a type error; a negative
start or length is an argument error. Whitespace is Java's (`Character.isWhitespace`), as Neo4j trims it.
"""
from __future__ import annotations

import unicodedata

from graphplex.databases.cypher.errors import argument_error, type_error
from graphplex.databases.cypher.functions.registry import function
from graphplex.databases.cypher.values import type_name

_UNSET = object()


def _string(value: object, name: str, what: str = "") -> str:
    if not isinstance(value, str):
        raise type_error(f"Type mismatch: expected String but was {type_name(value).title()} "
                         f"(in {name}(){' ' + what if what else ''})")
    return value


def _integer(value: object, name: str, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise type_error(f"Type mismatch: expected Integer but was {type_name(value).title()} "
                         f"(the {what} of {name}())")
    return value


def _non_negative(value: object, name: str, what: str) -> int:
    number = _integer(value, name, what)
    if number < 0:
        raise argument_error(f"Invalid input for function '{name}()': the {what} must not be negative, "
                             f"but was {number}")
    return number


def is_java_whitespace(char: str) -> bool:
    """Java's `Character.isWhitespace`: Unicode space separators except no-break spaces, and the ASCII/C0
    separators \\t \\n \\x0b \\f \\r \\x1c-\\x1f."""
    if char in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f":
        return True
    if char in "\u00a0\u2007\u202f":
        return False
    return unicodedata.category(char) in ("Zs", "Zl", "Zp")


def _strip(text: str, leading: bool, trailing: bool, characters: str | None = None) -> str:
    test = is_java_whitespace if characters is None else (lambda char: char in characters)
    start, end = 0, len(text)
    if leading:
        while start < end and test(text[start]):
            start += 1
    if trailing:
        while end > start and test(text[end - 1]):
            end -= 1
    return text[start:end]


@function("toUpper", 1)
def to_upper(ctx, value):
    """The string in upper case."""
    return None if value is None else _string(value, "toUpper").upper()


@function("toLower", 1)
def to_lower(ctx, value):
    """The string in lower case."""
    return None if value is None else _string(value, "toLower").lower()


@function("upper", 1)
def upper(ctx, value):
    """The string in upper case (an alias of toUpper)."""
    return None if value is None else _string(value, "upper").upper()


@function("lower", 1)
def lower(ctx, value):
    """The string in lower case (an alias of toLower)."""
    return None if value is None else _string(value, "lower").lower()


def _trim_function(name: str, leading: bool, trailing: bool, max_args: int):
    def trim(ctx, value, characters=_UNSET):
        if value is None or characters is None:
            return None
        text = _string(value, name)
        if characters is _UNSET:
            return _strip(text, leading, trailing)
        return _strip(text, leading, trailing, _string(characters, name, "trim characters"))
    trim.__doc__ = {
        "trim": "The string without leading and trailing whitespace.",
        "ltrim": "The string without leading whitespace (or leading characters of the given set).",
        "rtrim": "The string without trailing whitespace (or trailing characters of the given set).",
        "btrim": "The string without leading and trailing whitespace (or characters of the given set).",
    }[name]
    signature = f"{name}(original)" if max_args == 1 else f"{name}(original[, trimCharacterString])"
    function(name, 1, max_args, signature=signature)(trim)
    return trim


trim = _trim_function("trim", True, True, 1)
ltrim = _trim_function("ltrim", True, False, 2)
rtrim = _trim_function("rtrim", False, True, 2)
btrim = _trim_function("btrim", True, True, 2)


@function("substring", 2, 3, signature="substring(original, start[, length])")
def substring(ctx, original, start, length=_UNSET):
    """The part of a string from a zero-based start, to the end or of at most the given length."""
    if original is None or start is None or length is None:
        return None
    text = _string(original, "substring")
    begin = _non_negative(start, "substring", "start")
    if length is _UNSET:
        return text[begin:]
    count = _non_negative(length, "substring", "length")
    return text[begin:begin + count]


@function("left", 2, signature="left(original, length)")
def left(ctx, original, length):
    """The first `length` characters of a string."""
    if original is None or length is None:
        return None
    text = _string(original, "left")
    return text[:_non_negative(length, "left", "length")]


@function("right", 2, signature="right(original, length)")
def right(ctx, original, length):
    """The last `length` characters of a string."""
    if original is None or length is None:
        return None
    text = _string(original, "right")
    count = _non_negative(length, "right", "length")
    return text[len(text) - count:] if count < len(text) else text


@function("replace", 3, signature="replace(original, search, replace)")
def replace(ctx, original, search, replacement):
    """The string with every occurrence of `search` replaced."""
    if original is None or search is None or replacement is None:
        return None
    text = _string(original, "replace")
    return text.replace(_string(search, "replace", "search"), _string(replacement, "replace", "replacement"))


@function("split", 2, signature="split(original, splitDelimiter)")
def split(ctx, original, delimiter):
    """The parts of a string between occurrences of a delimiter, or of any of a list of delimiters (an empty
    delimiter splits into characters)."""
    if original is None or delimiter is None:
        return None
    text = _string(original, "split")
    if isinstance(delimiter, list):
        delimiters = []
        for item in delimiter:
            if item is None:
                return None
            delimiters.append(_string(item, "split", "delimiter"))
    else:
        delimiters = [_string(delimiter, "split", "delimiter")]
    if text == "":
        return [""]
    if len(delimiters) == 1:
        separator = delimiters[0]
        if separator == "":
            return list(text)
        return text.split(separator)
    return _split_any(text, delimiters)


def _split_any(text: str, delimiters: list[str]) -> list[str]:
    """Splits at every position where one of the delimiters (the first that matches, in the given order)
    starts; an empty delimiter matches between every two characters."""
    parts, start, index = [], 0, 0
    non_empty = [d for d in delimiters if d]
    empty = len(non_empty) != len(delimiters)
    while index < len(text):
        match = next((d for d in non_empty if text.startswith(d, index)), None)
        if match is not None:
            parts.append(text[start:index])
            index += len(match)
            start = index
        elif empty and index > start:
            parts.append(text[start:index])
            start = index
        else:
            index += 1
    parts.append(text[start:])
    return parts


_FORMS = ("NFC", "NFD", "NFKC", "NFKD")


@function("normalize", 1, 2, signature="normalize(input[, normalForm])")
def normalize(ctx, value, form="NFC"):
    """The string in a Unicode normal form: NFC (the default), NFD, NFKC or NFKD."""
    if value is None or form is None:
        return None
    text = _string(value, "normalize")
    form_name = _string(form, "normalize", "normal form").upper()
    if form_name not in _FORMS:
        raise argument_error("Unknown normal form. Valid values are: NFC, NFD, NFKC, NFKD.")
    return unicodedata.normalize(form_name, text)


def is_normalized(value: object, form: str = "NFC") -> bool | None:
    """`value IS [form] NORMALIZED`: null for anything that is not a string."""
    if not isinstance(value, str):
        return None
    if form.upper() not in _FORMS:
        raise argument_error("Unknown normal form. Valid values are: NFC, NFD, NFKC, NFKD.")
    return unicodedata.is_normalized(form.upper(), value)


def _char_length(name: str):
    def char_length(ctx, value):
        return None if value is None else len(_string(value, name))
    char_length.__doc__ = "The number of Unicode characters (code points) of a string."
    function(name, 1, signature=f"{name}(input)")(char_length)
    return char_length


char_length = _char_length("char_length")
character_length = _char_length("character_length")

__all__ = ["is_java_whitespace", "is_normalized"]
