"""Neo4j's vector similarity functions, vector.similarity.cosine and vector.similarity.euclidean, through the
public API: values in [0, 1] against hand-computed ones, null in null out, errors with their Neo4j codes, and
their SHOW FUNCTIONS rows."""
from __future__ import annotations

import pytest

from graphplex.errors import ClientError


def value(session, expression: str, **parameters):
    return session.run(f"RETURN {expression} AS v", parameters).single()["v"]


def test_euclidean_is_one_over_one_plus_the_squared_distance(session):
    assert value(session, "vector.similarity.euclidean([4.0, 5.0, 6.0], [2.0, 8.0, 3.0])") == 1 / 23
    assert value(session, "vector.similarity.euclidean([1, 2], [1, 2])") == 1.0
    assert value(session, "vector.similarity.euclidean([0, 0], [3, 4])") == 1 / 26


def test_cosine_is_normalised_to_between_zero_and_one(session):
    assert value(session, "vector.similarity.cosine([1, 0], [0, 1])") == 0.5
    assert value(session, "vector.similarity.cosine([1, 2], [2, 4])") == pytest.approx(1.0)
    assert value(session, "vector.similarity.cosine([1.0, 0.0], [-1.0, 0.0])") == 0.0
    assert value(session, "vector.similarity.cosine([3, 4], [4, 3])") == pytest.approx((1 + 24 / 25) / 2)


def test_ranking_nodes_by_similarity_to_a_parameter(session):
    session.run("CREATE (:Node {id: 1, vector: [1.0, 4.0, 2.0]}), (:Node {id: 2, vector: [3.0, -2.0, 1.0]}), "
                "(:Node {id: 3, vector: [2.0, 8.0, 3.0]})").consume()
    ranked = session.run("MATCH (n:Node) WITH n, vector.similarity.euclidean($query, n.vector) AS score "
                         "RETURN n.id AS id, score ORDER BY score DESC LIMIT 2", {"query": [4.0, 5.0, 6.0]}).data()
    assert ranked == [{"id": 3, "score": 1 / 23}, {"id": 1, "score": 1 / 27}]


def test_null_arguments_give_null(session):
    for call in ("vector.similarity.cosine(null, [1])", "vector.similarity.cosine([1], null)",
                 "vector.similarity.euclidean(null, null)", "vector.similarity.euclidean($v, [1])"):
        assert value(session, call, v=None) is None, call


def test_a_zero_vector_has_no_cosine(session):
    assert value(session, "vector.similarity.cosine([0, 0], [1, 1])") is None


@pytest.mark.parametrize("call, code", [
    ("vector.similarity.cosine([1, 2], [1, 2, 3])", "Neo.ClientError.Statement.ArgumentError"),
    ("vector.similarity.euclidean([1], [1, 2])", "Neo.ClientError.Statement.ArgumentError"),
    ("vector.similarity.euclidean([], [])", "Neo.ClientError.Statement.ArgumentError"),
    ("vector.similarity.cosine(['a'], [1])", "Neo.ClientError.Statement.TypeError"),
    ("vector.similarity.cosine([true, 1], [1, 1])", "Neo.ClientError.Statement.TypeError"),
    ("vector.similarity.euclidean([1], 'x')", "Neo.ClientError.Statement.TypeError"),
])
def test_bad_vectors_are_errors_with_neo4j_codes(session, call, code):
    with pytest.raises(ClientError) as caught:
        value(session, call)
    assert caught.value.code == code


def test_show_functions_lists_them_as_vector_functions(session):
    rows = session.run("SHOW FUNCTIONS YIELD name, category, signature, isBuiltIn "
                       "WHERE name STARTS WITH 'vector.' RETURN name, category, signature, isBuiltIn "
                       "ORDER BY name").data()
    assert rows == [
        {"name": "vector.similarity.cosine", "category": "Vector", "isBuiltIn": True,
         "signature": "vector.similarity.cosine(a :: LIST<INTEGER | FLOAT>, b :: LIST<INTEGER | FLOAT>) :: FLOAT"},
        {"name": "vector.similarity.euclidean", "category": "Vector", "isBuiltIn": True,
         "signature": "vector.similarity.euclidean(a :: LIST<INTEGER | FLOAT>, b :: LIST<INTEGER | FLOAT>) "
                      ":: FLOAT"}]
