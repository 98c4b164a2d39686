"""Vector and full-text index procedures through the official neo4j driver against the Bolt server: parameters as
the driver sends them (float lists, maps), nodes and relationships as the driver reads them, Neo4j's error codes,
managed read transactions and an explicit transaction's own writes."""
from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")

FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"
VECTOR_QUERY = ("CALL db.index.vector.queryNodes($index, $k, $embedding) YIELD node, score "
                "RETURN node, node.name AS name, score")
TEXT_QUERY = ("CALL db.index.fulltext.queryNodes($index, $text, $options) YIELD node, score "
              "RETURN node.name AS name, score")


@pytest.fixture
def indexed(driver):
    """Chunks with embeddings set by `db.create.setNodeVectorProperty`, a cosine vector index on them and a
    full-text index on their text, as langchain-neo4j sets them up."""
    driver.execute_query("CREATE VECTOR INDEX chunks IF NOT EXISTS FOR (c:Chunk) ON c.embedding OPTIONS "
                         "{indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'cosine'}}")
    driver.execute_query("CREATE FULLTEXT INDEX chunk_text IF NOT EXISTS FOR (c:Chunk) ON EACH [c.text]")
    driver.execute_query("UNWIND $rows AS row CREATE (c:Chunk {name: row.name, text: row.text}) "
                         "WITH c, row CALL db.create.setNodeVectorProperty(c, 'embedding', row.embedding)",
                         rows=[{"name": "north", "text": "graphs of the northern rivers", "embedding": [1.0, 0.0, 0.0]},
                               {"name": "east", "text": "eastern river deltas", "embedding": [0.5, 0.5, 0.0]},
                               {"name": "south", "text": "southern mountains", "embedding": [0.0, 1.0, 0.0]}])
    return driver


def test_vector_query_with_a_float_list_parameter(indexed):
    records, summary, keys = indexed.execute_query(VECTOR_QUERY, index="chunks", k=2, embedding=[0.9, 0.1, 0.0])
    assert [record["name"] for record in records] == ["north", "east"]
    assert isinstance(records[0]["node"], neo4j.graph.Node) and "Chunk" in records[0]["node"].labels
    expected = indexed.execute_query("RETURN vector.similarity.cosine([0.9, 0.1, 0.0], [1.0, 0.0, 0.0]) AS s"
                                     ).records[0]["s"]
    assert records[0]["score"] == pytest.approx(expected, rel=1e-9)
    assert summary.query_type == "r"


def test_vector_query_in_a_managed_read_transaction(indexed):
    def top(tx):
        return [record["name"] for record in tx.run(VECTOR_QUERY, index="chunks", k=1, embedding=[0.0, 1.0, 0.0])]
    with indexed.session() as session:
        assert session.execute_read(top) == ["south"]


def test_set_node_vector_property_counts_and_stores_floats(indexed):
    summary = indexed.execute_query("MATCH (c:Chunk {name: 'south'}) "
                                    "CALL db.create.setNodeVectorProperty(c, 'embedding', [1, 0.1, 0])").summary
    assert summary.counters.properties_set == 1
    value = indexed.execute_query("MATCH (c:Chunk {name: 'south'}) RETURN c.embedding AS e").records[0]["e"]
    assert value == [1.0, 0.10000000149011612, 0.0]


def test_fulltext_query_with_options(indexed):
    records = indexed.execute_query(TEXT_QUERY, index="chunk_text", text="river*", options={}).records
    assert {record["name"] for record in records} == {"north", "east"}
    limited = indexed.execute_query(TEXT_QUERY, index="chunk_text", text="river* OR mountains",
                                    options={"skip": 1, "limit": 1}).records
    everything = indexed.execute_query(TEXT_QUERY, index="chunk_text", text="river* OR mountains", options={}).records
    assert [record["name"] for record in limited] == [everything[1]["name"]]


def test_hybrid_search_as_libraries_write_it(indexed):
    """The vector and full-text halves of a hybrid retriever, unioned and normalised (neo4j-graphrag's shape)."""
    records = indexed.execute_query(
        "CALL { CALL db.index.vector.queryNodes($vector_index, $k, $embedding) YIELD node, score "
        "WITH collect({node: node, score: score}) AS nodes, max(score) AS top UNWIND nodes AS n "
        "RETURN n.node AS node, n.score / top AS score UNION "
        "CALL db.index.fulltext.queryNodes($text_index, $text, {limit: $k}) YIELD node, score "
        "WITH collect({node: node, score: score}) AS nodes, max(score) AS top UNWIND nodes AS n "
        "RETURN n.node AS node, n.score / top AS score } "
        "WITH node, max(score) AS score ORDER BY score DESC LIMIT $k RETURN node.name AS name, score",
        vector_index="chunks", text_index="chunk_text", k=2, embedding=[0.0, 1.0, 0.0], text="deltas").records
    assert {record["name"] for record in records} == {"south", "east"}
    assert records[0]["score"] == pytest.approx(1.0)


