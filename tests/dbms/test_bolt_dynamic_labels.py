"""Dynamic labels through the official driver over Bolt: the bulk save graphiti sends (`SET n:$(node.labels)`)
and the errors of a bad label as the driver's exceptions."""
from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j.exceptions import ClientError, CypherTypeError  # noqa: E402


def test_a_bulk_save_with_dynamic_labels(driver):
    nodes = [{"uuid": "a", "labels": ["Entity", "Finding"], "name": "x"},
             {"uuid": "b", "labels": "Person", "name": "y"}]
    driver.execute_query("UNWIND $nodes AS node MERGE (n:Entity {uuid: node.uuid}) SET n:$(node.labels) "
                         "SET n = node RETURN n.uuid", nodes=nodes)
    records, _, _ = driver.execute_query("MATCH (n:$any($wanted)) RETURN n.uuid AS uuid, labels(n) AS labels "
                                         "ORDER BY uuid", wanted=["Finding", "Person"])
    assert [(r["uuid"], sorted(r["labels"])) for r in records] == [("a", ["Entity", "Finding"]),
                                                                   ("b", ["Entity", "Person"])]


def test_bad_labels_arrive_as_the_drivers_errors(driver):
    with pytest.raises(CypherTypeError):
        driver.execute_query("CREATE (:$($label))", label=None)
    with pytest.raises(ClientError) as caught:
        driver.execute_query("CREATE (:$($label))", label="")
    assert caught.value.code == "Neo.ClientError.Schema.TokenNameError"
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS count")
    assert records[0]["count"] == 0
