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


# --- vectors --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("own", [[[1.0, 2.0]], [[1.0], [1.0, 2.0]]])
def test_own_vectors_of_another_length_are_left_out_by_an_index_without_dimensions(vectors, own):
    # An index without `vector.dimensions`: a query of n dimensions sees the vectors of n dimensions only, the
    # transaction's own uncommitted ones included.
    with vectors.begin_transaction() as tx:
        tx.run("UNWIND $own AS v CREATE (:Free {name: 'own', emb: v})", own=own).consume()
        rows = tx.run(VECTOR, index="free", k=10, vector=[1.0, 2.0, 3.0]).data()
        assert [row["name"] for row in rows] == ["d"]
        rows = tx.run(VECTOR, index="free", k=10, vector=[1.0]).data()
        assert [row["name"] for row in rows] == ["own"] * sum(len(v) == 1 for v in own)
        tx.rollback()


def test_own_vectors_of_the_query_length_are_found_by_an_index_without_dimensions(vectors):
    with vectors.begin_transaction() as tx:
        tx.run("CREATE (:Free {name: 'own', emb: [1.0, 2.0, 3.0]})").consume()
        rows = tx.run(VECTOR, index="free", k=10, vector=[1.0, 2.0, 3.0]).data()
        assert sorted(row["name"] for row in rows) == ["d", "own"]
        tx.rollback()


number = st.one_of(st.floats(), st.integers(-2 ** 63, 2 ** 63 - 1),
                   st.sampled_from([1e-45, 1e-310, 3.5e38, -3.5e38, 1e300, True]), st.none(), st.text(max_size=2))
