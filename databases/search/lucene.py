"""Lucene's classic query syntax (org.apache.lucene.queryparser.classic, what Neo4j's full-text procedures parse),
read into a tree of dataclasses.

The lexer and the recursive descent follow QueryParser.jj: terms, "phrases"~slop, AND/OR/NOT/&&/||/!, +/-,
groups, field:term and field:(...), prefix qu*, wildcards * and ? (a leading one allowed: Neo4j calls
`setAllowLeadingWildcard(true)`), fuzzy term~ / term~1, /regexp/, boosts ^2, ranges [a TO b] {a TO b} and
backslash escapes. Analysis (which needs the index's analyzer) is left to the full-text engine, so each clause
keeps its conjunction and modifier: Lucene decides required/optional/prohibited only after analysing, when a
clause of stop words alone has vanished.

Errors are Lucene's own: a `LuceneSyntaxError` carries the Java class and message Neo4j reports as the root
cause (`ParseException: Encountered "<EOF>" at line 1, column 5. ...`, `TokenMgrError: Lexical error ...`).
"""
from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

__all__ = ["LuceneSyntaxError", "Term", "Wildcard", "Phrase", "Range", "MatchAll", "Clause", "Group", "parse",
           "CONJ_NONE", "CONJ_AND", "CONJ_OR", "MOD_NONE", "MOD_REQ", "MOD_NOT", "WILD_ANY", "WILD_ONE"]

CONJ_NONE, CONJ_AND, CONJ_OR = 0, 1, 2
MOD_NONE, MOD_NOT, MOD_REQ = 0, 10, 11
WILD_ANY, WILD_ONE = object(), object()

_PARSE = "org.apache.lucene.queryparser.classic.ParseException"
_TOKEN_MGR = "org.apache.lucene.queryparser.classic.TokenMgrError"
_JAVA_INT_MAX = 2 ** 31 - 1


class LuceneSyntaxError(Exception):
    """A query Lucene's classic parser rejects: `java_class` and `detail` as Lucene words them."""

    def __init__(self, java_class: str, detail: str) -> None:
        super().__init__(f"{java_class}: {detail}")
        self.java_class = java_class
        self.detail = detail


@dataclass(frozen=True)
class Term:
    """A bare term: analysed as a field query, or a prefix / regexp / fuzzy term (normalized only)."""

    field: str | None
    text: str
    kind: str = "term"              # term | prefix | regexp | fuzzy
    fuzzy: float | None = None      # the number after ~ (None: Lucene's default, 2 edits)
    boost: float | None = None


@dataclass(frozen=True)
class Wildcard:
    """A term with * or ?: literal chunks and the WILD_ANY / WILD_ONE markers, in order."""

    field: str | None
    parts: tuple
    boost: float | None = None


@dataclass(frozen=True)
class Phrase:
    field: str | None
    text: str
    slop: int = 0
    boost: float | None = None


@dataclass(frozen=True)
class Range:
    field: str | None
    lower: str | None               # None: open (*)
    upper: str | None
    include_lower: bool
    include_upper: bool
    boost: float | None = None


@dataclass(frozen=True)
class MatchAll:
    boost: float | None = None


@dataclass(frozen=True)
class Clause:
    conj: int
    mods: int
    query: object


@dataclass(frozen=True)
class Group:
    """A Query production: its clauses in order."""

    clauses: tuple[Clause, ...]
    boost: float | None = None


# Token kinds, numbered as QueryParserConstants so that expected-token lists come out in Lucene's order.
EOF, AND, OR, NOT, PLUS, MINUS, BAREOPER, LPAREN, RPAREN, COLON, STAR, CARAT, QUOTED, TERM, FUZZY_SLOP, \
    PREFIXTERM, WILDTERM, REGEXPTERM, RANGEIN_START, RANGEEX_START, NUMBER, RANGE_TO, RANGEIN_END, RANGEEX_END, \
    RANGE_QUOTED, RANGE_GOOP = 0, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, \
    28, 29, 30, 31, 32
LEXERROR = 99

