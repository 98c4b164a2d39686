"""The vector similarity functions through the official neo4j driver against `graphplex serve`: a list
parameter in, a FLOAT out, and a bad vector an error with its Neo4j code."""
from __future__ import annotations

import pytest


def test_vector_similarity_through_the_neo4j_driver(served):
    neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{served}", auth=("neo4j", "unused")) as driver:
        records, _, _ = driver.execute_query(
            "RETURN vector.similarity.euclidean($a, $b) AS euclidean, vector.similarity.cosine($a, $b) AS cosine",
            a=[1.0, 0.0], b=[0, 1])
        assert records[0].data() == {"euclidean": 1 / 3, "cosine": 0.5}
        with pytest.raises(neo4j.exceptions.ClientError) as caught:
            driver.execute_query("RETURN vector.similarity.cosine([1, 2], [1, 2, 3])")
        assert caught.value.code == "Neo.ClientError.Statement.ArgumentError"
