"""The grammar stays LALR(1) with only the shift/reduce conflicts we reviewed (each resolved by shifting)."""
import io
import logging

from lark import Lark, logger

from graphplex.databases.cypher.parser import GRAMMAR

# Each is resolved by shifting, which is what Cypher means:
# - more labels after `n:A` (`n:A:B`);  - `LIST<…>` after a type name;  - `|` continuing a type union;
# - `|` continuing a label disjunction (`WHERE n:A|B`; as in Neo4j, a list comprehension's `WHERE x:A | …`
#   needs parentheses: `WHERE (x:A) | …`).
REVIEWED = {
    ("COLON", "node_label_expression"),
    ("VBAR", "label_or"),
    ("LESSTHAN", "type_name"),
    ("VBAR", "type_predicate_type"),
}


def conflicts() -> set:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        Lark(GRAMMAR.read_text(), parser="lalr", lexer="contextual", debug=True)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    found = set()
    lines = stream.getvalue().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Shift/Reduce conflict for terminal"):
            terminal = line.split("terminal ")[1].split(":")[0]
            rule = lines[i + 1].strip().lstrip("* <").split(" ")[0]
            found.add((terminal, rule))
    return found


def test_only_reviewed_conflicts():
    assert conflicts() <= REVIEWED
