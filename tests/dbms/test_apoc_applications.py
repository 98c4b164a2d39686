"""The APOC calls real applications send, copied from their sources, through the official driver and the Bolt
server: LangChain's graph-document import and schema introspection, neo4j-graphrag's schema queries and KG
writer, LlamaIndex's Neo4jPropertyGraphStore, neomodel's transaction timeout. Each test names the file its
query text comes from; the assertions are what the application reads from the answer."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j import Query  # noqa: E402
from neo4j.exceptions import ClientError  # noqa: E402

# langchain-neo4j, libs/neo4j/langchain_neo4j/graphs/neo4j_graph.py: `_get_node_import_query(False, False)`.
LANGCHAIN_NODE_IMPORT = (
    "UNWIND $data AS row "
    "CALL apoc.merge.node([row.type], {id: row.id}, "
    "row.properties, {}) YIELD node "
    "RETURN distinct 'done' AS result"
)
# The same file, `_get_node_import_query(False, True)`: the source document is merged and linked too.
LANGCHAIN_NODE_IMPORT_WITH_SOURCE = (
    "MERGE (d:Document {id:$document.metadata.id}) "
    "SET d.text = $document.page_content "
    "SET d += $document.metadata "
    "WITH d "
    "UNWIND $data AS row "
    "CALL apoc.merge.node([row.type], {id: row.id}, "
    "row.properties, {}) YIELD node "
    "MERGE (d)-[:MENTIONS]->(node) "
    "RETURN distinct 'done' AS result"
)
# The same file, `_get_rel_import_query(False)`.
LANGCHAIN_REL_IMPORT = (
    "UNWIND $data AS row "
    "CALL apoc.merge.node([row.source_label], {id: row.source},"
    "{}, {}) YIELD node as source "
    "CALL apoc.merge.node([row.target_label], {id: row.target},"
    "{}, {}) YIELD node as target "
    "CALL apoc.merge.relationship(source, row.type, "
    "{}, row.properties, target) YIELD rel "
    "RETURN distinct 'done'"
)
# The same file, `_get_rel_import_query(True)` (BASE_ENTITY_LABEL is "__Entity__").
LANGCHAIN_REL_IMPORT_BASE_LABEL = (
    "UNWIND $data AS row "
    "MERGE (source:`__Entity__` {id: row.source}) "
    "MERGE (target:`__Entity__` {id: row.target}) "
    "WITH source, target, row "
    "CALL apoc.merge.relationship(source, row.type, "
    "{}, row.properties, target) YIELD rel "
    "RETURN distinct 'done'"
)

# neo4j-graphrag, src/neo4j_graphrag/schema.py (LangChain's Neo4jGraph.refresh_schema runs these through
# `get_structured_schema`).
NODE_PROPERTIES_QUERY = (
    "CALL apoc.meta.data({sample: $SAMPLE}) "
    "YIELD label, other, elementType, type, property "
    "WHERE NOT type = 'RELATIONSHIP' AND elementType = 'node' "
    "AND NOT label IN $EXCLUDED_LABELS "
    "WITH label AS nodeLabel, collect({property:property, type:type}) AS properties "
    "RETURN {label: nodeLabel, properties: properties} AS output"
)
REL_PROPERTIES_QUERY = (
    "CALL apoc.meta.data({sample: $SAMPLE}) "
    "YIELD label, other, elementType, type, property "
    "WHERE NOT type = 'RELATIONSHIP' AND elementType = 'relationship' "
    "AND NOT label in $EXCLUDED_LABELS "
    "WITH label AS relType, collect({property:property, type:type}) AS properties "
    "RETURN {type: relType, properties: properties} AS output"
)
REL_QUERY = (
    "CALL apoc.meta.data({sample: $SAMPLE}) "
    "YIELD label, other, elementType, type, property "
    "WHERE type = 'RELATIONSHIP' AND elementType = 'node' "
    "UNWIND other AS other_node "
    "WITH * WHERE NOT label IN $EXCLUDED_LABELS "
    "AND NOT other_node IN $EXCLUDED_LABELS "
    "RETURN {start: label, type: property, end: toString(other_node)} AS output"
)
# The same file: indexes for the schema's metadata, and the counts of the enhanced schema.
INDEX_QUERY = (
    "CALL apoc.schema.nodes() YIELD label, properties, type, size, valuesSelectivity "
    "WHERE type = 'RANGE' RETURN *, "
    "size * valuesSelectivity as distinctValues"
)
SCHEMA_COUNTS_QUERY = (
    "CALL apoc.meta.graph({sample: 1000, maxRels: 100}) "
    "YIELD nodes, relationships "
    "RETURN nodes, [rel in relationships | {name:apoc.any.property"
    "(rel, 'type'), count: apoc.any.property(rel, 'count')}]"
    " AS relationships"
)
EXCLUDED_LABELS = ["_Bloom_Perspective_", "_Bloom_Scene_"]
EXCLUDED_RELS = ["_Bloom_HAS_SCENE_"]

# neo4j-graphrag, src/neo4j_graphrag/neo4j_queries.py: `upsert_relationship_query(True)` without its
# embedding subquery is not runnable alone; the KG writer's label step of `upsert_node_query(True, False)`:
GRAPHRAG_NODE_LABELS = (
    "UNWIND $rows AS row "
    "CREATE (n:__KGBuilder__ {__tmp_internal_id: row.id}) "
    "SET n += row.properties "
    "WITH n, row CALL apoc.create.addLabels(n, row.labels) YIELD node WITH node as n, row "
    "RETURN elementId(n) as element_id"
)
GRAPHRAG_REL_MERGE = (
    "UNWIND $rows as row "
    "MATCH (start:__KGBuilder__ {__tmp_internal_id: row.start_node_id}), "
    "      (end:__KGBuilder__ {__tmp_internal_id: row.end_node_id}) "
    "WITH start, end, row "
    "CALL apoc.merge.relationship(start, row.type, {}, row.properties, end, row.properties) YIELD rel  "
    "RETURN elementId(rel)"
)

# LlamaIndex, llama-index-graph-stores-neo4j, llama_index/graph_stores/neo4j/neo4j_property_graph.py.
LLAMA_NODE_PROPERTIES = """
CALL apoc.meta.data()
YIELD label, other, elementType, type, property
WHERE NOT type = "RELATIONSHIP" AND elementType = "node"
  AND NOT label IN $EXCLUDED_LABELS
