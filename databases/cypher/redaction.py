"""Passwords out of statement texts that people see: SHOW TRANSACTIONS' `currentQuery`, syntax errors, logs.

`CREATE USER alice SET PASSWORD 'secret'` must not show `secret` to another administrator listing transactions,
nor in the caret excerpt of a syntax error (Neo4j shows `'******'`). The statement is read with the grammar's
terminals, not parsed, so that a statement that does not parse is redacted too: every string literal after a
`PASSWORD` keyword, through `FROM 'old' TO 'new'`, is a password. A password passed as a parameter
(`SET PASSWORD $password`) never appears in the text, but its value must not appear where the parameters of a
query are shown: `redact_parameters` masks it."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from graphplex.databases.cypher.lalr import Parser

MASK = "'******'"
UNMATCHED = "UNMATCHED"   # the kind of an opening quote never closed
_PASSWORD = "PASSWORD"
# What may follow PASSWORD: one literal or parameter, or FROM old TO new.
_CONTINUES = frozenset({"STRING", "PARAMETER", "FROM", "TO"})


def password_spans(text: str, parser: Parser) -> list[tuple[int, int]]:
    """(start, end) offsets of the password literals in `text`, in order."""
    return [(start, end) for kind, start, end in _passwords(text, parser) if kind != "PARAMETER"]


def redact_parameters(text: str, parameters: dict, parser: Parser) -> dict:
    """`parameters` of the statement `text` with the value of each it passes as a password (`SET PASSWORD $pw`)
    masked: the mask's text without its quotes, as the value is a string and not a literal."""
    if not parameters:
        return {}
    secret = {_parameter_name(text[start:end]) for kind, start, end in _passwords(text, parser) if kind == "PARAMETER"}
    return {name: MASK[1:-1] if name in secret else value for name, value in parameters.items()}


def _passwords(text: str, parser: Parser) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of what stands in a password's place: a STRING, a PARAMETER, or an opening quote never
    closed (UNMATCHED: after it the lexer finds nothing reliable, so the rest of the text goes with it)."""
    if _PASSWORD.lower() not in text.lower():
        return
    sites, follows = _patterns(parser)
    for site in sites.finditer(text):
        if site.group("password") is None:
            continue   # a string, comment or escaped name, stepped over whole
        base = site.start("follow")
        for token in follows.finditer(site.group("follow")):
            if token.lastgroup != "COMMENT":
                yield token.lastgroup, base + token.start(), base + token.end()
        if site.group("unclosed"):
            yield UNMATCHED, site.start("unclosed"), len(text)
            return


@lru_cache(maxsize=None)
def _patterns(parser: Parser) -> tuple[re.Pattern, re.Pattern]:
    """Two expressions made of the grammar's own terminals, so that finding passwords costs one pass of the regular
    expression engine over the text instead of a token-by-token scan (seconds for a text of megabytes): the first
    finds each PASSWORD keyword outside strings, comments and escaped names (stepped over whole, as the lexer
    does), with the tokens that follow it (what may follow a password: more of them, FROM, TO, white space,
    comments) and an unclosed quote after them; the second picks the passwords out of what follows."""
    terminal = {name: _regex(parser.terminal_patterns[name])
                for name in ("STRING", "COMMENT", "ESCAPED_NAME", "WS", "PARAMETER", _PASSWORD, *_CONTINUES)}
    follow = "|".join(terminal[name] for name in ("WS", "COMMENT", *sorted(_CONTINUES)))
    # The lookahead lets the engine pass over a character that can start none of them with one test.
    sites = re.compile(f"(?=[\\'\"/`{_PASSWORD[0]}{_PASSWORD[0].lower()}])"
                       f"(?:{terminal['STRING']}|{terminal['COMMENT']}|{terminal['ESCAPED_NAME']}"
                       f"|(?<![\\w$])(?P<password>{terminal[_PASSWORD]})(?P<follow>(?:{follow})*)(?P<unclosed>['\"]?))",
                       parser.flags)
    follows = re.compile("|".join(f"(?P<{name}>{terminal[name]})" for name in ("COMMENT", "STRING", "PARAMETER")),
                         parser.flags)
    return sites, follows


def _regex(pattern: tuple[str, str]) -> str:
    kind, value = pattern
    return f"(?:{value})" if kind == "re" else re.escape(value)


def _parameter_name(token: str) -> str:
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
