"""Syntax errors worded as Neo4j words them, from the parser's errors.

`Invalid input 'FOO': expected an expression, '*' or 'DISTINCT' (line 1, column 8 (offset: 7))`, then the line in
quotes and a caret under the offending place. The parser names every terminal the parser could take next, often a
hundred and more (each keyword may also be a name); those are grouped into what a reader thinks of: "an
expression", "a pattern", "a clause", "an identifier", "an operator". A group is named when every terminal that
could start it was expected; the groups are found by asking the parser what it accepts after a few probe texts,
so they follow the grammar as it changes. An unterminated string or comment is named as such, as Neo4j's lexer
does, wherever the parser happened to stumble over it."""
from __future__ import annotations

import re
from functools import lru_cache

from graphplex.databases.cypher.lalr import Parser, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from graphplex.databases.cypher.redaction import MASK, password_spans, redact, redacted_offset
from graphplex.databases.errors import CypherSyntaxError

_CODE = "Neo.ClientError.Statement.SyntaxError"
_MOST_ALTERNATIVES = 8
_END = "$END"
_UNSHOWN = {"WS", "COMMENT", "SEMICOLON"}   # a ';' between statements is the script's business, not the query's

# (label, probe texts after which the parser takes the terminals that start the group, terminals not of the group)
_GROUP_PROBES = (
    ("an expression", ("RETURN 1 + ", "RETURN 1 AND "), ()),
    ("a pattern", ("MATCH ",), ()),
    ("a statement (e.g. 'MATCH', 'CREATE', 'RETURN' or 'SHOW')", ("",), ()),
    ("an identifier", ("WITH 1 AS ",), ()),
    ("a clause (e.g. 'MATCH', 'WITH' or 'RETURN')", ("UNWIND [1] AS x ",), (_END, "SEMICOLON", "UNION")),
)
_RELATIONSHIP = ("a relationship pattern", ("REL_OPEN", "REL_LEFT_OPEN", "REL_RIGHT_SIMPLE", "REL_LEFT_SIMPLE",
                                            "REL_UNDIRECTED_SIMPLE", "REL_BOTH_SIMPLE"))
_OPERATOR = "an operator"

_DESCRIPTIONS = {
    "NAME": ("an identifier",), "ESCAPED_NAME": ("an identifier",), "PARAMETER": ("a parameter",),
    "DECIMAL_INTEGER": ("an integer",), "HEX_INTEGER": ("an integer",), "OCTAL_INTEGER": ("an integer",),
    "FLOAT": ("a float",), "STRING": ("a string",), "REL_OPEN": ("'-['",), "REL_LEFT_OPEN": ("'<-['",),
    "REL_TAIL_RIGHT": ("'->'",), "REL_RIGHT_SIMPLE": ("'-->'",), "REL_LEFT_SIMPLE": ("'<--'",),
    "REL_UNDIRECTED_SIMPLE": ("'--'",), "REL_BOTH_SIMPLE": ("'<-->'",), "RANGE_DOTS": ("'..'",), "STAR": ("'*'",),
    "ADD_OP": ("'+'", "'-'"), "MUL_OP": ("'/'", "'%'"), "ORDER": ("'ORDER BY'",), "LOAD": ("'LOAD CSV'",),
    "SEMICOLON": ("';'",), _END: ("<EOF>",),
}


def syntax_error(text: str, error: UnexpectedInput, parser: Parser) -> CypherSyntaxError:
    """The Neo4j-worded error for the parser's `error` while parsing `text` with `parser`."""
    passwords = password_spans(text, parser)
    unclosed = _unclosed(text)
    if unclosed is not None:
        what, offset = unclosed
        return CypherSyntaxError(f"{what} {_redacted_position(text, offset, passwords)}", _CODE)
    offset, found = _found(text, error)
    if any(start <= offset < end for start, end in passwords):
        found = MASK
    expected = _expected(_expected_terminals(error), parser)
    return CypherSyntaxError(
        f"Invalid input '{found}': expected {expected} {_redacted_position(text, offset, passwords)}", _CODE)


def _redacted_position(text: str, offset: int, passwords: list[tuple[int, int]]) -> str:
    """The position and excerpt of `offset`, with the statement's passwords masked."""
    return _position(redact(text, passwords), redacted_offset(offset, passwords))


def integer_too_large(text: str, digits: str, offset: int) -> CypherSyntaxError:
    """The error of an integer literal beyond 64 bits, `digits` at `offset` of the statement `text`."""
    shown = digits if len(digits) <= 60 else f"{digits[:57]}..."
    return CypherSyntaxError(f"integer is too large: {shown} {_position(text, offset)}", _CODE)


