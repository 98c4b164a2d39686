"""Results, records, summaries and graph values, shaped like the `neo4j` driver's. (API.md "Results".)"""
from __future__ import annotations

import warnings

import networkx as nx
import pytest

from graphplex.errors import ResultConsumedError, ResultNotSingleError

THREE = "UNWIND [1, 2, 3] AS x RETURN x, x * 10 AS y"

# --- Result -----------------------------------------------------------------------------------------------------


def test_keys_are_the_column_names_in_order(session):
    assert session.run("RETURN 1 AS b, 2 AS a").keys() == ["b", "a"]


def test_keys_are_known_before_any_record_is_fetched(session):
    result = session.run(THREE)
    assert result.keys() == ["x", "y"]
    assert [r["x"] for r in result] == [1, 2, 3]


def test_iteration_yields_every_record_once(session):
    result = session.run(THREE)
    assert [r["x"] for r in result] == [1, 2, 3]
    assert list(result) == []


def test_records_stream_before_the_statement_finishes(session):
    tx = session.begin_transaction()
    result = tx.run("UNWIND range(1, 10) AS x RETURN 10 / (x - 5) AS y")
    assert [r["y"] for r in result.fetch(2)] == [-2, -3]
    tx.rollback()


def test_single_returns_the_only_record(session):
    assert session.run("RETURN 42 AS answer").single()["answer"] == 42


def test_single_returns_none_when_empty(session):
    assert session.run("UNWIND [] AS x RETURN x").single() is None


def test_single_strict_returns_the_only_record(session):
    assert session.run("RETURN 42 AS answer").single(strict=True)["answer"] == 42


def test_single_strict_raises_result_not_single_error_when_empty(session):
    with pytest.raises(ResultNotSingleError):
        session.run("UNWIND [] AS x RETURN x").single(strict=True)


def test_single_strict_raises_result_not_single_error_on_more_than_one_record(session):
    with pytest.raises(ResultNotSingleError):
        session.run(THREE).single(strict=True)


def test_single_strict_messages_are_the_drivers(session):
    with pytest.raises(ResultNotSingleError) as empty:
        session.run("UNWIND [] AS x RETURN x").single(strict=True)
    assert empty.value.message == "No records found. Make sure your query returns exactly one record."
    with pytest.raises(ResultNotSingleError) as many:
        session.run(THREE).single(strict=True)
    assert many.value.message == "More than one record found. Make sure your query returns exactly one record."


def test_single_non_strict_on_several_records_warns_and_returns_the_first(session):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = session.run(THREE).single()
    assert record["x"] == 1
    assert [str(w.message) for w in caught] == ["Expected a result with a single record, but found multiple."]


def test_single_exhausts_the_result(session):
    result = session.run(THREE)
    with pytest.warns(UserWarning, match="found multiple"):
        result.single()
    assert result.consume() is not None
    with pytest.raises(ResultConsumedError):
        list(result)


def test_peek_does_not_consume_the_record(session):
    result = session.run(THREE)
    assert result.peek()["x"] == 1
    assert result.peek()["x"] == 1
    assert [r["x"] for r in result] == [1, 2, 3]


def test_peek_returns_none_at_the_end(session):
    result = session.run("UNWIND [] AS x RETURN x")
    assert result.peek() is None


def test_fetch_returns_up_to_n_records(session):
    result = session.run(THREE)
    assert [r["x"] for r in result.fetch(2)] == [1, 2]
    assert [r["x"] for r in result.fetch(5)] == [3]
    assert result.fetch(1) == []


def test_fetch_after_peek_includes_the_peeked_record(session):
    result = session.run(THREE)
    result.peek()
    assert [r["x"] for r in result.fetch(2)] == [1, 2]


def test_data_returns_the_remaining_records_as_dicts(session):
    result = session.run(THREE)
    result.fetch(1)
    assert result.data() == [{"x": 2, "y": 20}, {"x": 3, "y": 30}]


def test_data_with_keys_selects_columns(session):
    assert session.run(THREE).data("y") == [{"y": 10}, {"y": 20}, {"y": 30}]


def test_value_returns_one_column_by_index_or_key(session):
    assert session.run(THREE).value() == [1, 2, 3]
    assert session.run(THREE).value("y") == [10, 20, 30]
    assert session.run(THREE).value(1) == [10, 20, 30]