WITH label AS nodeLabels, collect({property:property, type:type}) AS properties
RETURN {labels: nodeLabels, properties: properties} AS output

"""
LLAMA_REL_PROPERTIES = """
CALL apoc.meta.data()
YIELD label, other, elementType, type, property
WHERE NOT type = "RELATIONSHIP" AND elementType = "relationship"
      AND NOT label in $EXCLUDED_LABELS
WITH label AS nodeLabels, collect({property:property, type:type}) AS properties
RETURN {type: nodeLabels, properties: properties} AS output
"""
LLAMA_REL_QUERY = """
CALL apoc.meta.data()
YIELD label, other, elementType, type, property
WHERE type = "RELATIONSHIP" AND elementType = "node"
UNWIND other AS other_node
WITH * WHERE NOT label IN $EXCLUDED_LABELS
    AND NOT other_node IN $EXCLUDED_LABELS
RETURN {start: label, type: property, end: toString(other_node)} AS output
"""
# The same file, `refresh_schema`: node and relationship counts of the meta-graph (not in a try block: without
# apoc.meta.graphSample the store cannot be opened).
LLAMA_SCHEMA_COUNTS = (
    "CALL apoc.meta.graphSample() YIELD nodes, relationships "
    "RETURN nodes, [rel in relationships | {name:apoc.any.property"
    "(rel, 'type'), count: apoc.any.property(rel, 'count')}]"
    " AS relationships"
)
# The same file, `upsert_relations` (BASE_NODE_LABEL is "__Node__").
LLAMA_UPSERT_RELATIONS = """
                UNWIND $data AS row
                MERGE (source: __Node__ {id: row.source_id})
                ON CREATE SET source:Chunk
                MERGE (target: __Node__ {id: row.target_id})
                ON CREATE SET target:Chunk
                WITH source, target, row
                CALL apoc.merge.relationship(source, row.label, {}, row.properties, target) YIELD rel
                RETURN count(*)
                """
# The same file, `upsert_nodes` for entities, up to its vector-property subquery.
LLAMA_UPSERT_ENTITIES = """
                    UNWIND $data AS row
                    MERGE (e:__Node__ {id: row.id})
                    SET e += apoc.map.clean(row.properties, [], [])
                    SET e.name = row.name, e:`__Entity__`
                    WITH e, row
                    CALL apoc.create.addLabels(e, [row.label])
                    YIELD node
                    WITH e, row
                    WITH e, row WHERE row.properties.triplet_source_id IS NOT NULL
                    MERGE (c:__Node__ {id: row.properties.triplet_source_id})
                    MERGE (e)<-[:MENTIONS]-(c)
                    """


def _outputs(driver, query: str, **parameters) -> list:
    records, _, _ = driver.execute_query(query, parameters)
    return [record["output"] for record in records]


def _langchain_documents(driver, created: int = 3) -> None:
    """What `Neo4jGraph.add_graph_documents(docs, include_source=True)` sends for one document; `created`: how
    many nodes the first query creates (none when the document was imported before)."""
    nodes = [{"id": "Alice", "type": "Person", "properties": {"age": 33}},
             {"id": "Acme", "type": "Company", "properties": {"founded": 1999}}]
    document = {"page_content": "Alice works at Acme.", "metadata": {"id": "doc-1", "source": "memo"}}
    records, summary, _ = driver.execute_query(LANGCHAIN_NODE_IMPORT_WITH_SOURCE, {"data": nodes,
                                                                                   "document": document})
    assert [r["result"] for r in records] == ["done"]
    assert summary.counters.nodes_created == created and summary.query_type == "rw"
    relationships = [{"source": "Alice", "source_label": "Person", "target": "Acme", "target_label": "Company",
                      "type": "WORKS_AT", "properties": {"since": 2020}}]
    records, summary, _ = driver.execute_query(LANGCHAIN_REL_IMPORT, {"data": relationships})
    assert [r["'done'"] for r in records] == ["done"]
    assert summary.counters.relationships_created == (1 if created else 0) and summary.counters.nodes_created == 0


def test_langchain_graph_document_import_merges_nodes_and_relationships(driver):
    _langchain_documents(driver)
    _langchain_documents(driver, created=0)  # a second import merges: nothing new
    records, _, _ = driver.execute_query(
        "MATCH (d:Document)-[:MENTIONS]->(n) RETURN n.id AS id, labels(n) AS labels, n.age AS age, "
        "n.founded AS founded ORDER BY id")
    assert [(r["id"], r["labels"], r["age"], r["founded"]) for r in records] == [
        ("Acme", ["Company"], None, 1999), ("Alice", ["Person"], 33, None)]
    records, _, _ = driver.execute_query("MATCH (:Person)-[r:WORKS_AT]->(:Company) RETURN r.since AS since")
    assert [r["since"] for r in records] == [2020]
    records, _, _ = driver.execute_query(LANGCHAIN_NODE_IMPORT, {"data": [
        {"id": "Bob", "type": "Person", "properties": {"age": 40}}]})
    assert [r["result"] for r in records] == ["done"]


def test_langchain_relationship_import_on_base_entity_label(driver):
    driver.execute_query("CREATE (:__Entity__ {id: 'a'}), (:__Entity__ {id: 'b'})")
    data = [{"source": "a", "target": "b", "type": "KNOWS", "properties": {"weight": 0.5}}]
    for _ in range(2):
        records, _, _ = driver.execute_query(LANGCHAIN_REL_IMPORT_BASE_LABEL, {"data": data})
        assert [r["'done'"] for r in records] == ["done"]
    records, _, _ = driver.execute_query("MATCH ()-[r:KNOWS]->() RETURN r.weight AS w")
    assert [r["w"] for r in records] == [0.5]


def test_graphrag_schema_queries_give_properties_and_relationships(driver):
    """The structured schema LangChain's Neo4jGraph and neo4j-graphrag build (`get_structured_schema`)."""
    _langchain_documents(driver)
    nodes = _outputs(driver, NODE_PROPERTIES_QUERY, SAMPLE=1000, EXCLUDED_LABELS=EXCLUDED_LABELS)
    node_props = {output["label"]: output["properties"] for output in nodes}
    assert node_props == {
        "Company": [{"property": "id", "type": "STRING"}, {"property": "founded", "type": "INTEGER"}],
        "Document": [{"property": "id", "type": "STRING"}, {"property": "text", "type": "STRING"},
                     {"property": "source", "type": "STRING"}],
        "Person": [{"property": "id", "type": "STRING"}, {"property": "age", "type": "INTEGER"}]}
    rels = _outputs(driver, REL_PROPERTIES_QUERY, SAMPLE=1000, EXCLUDED_LABELS=EXCLUDED_RELS)
    assert rels == [{"type": "WORKS_AT", "properties": [{"property": "since", "type": "INTEGER"}]}]
    relationships = _outputs(driver, REL_QUERY, SAMPLE=1000, EXCLUDED_LABELS=EXCLUDED_LABELS)
    assert sorted(relationships, key=lambda r: (r["type"], r["end"])) == [
        {"start": "Document", "type": "MENTIONS", "end": "Company"},
        {"start": "Document", "type": "MENTIONS", "end": "Person"},
        {"start": "Person", "type": "WORKS_AT", "end": "Company"}]