def test_an_explicit_transaction_sees_its_own_writes(indexed):
    with indexed.session() as session, session.begin_transaction() as tx:
        tx.run("CREATE (c:Chunk {name: 'west', text: 'western river'}) "
               "WITH c CALL db.create.setNodeVectorProperty(c, 'embedding', [0.0, 0.0, 1.0])").consume()
        assert [r["name"] for r in tx.run(VECTOR_QUERY, index="chunks", k=1, embedding=[0.0, 0.0, 1.0])] == ["west"]
        assert "west" in [r["name"] for r in tx.run(TEXT_QUERY, index="chunk_text", text="western", options={})]
        others = indexed.execute_query(TEXT_QUERY, index="chunk_text", text="western", options={}).records
        assert others == []
        tx.rollback()


@pytest.mark.parametrize("query, parameters, message", [
    (VECTOR_QUERY, {"index": "missing", "k": 1, "embedding": [1.0, 0.0, 0.0]},
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "There is no such vector schema index: missing"),
    (VECTOR_QUERY, {"index": "chunks", "k": 1, "embedding": [1.0, 0.0]},
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "Index query vector has 2 dimensions, but indexed vectors have 3."),
    (TEXT_QUERY, {"index": "chunk_text", "text": "river", "options": {"limit": -1}},
     "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.IllegalStateException: "
     "Limit argument cannot be negative: -1."),
])
def test_errors_reach_the_driver_with_neo4js_code(indexed, query, parameters, message):
    with pytest.raises(neo4j.exceptions.ClientError) as caught:
        indexed.execute_query(query, parameters)
    assert (caught.value.code, caught.value.message) == (FAILED, message)


def test_a_lucene_syntax_error_reaches_the_driver(indexed):
    with pytest.raises(neo4j.exceptions.ClientError) as caught:
        indexed.execute_query(TEXT_QUERY, index="chunk_text", text="river AND", options={})
    assert caught.value.code == FAILED
    assert "org.apache.lucene.queryparser.classic.ParseException" in caught.value.message


def test_relationship_indexes(driver):
    driver.execute_query("CREATE VECTOR INDEX links FOR ()-[r:LINKS]-() ON r.embedding OPTIONS "
                         "{indexConfig: {`vector.dimensions`: 2, `vector.similarity_function`: 'euclidean'}}")
    driver.execute_query("CREATE FULLTEXT INDEX link_text FOR ()-[r:LINKS]-() ON EACH [r.why]")
    driver.execute_query("CREATE (a:Doc)-[r:LINKS {why: 'cites the theorem'}]->(b:Doc) "
                         "WITH r CALL db.create.setRelationshipVectorProperty(r, 'embedding', [3.0, 4.0])")
    vector = driver.execute_query("CALL db.index.vector.queryRelationships('links', 1, [0.0, 0.0]) "
                                  "YIELD relationship, score RETURN relationship, score").records[0]
    assert isinstance(vector["relationship"], neo4j.graph.Relationship)
    assert vector["score"] == pytest.approx(1 / 26)
    text = driver.execute_query("CALL db.index.fulltext.queryRelationships('link_text', 'theorem') "
                                "YIELD relationship RETURN relationship.why AS why").records
    assert [record["why"] for record in text] == ["cites the theorem"]


def test_create_node_index_through_the_driver(driver):
    summary = driver.execute_query(
        "CALL db.index.vector.createNodeIndex('legacy', 'Doc', 'embedding', 2, 'COSINE')").summary
    assert summary.counters.indexes_added == 1
    row = driver.execute_query("SHOW VECTOR INDEXES YIELD name, type, options RETURN *").records[0]
    assert (row["name"], row["type"]) == ("legacy", "VECTOR")
    assert row["options"]["indexConfig"]["vector.dimensions"] == 2


def test_list_available_analyzers_through_the_driver(driver):
    records = driver.execute_query("CALL db.index.fulltext.listAvailableAnalyzers()").records
    assert "standard-no-stop-words" in [record["analyzer"] for record in records]
    assert all(isinstance(record["stopwords"], list) for record in records)
