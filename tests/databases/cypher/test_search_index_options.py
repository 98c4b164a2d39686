"""Unit tests of `search_index_options`: what an index's configuration keeps beyond what SHOW INDEXES lists
(Memgraph's settings), and Neo4j's PrettyPrinter form of values in its messages."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher.search_index_options import index_settings, memgraph_config, pretty
from graphplex.databases.errors import ClientError

V2_DEFAULTS = {"vector.hnsw.ef_construction": 100, "vector.hnsw.m": 16, "vector.quantization.enabled": True,
               "vector.similarity_function": "COSINE"}


def test_memgraphs_settings_are_kept_beside_neo4js():
    assert memgraph_config({"dimension": 2, "capacity": 8, "metric": "cos", "scalar_kind": "f16"}) == {
        "vector.dimensions": 2, **V2_DEFAULTS, "memgraph.dimension": 2, "memgraph.capacity": 8,
        "memgraph.metric": "cos", "memgraph.scalar_kind": "f16"}
    assert memgraph_config({"dimension": 3, "capacity": 1})["vector.similarity_function"] == "EUCLIDEAN"


def test_a_memgraph_metric_neo4j_lacks_is_an_unsupported_similarity():
    with pytest.raises(ClientError) as failed:
        memgraph_config({"dimension": 3, "capacity": 1, "metric": "hamming"})
    assert failed.value.message == ("'\"hamming\"' is an unsupported 'vector.similarity_function'. Supported: "
                                    "[COSINE, EUCLIDEAN]")


def test_a_null_vector_setting_is_a_missing_one():
    assert index_settings("VECTOR", {"indexConfig": {"vector.dimensions": None}}) == ("vector-2.0", V2_DEFAULTS)


def test_option_keys_are_case_insensitive_and_defaults_filled():
    assert index_settings("VECTOR", {"INDEXCONFIG": {"vector.dimensions": 7}}) == (
        "vector-2.0", {"vector.dimensions": 7, **V2_DEFAULTS})
    assert index_settings("FULLTEXT", None) == (
        "fulltext-1.0", {"fulltext.analyzer": "standard-no-stop-words", "fulltext.eventually_consistent": False})


@pytest.mark.parametrize("value, text", [
    ({"a.b": 1, "c": "x"}, '{a.b: 1, c: "x"}'), ([1.5, True], "[1.5, true]"), ('q"', '"q\\""'),
])
def test_values_print_as_neo4js_pretty_printer_does(value, text):
    assert pretty(value) == text
