"""Parsing Cypher text into the AST, with Neo4j-style syntax errors that point at the user's text."""
from __future__ import annotations

import threading
from pathlib import Path

from lark import Lark, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError

from graphplex.databases.cypher import ast, nesting, parser_cache
from graphplex.databases.cypher.transformer import CypherTransformer, NodeCandidate, _BigInt
from graphplex.databases.errors import CypherSyntaxError, Neo4jError

GRAMMAR = Path(__file__).with_name("grammar") / "cypher.lark"


_PARSER: list[Lark] = []
_PARSER_LOCK = threading.Lock()


def _parser() -> Lark:
    """The one parser of the process, shared by every thread: a lark LALR parser keeps no state between calls
    (each parse has its own parser and lexer state). The lock makes threads that start together wait for one
    load instead of each building one."""
    if not _PARSER:
        with _PARSER_LOCK:
            if not _PARSER:
                _PARSER.append(parser_cache.load(GRAMMAR))
    return _PARSER[0]


def parse(text: str) -> ast.Statement:
    """Parses one statement; raises `CypherSyntaxError` with Neo4j's position and caret excerpt."""
    try:
        tree = _parser().parse(text, start="start")
    except UnexpectedInput as error:
        tree = _use_prefixed(text)
        if tree is None:
            raise _syntax_error(text, error) from None
    nesting.check_tree(tree)
    try:
        statement = CypherTransformer(text).transform(tree)
        nesting.check_statement(statement)
        _check_leftovers(statement)
    except VisitError as error:
        if isinstance(error.orig_exc, Neo4jError):
            raise error.orig_exc from None
        raise CypherSyntaxError(f"Invalid input: {error.orig_exc}") from error.orig_exc
    except RecursionError:
        raise nesting.too_deep() from None
    return statement


def _use_prefixed(text: str):
    """The tree of `USE db <schema command>`, or None when the text is not that either."""
    if not text.lstrip()[:3].upper() == "USE":
        return None
    try:
        return _parser().parse(text, start="use_prefixed")
    except UnexpectedInput:
        return None


def _check_leftovers(statement: ast.Node) -> None:
    for node in statement.walk():
        if isinstance(node, NodeCandidate):
            raise CypherSyntaxError("Invalid input: a node pattern such as `(:Label)` can only be used inside a "
                                    "pattern, e.g. `(a)-->(:Label)`")
        if isinstance(node, ast.Literal) and isinstance(node.value, _BigInt):
            raise CypherSyntaxError(f"integer is too large: {node.value.text}")


def _syntax_error(text: str, error: UnexpectedInput) -> CypherSyntaxError:
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        offset = len(text)
        found = ""
    elif isinstance(error, UnexpectedToken):
        offset = error.token.start_pos if error.token.start_pos is not None else 0
        found = str(error.token)
    elif isinstance(error, UnexpectedCharacters):
        offset = error.pos_in_stream
        found = text[offset:offset + 1]
    else:
        offset, found = 0, ""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    column = offset - line_start + 1
    line_end = text.find("\n", offset)
    source_line = text[line_start:line_end if line_end != -1 else len(text)]
    expected = _expected(error)
    what = f"Invalid input '{found}'" if found else "Invalid input ''"
    message = (f"{what}: expected {expected} (line {line}, column {column} (offset: {offset}))\n"
               f"\"{source_line}\"\n{' ' * column}^")
    return CypherSyntaxError(message)


def _expected(error: UnexpectedInput) -> str:
    names = sorted(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())
    readable = []
    for name in names:
        if name in ("$END", "<END-OF-FILE>"):
            readable.append("<EOF>")
            continue
        if name in _DESCRIPTIONS:
            readable.append(_DESCRIPTIONS[name])
            continue
        try:
            terminal = _parser().get_terminal(name)
        except KeyError:
            readable.append(name)
            continue
        pattern = terminal.pattern
        if pattern.type == "str":
            readable.append(f"'{pattern.value}'")
        elif name.isupper() and name.isalpha():
            readable.append(f"'{name}'")
        else:
            readable.append(name.lower().replace("_", " "))
    readable = list(dict.fromkeys(readable))
    if len(readable) > 12:
        readable = readable[:12] + ["…"]
    if not readable:
        return "something else"
    if len(readable) == 1:
        return readable[0]
    return ", ".join(readable[:-1]) + " or " + readable[-1]


_DESCRIPTIONS = {
    "NAME": "an identifier", "ESCAPED_NAME": "an identifier", "PARAMETER": "a parameter",
    "DECIMAL_INTEGER": "an integer", "HEX_INTEGER": "an integer", "OCTAL_INTEGER": "an integer",
    "FLOAT": "a float", "STRING": "a string", "REL_OPEN": "'-['", "REL_LEFT_OPEN": "'<-['",
    "REL_TAIL_RIGHT": "'->'", "REL_RIGHT_SIMPLE": "'-->'",
    "REL_LEFT_SIMPLE": "'<--'", "REL_UNDIRECTED_SIMPLE": "'--'", "REL_BOTH_SIMPLE": "'<-->'",
    "RANGE_DOTS": "'..'", "STAR": "'*'", "ADD_OP": "'+' or '-'", "MUL_OP": "'/' or '%'",
}
