"""Parsing Cypher text into the AST, with Neo4j-style syntax errors that point at the user's text."""
from __future__ import annotations

import threading
from pathlib import Path

from graphplex.databases.cypher import ast, nesting, parser_cache, redaction
from graphplex.databases.cypher.lalr import Parser, UnexpectedInput, VisitError
from graphplex.databases.cypher.syntax_errors import integer_too_large, syntax_error
from graphplex.databases.cypher.transformer import CypherTransformer, NodeCandidate, _BigInt
from graphplex.databases.errors import CypherSyntaxError, Neo4jError

GRAMMAR = Path(__file__).with_name("grammar") / "cypher.lark"


_PARSER: list[Parser] = []
_PARSER_LOCK = threading.Lock()


def _parser() -> Parser:
    """The one parser of the process, shared by every thread: it keeps no state between parses. The lock makes threads that start together wait for one
    load instead of each building one."""
    if not _PARSER:
        with _PARSER_LOCK:
            if not _PARSER:
                _PARSER.append(Parser(parser_cache.load(GRAMMAR)))
    return _PARSER[0]


def parse(text: str) -> ast.Statement:
    """Parses one statement; raises `CypherSyntaxError` with Neo4j's position and caret excerpt."""
    nesting.check_size(text)
    try:
        tree = _parser().parse(text, start="start")
    except UnexpectedInput as error:
        tree = _use_prefixed(text, "use_prefixed") or _use_prefixed(text, "use_database")
        if tree is None:
            raise syntax_error(text, error, _parser()) from None
    nesting.check_tree(tree)
    try:
        statement = CypherTransformer(text).transform(tree)
        nesting.check_statement(statement)
        _check_leftovers(statement, text)
    except VisitError as error:
        if isinstance(error.orig_exc, Neo4jError):
            raise error.orig_exc from None
        raise CypherSyntaxError(f"Invalid input: {error.orig_exc}") from error.orig_exc
    except RecursionError:
        raise nesting.too_deep() from None
    return statement


def redact_passwords(text: str) -> str:
    """`text` as others may see it (SHOW TRANSACTIONS, logs): each password typed in it replaced by '******'."""
    return redaction.redact(text, redaction.password_spans(text, _parser()))


def redact_password_parameters(text: str, parameters: dict) -> dict:
    """The parameters of `text` as others may see them: the values it passes as passwords show as '******'."""
    return redaction.redact_parameters(text, parameters, _parser())


def _use_prefixed(text: str, start: str):
    """The tree of `USE db <schema command>` (`start` "use_prefixed") or Memgraph's `USE DATABASE name`
    ("use_database"), or None when the text is not that either."""
    if not text.lstrip()[:3].upper() == "USE":
        return None
    try:
        return _parser().parse(text, start=start)
    except UnexpectedInput:
        return None


def _check_leftovers(statement: ast.Node, text: str) -> None:
    for node in statement.walk():
        if isinstance(node, NodeCandidate):
            raise CypherSyntaxError("Invalid input: a node pattern such as `(:Label)` can only be used inside a "
                                    "pattern, e.g. `(a)-->(:Label)`")
        if isinstance(node, ast.Literal) and isinstance(node.value, _BigInt):
            raise integer_too_large(text, node.value.text, node.value.offset)