vector = st.lists(number, max_size=4) | number
# Property values (a list holds one type): floats of any kind, integers, or not a list at all.
stored_value = (st.lists(st.floats(), min_size=3, max_size=3) | st.lists(st.integers(-2 ** 63, 2 ** 63 - 1), min_size=3,
                max_size=3) | st.lists(st.floats(), max_size=5) | st.floats() | st.text(max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=st.lists(stored_value, min_size=1, max_size=4), query=vector,
       k=st.one_of(st.integers(-3, 5), st.sampled_from([2 ** 31, 2 ** 63 - 1]), st.floats(), st.none()))
def test_any_vector_and_k_give_scored_rows_or_a_neo4j_coded_error(vectors, stored, query, k):
    with vectors.begin_transaction() as tx:
        tx.run("UNWIND $stored AS v CREATE (:Doc {name: 'own', emb: v})", stored=stored).consume()
        rows = run_or_user_error(tx, VECTOR, index="fixed", k=k, vector=query)
        for row in rows or []:
            assert 0.0 <= row["score"] <= 1.0
        tx.rollback()


@pytest.mark.parametrize("value", [[float("nan"), 0.0, 0.0], [float("inf"), 0.0, 0.0], [], [True, False, True],
                                   [[1.0], [2.0], [3.0]], ["a", "b", "c"], [None, 1.0, 2.0], 5, "abc", {"a": 1},
                                   [1e39, 0.0, 0.0]])
def test_set_node_vector_property_refuses_what_is_not_a_vector_and_changes_nothing(vectors, value):
    with pytest.raises(ClientError) as caught:
        vectors.run("MATCH (n:Doc {name: 'a'}) SET n.touched = true "
                    "WITH n CALL db.create.setNodeVectorProperty(n, 'emb', $v) RETURN n", v=value).consume()
    assert_user_error(caught.value)
    row = vectors.run("MATCH (n:Doc {name: 'a'}) RETURN n.emb AS emb, n.touched AS touched").single()
    assert (row["emb"], row["touched"]) == ([1.0, 0.0, 0.0], None)
    assert [row["name"] for row in vectors.run(VECTOR, index="fixed", k=1, vector=[1.0, 0.0, 0.0]).data()] == ["a"]


@pytest.mark.parametrize("name", [None, 1, [1], {"a": 1}, True, "", "missing"])
def test_an_index_name_of_any_type_is_a_neo4j_coded_error(texts, name):
    for statement in ("CALL db.index.vector.queryNodes($name, 1, [1.0, 2.0, 3.0])",
                      "CALL db.index.vector.queryRelationships($name, 1, [1.0, 2.0, 3.0])",
                      "CALL db.index.fulltext.queryNodes($name, 'hello')",
                      "CALL db.index.fulltext.queryRelationships($name, 'hello')"):
        with pytest.raises(Neo4jError) as caught:
            texts.run(statement, name=name).consume()
        assert_user_error(caught.value)


@pytest.mark.parametrize("options", [{"skip": "a"}, {"limit": 2 ** 63 - 1, "skip": 2 ** 63 - 1}, {"skip": 1.5},
                                     {"limit": float("nan")}, {"analyzer": 5}, {"analyzer": "nope"},
                                     {"skip": float("inf")}, {"limit": float("-inf")}, {"limit": True}, 5, "x", [1]])
def test_full_text_options_of_any_type_give_rows_or_a_neo4j_coded_error(texts, options):
    run_or_user_error(texts, "CALL db.index.fulltext.queryNodes('texts', 'hello', $options)", options=options)


@pytest.mark.parametrize("query", ["hello^" + "9" * 45, '"hello world"^' + "9" * 45, "(hello)^" + "9" * 45])
def test_a_boost_beyond_a_float_is_lucenes_refusal_not_an_infinite_score(texts, query):
    # Float.parseFloat gives Infinity, which Lucene's BoostQuery refuses.
    with pytest.raises(ClientError) as caught:
        texts.run(FULLTEXT, index="texts", text=query).consume()
    assert caught.value.code == FAILED
    assert caught.value.message.endswith("java.lang.IllegalArgumentException: boost must be a positive float, got "
                                         "Infinity")


def test_a_boost_is_a_32_bit_float_for_committed_and_uncommitted_documents_alike(texts):
    # 1e-46 is 0 as a float: every hit scores 0, whether the engine or the exact scorer scores it.
    with texts.begin_transaction() as tx:
        tx.run("CREATE (:Doc {t: 'hello'})").consume()
        scores = {row["score"] for row in tx.run(FULLTEXT, index="texts", text="hello^0." + "0" * 45 + "1").data()}
        assert scores == {0.0}
        tx.rollback()


# --- durability -----------------------------------------------------------------------------------------------

SEARCH_INDEXES = ("SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, indexProvider, options "
                  "WHERE type IN ['VECTOR', 'FULLTEXT'] RETURN * ORDER BY name")


def test_dump_and_load_keep_search_indexes_with_odd_names_options_and_their_answers(tmp_path):
    import io

    from graphplex import DBMS
    from graphplex.cli.main import main

    data = str(tmp_path / "data")
    statements = [
        "CREATE VECTOR INDEX `we ird` FOR ()-[r:`R T`]-() ON r.`e b` OPTIONS {indexProvider: 'vector-1.0', "
        "indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'euclidean'}}",
        "CREATE FULLTEXT INDEX f FOR (n:A|B) ON EACH [n.t, n.u] OPTIONS {indexConfig: {`fulltext.analyzer`: "
        "'english', `fulltext.eventually_consistent`: true}}",
        "CREATE VECTOR INDEX mg ON :M(e) WITH CONFIG {dimension: 2, metric: 'cos', capacity: 10}",
        "CREATE (:A {t: 'running dogs'})-[:`R T` {`e b`: [1.0, 2.0, 3.0]}]->(:B {u: 'the runner'}), (:M {e: [1, 2]})",
    ]
    queries = ["CALL db.index.fulltext.queryNodes('f', 'run OR runner') YIELD node, score RETURN node.t, node.u, score",
               "CALL db.index.vector.queryRelationships('we ird', 2, [1.0, 2.0, 2.0]) YIELD relationship, score "
               "RETURN relationship.`e b`, score",
               "CALL vector_search.search('mg', 2, [2.0, 1.0]) YIELD node, similarity RETURN node.e, similarity"]
    with DBMS.open(data) as dbms, dbms.session() as session:
        for statement in statements:
            session.run(statement).consume()
        before = [session.run(SEARCH_INDEXES).data()] + [session.run(query).data() for query in queries]
    assert all(before[1:])
    dump = str(tmp_path / "neo4j.dump")
    assert main(["dump", "--data-dir", data, "neo4j", dump], io.StringIO(), io.StringIO()) == 0
    assert main(["load", "--data-dir", data, "copy", dump], io.StringIO(), io.StringIO()) == 0
    with DBMS.open(data) as dbms, dbms.session(database="copy") as session:
        assert [session.run(SEARCH_INDEXES).data()] + [session.run(query).data() for query in queries] == before