def test_graphrag_index_metadata_and_enhanced_schema_counts(driver):
    driver.execute_query("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.id IS UNIQUE")
    driver.execute_query("CREATE INDEX FOR (c:Company) ON (c.founded)")
    _langchain_documents(driver)
    driver.execute_query("CREATE (:Company {id: 'Initech', founded: 1999})")
    records, _, _ = driver.execute_query(INDEX_QUERY)
    rows = sorted((r["label"], r["properties"], r["type"], r["size"], r["distinctValues"]) for r in records)
    assert rows == [("Company", ["founded"], "RANGE", 2, 1.0), ("Person", ["id"], "RANGE", 1, 1.0)]
    records, _, _ = driver.execute_query(SCHEMA_COUNTS_QUERY)
    nodes = {node["name"]: node["count"] for node in records[0]["nodes"]}
    assert nodes == {"Company": 2, "Document": 1, "Person": 1}
    assert sorted(records[0]["relationships"], key=lambda r: r["name"]) == [
        {"name": "MENTIONS", "count": 2}, {"name": "MENTIONS", "count": 2}, {"name": "WORKS_AT", "count": 1}]
    records, _, _ = driver.execute_query("CALL apoc.schema.properties.distinct('Company', 'founded') YIELD value")
    assert records[0]["value"] == [1999]


