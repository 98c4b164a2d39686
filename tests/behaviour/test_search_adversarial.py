"""Adversarial input to the vector and full-text indexes through the public API: hostile Lucene queries, vectors,
k values and options. Whatever goes in, the user gets a Neo4j-coded error (never an internal error or a Python
exception's name) or a result, and a failing statement changes nothing."""
from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex.errors import ClientError, Neo4jError

FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"
FULLTEXT = "CALL db.index.fulltext.queryNodes($index, $text) YIELD node, score RETURN node.t AS t, score"
VECTOR = "CALL db.index.vector.queryNodes($index, $k, $vector) YIELD node, score RETURN node.name AS name, score"
PYTHON_NAMES = re.compile(r"\b(TypeError|ValueError|AttributeError|KeyError|IndexError|OverflowError|"
                          r"RecursionError|RuntimeError|ZeroDivisionError|Traceback)\b")


def assert_user_error(error: Neo4jError) -> None:
    """A Neo4j-coded client error, without Python's internals in its words."""
    assert error.code.startswith("Neo.ClientError."), (error.code, error.message)
    assert not PYTHON_NAMES.search(error.message), error.message


def run_or_user_error(session, statement: str, **parameters) -> list[dict] | None:
    try:
        return session.run(statement, parameters).data()
    except Neo4jError as error:
        assert_user_error(error)
        return None


@pytest.fixture
def texts(session):
    session.run("CREATE FULLTEXT INDEX texts FOR (n:Doc) ON EACH [n.t, n.u]").consume()
    session.run("UNWIND range(1, 20) AS i CREATE (:Doc {t: 'hello world aaaa ' + i, u: ['the', 'x' + i]})").consume()
    return session


@pytest.fixture
def vectors(session):
    session.run("CREATE VECTOR INDEX fixed FOR (n:Doc) ON n.emb "
                "OPTIONS {indexConfig: {`vector.dimensions`: 3}}").consume()
    session.run("CREATE VECTOR INDEX free FOR (n:Free) ON n.emb "
                "OPTIONS {indexConfig: {`vector.similarity_function`: 'euclidean'}}").consume()
    session.run("CREATE (:Doc {name: 'a', emb: [1.0, 0.0, 0.0]}), (:Doc {name: 'b', emb: [0.0, 1.0, 0.0]}), "
                "(:Free {name: 'c', emb: [1.0, 2.0]}), (:Free {name: 'd', emb: [1.0, 2.0, 3.0]})").consume()
    return session


# --- Lucene query strings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["/{dd/", "/a{99999}/", "?" * 1000, "a*" * 300, "/(/"])
def test_a_regular_expression_or_wildcard_the_engine_cannot_compile_is_a_procedure_failure(texts, query):
    with pytest.raises(ClientError) as caught:
        texts.run(FULLTEXT, index="texts", text=query).consume()
    assert caught.value.code == FAILED
    assert_user_error(caught.value)
    assert "Failed to invoke procedure `db.index.fulltext.queryNodes`" in caught.value.message


def test_a_phrase_slop_beyond_an_int_is_lucenes_saturated_int(texts):
    # QueryParserBase.handleQuotedTerm: (int) Float.parseFloat("99999999999999999") is Integer.MAX_VALUE.
    rows = texts.run(FULLTEXT, index="texts", text='"world hello"~99999999999999999').data()
    assert len(rows) == 20


def test_a_regular_expression_that_backtracks_is_answered_quickly_for_uncommitted_documents(texts):
    # The transaction's own documents are scored outside the engine: a backtracking regex engine would take
    # exponential time on (a*)*b against a long run of a's.
    with texts.begin_transaction() as tx:
        tx.run("CREATE (:Doc {t: $t})", t="a" * 40 + "c").consume()
        started = time.monotonic()
        rows = tx.run(FULLTEXT, index="texts", text="/(a*)*b/").data()
        assert rows == []
        assert time.monotonic() - started < 5
        tx.rollback()


lucene_text = st.text(alphabet=st.sampled_from(list('ab ~^\\/*?"()[]{}:+-!&|09.ETOANDRt_u\u00e9\u4e2d\U0001F600\n')),
                      max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=lucene_text | st.text(max_size=30))
def test_any_query_string_gives_rows_or_a_neo4j_coded_error(texts, query):
    run_or_user_error(texts, FULLTEXT, index="texts", text=query)


def test_a_full_text_score_is_never_negative_after_the_matching_documents_are_deleted(session):
    session.run("CREATE FULLTEXT INDEX texts FOR (n:Doc) ON EACH [n.t]").consume()
    session.run("CREATE (:Doc {t: 'hello'}), (:Doc {t: 'hello world'})").consume()
    assert len(session.run(FULLTEXT, index="texts", text="hello").data()) == 2
    with session.begin_transaction() as tx:
        tx.run("MATCH (n:Doc) DETACH DELETE n").consume()
        tx.run("CREATE (:Doc {t: 'hello hello'})").consume()
        tx.commit()
    rows = session.run(FULLTEXT, index="texts", text="hello").data()
    assert [row["t"] for row in rows] == ["hello hello"]
    assert rows[0]["score"] > 0
