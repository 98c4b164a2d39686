"""Labels and relationship types in the order they were first used (Neo4j's token order), not in name order:
db.labels(), db.relationshipTypes() and APOC's meta procedures list them so, and applications' schemas
(LangChain's Neo4jGraph, neo4j-graphrag's get_structured_schema) come out in that order."""
from __future__ import annotations

import pytest

from graphplex import DBMS

# langchain-neo4j, tests/integration_tests/graphs/test_neo4j.py::test_enhanced_schema_exception (the same in
# neo4j-graphrag's tests/e2e/test_schema_e2e.py): `Node` is created before `EmptyNode`, `REL` before `EMPTY_REL`.
CREATE_NODES = ("CREATE (:Node {foo: 'bar'}), (:Node {foo: 1}), (:Node {foo: [1,2]}), "
                "(: EmptyNode)")
CREATE_RELATIONSHIPS = ("MATCH (a:Node {foo: 'bar'}), (b:Node {foo: 1}), "
                        "(c:Node {foo: [1,2]}), (d: EmptyNode) "
                        "CREATE (a)-[:REL {foo: 'bar'}]->(b), (b)-[:REL {foo: 1}]->(c), "
                        "(c)-[:REL {foo: [1,2]}]->(a), (d)-[:EMPTY_REL {}]->(d)")
# neo4j-graphrag, src/neo4j_graphrag/schema.py: REL_QUERY (LangChain's refresh_schema runs it).
REL_QUERY = (
    "CALL apoc.meta.data({sample: $SAMPLE}) "
    "YIELD label, other, elementType, type, property "
    "WHERE type = 'RELATIONSHIP' AND elementType = 'node' "
    "UNWIND other AS other_node "
    "WITH * WHERE NOT label IN $EXCLUDED_LABELS "
    "AND NOT other_node IN $EXCLUDED_LABELS "
    "RETURN {start: label, type: property, end: toString(other_node)} AS output"
)
EXPECTED_RELATIONSHIPS = [
    {"end": "Node", "start": "Node", "type": "REL"},
    {"end": "EmptyNode", "start": "EmptyNode", "type": "EMPTY_REL"},
]


def _relationships(session) -> list[dict]:
    return [record["output"] for record in session.run(REL_QUERY, SAMPLE=1000, EXCLUDED_LABELS=["_Bloom_Perspective_"])]


def test_the_schema_lists_labels_and_types_in_the_order_they_were_first_used(session):
    session.run(CREATE_NODES).consume()
    session.run(CREATE_RELATIONSHIPS).consume()
    assert _relationships(session) == EXPECTED_RELATIONSHIPS
    assert [r["label"] for r in session.run("CALL db.labels()")] == ["Node", "EmptyNode"]
    assert [r["relationshipType"] for r in session.run("CALL db.relationshipTypes()")] == ["REL", "EMPTY_REL"]


def test_a_label_keeps_its_place_when_its_nodes_are_gone_and_come_back(session):
    session.run("CREATE (:B), (:A)").consume()
    session.run("MATCH (b:B) DELETE b").consume()
    assert [r["label"] for r in session.run("CALL db.labels()")] == ["A"]
    session.run("CREATE (:B)").consume()
    assert [r["label"] for r in session.run("CALL db.labels()")] == ["B", "A"]


@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_the_order_survives_a_restart(tmp_path, storage_mode):
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        session.run(CREATE_NODES).consume()
        session.run(CREATE_RELATIONSHIPS).consume()
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        assert _relationships(session) == EXPECTED_RELATIONSHIPS
        assert [r["label"] for r in session.run("CALL db.labels()")] == ["Node", "EmptyNode"]