_IMAGE = {EOF: "<EOF>", AND: "<AND>", OR: "<OR>", NOT: "<NOT>", PLUS: '"+"', MINUS: '"-"', BAREOPER: "<BAREOPER>",
          LPAREN: '"("', RPAREN: '")"', COLON: '":"', STAR: '"*"', CARAT: '"^"', QUOTED: "<QUOTED>",
          TERM: "<TERM>", FUZZY_SLOP: "<FUZZY_SLOP>", PREFIXTERM: "<PREFIXTERM>", WILDTERM: "<WILDTERM>",
          REGEXPTERM: "<REGEXPTERM>", RANGEIN_START: '"["', RANGEEX_START: '"{"', NUMBER: "<NUMBER>",
          RANGE_TO: '"TO"', RANGEIN_END: '"]"', RANGEEX_END: '"}"', RANGE_QUOTED: "<RANGE_QUOTED>",
          RANGE_GOOP: "<RANGE_GOOP>"}

_WHITESPACE = " \t\n\r\u3000"
_NOT_TERM_START = set(_WHITESPACE + "+-!():^[]\"{}~*?\\/")
_MODIFIERS = (NOT, PLUS, MINUS)
_CLAUSE_START = (BAREOPER, LPAREN, STAR, QUOTED, TERM, PREFIXTERM, WILDTERM, REGEXPTERM, RANGEIN_START,
                 RANGEEX_START, NUMBER)
_TERM_TOKENS = (TERM, STAR, PREFIXTERM, WILDTERM, REGEXPTERM, NUMBER, BAREOPER)
_BOOST, _RANGE, _DEFAULT = 0, 1, 2


@dataclass
class _Token:
    kind: int
    image: str
    line: int
    column: int
    chars: list = field(default_factory=list)   # (char, escaped) of a term, for wildcard detection
    error: str = ""


