"""APOC's control procedures through the official driver and the Bolt server: maps of nodes from apoc.cypher.run,
paths from apoc.path.expandConfig, periodic.iterate in an auto-commit transaction (session.run) and its refusal in
a managed one (execute_query), as CALL { } IN TRANSACTIONS is refused there."""
from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j.exceptions import DatabaseError  # noqa: E402
from neo4j.graph import Node, Path  # noqa: E402


@pytest.fixture
def driver(driver):
    """The shared driver (tests/dbms/conftest.py), its graph a chain of three people a -> b -> c."""
    driver.execute_query("CREATE (:Person {name: 'a'})-[:KNOWS]->(:Person {name: 'b'})-[:KNOWS]->(:Person {name: 'c'})")
    return driver


def test_cypher_run_maps_hold_nodes(driver):
    records, _, _ = driver.execute_query("CALL apoc.cypher.run('MATCH (p:Person) RETURN p ORDER BY p.name', {})")
    values = [record["value"]["p"] for record in records]
    assert all(isinstance(node, Node) for node in values)
    assert [node["name"] for node in values] == ["a", "b", "c"]


def test_expand_config_paths_reach_the_driver(driver):
    records, _, _ = driver.execute_query("MATCH (a:Person {name: 'a'}) CALL apoc.path.expandConfig(a, "
                                         "{relationshipFilter: 'KNOWS>', minLevel: 1}) YIELD path RETURN path")
    paths = [record["path"] for record in records]
    assert all(isinstance(path, Path) for path in paths)
    assert sorted(len(path) for path in paths) == [1, 2]


def test_periodic_iterate_in_an_auto_commit_transaction_and_not_in_a_managed_one(driver):
    with driver.session() as session:
        row = session.run("CALL apoc.periodic.iterate('MATCH (p:Person) RETURN p', 'SET p.seen = true', "
                          "{batchSize: 2})").single()
    assert (row["batches"], row["total"], row["committedOperations"]) == (2, 3, 3)
    assert row["updateStatistics"]["propertiesSet"] == 3
    with pytest.raises(DatabaseError) as caught:
        driver.execute_query("CALL apoc.periodic.iterate('MATCH (p:Person) RETURN p', 'SET p.other = true', {})")
    assert caught.value.code == "Neo.DatabaseError.Transaction.TransactionStartFailed"
    records, _, _ = driver.execute_query("MATCH (p:Person) RETURN count(p.seen) AS seen, count(p.other) AS other")
    assert (records[0]["seen"], records[0]["other"]) == (3, 0)
