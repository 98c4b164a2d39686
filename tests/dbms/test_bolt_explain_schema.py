"""EXPLAIN before a schema command, as Neo4j 5.26 plans it: the plan and the summary's query type "s", and nothing
changed. neo4j-graphrag's Text2CypherRetriever refuses a generated query by the type EXPLAIN reports."""
from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")

# neo4j-graphrag, src/neo4j_graphrag/retrievers/text2cypher.py (Text2CypherRetriever.get_search_results): the
# generated query, here the one of tests/e2e/retrievers/test_text2cypher_e2e.py::
# test_t2c_retriever_blocks_schema_mutation, is first sent as `EXPLAIN {t2c_query}` on a READ route.
GENERATED = "CREATE INDEX movie_title FOR (m:Movie) ON (m.title)"


def test_explain_of_a_schema_command_plans_it_as_a_schema_write_and_changes_nothing(driver):
    _, summary, _ = driver.execute_query(f"EXPLAIN {GENERATED}", routing_=neo4j.RoutingControl.READ)
    assert summary.query_type == "s"
    assert summary.plan["operatorType"].startswith("CreateIndex")
    assert not summary.counters.contains_system_updates and summary.counters.indexes_added == 0
    records, _, _ = driver.execute_query("SHOW INDEXES YIELD name WHERE name = 'movie_title' RETURN name")
    assert records == []


@pytest.mark.parametrize("command", [
    "DROP INDEX movie_title IF EXISTS",
    "CREATE CONSTRAINT movie_id IF NOT EXISTS FOR (m:Movie) REQUIRE m.id IS UNIQUE",
    "DROP CONSTRAINT movie_id IF EXISTS",
])
def test_explain_of_other_schema_commands(driver, command):
    _, summary, _ = driver.execute_query(f"EXPLAIN {command}")
    assert summary.query_type == "s"
    assert driver.execute_query("SHOW CONSTRAINTS").records == []


def test_explain_of_show_indexes_is_a_read(driver):
    records, summary, _ = driver.execute_query("EXPLAIN SHOW INDEXES YIELD name RETURN name")
    assert (records, summary.query_type) == ([], "r")
