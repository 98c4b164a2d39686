"""Built-in procedures through the official `neo4j` driver: what Bolt makes of their values (the virtual nodes and
relationships of db.schema.visualization, with negative ids) and of the transaction metadata."""
from __future__ import annotations

import warnings

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j.graph import Node, Relationship  # noqa: E402


def test_schema_visualization_arrives_as_virtual_graph_values(driver):
    driver.execute_query("CREATE (:Person {name: 'a'})-[:KNOWS]->(:Movie {title: 't'})")
    driver.execute_query("CREATE INDEX FOR (m:Movie) ON (m.title)")
    records, _, _ = driver.execute_query("CALL db.schema.visualization()")
    [record] = records
    nodes = {next(iter(node.labels)): node for node in record["nodes"]}
    assert all(isinstance(node, Node) for node in nodes.values())
    assert sorted(node.element_id for node in nodes.values()) == ["-1", "-2"]
    with warnings.catch_warnings():   # the driver deprecates the legacy ids, which Neo4j Browser still reads
        warnings.simplefilter("ignore", DeprecationWarning)
        assert sorted(node.id for node in nodes.values()) == [-2, -1]
    assert dict(nodes["Movie"]) == {"name": "Movie", "indexes": ["title"], "constraints": []}
    [knows] = record["relationships"]
    assert isinstance(knows, Relationship) and knows.type == "KNOWS" and int(knows.element_id) < 0
    assert knows.start_node.element_id == nodes["Person"].element_id
    assert knows.end_node.element_id == nodes["Movie"].element_id
    assert dict(knows) == {"name": "KNOWS"}


def test_metadata_from_the_driver_and_from_tx_set_metadata(driver):
    with driver.session() as session:
        with session.begin_transaction(metadata={"app": "driver"}) as tx:
            assert tx.run("CALL tx.getMetaData()").single()["metadata"] == {"app": "driver"}
            tx.run("CALL tx.setMetaData({app: 'cypher', n: 1})").consume()
            assert tx.run("CALL tx.getMetaData()").single()["metadata"] == {"app": "cypher", "n": 1}
            tx.rollback()


def test_show_settings_and_db_info_over_bolt(driver):
    records, _, _ = driver.execute_query("SHOW SETTINGS 'initial.dbms.default_database'")
    assert [r.data() for r in records][0]["value"] == "neo4j"
    records, _, _ = driver.execute_query("CALL db.info()")
    assert records[0]["name"] == "neo4j" and records[0]["creationDate"].endswith("Z")
