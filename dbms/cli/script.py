"""Splitting a Cypher script into statements and client commands, as cypher-shell does.

Statements end at `;` outside strings, backtick names and comments. A line whose first character (outside a
statement) is `:` is a client command (`:use db`, `:begin`, `:param x => 1` …) ending at the end of the line.
Each piece remembers where it starts, so errors can name `file:line:column`."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    """A statement (without its `;`) or a client command (`command` True, text without the leading `:`)."""

    text: str
    line: int
    column: int
    command: bool = False


def split_script(source: str) -> list[Piece]:
    """The statements and client commands of `source`, in order; a last statement may lack its `;`."""
    pieces: list[Piece] = []
    buffer: list[str] = []
    start: tuple[int, int] | None = None
    line, column = 1, 1
    i, size = 0, len(source)
    while i < size:
        char = source[i]
        if start is None:
            if char in " \t\r\n":
                line, column = _advance(char, line, column)
                i += 1
                continue
            if char == ":":
                end = source.find("\n", i)
                end = size if end == -1 else end
                text = source[i + 1:end].strip().rstrip(";").strip()
                pieces.append(Piece(text, line, column, command=True))
                column += end - i
                i = end
                continue
            if source.startswith("//", i):
                end = source.find("\n", i)
                end = size if end == -1 else end
                column += end - i
                i = end
                continue
            start = (line, column)
        end = _skipped(source, i)
        if end is not None:
            segment = source[i:end]
            buffer.append(segment)
            for c in segment:
                line, column = _advance(c, line, column)
            i = end
            continue
        if char == ";":
            text = "".join(buffer).strip()
            if text:
                pieces.append(Piece(text, *start))
            buffer, start = [], None
            line, column = _advance(char, line, column)
            i += 1
            continue
        buffer.append(char)
        line, column = _advance(char, line, column)
        i += 1
    text = "".join(buffer).strip()
    if text and not _only_comments(text):
        pieces.append(Piece(text, *start))
    return pieces


def is_complete(source: str) -> bool:
    """Whether an interactive input is ready to run: it ends with `;` outside strings, or is a command."""
    stripped = source.strip()
    if not stripped:
        return False
    if stripped.startswith(":"):
        return True
    last_semicolon = _last_terminator(stripped)
    return last_semicolon is not None and _only_comments(stripped[last_semicolon + 1:])


def _last_terminator(source: str) -> int | None:
    found = None
    i = 0
    while i < len(source):
        end = _skipped(source, i)
        if end is not None:
            i = end
            continue
        if source[i] == ";":
            found = i
        i += 1
    return found


def _skipped(source: str, i: int) -> int | None:
    """The end of the string, backtick name or comment starting at `i` (None if none starts there): inside
    them a `;` ends nothing."""
    char = source[i]
    if char in "'\"`":
        return _closing(source, i, char)
    if source.startswith("//", i):
        end = source.find("\n", i)
        return len(source) if end == -1 else end
    if source.startswith("/*", i):
        end = source.find("*/", i + 2)
        return len(source) if end == -1 else end + 2
    return None


def _closing(source: str, i: int, quote: str) -> int:
    """The index after the string or name opened at `i` (backslash escapes in strings, `` doubled in names)."""
    j = i + 1
    while j < len(source):
        char = source[j]
        if char == "\\" and quote != "`":
            j += 2
            continue
        if char == quote:
            if quote == "`" and source.startswith("``", j):
                j += 2
                continue
            return j + 1
        j += 1
    return len(source)


def _advance(char: str, line: int, column: int) -> tuple[int, int]:
    return (line + 1, 1) if char == "\n" else (line, column + 1)


def _only_comments(text: str) -> bool:
    return all(part.strip().startswith("//") or not part.strip() for part in text.splitlines())
