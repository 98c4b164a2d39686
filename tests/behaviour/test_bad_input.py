"""Bad input never reaches the user as a bare Python exception: every failure is a `graphplex.errors` error with a
`Neo.*` code and a message that says what is wrong, and the session stays usable afterwards (issue 12)."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graphplex import DBMS
from graphplex.errors import CypherSyntaxError, Neo4jError


def fails(session, query: str, code: str, **parameters) -> str:
    """The message of the error `query` fails with, after checking its code and that the session still works."""
    with pytest.raises(Neo4jError) as caught:
        session.run(query, **parameters).consume()
    assert caught.value.code == code, caught.value.message
    assert session.run("RETURN 1 AS one").single()["one"] == 1
    return caught.value.message


# --- deep nesting ---------------------------------------------------------------------------------------------

def test_a_long_chain_of_additions_is_evaluated(session):
    assert session.run("RETURN " + "1 + " * 1000 + "1 AS total").single()["total"] == 1001


def test_moderately_nested_lists_and_parentheses_work(session):
    assert session.run("RETURN " + "(" * 500 + "1" + ")" * 500 + " AS x").single()["x"] == 1
    value = session.run("RETURN " + "[" * 300 + "]" * 300 + " AS x").single()["x"]
    for _ in range(299):
        value = value[0]
    assert value == []


@pytest.mark.parametrize("query", [
    "RETURN " + "[" * 5000 + "]" * 5000,
    "RETURN " + "(" * 5000 + "1" + ")" * 5000,
    "RETURN " + "1 + " * 5000 + "1",
    "RETURN " + "-" * 5000 + "1",
    "RETURN " + "{a: " * 3000 + "1" + "}" * 3000,
])
def test_a_too_deeply_nested_query_is_a_syntax_error(session, query):
    message = fails(session, query, "Neo.ClientError.Statement.SyntaxError")
    assert "too deeply nested" in message


def test_a_value_built_too_deeply_nested_at_run_time_is_refused(session):
    message = fails(session, "WITH reduce(a = [], x IN range(1, 30000) | [a]) AS v RETURN v",
                    "Neo.ClientError.Statement.ExecutionFailed")
    assert "too deeply nested" in message


# --- integers beyond 64 bits ----------------------------------------------------------------------------------

def test_an_integer_literal_beyond_64_bits_is_too_large(session):
    message = fails(session, "RETURN 99999999999999999999", "Neo.ClientError.Statement.SyntaxError")
    assert message.startswith("integer is too large")
    assert session.run("RETURN -9223372036854775808 AS x").single()["x"] == -2 ** 63


@pytest.mark.parametrize("query", ["RETURN " + "9" * 5000, "RETURN -" + "9" * 5000,
                                   "MATCH (a)-[*99999999999999999999]->(b) RETURN a",
                                   "MATCH (a)-[*1..99999999999999999999]->(b) RETURN a"])
def test_an_integer_literal_of_any_length_or_place_is_too_large(session, query):
    assert fails(session, query, "Neo.ClientError.Statement.SyntaxError").startswith("integer is too large")


@pytest.mark.parametrize("query, where", [
    ("RETURN 99999999999999999999", "(line 1, column 8 (offset: 7))"),
    ("WITH 1 AS x\nRETURN [x, 99999999999999999999]", "(line 2, column 12 (offset: 23))"),
    ("RETURN (99999999999999999999)", "(line 1, column 9 (offset: 8))"),
    ("MATCH (a)-[*1..99999999999999999999]->(b) RETURN a", "(line 1, column 16 (offset: 15))"),
    ("RETURN " + "9" * 5000, "(line 1, column 8 (offset: 7))"),
])
def test_an_integer_too_large_says_where_it_is(session, query, where):
    message = fails(session, query, "Neo.ClientError.Statement.SyntaxError")
    assert where in message.splitlines()[0]
    assert message.splitlines()[-1].index("^") == int(where.split("column ")[1].split(" ")[0])


@pytest.mark.parametrize("text", ["9" * 5000, "99999999999999999999", "-9223372036854775809", "1e300"])
def test_to_integer_of_a_string_beyond_64_bits_is_too_large(session, text):
    message = fails(session, "RETURN toInteger($s)", "Neo.ClientError.Statement.TypeError", s=text)
    assert "is too large" in message


def test_to_integer_keeps_strings_within_64_bits_and_nulls_non_numbers(session):
    record = session.run("RETURN toInteger('9223372036854775807') AS big, toInteger('-9223372036854775808') AS small,"
                         " toInteger('abc') AS none, toIntegerOrNull($s) AS huge", s="9" * 5000).single()
    assert (record["big"], record["small"], record["none"], record["huge"]) == (2 ** 63 - 1, -2 ** 63, None, None)


def test_to_integer_of_a_huge_float_saturates_as_java_does(session):
    record = session.run("RETURN toInteger(1e300) AS up, toInteger(-1e300) AS down").single()
    assert (record["up"], record["down"]) == (2 ** 63 - 1, -2 ** 63)


@pytest.mark.parametrize("value", [2 ** 63, -2 ** 63 - 1, [1, 2 ** 70], {"a": (2 ** 64,)}])
def test_a_parameter_beyond_64_bits_is_refused(session, value):
    message = fails(session, "RETURN $x", "Neo.ClientError.Statement.ArgumentError", x=value)
    assert "is out of the range of a Cypher integer" in message
    fails(session, "RETURN 1 LIMIT $x", "Neo.ClientError.Statement.ArgumentError", x=value)
    assert session.run("RETURN $x AS x", x=2 ** 63 - 1).single()["x"] == 2 ** 63 - 1


# --- SKIP and LIMIT near 2^63 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("tail, expected", [
    ("SKIP 9223372036854775807", []),
    ("LIMIT 9223372036854775807", [1, 2]),
    ("SKIP 9223372036854775807 LIMIT 9223372036854775807", []),
    ("SKIP 1 LIMIT 9223372036854775807", [2]),
    ("SKIP $n LIMIT $n", []),
])
def test_skip_and_limit_near_the_largest_integer(session, tail, expected):
    records = session.run(f"UNWIND [1, 2] AS x RETURN x {tail}", n=2 ** 63 - 1).data()
    assert [r["x"] for r in records] == expected


@pytest.mark.parametrize("query", ["RETURN 1 SKIP 9223372036854775808", "RETURN 1 LIMIT 9223372036854775808"])
def test_skip_or_limit_of_2_to_the_63_is_an_integer_too_large(session, query):
    assert "integer is too large" in fails(session, query, "Neo.ClientError.Statement.SyntaxError")


# --- LOAD CSV --------------------------------------------------------------------------------------------------

def test_a_nul_character_in_a_load_csv_url_is_an_external_resource_failure(tmp_path):
    with DBMS.in_memory(import_dir=str(tmp_path)) as dbms, dbms.session() as session:
        message = fails(session, "LOAD CSV FROM $url AS r RETURN r",
                        "Neo.ClientError.Statement.ExternalResourceFailed", url="file:///a\u0000b.csv")
    assert "Couldn't load the external resource at" in message


# --- encrypted passwords ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["garbage", "scrypt$16384$8$1$zz$zz", "scrypt$0$8$1$00$00", "scrypt$3$8$1$00$00",
                                   "scrypt$1099511627776$8$1$0011$0011", "scrypt$16384$8$1$$", "scrypt$16384$8$1$0$00"])
def test_a_malformed_encrypted_password_is_refused_at_the_command(value):
    with DBMS.in_memory(auth_enabled=True, initial_password="admin-secret") as dbms, \
            dbms.session(auth=("neo4j", "admin-secret")) as admin:
        message = fails(admin, "CREATE USER u SET ENCRYPTED PASSWORD $h", "Neo.ClientError.Statement.ArgumentError",
                        h=value)
        assert message.startswith("Incorrect format of encrypted password. Correct format is")
        admin.run("CREATE USER v SET PASSWORD 'pw' CHANGE NOT REQUIRED").consume()
        fails(admin, "ALTER USER v SET ENCRYPTED PASSWORD $h", "Neo.ClientError.Statement.ArgumentError", h=value)


# --- syntax errors read like Neo4j's ---------------------------------------------------------------------------

def test_an_expression_was_expected():
    message = _syntax("RETURN )")
    assert message == ("Invalid input ')': expected an expression, '*' or 'DISTINCT' (line 1, column 8 (offset: 7))\n"
                       "\"RETURN )\"\n        ^")


def test_an_unexpected_word_is_quoted_whole_with_line_column_and_caret():
    message = _syntax("MATCH (n)\nRETRN n")
    assert message.startswith("Invalid input 'RETRN': expected ")
    assert message.endswith("(line 2, column 1 (offset: 10))\n\"RETRN n\"\n ^")


@pytest.mark.parametrize("query", ["RETURN 1 +", "MATC (n) RETURN n", "MATCH (n RETURN n", "MATCH (n)-[r->(m) RETURN n",
                                   "RETURN 1 2", "WITH 1 AS", "MATCH RETURN", "CREATE INDEX FOR (n) ON n.x",
                                   "SHOW"])
def test_the_expected_alternatives_are_a_short_list(query):
    expected = _syntax(query).split(": expected ", 1)[1].split(" (line ", 1)[0]
    alternatives = re.findall(r"'[^']*'|<EOF>|…|\ban? [a-z]+", re.sub(r"\(e\.g\. [^)]*\)", "", expected))
    assert len(alternatives) <= 9, expected
    assert "__ANON" not in expected and "_" not in expected.replace("'_'", ""), expected


def test_the_end_of_the_query_is_named_eof():
    assert _syntax("RETURN 1 +").startswith("Invalid input '': expected an expression (line 1, column 11 (offset: 10))")


def test_an_unterminated_string_is_named():
    assert _syntax("RETURN 'abc") == ("Failed to parse string literal. The query must contain an even number of "
                                      "non-escaped quotes. (line 1, column 8 (offset: 7))\n\"RETURN 'abc\"\n        ^")


def test_an_unterminated_comment_is_named():
    assert _syntax("RETURN 1 /* abc") == ("Failed to parse comment. A comment starting on `/*` must have a closing "
                                          "`*/`. (line 1, column 10 (offset: 9))\n\"RETURN 1 /* abc\"\n          ^")


def _syntax(query: str) -> str:
    with DBMS.in_memory() as dbms, dbms.session() as session:
        with pytest.raises(CypherSyntaxError) as caught:
            session.run(query).consume()
        assert caught.value.code == "Neo.ClientError.Statement.SyntaxError"
        return caught.value.message


# --- random input ----------------------------------------------------------------------------------------------

_FUZZ_DBMS = DBMS.in_memory()
_WORDS = ["MATCH", "RETURN", "CREATE", "WITH", "UNWIND", "AS", "WHERE", "SKIP", "LIMIT", "ORDER BY", "DELETE", "SET",
          "MERGE", "CALL", "YIELD", "n", "m", "x", "(", ")", "[", "]", "{", "}", ":", ",", ".", "-", "->", "<-", "+",
          "*", "/", "%", "^", "=", "<>", "<", ">=", "'s'", '"t"', "1", "0", "-1", "1.5", "9223372036854775807",
          "null", "true", "NOT", "AND", "OR", "IN", "IS", "$p", "count(*)", "toInteger", "range", "|", "..", "`q`",
          "/*", "*/", "//", "\\", "\u0000", "CASE", "WHEN", "THEN", "ELSE", "END", "EXISTS", "COUNT", "size", "'"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=3)), max_size=12))
def test_random_input_gives_only_graphplex_errors(words):
    query = " ".join(words)
    with _FUZZ_DBMS.session() as session:
        try:
            session.run(query, p=1).consume()
        except Neo4jError as error:
            assert error.code.startswith("Neo.ClientError."), (query, error.code, error.message)


def test_ordinary_statements_leave_the_host_recursion_limit_nearly_alone():
    """The recursion limit is the host process's: it grows only as far as a deep statement needs."""
    import subprocess
    import sys

    code = ("import sys; from graphplex import DBMS; s = DBMS.in_memory().session(); before = sys.getrecursionlimit(); "
            "s.run('MATCH (n:A)-[:R]->(m) WHERE n.x > 1 AND m.y IN [1, 2] RETURN n, count(m) ORDER BY n.x').consume(); "
            "ordinary = sys.getrecursionlimit(); s.run('RETURN ' + '1 + ' * 1000 + '1').consume(); "
            "print(before, ordinary, sys.getrecursionlimit())")
    before, ordinary, deep = map(int, subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                     check=True).stdout.split())
    assert ordinary <= max(before, 2500)
    assert deep > ordinary