def test_graphrag_kg_writer_adds_labels_and_merges_relationships(driver):
    rows = [{"id": "1", "labels": ["Person", "__Entity__"], "properties": {"name": "Ann"}},
            {"id": "2", "labels": ["City"], "properties": {"name": "Oslo"}}]
    records, summary, _ = driver.execute_query(GRAPHRAG_NODE_LABELS, {"rows": rows})
    assert len(records) == 2 and all(r["element_id"].startswith("4:") for r in records)
    assert summary.counters.labels_added == 5
    rel_rows = [{"start_node_id": "1", "end_node_id": "2", "type": "LIVES_IN", "properties": {"since": 2001}}]
    for _ in range(2):
        records, _, _ = driver.execute_query(GRAPHRAG_REL_MERGE, {"rows": rel_rows})
        assert len(records) == 1
    records, _, _ = driver.execute_query(
        "MATCH (a:Person:__Entity__)-[r:LIVES_IN]->(b:City) RETURN a.name AS a, r.since AS since, b.name AS b")
    assert [(r["a"], r["since"], r["b"]) for r in records] == [("Ann", 2001, "Oslo")]


def test_llama_index_property_graph_store_upserts_and_schema(driver):
    entities = [{"id": "e1", "name": "Alice", "label": "PERSON",
                 "properties": {"triplet_source_id": "chunk-1", "empty": None}},
                {"id": "e2", "name": "Paris", "label": "CITY", "properties": {"triplet_source_id": "chunk-1"}}]
    driver.execute_query(LLAMA_UPSERT_ENTITIES, {"data": entities})
    relations = [{"label": "VISITED", "source_id": "e1", "target_id": "e2", "properties": {"year": 2024}}]
    records, _, _ = driver.execute_query(LLAMA_UPSERT_RELATIONS, {"data": relations})
    assert records[0]["count(*)"] == 1
    records, _, _ = driver.execute_query(
        "MATCH (c:__Node__ {id: 'chunk-1'})-[:MENTIONS]->(e:__Entity__) "
        "RETURN e.name AS name, [l IN labels(e) WHERE NOT l STARTS WITH '__'] AS labels ORDER BY name")
    assert [(r["name"], r["labels"]) for r in records] == [("Alice", ["PERSON"]), ("Paris", ["CITY"])]
    excluded = [*EXCLUDED_LABELS, "__Entity__", "__Node__"]
    nodes = {o["labels"]: o["properties"] for o in _outputs(driver, LLAMA_NODE_PROPERTIES,
                                                             EXCLUDED_LABELS=excluded)}
    assert nodes["PERSON"] == [{"property": "id", "type": "STRING"},
                               {"property": "triplet_source_id", "type": "STRING"},
                               {"property": "name", "type": "STRING"}]
    rels = _outputs(driver, LLAMA_REL_PROPERTIES, EXCLUDED_LABELS=EXCLUDED_RELS)
    assert {"type": "VISITED", "properties": [{"property": "year", "type": "INTEGER"}]} in rels
    relationships = _outputs(driver, LLAMA_REL_QUERY, EXCLUDED_LABELS=excluded)
    assert {"start": "PERSON", "type": "VISITED", "end": "CITY"} in relationships
    records, _, _ = driver.execute_query(LLAMA_SCHEMA_COUNTS)
    counts = {node["name"]: node["count"] for node in records[0]["nodes"]}
    assert counts["__Entity__"] == 2 and counts["PERSON"] == 1 and counts["__Node__"] == 3
    assert {"name": "VISITED", "count": 1} in records[0]["relationships"]