def _position(text: str, offset: int) -> str:
    """`(line l, column c (offset: o))`, then the line in quotes and a caret under the column."""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    column = offset - line_start + 1
    source_line = text[line_start:line_end if line_end != -1 else len(text)]
    return f"(line {line}, column {column} (offset: {offset}))\n\"{source_line}\"\n{' ' * column}^"


def _found(text: str, error: UnexpectedInput) -> tuple[int, str]:
    """Where the input went wrong and the word found there ('' at the end of the text)."""
    if isinstance(error, UnexpectedToken):
        if error.token.type == _END:
            return len(text), ""
        start = error.token.start_pos if error.token.start_pos is not None else 0
        return start, str(error.token)
    offset = error.pos_in_stream if isinstance(error, UnexpectedCharacters) else 0
    offset = min(offset or 0, len(text))
    word = re.match(r"\w+", text[offset:])
    return offset, word.group() if word else text[offset:offset + 1]


def _expected_terminals(error: UnexpectedInput) -> set[str]:
    names = None
    if isinstance(error, UnexpectedToken):
        try:
            names = error.accepts
        except Exception:   # computed lazily from a copy of the parser's stack; the table's set is enough
            names = None
        names = names or error.expected
    elif isinstance(error, UnexpectedCharacters):
        names = error.allowed
    return set(names or ()) - _UNSHOWN


def _expected(names: set[str], parser: Parser) -> str:
    """A short human list: the groups every terminal of which was expected, then the single terminals left.
    A group is named only when it adds something to the groups before it (a clause keyword is an identifier
    too, and an identifier an expression)."""
    labels, left = [], set(names)
    for label, core, extent in _groups(parser):
        if core and core <= names and core & left:
            labels.append(label)
            left -= extent
    end = _END in left
    left.discard(_END)
    singles = sorted({label for name in left for label in _describe(name, parser)} - set(labels))
    items = labels + singles
    if len(items) > _MOST_ALTERNATIVES:
        items = items[:_MOST_ALTERNATIVES - 1] + ["…"]
    if end:
        items.append("<EOF>")
    if not items:
        return "something else"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


@lru_cache(maxsize=4)
def _groups(parser: Parser) -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """Each group's label, the terminals that must all be expected to name it (those taken after every probe)
    and those it then stands for (taken after any probe), found by asking the parser."""
    groups = []
    for label, probes, outside in _GROUP_PROBES:
        sets = [_accepts(parser, probe) - set(outside) for probe in probes]
        groups.append((label, frozenset.intersection(*sets), frozenset.union(*sets)))
    label, names = _RELATIONSHIP
    relationships = frozenset(names) & parser.terminals
    groups.append((label, relationships, relationships))
    operators = frozenset(_accepts(parser, "RETURN 1 ") - _accepts(parser, "RETURN 1 AS x ") - {"AS"})
    groups.append((_OPERATOR, operators, operators))
    return tuple(groups)


def _accepts(parser: Parser, probe: str) -> frozenset[str]:
    return parser.accepts_after(probe, start="start")


def _describe(name: str, parser: Parser) -> tuple[str, ...]:
    if name in _DESCRIPTIONS:
        return _DESCRIPTIONS[name]
    try:
        kind, pattern = parser.terminal_patterns[name]
    except KeyError:
        return (name.lower().replace("_", " "),)
    if kind == "str":
        return (f"'{pattern}'",)
    if name.isupper() and name.replace("_", "").isalpha() and not name.startswith("_"):
        return (f"'{name.replace('_', ' ')}'",)
    if re.fullmatch(r"(?:\\.|[^\\.^$*+?{}\[\]|()])+", pattern):   # a literal, only escaped
        plain = re.sub(r"\\(.)", r"\1", pattern)
        return (f"'{plain}'",)
    return (name.lower().replace("_", " "),)


def _unclosed(text: str) -> tuple[str, int] | None:
    """Neo4j's message and the offset of a string literal or block comment that the text never closes."""
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char in "'\"`":
            end = _closing(text, i)
            if end is None:
                if char == "`":
                    return None
                return ("Failed to parse string literal. The query must contain an even number of non-escaped "
                        "quotes.", i)
            i = end + 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = length if newline == -1 else newline + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                return "Failed to parse comment. A comment starting on `/*` must have a closing `*/`.", i
            i = end + 2
        else:
            i += 1
    return None


def _closing(text: str, start: int) -> int | None:
    """The offset of the quote that closes the one at `start` (backslash escapes in strings, `` in names)."""
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\" and quote != "`":
            i += 2
            continue
        if text[i] == quote:
            if quote == "`" and text.startswith("``", i):
                i += 2
                continue
            return i
        i += 1
    return None
