"""Splitting Cypher scripts into statements and client commands."""
from hypothesis import given, strategies as st

from graphplex.cli.script import Piece, is_complete, split_script


def test_statements_commands_comments_and_positions():
    source = ("// a comment; with a semicolon\n"
              "CREATE (:A {s: 'x;y', t: \"a\\\"b;\"});\n"
              ":use shop\n"
              "  MATCH (`odd;name`) /* c; */\n"
              "RETURN 1;\n"
              "RETURN 2")
    assert split_script(source) == [
        Piece("CREATE (:A {s: 'x;y', t: \"a\\\"b;\"})", 2, 1),
        Piece("use shop", 3, 1, command=True),
        Piece("MATCH (`odd;name`) /* c; */\nRETURN 1", 4, 3),
        Piece("RETURN 2", 6, 1),
    ]


def test_a_trailing_comment_is_not_a_statement():
    assert split_script("RETURN 1;\n// done\n") == [Piece("RETURN 1", 1, 1)]


@given(st.lists(st.text(alphabet="ab;'\"` \n", max_size=8), min_size=1, max_size=5))
def test_strings_keep_their_semicolons(parts):
    statements = ["RETURN " + repr(part).replace("\\n", "n") for part in parts]
    pieces = split_script(";\n".join(statements) + ";")
    assert [piece.text for piece in pieces] == statements


def test_completeness_for_the_shell():
    assert is_complete("RETURN 1;")
    assert is_complete(":help")
    assert not is_complete("RETURN 'a;'")
    assert not is_complete("MATCH (n)\nRETURN n")
    assert is_complete("MATCH (n)\nRETURN n; // done")