# neomodel, neomodel/scripts/neomodel_inspect_database.py: `NodeInspector.get_properties_for_label` and
# `RelationshipInspector.outgoing_relationships` (label "Person").
NEOMODEL_NODE_PROPERTIES = """
          MATCH (n:`Person`)
          WITH DISTINCT keys(n) as properties, head(collect(n)) AS sampleNode
          ORDER BY size(properties) DESC
          RETURN apoc.meta.cypher.types(properties(sampleNode)) AS properties LIMIT 1
        """
NEOMODEL_OUTGOING = """
                MATCH (n:`Person`)-[r]->(m)
                WITH DISTINCT type(r) as rel_type, head(labels(m)) AS target_label, keys(r) AS properties, head(collect(r)) AS sampleRel
                ORDER BY size(properties) DESC
                RETURN DISTINCT rel_type, target_label, collect(DISTINCT apoc.meta.cypher.types(properties(sampleRel)))[0] AS properties
            """
# neomodel, test/sync_/test_database_management.py: concurrent transactions each sleeping.
NEOMODEL_SLEEP = "CALL apoc.util.sleep($delay_ms) RETURN $task_id as task_id, $delay_ms as slept"


def test_neomodel_inspect_database_reads_apoc_type_names(driver):
    driver.execute_query("CREATE (:Person {name: 'a', born: date('1990-01-02'), tags: ['x'], score: 1.5, "
                         "seen: datetime(), home: point({latitude: 1, longitude: 2}), ok: true})"
                         "-[:KNOWS {since: 2001}]->(:Person {name: 'b'})")
    records, _, _ = driver.execute_query(NEOMODEL_NODE_PROPERTIES)
    assert records[0]["properties"] == {"name": "STRING", "born": "DATE", "tags": "LIST OF STRING",
                                        "score": "FLOAT", "seen": "DATE_TIME", "home": "POINT", "ok": "BOOLEAN"}
    records, _, _ = driver.execute_query(NEOMODEL_OUTGOING)
    assert [(r["rel_type"], r["target_label"], r["properties"]) for r in records] == [
        ("KNOWS", "Person", {"since": "INTEGER"})]


def test_neomodel_concurrent_sleeping_transactions(driver):
    def query(i: int):
        with driver.session() as session:
            return session.execute_write(lambda tx: tx.run(NEOMODEL_SLEEP, delay_ms=i * 50, task_id=i).single())
    with ThreadPoolExecutor(4) as pool:
        rows = list(pool.map(query, range(1, 5)))
    assert [(r["task_id"], r["slept"]) for r in rows] == [(1, 50), (2, 100), (3, 150), (4, 200)]


def test_neomodel_sleep_in_a_transaction_with_a_timeout_times_out(driver):
    """neomodel's tests run `CALL apoc.util.sleep(3000)` in a transaction with a 1 s timeout and expect an error
    naming TransactionTimedOut; the sleep stops at the timeout rather than after 3 s."""
    started = time.monotonic()
    with driver.session() as session, pytest.raises(ClientError) as raised:
        session.run(Query("CALL apoc.util.sleep(3000)", timeout=1)).consume()
    assert "TransactionTimedOut" in raised.value.code
    assert time.monotonic() - started < 2.5


def test_sleep_within_the_timeout_returns(driver):
    records, _, keys = driver.execute_query("CALL apoc.util.sleep(20) RETURN 1 AS n")
    assert [r["n"] for r in records] == [1] and keys == ["n"]
