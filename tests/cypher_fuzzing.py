"""Statements for fuzzing the engine: derived at random from the Cypher grammar, or mutated from the TCK's queries.

Derivation walks lark's rules of `grammar/cypher.lark` from `start`, every choice drawn from hypothesis (so a
failure shrinks to a short statement); past a depth budget it takes, for each rule, the alternative that ends
soonest. Terminals are spelled from a few samples each: names from a small pool so that variables meet again,
and the boundary values that break engines (the largest integer, NaN-producing arithmetic, empty lists, null).

Mutation starts from the TCK's own statements (so it reaches deep into valid Cypher) and deletes, repeats,
swaps or replaces a few tokens, or puts boundary literals in place of literals."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import lark
from hypothesis import strategies as st

from graphplex.databases.cypher import parser, parser_tables

TCK_FEATURES = Path(__file__).resolve().parents[2] / "shared" / "tck" / "features"

_KEYWORD = re.compile(r"\(\?i:(\w+)\)\(\?!\\w\)")
SAMPLES = {
    "NAME": ["n", "m", "r", "x", "p", "a", "count", "name"],
    "ESCAPED_NAME": ["`n`", "`a b`", "``"],
    "STRING": ["'a'", "''", "'\\u0041'", "\"x\"", "'9223372036854775807'", "'2020-01-01'"],
    "DECIMAL_INTEGER": ["0", "1", "2", "10", "9223372036854775807", "4294967296"],
    "HEX_INTEGER": ["0x1F", "0x7FFFFFFFFFFFFFFF"],
    "OCTAL_INTEGER": ["0o17"],
    "FLOAT": ["1.5", "0.0", "1e308", ".5", "1e-320"],
    "PARAMETER": ["$p", "$x", "$list", "$map", "$`odd name`"],
    "PROCEDURE_GLOB": ["db.*", "apoc.*"],
    "REL_BOTH_SIMPLE": ["<-->"], "REL_LEFT_SIMPLE": ["<--"], "REL_RIGHT_SIMPLE": ["-->"],
    "REL_UNDIRECTED_SIMPLE": ["--"], "REL_LEFT_OPEN": ["<-["], "REL_OPEN": ["-["], "REL_TAIL_RIGHT": ["->"],
    "ADD_OP": ["+", "-"], "MUL_OP": ["/", "%"],
}
PARAMETERS = {"p": 1, "x": -1.5, "list": [1, None, "a"], "map": {"a": 1, "b": [2]}, "odd name": "odd"}
BOUNDARY_LITERALS = ["9223372036854775807", "-9223372036854775808", "0", "-0.0", "1e308", "0.0 / 0.0", "null", "[]",
                     "{}", "''", "[null]", "range(1, 3)", "toInteger('x')", "9223372036854775807 + 1"]


@functools.lru_cache(maxsize=1)
def grammar() -> tuple[dict[str, list[tuple]], dict[str, list[str]]]:
    """The grammar's alternatives per rule (symbols as (is_terminal, name)) and each terminal's spellings."""
    reference = lark.Lark(parser.GRAMMAR.read_text(encoding="utf-8"), **parser_tables.OPTIONS)
    rules: dict[str, list[tuple]] = {}
    for rule in reference.rules:
        rules.setdefault(rule.origin.name, []).append(
            tuple((symbol.is_term, symbol.name) for symbol in rule.expansion))
    spellings = {}
    for terminal in reference.terminals:
        keyword = _KEYWORD.fullmatch(terminal.pattern.value) if terminal.pattern.type == "re" else None
        if terminal.name in SAMPLES:
            spellings[terminal.name] = SAMPLES[terminal.name]
        elif keyword:
            spellings[terminal.name] = [keyword.group(1)]
        elif terminal.pattern.type == "str":
            spellings[terminal.name] = [terminal.pattern.value]
    return rules, spellings


@functools.lru_cache(maxsize=1)
def _shortest() -> dict[str, int]:
    """For each rule, the fewest derivation levels to reach terminals only (a fixpoint over the rules)."""
    rules, _ = grammar()
    depth = {name: 10 ** 9 for name in rules}
    changed = True
    while changed:
        changed = False
        for name, alternatives in rules.items():
            best = min(1 + max((0 if terminal else depth[symbol] for terminal, symbol in alternative), default=0)
                       for alternative in alternatives)
            if best < depth[name]:
                depth[name], changed = best, True
    return depth


@st.composite
def derived_statements(draw, budget: int = 12) -> str:
    """A statement derived from the grammar's `start` rule."""
    rules, spellings = grammar()
    shortest = _shortest()
    words: list[str] = []
    stack: list[tuple[bool, str, int]] = [(False, "start", 0)]
    while stack:
        terminal, name, depth = stack.pop()
        if terminal:
            words.append(draw(st.sampled_from(spellings[name])) if name in spellings else "x")
            continue
        alternatives = rules[name]
        if depth >= budget:
            least = min(_alternative_depth(a, shortest) for a in alternatives)
            alternatives = [a for a in alternatives if _alternative_depth(a, shortest) == least]
        chosen = alternatives[draw(st.integers(0, len(alternatives) - 1))]
        stack.extend((is_term, symbol, depth + 1) for is_term, symbol in reversed(chosen))
    return " ".join(words)


def _alternative_depth(alternative: tuple, shortest: dict[str, int]) -> int:
    return max((0 if terminal else shortest[symbol] for terminal, symbol in alternative), default=0)


@functools.lru_cache(maxsize=1)
def tck_queries() -> tuple[str, ...]:
    """The statements of the TCK's scenarios (setup and queries), deduplicated."""
    found = set()
    for path in sorted(TCK_FEATURES.rglob("*.feature")):
        for block in re.findall(r'"""\n(.*?)\n\s*"""', path.read_text(encoding="utf-8"), re.DOTALL):
            found.add("\n".join(line.strip() for line in block.splitlines()))
    return tuple(sorted(found))


_TOKEN = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|\d+(?:\.\d+)?|\w+|\s+|.", re.DOTALL)
_LITERAL = re.compile(r"'.*'|\".*\"|\d+(?:\.\d+)?", re.DOTALL)


@st.composite
def mutated_tck_queries(draw) -> str:
    """A TCK statement with a few of its tokens deleted, repeated, swapped or replaced."""
    tokens = _TOKEN.findall(draw(st.sampled_from(tck_queries())))
    for _ in range(draw(st.integers(1, 3))):
        if not tokens:
            break
        at = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "swap", "boundary", "keyword"]))
        if action == "delete":
            del tokens[at]
        elif action == "repeat":
            tokens.insert(at, tokens[at])
        elif action == "swap" and at + 1 < len(tokens):
            tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
        elif action == "boundary":
            literals = [i for i, token in enumerate(tokens) if _LITERAL.fullmatch(token)] or [at]
            tokens[draw(st.sampled_from(literals))] = draw(st.sampled_from(BOUNDARY_LITERALS))
        elif action == "keyword":
            tokens.insert(at, " " + draw(st.sampled_from(["MATCH", "WITH *", "RETURN *", "UNWIND [1, 2] AS u",
                                                          "CALL { RETURN 1 AS one }", "DETACH DELETE n", "OPTIONAL",
                                                          "DISTINCT", "ORDER BY 1", "LIMIT 1", "UNION", ","])) + " ")
    return "".join(tokens)
