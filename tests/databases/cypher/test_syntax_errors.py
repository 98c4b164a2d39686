"""The wording of syntax errors (databases/cypher/syntax_errors.py): quotes and comment markers are only taken as
unterminated where they really start a string or a comment, and the expected alternatives stay few."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher.parser import parse
from graphplex.errors import CypherSyntaxError


def message(text: str) -> str:
    with pytest.raises(CypherSyntaxError) as caught:
        parse(text)
    return caught.value.message


@pytest.mark.parametrize("text", ["RETURN '/*' +", "RETURN 'it\\'s' +", "RETURN \"a'b\" +", "RETURN 1 + // it's\n",
                                  "RETURN 1 + /* it's */", "RETURN `it's` +", "RETURN `a``'b` +"])
def test_quotes_and_markers_inside_strings_names_and_comments_are_not_unterminated(text):
    assert message(text).startswith("Invalid input '': expected an expression (line ")


@pytest.mark.parametrize("text, column", [("RETURN 'a' + 'b", 14), ("RETURN \"a\\\"", 8), ("MATCH (n)\nRETURN 'x", 8)])
def test_an_unterminated_string_is_reported_where_it_starts(text, column):
    first = message(text).split("\n")[0]
    assert first.startswith("Failed to parse string literal. The query must contain an even number of non-escaped "
                            "quotes. (line ")
    assert f"column {column} " in first


def test_an_unterminated_comment_is_reported_where_it_starts():
    first = message("RETURN 1 // fine\n/* not closed").split("\n")[0]
    assert first == ("Failed to parse comment. A comment starting on `/*` must have a closing `*/`. "
                     "(line 2, column 1 (offset: 17))")


@pytest.mark.parametrize("text, expected", [
    ("RETURN )", "an expression, '*' or 'DISTINCT'"),
    ("RETURN 1 AS", "an identifier"),
    ("MATC (n)", "a statement (e.g. 'MATCH', 'CREATE', 'RETURN' or 'SHOW')"),
    ("UNWIND [1] x RETURN x", "an operator or 'AS'"),
    ("MATCH (n) RETURN n ORDER n", "'BY'"),
])
def test_expected_terminals_are_grouped(text, expected):
    assert message(text).split(": expected ", 1)[1].split(" (line ", 1)[0] == expected
