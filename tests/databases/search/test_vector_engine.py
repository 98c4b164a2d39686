"""VectorEngine (databases/search/vectors.py): what Neo4j indexes, its scores, the exact and HNSW regimes."""
from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex import DBMS
from graphplex.databases.errors import ClientError
from graphplex.databases.search import vectors as vectors_module
from graphplex.databases.search.vectors import VectorEngine


def cosine_score(a, b) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return max(0.0, min(1.0, (1.0 + dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))))
                        / 2.0))


def euclidean_score(a, b) -> float:
    return 1.0 / (1.0 + sum((x - y) ** 2 for x, y in zip(a, b)))


SCORE = {"cosine": cosine_score, "euclidean": euclidean_score}


def truth(vectors: dict[int, list[float]], query, count: int, similarity: str) -> list[tuple[int, float]]:
    scored = [(key, SCORE[similarity](vector, query)) for key, vector in vectors.items()]
    scored.sort(key=lambda hit: (-hit[1], hit[0]))
    return scored[:count]


def dyadic(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Values exactly representable in float32 (k/64), so that stored and given vectors are the same numbers."""
    return rng.integers(-256, 257, size=(n, d)) / 64.0


def filled(similarity: str, rows: np.ndarray, **options) -> tuple[VectorEngine, dict[int, list[float]]]:
    engine = VectorEngine(rows.shape[1], similarity, **options)
    vectors = {key * 7 + 3: row.tolist() for key, row in enumerate(rows)}
    for key, vector in vectors.items():
        engine.upsert(key, engine.vector_of(vector))
    return engine, vectors


def assert_same(hits, expected) -> None:
    assert [key for key, _ in hits] == [key for key, _ in expected]
    assert [score for _, score in hits] == pytest.approx([score for _, score in expected], rel=1e-12, abs=1e-15)


# --- exact regime -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("similarity", ["cosine", "euclidean"])
def test_exact_search_equals_brute_force_truth(similarity):
    rng = np.random.default_rng(1)
    engine, vectors = filled(similarity, dyadic(rng, 300, 8))
    assert len(engine) == 300 and engine.graphs == 0
    for query in dyadic(rng, 20, 8).tolist():
        assert_same(engine.search(query, 10), truth(vectors, query, 10, similarity))
    query = dyadic(rng, 1, 8)[0].tolist()
    assert_same(engine.search(query, 1000), truth(vectors, query, 1000, similarity))


def test_ties_are_broken_by_key():
    engine = VectorEngine(2, "cosine")
    for key in (9, 4, 6):
        engine.upsert(key, engine.vector_of([1.0, 1.0]))
    engine.upsert(5, engine.vector_of([2, 2]))  # the same direction: the same cosine score
    assert [key for key, _ in engine.search([1, 1], 3)] == [4, 5, 6]


def test_upsert_replaces_and_remove_forgets():
    engine = VectorEngine(3, "euclidean")
    engine.upsert(1, engine.vector_of([0.0, 0.0, 0.0]))
    engine.upsert(2, engine.vector_of([5.0, 5.0, 5.0]))
    engine.upsert(1, engine.vector_of([9.0, 9.0, 9.0]))
    assert len(engine) == 2
    assert engine.search([9, 9, 9], 2) == [(1, 1.0), (2, 1.0 / 49.0)]
    engine.remove(1)
    engine.remove(1)
    engine.remove(12345)
    assert engine.search([9, 9, 9], 5) == [(2, 1.0 / 49.0)]
    engine.upsert(2, "no longer a vector")  # a value Neo4j would not index takes the entity out
    assert len(engine) == 0 and engine.search([9, 9, 9], 5) == []


def test_load_is_a_bulk_upsert():
    rng = np.random.default_rng(2)
    rows = dyadic(rng, 200, 6)
    engine = VectorEngine(6, "cosine")
    engine.upsert(0, engine.vector_of([1, 0, 0, 0, 0, 0]))
    engine.upsert(999, engine.vector_of([0, 1, 0, 0, 0, 0]))
    keys = list(range(200))
    engine.load(keys + [999, 3, 4], [engine.vector_of(row) for row in rows.tolist()] + [None, None, [0, 0]])
    assert len(engine) == 198  # the later pairs of 3 and 4 (not indexable) win
    vectors = dict(zip(keys, rows.tolist()))
    del vectors[3], vectors[4]
    query = dyadic(rng, 1, 6)[0].tolist()
    assert_same(engine.search(query, 15), truth(vectors, query, 15, "cosine"))


# --- what Neo4j indexes -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "text", 3, [], [1, "a", 2], [True, False, True], [1.0, math.nan, 2.0],
                                   [1.0, math.inf, 2.0], [[1.0], [2.0], [3.0]], [1.0, 2.0], [1.0, 2.0, 3.0, 4.0],
                                   {"a": 1}])
@pytest.mark.parametrize("similarity", ["cosine", "euclidean"])
def test_values_neo4j_leaves_out(similarity, value):
    assert VectorEngine(3, similarity).vector_of(value) is None


def test_what_each_similarity_accepts():
    cosine, euclidean = VectorEngine(2, "cosine"), VectorEngine(2, "euclidean")
    assert cosine.vector_of([0, 0]) is None  # no direction
    assert euclidean.vector_of([0, 0]) is not None
    assert cosine.vector_of([1e39, 1.0]) is not None  # finite as a double: normalised, then stored
    assert euclidean.vector_of([1e39, 1.0]) is None  # infinite once cast to float32 (`floatElement`)
    assert euclidean.vector_of([3.4028235e38, 1.0]) is not None
    assert cosine.vector_of([1e200, 1.0]) is None  # the sum of squares overflows
    assert cosine.vector_of([1e-200, 1e-200]) is None  # the sum of squares underflows to zero
    assert cosine.vector_of([1, 2]).dtype == np.float32
    assert euclidean.vector_of((3, 4)).tolist() == [3.0, 4.0]  # integers are numbers too (LIST<INTEGER>)


def test_without_dimensions_each_length_is_searched_apart():
    """Neo4j keeps each length in its own Lucene field (`<n>d-vector`); a query sees its own length only."""
    engine = VectorEngine(None, "euclidean")
    engine.upsert(1, engine.vector_of([1.0, 2.0]))
    engine.upsert(2, engine.vector_of([1.0, 2.0, 3.0]))
    engine.upsert(3, engine.vector_of([0.0, 0.0, 0.0]))
    engine.upsert(4, engine.vector_of([1.0]))
    assert len(engine) == 4
    assert [key for key, _ in engine.search([1.0, 2.0, 3.0], 10)] == [2, 3]
    assert engine.search([1.0, 2.0], 10) == [(1, 1.0)]
    assert engine.search([1.0, 2.0, 3.0, 4.0], 10) == []
    engine.upsert(1, engine.vector_of([1.0, 2.0, 2.0]))  # changing length moves it
    assert engine.search([1.0, 2.0], 10) == []
    assert [key for key, _ in engine.search([1.0, 2.0, 3.0], 10)] == [2, 1, 3]


def test_query_of_the_wrong_dimension_is_neo4js_error():
    engine = VectorEngine(4, "cosine")
    with pytest.raises(ClientError) as failure:
        engine.check_query([1.0, 2.0, 3.0])
    assert failure.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert failure.value.message == ("Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: "
                                     "java.lang.IllegalArgumentException: Index query vector has 3 dimensions, "
                                     "but indexed vectors have 4.")
    with pytest.raises(ClientError) as failure:
        engine.search([1.0, 2.0, 3.0], 5)
    assert "Index query vector has 3 dimensions" in failure.value.message


def test_invalid_query_values_are_neo4js_error():
    with pytest.raises(ClientError) as failure:
        VectorEngine(2, "cosine").check_query([0.0, 0], procedure="db.index.vector.queryRelationships")
    assert failure.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert failure.value.message == (
        "Failed to invoke procedure `db.index.vector.queryRelationships`: Caused by: "
        "java.lang.IllegalArgumentException: Vector must only contain finite values, and have positive and finite "
        "l2-norm. Provided: SequenceValueVectorCandidate[sequence=List{Double(0.000000e+00), Long(0)}]")
    with pytest.raises(ClientError) as failure:
        VectorEngine(2, "euclidean").check_query([1.5, math.inf])
    assert failure.value.message.endswith(
        "java.lang.IllegalArgumentException: Vector must contain finite values. Provided: "
        "SequenceValueVectorCandidate[sequence=List{Double(1.500000e+00), Double(Infinity)}]")
    assert VectorEngine(None, "euclidean").check_query([0.0, 0.0, 0.0]).dimensions == 3


# --- scores -----------------------------------------------------------------------------------------------------

def test_scores_equal_the_cypher_similarity_functions():
    rng = np.random.default_rng(3)
    rows, queries = dyadic(rng, 40, 16), dyadic(rng, 40, 16)
    pairs = [{"a": a, "b": b} for a, b in zip(rows.tolist(), queries.tolist())]
    with DBMS.in_memory() as dbms, dbms.session() as session:
        cypher = session.run("UNWIND $pairs AS p RETURN vector.similarity.cosine(p.a, p.b) AS cosine, "
                             "vector.similarity.euclidean(p.a, p.b) AS euclidean", {"pairs": pairs}).data()
    for similarity in ("cosine", "euclidean"):
        engine = VectorEngine(16, similarity)
        for pair, expected in zip(pairs, cypher):
            engine.upsert(1, engine.vector_of(pair["a"]))
            (key, score), = engine.search(pair["b"], 1)
            assert score == pytest.approx(expected[similarity], rel=1e-12)
            assert engine.scores(pair["b"], [engine.vector_of(pair["a"])])[0] == score


def test_scores_are_in_neo4js_range():
    engine = VectorEngine(2, "cosine")
    engine.upsert(1, engine.vector_of([1.0, 0.0]))
    engine.upsert(2, engine.vector_of([-1.0, 0.0]))
    engine.upsert(3, engine.vector_of([0.0, 1.0]))
    assert engine.search([1.0, 0.0], 3) == [(1, 1.0), (3, 0.5), (2, 0.0)]


# --- the HNSW regime --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("similarity", ["cosine", "euclidean"])
def test_crossing_the_limit_both_ways_keeps_the_answers(similarity):
    rng = np.random.default_rng(4)
    rows = dyadic(rng, 600, 8)
    engine, vectors = filled(similarity, rows, exact_limit=8 * 200)
    assert engine.graphs == 1
    queries = dyadic(rng, 30, 8).tolist()
    found = 0
    for query in queries:
        hits, expected = engine.search(query, 10), truth(vectors, query, 10, similarity)
        found += len({key for key, _ in hits} & {key for key, _ in expected})
        for key, score in hits:
            assert score == pytest.approx(SCORE[similarity](vectors[key], query), rel=1e-12)
        assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)
    assert found >= 0.95 * 10 * len(queries)
    for key in list(vectors)[:520]:
        engine.remove(key)
        del vectors[key]
    assert engine.graphs == 0 and len(engine) == 80
    for query in queries:
        assert_same(engine.search(query, 10), truth(vectors, query, 10, similarity))


def clustered(rng: np.random.Generator, n: int, centres: np.ndarray) -> np.ndarray:
    """Like real embeddings: points around gaussian centres, normalised."""
    points = centres[rng.integers(0, len(centres), n)] + 0.35 * rng.standard_normal((n, centres.shape[1]))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_recall_at_10_in_the_hnsw_regime():
    """Queries like the data (drawn around the same centres, none of them stored), as embeddings of questions
    about a corpus are."""
    rng = np.random.default_rng(5)
    centres = rng.standard_normal((200, 64))
    rows = clustered(rng, 20_000, centres)
    engine = VectorEngine(64, "cosine")
    engine.load(range(20_000), [engine.vector_of(row) for row in rows.tolist()])
    assert engine.graphs == 1
    stored = rows.astype(np.float32).astype(np.float64)
    norms = np.linalg.norm(stored, axis=1)
    found = 0
    for query in clustered(rng, 100, centres):
        exact = set(np.argsort(-(stored @ query / norms), kind="stable")[:10].tolist())
        found += len(exact & {key for key, _ in engine.search(query.tolist(), 10)})
    assert found / 1000 >= 0.95


@pytest.mark.parametrize("pending", [1, 3, 512])
def test_upserts_and_removals_in_the_hnsw_regime(pending):
    """Changed rows wait for the graph in `pending` (searched by brute force) and join it in bulk."""
    rng = np.random.default_rng(6)
    with mock.patch.object(vectors_module, "PENDING_LIMIT", pending):
        engine, vectors = filled("euclidean", dyadic(rng, 400, 4), exact_limit=4 * 100)
        assert engine.graphs == 1
        target = [40.0, 40.0, 40.0, 40.0]
        moved = list(vectors)[17]
        engine.upsert(moved, engine.vector_of(target))
        assert engine.search(target, 1) == [(moved, 1.0)]
        engine.remove(moved)
        assert moved not in {key for key, _ in engine.search(target, 5)}
        for key in list(vectors)[20:30]:
            engine.upsert(key, engine.vector_of([v + 0.5 for v in vectors[key]]))
        engine.upsert(moved, engine.vector_of([1e5, 0.0, 0.0, 0.0]))  # beyond float16: a float32 graph
        engine.upsert(moved + 1000, engine.vector_of([1e5, 1.0, 0.0, 0.0]))
        assert engine.search([1e5, 0.0, 0.0, 0.0], 2) == [(moved, 1.0), (moved + 1000, 0.5)]
        assert len(engine) == 401


# --- against a model --------------------------------------------------------------------------------------------

KEYS = st.integers(min_value=0, max_value=40)
VECTORS = st.lists(st.integers(min_value=-4, max_value=4), min_size=3, max_size=3)
OPERATIONS = st.lists(st.one_of(st.tuples(st.just("upsert"), KEYS, VECTORS), st.tuples(st.just("remove"), KEYS),
                                st.tuples(st.just("search"), VECTORS, st.integers(min_value=1, max_value=6))),
                      max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(similarity=st.sampled_from(["cosine", "euclidean"]), limit=st.sampled_from([3 * 8, 10 ** 6]),
       operations=OPERATIONS)
def test_against_a_dict_model(similarity, limit, operations):
    with mock.patch.object(vectors_module, "PENDING_LIMIT", 2):
        check_against_a_dict_model(similarity, limit, operations)


def check_against_a_dict_model(similarity, limit, operations):
    engine = VectorEngine(3, similarity, exact_limit=limit)
    model: dict[int, list[int]] = {}
    for operation in operations:
        if operation[0] == "upsert":
            _, key, vector = operation
            engine.upsert(key, engine.vector_of(vector))
            if similarity == "cosine" and not any(vector):
                model.pop(key, None)
            else:
                model[key] = vector
        elif operation[0] == "remove":
            engine.remove(operation[1])
            model.pop(operation[1], None)
        else:
            _, query, count = operation
            if similarity == "cosine" and not any(query):
                continue
            hits = engine.search(query, count)
            expected = truth(model, query, len(model), similarity)
            assert len(hits) == min(count, len(model))
            for key, score in hits:
                assert score == pytest.approx(SCORE[similarity](model[key], query), rel=1e-12, abs=1e-15)
            scores = [score for _, score in hits]
            assert all(a >= b - 1e-12 for a, b in zip(scores, scores[1:]))
            left_out = [score for key, score in expected if key not in {key for key, _ in hits}]
            if hits and left_out:
                assert scores[-1] >= max(left_out) - 1e-12
        assert len(engine) == len(model)
