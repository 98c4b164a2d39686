"""How big and how deeply nested a statement may be, measured before anything parses or walks it.

Size: parsing and planning take time in proportion to a statement's clauses (about a millisecond each), so a
generated statement of fifty thousand `WITH`s or `UNION`s would keep a thread busy for minutes before anything can
stop it. `check_size` counts the clause keywords outside strings and comments, with one regular-expression pass,
and refuses more than `MAX_CLAUSES` at once.

The transformer, the semantic checks, the planner and the compiled expressions all recurse over the tree, a few
Python frames per level. Rather than let a `RecursionError` escape from wherever the stack happens to run out, a
statement is measured once without recursion (its parse tree, then its AST) and refused beyond `MAX_DEPTH` levels
with a syntax error. Up to that depth every walker must succeed, so the interpreter's recursion limit is raised
(never lowered) as far as a deep statement needs: a chain of a thousand additions is an ordinary generated query."""
from __future__ import annotations

import re
import sys

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.lalr import Tree
from graphplex.databases.errors import CypherSyntaxError

MAX_DEPTH = 1100
# Clauses (and UNIONs) a statement may have.
MAX_CLAUSES = 1000
# Strings, quoted names and comments, whose words are no keywords; and the keywords that begin a clause or a union.
# (Possessive, so that a literal of megabytes costs no memory per character to skip.)
_QUOTED = re.compile(r"'(?:[^'\\]++|\\.)*+'|\"(?:[^\"\\]++|\\.)*+\"|`[^`]*+`|//[^\n]*+|/\*.*?\*/", re.DOTALL)
_CLAUSE = re.compile(r"\b(?:MATCH|OPTIONAL|WITH|UNWIND|RETURN|UNION|CALL|CREATE|MERGE|SET|DELETE|REMOVE|FOREACH|LOAD|"
                     r"FINISH|USE)\b", re.IGNORECASE)
# A level of nesting in the AST is at most about three levels of lark's parse tree (e.g. a list comprehension).
_MAX_TREE_DEPTH = 3 * MAX_DEPTH
# The deepest walker takes about five frames per AST level and two per parse-tree level (an AST level is one to
# three tree levels); the rest is the caller's.
_FRAMES_PER_TREE_LEVEL = 5
_FRAMES_PER_AST_LEVEL = 8
_CALLER_FRAMES = 2000


def too_deep(depth: int | None = None) -> CypherSyntaxError:
    """The error of a statement nested beyond what the engine can walk."""
    found = f" ({depth} levels)" if depth is not None else ""
    return CypherSyntaxError(
        f"The query is too deeply nested{found}: at most {MAX_DEPTH} levels of nested expressions are allowed. "
        "Split the expression, e.g. over several WITH clauses, or pass deeply nested values as parameters.",
        "Neo.ClientError.Statement.SyntaxError")


def check_size(text: str) -> None:
    """Refuses, before parsing, a statement of more than `MAX_CLAUSES` clauses and unions."""
    if len(text) < 6 * MAX_CLAUSES:  # too short to hold that many clauses
        return
    clauses = len(_CLAUSE.findall(_QUOTED.sub(" ", text)))
    if clauses > MAX_CLAUSES:
        raise CypherSyntaxError(
            f"The query is too large ({clauses} clauses): at most {MAX_CLAUSES} clauses and UNIONs are allowed in "
            "one statement. Split it into several statements, or pass the data as a list parameter and UNWIND it.",
            "Neo.ClientError.Statement.SyntaxError")


def check_tree(tree: Tree) -> None:
    """Refuses a parse tree too deep to be transformed into the AST."""
    depth = _depth(tree, lambda node: [c for c in node.children if isinstance(c, Tree)])
    if depth > _MAX_TREE_DEPTH:
        raise too_deep()
    _allow_recursion(_FRAMES_PER_TREE_LEVEL * depth + _CALLER_FRAMES)


def check_statement(statement: ast.Node) -> None:
    """Refuses an AST nested more than `MAX_DEPTH` levels (a left-associative chain nests one level per operator)."""
    depth = _depth(statement, lambda node: list(node.children()))
    if depth > MAX_DEPTH:
        raise too_deep(depth)
    _allow_recursion(_FRAMES_PER_AST_LEVEL * depth + _CALLER_FRAMES)


def _depth(root, children) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(node))
    return deepest


def _allow_recursion(frames: int) -> None:
    """Raises the interpreter's recursion limit to `frames` when a statement this deep needs it: the limit is the
    host process's too, so it grows only as far as the deepest statement seen, never on ordinary ones."""
    if sys.getrecursionlimit() < frames:
        sys.setrecursionlimit(frames)
