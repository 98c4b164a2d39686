"""Passwords out of statement texts that people see: SHOW TRANSACTIONS' `currentQuery`, syntax errors, logs.

`CREATE USER alice SET PASSWORD 'secret'` must not show `secret` to another administrator listing transactions,
nor in the caret excerpt of a syntax error (Neo4j shows `'******'`). The statement is read with the grammar's
lexer, not parsed, so that a statement that does not parse is redacted too: every string literal after a
`PASSWORD` keyword, through `FROM 'old' TO 'new'`, is a password. A password passed as a parameter
(`SET PASSWORD $password`) never appears in the text, but its value must not appear where the parameters of a
query are shown: `password_parameters` names them."""
from __future__ import annotations

from typing import Iterator

from graphplex.databases.cypher.lalr import UNMATCHED, Parser, Token

MASK = "'******'"
_PASSWORD = "PASSWORD"
# What may follow PASSWORD: one literal or parameter, or FROM old TO new.
_CONTINUES = frozenset({"STRING", "PARAMETER", "FROM", "TO"})


def password_spans(text: str, parser: Parser) -> list[tuple[int, int]]:
    """(start, end) offsets of the password literals in `text`, in order."""
    spans = []
    for token in _passwords(text, parser):
        if token.type == "STRING":
            spans.append((token.start_pos, token.end_pos))
        elif token.type == UNMATCHED:
            spans.append((token.start_pos, len(text)))   # a password whose quote is never closed: all the rest
    return spans


def redact_parameters(text: str, parameters: dict, parser: Parser) -> dict:
    """`parameters` of the statement `text` with the value of each it passes as a password (`SET PASSWORD $pw`)
    masked: the mask's text without its quotes, as the value is a string and not a literal."""
    if not parameters:
        return {}
    secret = {_parameter_name(token) for token in _passwords(text, parser) if token.type == "PARAMETER"}
    return {name: MASK[1:-1] if name in secret else value for name, value in parameters.items()}


def _passwords(text: str, parser: Parser) -> Iterator[Token]:
    """The tokens in a password's place: string literals, parameters, and an opening quote never closed (after
    which the lexer finds nothing reliable, so the rest of the text goes with it)."""
    if _PASSWORD.lower() not in text.lower():
        return
    after_password = False
    for token in parser.scan(text):
        if token.type == _PASSWORD:
            after_password = True
        elif after_password and token.type in _CONTINUES:
            if token.type in ("STRING", "PARAMETER"):
                yield token
        elif after_password and token.type == UNMATCHED and token in ("'", '"'):
            yield token
            return
        else:
            after_password = False


def _parameter_name(token: Token) -> str:
    name = token[1:]
    return name[1:-1].replace("``", "`") if name.startswith("`") else name


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