def test_value_uses_the_default_for_a_missing_key(session):
    assert session.run(THREE).value("missing", default=-1) == [-1, -1, -1]


def test_values_returns_lists(session):
    assert session.run(THREE).values() == [[1, 10], [2, 20], [3, 30]]
    assert session.run(THREE).values("y", "x") == [[10, 1], [20, 2], [30, 3]]


# --- consume and the summary ---------------------------------------------------------------------------------------


def test_consume_returns_the_summary_with_counters(session):
    summary = session.run("CREATE (a:A {k: 1, j: 2})-[:R]->(b:B:C) RETURN a").consume()
    counters = summary.counters
    assert counters.nodes_created == 2
    assert counters.relationships_created == 1
    assert counters.properties_set == 2
    assert counters.labels_added == 3
    assert counters.contains_updates
    assert not counters.contains_system_updates
    assert summary.database == "neo4j"
    assert summary.query == "CREATE (a:A {k: 1, j: 2})-[:R]->(b:B:C) RETURN a"


def test_delete_and_remove_counters(session):
    session.run("CREATE (:Gone {k: 1})-[:R]->(:Gone)").consume()
    counters = session.run("MATCH (n:Gone) DETACH DELETE n").consume().counters
    assert (counters.nodes_deleted, counters.relationships_deleted) == (2, 1)
    session.run("CREATE (:Tagged:Extra)").consume()
    assert session.run("MATCH (n:Tagged) REMOVE n:Extra").consume().counters.labels_removed == 1


def test_schema_counters(session):
    assert session.run("CREATE INDEX idx FOR (n:P) ON (n.x)").consume().counters.indexes_added == 1
    assert session.run("DROP INDEX idx").consume().counters.indexes_removed == 1
    assert session.run("CREATE CONSTRAINT con FOR (n:P) REQUIRE n.k IS UNIQUE").consume().counters.constraints_added == 1
    assert session.run("DROP CONSTRAINT con").consume().counters.constraints_removed == 1


def test_read_query_has_no_updates(session):
    counters = session.run("MATCH (n) RETURN n").consume().counters
    assert not counters.contains_updates
    assert counters.nodes_created == 0


@pytest.mark.parametrize(("query", "query_type"), [
    ("MATCH (n) RETURN n", "r"),
    ("CREATE (:T)", "w"),
    ("CREATE (n:T) RETURN n", "rw"),
    ("CREATE INDEX FOR (n:T) ON (n.k)", "s"),
])
def test_query_type(session, query, query_type):
    assert session.run(query).consume().query_type == query_type


def test_consume_twice_returns_the_summary_again(session):
    result = session.run("CREATE (:T)")
    first = result.consume()
    assert result.consume().counters == first.counters


@pytest.mark.parametrize("use", ["iterate", "data", "value", "values"])
def test_using_records_after_consume_raises_result_consumed_error(session, use):
    result = session.run(THREE)
    result.consume()
    with pytest.raises(ResultConsumedError):
        {"iterate": lambda: list(result), "data": result.data, "value": result.value,
         "values": result.values}[use]()


@pytest.mark.parametrize("use", ["peek", "fetch", "single"])
def test_peek_fetch_single_after_consume_raise_result_consumed_error(session, use):
    result = session.run(THREE)
    result.consume()
    with pytest.raises(ResultConsumedError):
        {"peek": result.peek, "fetch": lambda: result.fetch(1), "single": result.single}[use]()


def test_result_consumed_error_message_is_the_drivers(session):
    result = session.run(THREE)
    result.consume()
    with pytest.raises(ResultConsumedError) as caught:
        list(result)
    assert caught.value.message == ("The result has been consumed. Fetch all needed records before calling "
                                    "Result.consume().")


# --- to_networkx ---------------------------------------------------------------------------------------------------