def _escape_java(text: str) -> str:
    """JavaCC's addEscapes."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '\b\t\n\f\r"\'\\':
            out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"',
                        "'": "\\'", "\\": "\\\\"}[ch])
        elif code < 0x20 or code > 0x7E:
            out.append("\\u" + format(code, "04x"))
        else:
            out.append(ch)
    return "".join(out)


class _Lexer:
    """QueryParser.jj's token manager: longest match, states DEFAULT / Boost (after ^) / Range (in [ ] { })."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.state = _DEFAULT

    def _where(self, pos: int) -> tuple[int, int]:
        before = self.text[:pos]
        line = before.count("\n") + 1
        return line, pos - (before.rfind("\n") + 1) + 1

    def _lexical_error(self, start: int, at_eof: bool) -> _Token:
        """TokenMgrError's words; at end of input JavaCC reports the column one past the last character."""
        where = len(self.text) if at_eof else self.pos
        line, column = self._where(where)
        if at_eof:
            encountered = "<EOF>"
        else:
            ch = self.text[self.pos]
            encountered = f"'{_escape_java(ch)}' ({ord(ch)})"
        prefix = self.text[start:where]
        message = f"Lexical error at line {line}, column {column}.  Encountered: {encountered}"
        if prefix:
            message += f' after prefix "{_escape_java(prefix)}"'
        if self.state != _BOOST:
            message += f" (in lexical state {self.state})"
        return _Token(LEXERROR, "", line, column, error=message)

    def next(self) -> _Token:
        text = self.text
        if self.state != _BOOST:
            while self.pos < len(text) and text[self.pos] in _WHITESPACE:
                self.pos += 1
        if self.pos >= len(text):
            line, column = self._where(len(text))
            return _Token(EOF, "", line, column - 1 if text else 0)
        start = self.pos
        line, column = self._where(start)
        if self.state == _BOOST:
            return self._number(start, line, column)
        if self.state == _RANGE:
            return self._range(start, line, column)
        return self._default(start, line, column)

    def _token(self, kind: int, start: int, line: int, column: int, chars: list | None = None) -> _Token:
        return _Token(kind, self.text[start:self.pos], line, column, chars or [])

    def _number(self, start: int, line: int, column: int) -> _Token:
        text = self.text
        while self.pos < len(text) and text[self.pos].isdigit() and text[self.pos] < "\x80":
            self.pos += 1
        if self.pos == start:
            return self._lexical_error(start, False)
        if self.pos + 1 < len(text) and text[self.pos] == "." and "0" <= text[self.pos + 1] <= "9":
            self.pos += 1
            while self.pos < len(text) and "0" <= text[self.pos] <= "9":
                self.pos += 1
        self.state = _DEFAULT
        return self._token(NUMBER, start, line, column)

    def _range(self, start: int, line: int, column: int) -> _Token:
        text = self.text
        ch = text[start]
        if ch in "]}":
            self.pos += 1
            self.state = _DEFAULT
            return self._token(RANGEIN_END if ch == "]" else RANGEEX_END, start, line, column)
        if ch == '"':
            self.pos += 1
            while self.pos < len(text) and text[self.pos] != '"':
                self.pos += 2 if text[self.pos] == "\\" and text[self.pos + 1:self.pos + 2] == '"' else 1
            if self.pos < len(text) and self.pos > start + 1:
                self.pos += 1
                return self._token(RANGE_QUOTED, start, line, column)
            self.pos = start
        while self.pos < len(text) and text[self.pos] not in " ]}":
            self.pos += 1
        image = text[start:self.pos]
        return self._token(RANGE_TO if image == "TO" else RANGE_GOOP, start, line, column)

    def _default(self, start: int, line: int, column: int) -> _Token:
        text = self.text
        ch = text[start]
        two = text[start:start + 2]
        if two in ("&&", "||"):
            self.pos += 2
            return self._token(AND if two == "&&" else OR, start, line, column)
        if ch in "+-!":
            self.pos += 1
            if self.pos < len(text) and text[self.pos] in _WHITESPACE:
                self.pos += 1
                return self._token(BAREOPER, start, line, column)
            return self._token({"+": PLUS, "-": MINUS, "!": NOT}[ch], start, line, column)
        simple = {"(": LPAREN, ")": RPAREN, ":": COLON, "^": CARAT, "[": RANGEIN_START, "{": RANGEEX_START}
        if ch in simple:
            self.pos += 1
            if ch == "^":
                self.state = _BOOST
            elif ch in "[{":
                self.state = _RANGE
            return self._token(simple[ch], start, line, column)
        if ch == '"':
            self.pos += 1
            while self.pos < len(text) and text[self.pos] != '"':
                if text[self.pos] == "\\":
                    self.pos += 1
                    if self.pos >= len(text):
                        return self._lexical_error(start, True)
                self.pos += 1
            if self.pos >= len(text):
                return self._lexical_error(start, True)
            self.pos += 1
            return self._token(QUOTED, start, line, column)
        if ch == "/":
            self.pos += 1
            while self.pos < len(text) and text[self.pos] != "/":
                self.pos += 2 if text[self.pos] == "\\" and text[self.pos + 1:self.pos + 2] == "/" else 1
            if self.pos >= len(text):
                self.pos = len(text)
                return self._lexical_error(start, True)
            self.pos += 1
            return self._token(REGEXPTERM, start, line, column)
        if ch == "~":
            return self._fuzzy(start, line, column)
        return self._term(start, line, column)

    def _term_chars(self, chars: list) -> bool:
        """Reads term characters into `chars`; False when a backslash ends the text (a lexical error)."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "\\":
                if self.pos + 1 >= len(text):
                    self.pos = len(text)
                    return False
                chars.append((text[self.pos + 1], True))
                self.pos += 2
            elif ch in "*?+-" or ch not in _NOT_TERM_START:
                chars.append((ch, False))
                self.pos += 1
            else:
                break
        return True

    def _term(self, start: int, line: int, column: int) -> _Token:
        text = self.text
        ch = text[start]
        if ch not in "*?\\" and ch in _NOT_TERM_START:
            return self._lexical_error(start, False)
        chars: list = []
        if not self._term_chars(chars):
            return self._lexical_error(start, True)
        wild = [i for i, (c, escaped) in enumerate(chars) if c in "*?" and not escaped]
        image = text[start:self.pos]
        if image == "*":
            kind = STAR
        elif not wild:
            kind = {"AND": AND, "OR": OR, "NOT": NOT}.get(image, TERM)
        elif wild == [len(chars) - 1] and chars[-1][0] == "*" and len(chars) > 1:
            kind = PREFIXTERM
        else:
            kind = WILDTERM
        return self._token(kind, start, line, column, chars)

    def _fuzzy(self, start: int, line: int, column: int) -> _Token:
        text = self.text
        self.pos += 1
        while self.pos < len(text) and "0" <= text[self.pos] <= "9":
            self.pos += 1
        if self.pos > start + 1 and self.pos + 1 < len(text) and text[self.pos] == "." \
                and "0" <= text[self.pos + 1] <= "9":
            self.pos += 1
            while self.pos < len(text) and "0" <= text[self.pos] <= "9":
                self.pos += 1
        if not self._term_chars([]):
            return self._lexical_error(start, True)
        return self._token(FUZZY_SLOP, start, line, column)


class _Parser:
    """QueryParser.jj's productions; failures report the tokens Lucene's generated parser would expect."""

    def __init__(self, text: str) -> None:
        self.lexer = _Lexer(text)
        self.token = self.lexer.next()
        self.expected: set[int] = set()
        self.term_lookahead = False

    def _advance(self) -> _Token:
        token = self.token
        if token.kind == LEXERROR:
            raise LuceneSyntaxError(_TOKEN_MGR, token.error)
        self.token = self.lexer.next()
        self.expected = set()
        self.term_lookahead = False
        return token

    def _at(self, *kinds: int) -> bool:
        if self.token.kind == LEXERROR:
            raise LuceneSyntaxError(_TOKEN_MGR, self.token.error)
        self.expected.update(kinds)
        return self.token.kind in kinds

    def _consume(self, kind: int) -> _Token:
        if not self._at(kind):
            self._fail()
        return self._advance()

    def _fail(self) -> None:
        token = self.token
        if token.kind == EOF:
            encountered = "<EOF>"
        else:
            encountered = f' {_IMAGE[token.kind]} "{_escape_java(token.image)} "'
        sequences = [_IMAGE[k] for k in sorted(self.expected)]
        if self.term_lookahead:
            sequences.append(_IMAGE[TERM])
        lines = "".join(f"{image} ...\n    " for image in sequences)
        heading = "Was expecting:" if len(sequences) == 1 else "Was expecting one of:"
        raise LuceneSyntaxError(_PARSE, f'Encountered "{encountered}" at line {token.line}, column {token.column}.'
                                        f"\n{heading}\n    {lines}")

    def top_level(self) -> Group:
        query = self.query(None)
        self._consume(EOF)
        return query

    def _modifiers(self) -> int:
        if self._at(PLUS, MINUS, NOT):
            kind = self._advance().kind
            return MOD_REQ if kind == PLUS else MOD_NOT
        return MOD_NONE

    def query(self, field_name: str | None) -> Group:
        mods = self._modifiers()
        clauses = [Clause(CONJ_NONE, mods, self.clause(field_name))]
        while self._at(AND, OR, *_MODIFIERS, *_CLAUSE_START):
            conj = CONJ_NONE
            if self._at(AND, OR):
                conj = CONJ_AND if self._advance().kind == AND else CONJ_OR
            mods = self._modifiers()
            clauses.append(Clause(conj, mods, self.clause(field_name)))
        return Group(tuple(clauses))

    def _boost(self) -> float | None:
        if self._at(CARAT):
            self._advance()
            return _boost_value(self._consume(NUMBER).image)
        return None

    def clause(self, field_name: str | None) -> object:
        self.term_lookahead = True
        if self.token.kind in (TERM, STAR):
            saved = (self.lexer.pos, self.lexer.state)
            following = self.lexer.next()
            self.lexer.pos, self.lexer.state = saved
            if following.kind == COLON:
                name = self._advance()
                field_name = "*" if name.kind == STAR else _unescape(name.chars)
                self._advance()
        if self._at(LPAREN):
            self._advance()
            group = self.query(field_name)
            self._consume(RPAREN)
            boost = self._boost()
            return Group(group.clauses, boost) if boost is not None else group
        return self.term(field_name)

    def term(self, field_name: str | None) -> object:
        if self._at(RANGEIN_START, RANGEEX_START):
            include_lower = self._advance().kind == RANGEIN_START
            lower = self._range_goop()
            self._consume(RANGE_TO)
            upper = self._range_goop()
            if not self._at(RANGEIN_END, RANGEEX_END):
                self._fail()
            include_upper = self._advance().kind == RANGEIN_END
            return Range(field_name, lower, upper, include_lower, include_upper, self._boost())
        if self._at(QUOTED):
            token = self._advance()
            slop = self._fuzzy_slop()
            boost = self._boost()
            if slop is None:
                slop = self._fuzzy_slop()
            # QueryParserBase.handleQuotedTerm: `(int) Float.parseFloat(...)`, a Java cast that saturates.
            slop = min(int(slop or 0), _JAVA_INT_MAX)
            return Phrase(field_name, _unescape_quoted(token.image[1:-1]), slop, boost)
        if not self._at(*_TERM_TOKENS):
            self._fail()
        token = self._advance()
        boost = self._boost()
        fuzzy = self._fuzzy_slop()
        if boost is None and fuzzy is not None:
            boost = self._boost()
        if token.kind == STAR:
            return MatchAll(boost) if field_name == "*" else Wildcard(field_name, (WILD_ANY,), boost)
        if token.kind == WILDTERM:
            return Wildcard(field_name, _wild_parts(token.chars), boost)
        if token.kind == PREFIXTERM:
            return Term(field_name, _unescape(token.chars[:-1]), "prefix", None, boost)
        if token.kind == REGEXPTERM:
            return Term(field_name, token.image[1:-1], "regexp", None, boost)
        text = token.image[0] if token.kind == BAREOPER else _unescape(token.chars) if token.chars else token.image
        if fuzzy is not None:
            return Term(field_name, text, "fuzzy", fuzzy if fuzzy >= 0 else None, boost)
        return Term(field_name, text, "term", None, boost)

    def _fuzzy_slop(self) -> float | None:
        """The number after ~ (-1.0 for a bare ~), or None when there is no ~."""
        if not self._at(FUZZY_SLOP):
            return None
        image = self._advance().image[1:]
        digits = ""
        for ch in image:
            if ch.isdigit() or ch == "." and digits and "." not in digits:
                digits += ch
            else:
                break
        try:
            return float(digits) if digits else -1.0
        except ValueError:
            return -1.0

    def _range_goop(self) -> str | None:
        if not self._at(RANGE_GOOP, RANGE_QUOTED, RANGE_TO):
            self._fail()
        token = self._advance()
        if token.kind == RANGE_QUOTED:
            return token.image[1:-1].replace('\\"', '"')
        return None if token.image == "*" else _unescape([(c, False) for c in token.image], raw=True)


def _unescape(chars: list, raw: bool = False) -> str:
    text = "".join(c for c, _ in chars)
    return _unescape_quoted(text) if raw else text


def _unescape_quoted(text: str) -> str:
    """`text` with each backslash escape replaced by the character it escapes."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def _wild_parts(chars: list) -> tuple:
    parts: list = []
    literal: list[str] = []
    for ch, escaped in chars:
        if ch in "*?" and not escaped:
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(WILD_ANY if ch == "*" else WILD_ONE)
        else:
            literal.append(ch)
    if literal:
        parts.append("".join(literal))
    return tuple(parts)


def parse(text: str) -> Group:
    """The query tree of `text`; LuceneSyntaxError with Lucene's words when it is not valid syntax."""
    return _Parser(text).top_level()


def _boost_value(image: str) -> float:
    """A boost as Lucene takes it: `Float.parseFloat` (a 32-bit float: beyond its range, Infinity), which
    BoostQuery refuses unless finite ("boost must be a positive float, got Infinity")."""
    value = struct.unpack("f", struct.pack("f", float(image)))[0]
    if value == math.inf:
        raise LuceneSyntaxError("java.lang.IllegalArgumentException", "boost must be a positive float, got Infinity")
    return value
