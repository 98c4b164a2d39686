"""Passwords out of statement texts that people see: SHOW TRANSACTIONS' `currentQuery`, syntax errors, logs.

`CREATE USER alice SET PASSWORD 'secret'` must not show `secret` to another administrator listing transactions,
nor in the caret excerpt of a syntax error (Neo4j shows `'******'`). The statement is read with the grammar's
lexer, not parsed, so that a statement that does not parse is redacted too: every string literal after a
`PASSWORD` keyword, through `FROM 'old' TO 'new'`, is a password. A password passed as a parameter
(`SET PASSWORD $password`) never appears in the text."""
from __future__ import annotations

from graphplex.databases.cypher.lalr import UNMATCHED, Parser

MASK = "'******'"
_PASSWORD = "PASSWORD"
_CONTINUES = frozenset({"STRING", "FROM", "TO"})   # the literals after PASSWORD: one, or FROM old TO new


def password_spans(text: str, parser: Parser) -> list[tuple[int, int]]:
    """(start, end) offsets of the password literals in `text`, in order."""
    if _PASSWORD.lower() not in text.lower():
        return []
    spans, after_password = [], False
    for token in parser.scan(text):
        if token.type == _PASSWORD:
            after_password = True
        elif after_password and token.type in _CONTINUES:
            if token.type == "STRING":
                spans.append((token.start_pos, token.end_pos))
        elif after_password and token.type == UNMATCHED and token in ("'", '"'):
            spans.append((token.start_pos, len(text)))   # a password whose quote is never closed: all the rest
            break
        else:
            after_password = False
    return spans


def redact(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span replaced by the mask."""
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(MASK)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def redacted_offset(offset: int, spans: list[tuple[int, int]]) -> int:
    """Where `offset` of the original text lies in the redacted one (a place inside a password: its start)."""
    shift = 0
    for start, end in spans:
        if offset < start:
            break
        if offset < end:
            return start + shift
        shift += len(MASK) - (end - start)
    return offset + shift