def test_to_networkx_builds_a_multidigraph_of_the_nodes_and_relationships(session):
    session.run("CREATE (:Person {name: 'Ada'})-[:KNOWS {since: 1843}]->(:Person {name: 'Charles'}), "
                "(:Person {name: 'Ada2'})").consume()
    graph = session.run("MATCH (a:Person)-[r:KNOWS]->(b) RETURN a, r, b").to_networkx()
    assert isinstance(graph, nx.MultiDiGraph)
    assert sorted(data["name"] for _, data in graph.nodes(data=True)) == ["Ada", "Charles"]
    assert all(data["labels"] == {"Person"} for _, data in graph.nodes(data=True))
    [(u, v, data)] = list(graph.edges(data=True))
    assert data["type"] == "KNOWS" and data["since"] == 1843
    assert graph.nodes[u]["name"] == "Ada" and graph.nodes[v]["name"] == "Charles"


def test_to_networkx_includes_path_members_and_parallel_relationships(session):
    session.run("CREATE (a:N {i: 1})-[:R]->(b:N {i: 2}), (a)-[:R]->(b)").consume()
    graph = session.run("MATCH p = (:N {i: 1})-[:R]->(:N) RETURN p").to_networkx()
    assert graph.number_of_nodes() == 2
    assert graph.number_of_edges() == 2


# --- Record --------------------------------------------------------------------------------------------------------


def test_record_access_by_key_and_index(session):
    record = session.run("RETURN 1 AS a, 'two' AS b").single()
    assert record["a"] == 1 and record["b"] == "two"
    assert record[0] == 1 and record[1] == "two"
    assert len(record) == 2
    assert list(record) == [1, "two"]


def test_record_keys_values_items(session):
    record = session.run("RETURN 1 AS a, 'two' AS b").single()
    assert list(record.keys()) == ["a", "b"]
    assert list(record.values()) == [1, "two"]
    assert list(record.items()) == [("a", 1), ("b", "two")]


def test_record_get_with_default(session):
    record = session.run("RETURN 1 AS a").single()
    assert record.get("a") == 1
    assert record.get("missing") is None
    assert record.get("missing", 5) == 5


def test_record_data_is_a_dict(session):
    record = session.run("RETURN 1 AS a, [1, 2] AS b, {k: 'v'} AS c").single()
    assert record.data() == {"a": 1, "b": [1, 2], "c": {"k": "v"}}
    assert record.data("a") == {"a": 1}


def test_record_missing_key_raises_key_error(session):
    record = session.run("RETURN 1 AS a").single()
    with pytest.raises(KeyError):
        record["missing"]


def test_record_data_and_values_give_none_for_missing_keys(session):
    record = session.run("RETURN 1 AS a").single()
    assert record.data("a", "missing") == {"a": 1, "missing": None}
    assert record.values("a", "missing") == [1, None]


# --- graph values --------------------------------------------------------------------------------------------------


def test_node_values(session):
    node = session.run("CREATE (n:Person:Admin {name: 'Ada', age: 36}) RETURN n").single()["n"]
    assert isinstance(node.element_id, str) and node.element_id
    assert node.labels == frozenset({"Person", "Admin"})
    assert node["name"] == "Ada"
    assert node.get("missing", 0) == 0
    assert dict(node) == {"name": "Ada", "age": 36}
    assert set(node.keys()) == {"name", "age"}


def test_relationship_values(session):
    record = session.run("CREATE (a:A)-[r:KNOWS {since: 2020}]->(b:B) RETURN a, r, b").single()
    a, r, b = record["a"], record["r"], record["b"]
    assert r.type == "KNOWS"
    assert r["since"] == 2020
    assert r.start_node.element_id == a.element_id
    assert r.end_node.element_id == b.element_id
    assert [n.element_id for n in r.nodes] == [a.element_id, b.element_id]


def test_path_values(session):
    path = session.run("CREATE p = (:A)-[:R]->(:B)-[:R]->(:C) RETURN p").single()["p"]
    assert len(path) == 2
    assert [next(iter(n.labels)) for n in path.nodes] == ["A", "B", "C"]
    assert len(path.relationships) == 2
    assert path.start_node.labels == frozenset({"A"})
    assert path.end_node.labels == frozenset({"C"})


def test_element_ids_are_stable_across_queries(session):
    created = session.run("CREATE (n:Stable) RETURN n").single()["n"]
    matched = session.run("MATCH (n:Stable) RETURN n").single()["n"]
    assert matched.element_id == created.element_id
