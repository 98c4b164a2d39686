"""Vector indexes through the public API: `db.index.vector.queryNodes/queryRelationships` (Neo4j 5.26's ranking,
scores, k and errors), `db.create.set*VectorProperty`, `db.index.vector.createNodeIndex`, transactional visibility,
read privileges, PROFILE, the three storage modes and a restart."""
from __future__ import annotations

import threading

import pytest

from behaviour_support import user_session
from graphplex import DBMS
from graphplex.errors import ClientError, Forbidden

FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"
QUERY_NODES = "CALL db.index.vector.queryNodes($index, $k, $vector) YIELD node, score RETURN node.name AS name, score"
# Values a float32 holds exactly, so that the index's scores equal the similarity functions' to the last bit.
DOCS = {"a": [1.0, 0.0, 0.0], "b": [0.5, 0.5, 0.0], "c": [0.0, 1.0, 0.0], "d": [-1.0, 0.25, 0.5]}


def create_index(session, name: str = "docs", similarity: str = "COSINE", dimensions: int = 3,
                 pattern: str = "(n:Doc)", key: str = "n.emb") -> None:
    session.run(f"CREATE VECTOR INDEX {name} FOR {pattern} ON {key} OPTIONS {{indexConfig: {{"
                f"`vector.dimensions`: {dimensions}, `vector.similarity_function`: '{similarity}'}}}}").consume()


def add_docs(session, docs: dict = DOCS) -> None:
    session.run("UNWIND $docs AS d CREATE (:Doc {name: d.name, emb: d.emb})",
                docs=[{"name": name, "emb": emb} for name, emb in docs.items()]).consume()


def names(session, query=(1.0, 0.0, 0.0), k: int = 10, index: str = "docs") -> list[str]:
    return [row["name"] for row in session.run(QUERY_NODES, index=index, k=k, vector=list(query)).data()]


def failure(session, statement: str, **parameters) -> ClientError:
    with pytest.raises(ClientError) as caught:
        session.run(statement, parameters).consume()
    return caught.value


@pytest.fixture
def docs(session):
    create_index(session)
    add_docs(session)
    return session


# --- ranking, scores, k ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("similarity, function", [("COSINE", "vector.similarity.cosine"),
                                                  ("EUCLIDEAN", "vector.similarity.euclidean")])
def test_scores_equal_the_similarity_functions_best_first(session, similarity, function):
    create_index(session, similarity=similarity)
    add_docs(session)
    query = [0.75, 0.25, 0.0]
    rows = session.run(QUERY_NODES, index="docs", k=4, vector=query).data()
    expected = session.run(f"MATCH (n:Doc) RETURN n.name AS name, {function}($vector, n.emb) AS score "
                           "ORDER BY score DESC", vector=query).data()
    assert [row["name"] for row in rows] == [row["name"] for row in expected]
    for row, wanted in zip(rows, expected):
        assert row["score"] == pytest.approx(wanted["score"], rel=1e-9)
    assert all(0.0 <= row["score"] <= 1.0 for row in rows)


def test_cosine_ranks_by_angle_and_euclidean_by_distance(session):
    create_index(session, "cos", "COSINE")
    create_index(session, "l2", "EUCLIDEAN", key="n.emb2")
    add_docs(session, {"near": [1.0, 1.0, 0.0], "far_same_direction": [8.0, 8.0, 0.0], "other": [1.0, -1.0, 0.0]})
    session.run("MATCH (n:Doc) SET n.emb2 = n.emb").consume()
    assert names(session, (1.0, 1.0, 0.0), 3, "cos")[2] == "other"
    assert set(names(session, (1.0, 1.0, 0.0), 2, "cos")) == {"near", "far_same_direction"}
    assert names(session, (1.0, 1.0, 0.0), 3, "l2") == ["near", "other", "far_same_direction"]
    identical = session.run(QUERY_NODES, index="cos", k=1, vector=[2.0, 2.0, 0.0]).single()
    assert identical["score"] == pytest.approx(1.0)


def test_k_bounds_the_rows(docs):
    assert len(names(docs, k=1)) == 1
    assert names(docs, k=2) == ["a", "b"]
    assert sorted(names(docs, k=100)) == ["a", "b", "c", "d"]


def test_entities_the_index_leaves_out(docs):
    docs.run("CREATE (:Doc {name: 'short', emb: [1.0, 0.0]}), (:Doc {name: 'text', emb: 'x'}), "
             "(:Doc {name: 'zero', emb: [0.0, 0.0, 0.0]}), (:Doc {name: 'none'}), "
             "(:Other {name: 'other', emb: [1.0, 0.0, 0.0]})").consume()
    assert sorted(names(docs)) == ["a", "b", "c", "d"]


def test_integer_vectors_and_ties(session):
    create_index(session, similarity="EUCLIDEAN")
    add_docs(session, {"x": [1, 2, 3], "y": [1, 2, 3]})
    rows = session.run(QUERY_NODES, index="docs", k=2, vector=[1, 2, 3]).data()
    assert [row["score"] for row in rows] == [1.0, 1.0]


def test_an_index_without_dimensions_answers_vectors_of_the_query_length(session):
    session.run("CREATE VECTOR INDEX docs FOR (n:Doc) ON n.emb").consume()
    add_docs(session, {"two": [1.0, 0.0], "three": [1.0, 0.0, 0.0], "four": [1.0, 0.0, 0.0, 0.0]})
    assert names(session, (1.0, 0.0, 0.0)) == ["three"]
    assert names(session, (0.0, 1.0)) == ["two"]


def test_relationships(session):
    create_index(session, "rels", pattern="()-[r:SIMILAR]-()", key="r.emb")
    session.run("CREATE (a:N)-[:SIMILAR {name: 'r1', emb: [1.0, 0.0, 0.0]}]->(b:N), "
                "(a)-[:SIMILAR {name: 'r2', emb: [0.0, 1.0, 0.0]}]->(b), (a)-[:OTHER {emb: [1.0, 0.0, 0.0]}]->(b)"
                ).consume()
    rows = session.run("CALL db.index.vector.queryRelationships('rels', 5, [1.0, 0.5, 0.0]) "
                       "YIELD relationship, score RETURN relationship.name AS name, type(relationship) AS type, "
                       "score").data()
    assert [(row["name"], row["type"]) for row in rows] == [("r1", "SIMILAR"), ("r2", "SIMILAR")]
    assert rows[0]["score"] > rows[1]["score"]


def test_yield_where_and_later_clauses(docs):
    rows = docs.run("CALL db.index.vector.queryNodes('docs', 4, [1.0, 0.0, 0.0]) YIELD node, score "
                    "WHERE score > 0.6 WITH node ORDER BY node.name RETURN collect(node.name) AS names").single()
    assert rows["names"] == ["a", "b"]


# --- errors -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("statement, message", [
    ("CALL db.index.vector.queryNodes('missing', 1, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "There is no such vector schema index: missing"),
    ("CALL db.index.vector.queryNodes(null, 1, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.NullPointerException: "
     "'indexName' must not be null"),
    ("CALL db.index.vector.queryNodes('docs', null, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.NullPointerException: "
     "'numberOfNearestNeighbours' must not be null"),
    ("CALL db.index.vector.queryNodes('docs', 0, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "'numberOfNearestNeighbours' must be positive"),
    ("CALL db.index.vector.queryNodes('docs', -3, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "'numberOfNearestNeighbours' must be positive"),
    ("CALL db.index.vector.queryNodes('docs', 1, null)",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.NullPointerException: "
     "'query' must not be null"),
    ("CALL db.index.vector.queryNodes('docs', 1, 'text')",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "'query' must be a non-null numerical array"),
    ("CALL db.index.vector.queryNodes('docs', 1, [1.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "Index query vector has 2 dimensions, but indexed vectors have 3."),
    ("CALL db.index.vector.queryNodes('docs', 1, [0.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "Vector must only contain finite values, and have positive and finite l2-norm. Provided: "
     "SequenceValueVectorCandidate[sequence=List{Double(0.000000e+00), Double(0.000000e+00), "
     "Double(0.000000e+00)}]"),
    ("CALL db.index.vector.queryNodes('docs', 2147483648, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.ArithmeticException: "
     "integer overflow"),
    ("CALL db.index.vector.queryNodes('text', 1, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryNodes`: Caused by: java.lang.IllegalArgumentException: "
     "There is no such vector schema index: text"),
    ("CALL db.index.vector.queryRelationships('docs', 1, [1.0, 0.0, 0.0])",
     "Failed to invoke procedure `db.index.vector.queryRelationships`: Caused by: "
     "java.lang.IllegalArgumentException: The 'docs' index (Index( id=3, name='docs', type='VECTOR', "
     "schema=(:Doc {emb}), indexProvider='vector-2.0' )) is an index on NODE, so it cannot be queried for nodes."),
])
def test_errors_are_neo4js(docs, statement, message):
    docs.run("CREATE FULLTEXT INDEX text FOR (n:Doc) ON EACH [n.name]").consume()
    error = failure(docs, statement)
    assert (error.code, error.message) == (FAILED, message)


def test_a_node_index_queried_for_relationships_is_refused_for_nodes_too(session):
    create_index(session, "rels", pattern="()-[r:R]-()", key="r.emb")
    error = failure(session, "CALL db.index.vector.queryNodes('rels', 1, [1.0, 0.0, 0.0])")
    assert error.message.endswith("is an index on RELATIONSHIP, so it cannot be queried for nodes.")


def test_a_wrong_argument_type_is_a_type_error(docs):
    error = failure(docs, "CALL db.index.vector.queryNodes('docs', 'many', [1.0, 0.0, 0.0])")
    assert error.code == "Neo.ClientError.Statement.TypeError"


# --- transactional visibility -------------------------------------------------------------------------------

def test_an_open_transaction_sees_its_own_changes_and_others_do_not(dbms, docs):
    with docs.begin_transaction() as tx:
        tx.run("CREATE (:Doc {name: 'new', emb: [1.0, 0.0, 0.0]})").consume()
        tx.run("MATCH (n:Doc {name: 'a'}) SET n.emb = [-1.0, 0.0, 0.0]").consume()
        tx.run("MATCH (n:Doc {name: 'b'}) DETACH DELETE n").consume()
        assert names_in(tx) == ["new", "c", "d", "a"]
        assert names_in(tx, k=2) == ["new", "c"]
        with dbms.session() as other:
            assert names(other) == ["a", "b", "c", "d"]
        tx.commit()
    assert names(docs) == ["new", "c", "d", "a"]


def test_a_rolled_back_write_never_appears(docs):
    with docs.begin_transaction() as tx:
        tx.run("CREATE (:Doc {name: 'ghost', emb: [1.0, 0.0, 0.0]})").consume()
        tx.run("MATCH (n:Doc {name: 'a'}) DELETE n").consume()
        tx.rollback()
    assert names(docs, k=1) == ["a"]
    assert "ghost" not in names(docs)


def test_a_snapshot_keeps_what_it_saw_after_a_concurrent_commit(dbms, docs):
    with docs.begin_transaction() as reader:
        assert names_in(reader, k=2) == ["a", "b"]
        with dbms.session() as writer:
            writer.run("MATCH (n:Doc {name: 'a'}) SET n.emb = [-1.0, 0.0, 0.0]").consume()
            writer.run("MATCH (n:Doc {name: 'b'}) DELETE n").consume()
            writer.run("CREATE (:Doc {name: 'later', emb: [1.0, 0.0, 0.0]})").consume()
            assert names(writer, k=2) == ["later", "c"]
        assert names_in(reader) == ["a", "b", "c", "d"]
        reader.commit()
    assert names(docs) == ["later", "c", "d", "a"]


def names_in(tx, query=(1.0, 0.0, 0.0), k: int = 10) -> list[str]:
    return [row["name"] for row in tx.run(QUERY_NODES, index="docs", k=k, vector=list(query)).data()]


def test_a_deleted_entity_never_appears(docs):
    docs.run("MATCH (n:Doc {name: 'a'}) DELETE n").consume()
    assert names(docs) == ["b", "c", "d"]
    docs.run("MATCH (n:Doc {name: 'b'}) REMOVE n:Doc").consume()
    docs.run("MATCH (n:Doc {name: 'c'}) REMOVE n.emb").consume()
    assert names(docs) == ["d"]


def test_an_index_created_in_a_transaction_after_the_data(session):
    add_docs(session)
    create_index(session)
    assert names(session, k=2) == ["a", "b"]


def test_concurrent_readers_and_a_writer(dbms, docs):
    errors = []

    def read():
        try:
            with dbms.session() as reader:
                for _ in range(20):
                    assert names(reader, k=1) in (["a"], ["w"])
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for number in range(20):
        docs.run("CREATE (:Doc {name: $name, emb: [0.0, 0.0, 1.0]})", name=f"x{number}").consume()
    docs.run("CREATE (:Doc {name: 'w', emb: [2.0, 0.0, 0.0]})").consume()
    for thread in threads:
        thread.join()
    assert not errors


# --- read privileges ------------------------------------------------------------------------------------------

def test_a_user_denied_the_label_or_the_property_gets_no_hits(secure, admin):
    create_index(admin)
    add_docs(admin)
    admin.run("CREATE (:Doc:Secret {name: 'secret', emb: [1.0, 0.0, 0.0]})").consume()
    with user_session(secure, admin, "nolabel", "GRANT MATCH {*} ON GRAPH * NODES *",
                      "DENY TRAVERSE ON GRAPH * NODES Secret") as reader:
        assert names(reader, k=2) == ["a", "b"]
    with user_session(secure, admin, "noprop", "GRANT MATCH {*} ON GRAPH * NODES *",
                      "DENY READ {emb} ON GRAPH * NODES Doc") as reader:
        assert names(reader) == []
    assert names(admin, k=2) == ["a", "secret"]


def test_set_vector_property_needs_the_write_privilege(secure, admin):
    admin.run("CREATE (:Doc {name: 'a'})").consume()
    with user_session(secure, admin, "reader", "GRANT MATCH {*} ON GRAPH * NODES *") as reader:
        with pytest.raises(Forbidden):
            reader.run("MATCH (n:Doc) CALL db.create.setNodeVectorProperty(n, 'emb', [1.0, 2.0])").consume()


# --- db.create.set*VectorProperty ---------------------------------------------------------------------------

def test_set_node_vector_property_stores_32_bit_floats_and_counts(docs):
    summary = docs.run("MATCH (n:Doc {name: 'a'}) CALL db.create.setNodeVectorProperty(n, 'emb', [0.1, 2, 0.0]) "
                       "RETURN n.emb AS emb").single()
    assert summary["emb"] == [0.10000000149011612, 2.0, 0.0]
    result = docs.run("MATCH (n:Doc {name: 'b'}) CALL db.create.setNodeVectorProperty(n, 'emb', [1.0, 0.0, 0.0])")
    assert result.consume().counters.properties_set == 1
    assert names(docs, k=2) == ["b", "a"]


def test_set_relationship_vector_property(session):
    create_index(session, "rels", pattern="()-[r:R]-()", key="r.emb")
    session.run("CREATE (:N)-[:R {name: 'r'}]->(:N)").consume()
    counters = session.run("MATCH ()-[r:R]->() CALL db.create.setRelationshipVectorProperty(r, 'emb', [1, 0, 0])"
                           ).consume().counters
    assert counters.properties_set == 1
    row = session.run("CALL db.index.vector.queryRelationships('rels', 1, [1.0, 0.0, 0.0]) YIELD relationship "
                      "RETURN relationship.emb AS emb").single()
    assert row["emb"] == [1.0, 0.0, 0.0]


def test_the_deprecated_set_vector_property_yields_the_node(session):
    session.run("CREATE (:Doc {name: 'a'})").consume()
    row = session.run("MATCH (n:Doc) CALL db.create.setVectorProperty(n, 'emb', [0.5]) YIELD node "
                      "RETURN node.emb AS emb").single()
    assert row["emb"] == [0.5]


@pytest.mark.parametrize("arguments, message", [
    ("null, 'emb', [1.0]", "java.lang.NullPointerException: 'node' must not be null"),
    ("n, null, [1.0]", "java.lang.NullPointerException: 'key' must not be null"),
    ("n, 'emb', null", "java.lang.NullPointerException: 'vector' must not be null"),
    ("n, 'emb', 'x'", "java.lang.IllegalArgumentException: 'vector' must be a non-null numerical array"),
    ("n, 'emb', []", "java.lang.IllegalArgumentException: Vector must contain finite values. Provided: "
                     "SequenceValueVectorCandidate[sequence=List{}]"),
    ("n, 'emb', [1, 'a']", "java.lang.IllegalArgumentException: Vector must contain finite values. Provided: "
                           "SequenceValueVectorCandidate[sequence=List{Long(1), String(\"a\")}]"),
    ("n, 'emb', [1e39]", "java.lang.IllegalArgumentException: Vector must contain finite values. Provided: "
                         "SequenceValueVectorCandidate[sequence=List{Double(1.000000e+39)}]"),
])
def test_set_node_vector_property_errors(session, arguments, message):
    session.run("CREATE (:Doc {name: 'a'})").consume()
    error = failure(session, f"MATCH (n:Doc) CALL db.create.setNodeVectorProperty({arguments})")
    assert (error.code, error.message) == (
        FAILED, f"Failed to invoke procedure `db.create.setNodeVectorProperty`: Caused by: {message}")
    assert session.run("MATCH (n:Doc) RETURN n.emb AS emb").single()["emb"] is None


# --- db.index.vector.createNodeIndex ------------------------------------------------------------------------

def test_create_node_index_makes_the_index_create_vector_index_makes(session):
    counters = session.run("CALL db.index.vector.createNodeIndex('made', 'Doc', 'emb', 3, 'euclidean')"
                           ).consume().counters
    assert counters.indexes_added == 1
    create_index(session, "written", "EUCLIDEAN", pattern="(n:Other)")
    made, written = (session.run("SHOW VECTOR INDEXES YIELD name, options, labelsOrTypes, properties "
                                 "WHERE name = $name RETURN *", name=name).single() for name in ("made", "written"))
    assert made["options"] == written["options"]
    assert (made["labelsOrTypes"], made["properties"]) == (["Doc"], ["emb"])
    add_docs(session)
    assert names(session, k=1, index="made") == ["a"]


@pytest.mark.parametrize("arguments, message", [
    ("null, 'Doc', 'emb', 3, 'cosine'", "java.lang.NullPointerException: 'indexName' must not be null"),
    ("'x', null, 'emb', 3, 'cosine'", "java.lang.NullPointerException: 'label' must not be null"),
    ("'x', 'Doc', null, 3, 'cosine'", "java.lang.NullPointerException: 'propertyKey' must not be null"),
    ("'x', 'Doc', 'emb', null, 'cosine'", "java.lang.NullPointerException: 'vectorDimension' must not be null"),
    ("'x', 'Doc', 'emb', 0, 'cosine'",
     "java.lang.IllegalArgumentException: 'vectorDimension' must be between 1 and 4096 inclusively"),
    ("'x', 'Doc', 'emb', 4097, 'cosine'",
     "java.lang.IllegalArgumentException: 'vectorDimension' must be between 1 and 4096 inclusively"),
    ("'x', 'Doc', 'emb', 3, null", "java.lang.NullPointerException: 'vectorSimilarityFunction' must not be null"),
    ("'x', 'Doc', 'emb', 3, 'dot'",
     "java.lang.IllegalArgumentException: 'dot' is an unsupported vector similarity function for index with "
     "provider vector-2.0. Supported: [COSINE, EUCLIDEAN]"),
])
def test_create_node_index_errors(session, arguments, message):
    error = failure(session, f"CALL db.index.vector.createNodeIndex({arguments})")
    assert (error.code, error.message) == (
        FAILED, f"Failed to invoke procedure `db.index.vector.createNodeIndex`: Caused by: {message}")
    assert session.run("SHOW VECTOR INDEXES").data() == []


def test_create_node_index_twice_fails_as_the_command_does(session):
    session.run("CALL db.index.vector.createNodeIndex('made', 'Doc', 'emb', 3, 'cosine')").consume()
    error = failure(session, "CALL db.index.vector.createNodeIndex('made', 'Doc', 'emb', 3, 'cosine')")
    assert (error.code, error.message) == (
        "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        "An equivalent index already exists, 'Index( id=3, name='made', type='VECTOR', schema=(:Doc {emb}), "
        "indexProvider='vector-2.0' )'.")


def test_create_node_index_does_not_follow_a_data_write_in_a_transaction(session):
    tx = session.begin_transaction()
    tx.run("CREATE (:Doc)").consume()
    with pytest.raises(ClientError) as caught:
        tx.run("CALL db.index.vector.createNodeIndex('made', 'Doc', 'emb', 3, 'cosine')").consume()
    assert caught.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
    tx.rollback()
    assert session.run("SHOW VECTOR INDEXES").data() == []


def test_create_node_index_needs_the_schema_privilege(secure, admin):
    with user_session(secure, admin, "writer", "GRANT MATCH {*} ON GRAPH * NODES *",
                      "GRANT WRITE ON GRAPH *") as writer:
        with pytest.raises(Forbidden):
            writer.run("CALL db.index.vector.createNodeIndex('made', 'Doc', 'emb', 3, 'cosine')").consume()


# --- SHOW PROCEDURES --------------------------------------------------------------------------------------------

def test_show_procedures_lists_them_as_neo4j_does(session):
    rows = {row["name"]: row for row in session.run(
        "SHOW PROCEDURES YIELD name, signature, mode, worksOnSystem, description, argumentDescription "
        "WHERE name STARTS WITH 'db.index.vector' OR name STARTS WITH 'db.create.set'").data()}
    assert rows["db.index.vector.queryNodes"]["signature"] == (
        "db.index.vector.queryNodes(indexName :: STRING, numberOfNearestNeighbours :: INTEGER, query :: ANY) :: "
        "(node :: NODE, score :: FLOAT)")
    assert rows["db.index.vector.queryRelationships"]["signature"] == (
        "db.index.vector.queryRelationships(indexName :: STRING, numberOfNearestNeighbours :: INTEGER, "
        "query :: ANY) :: (relationship :: RELATIONSHIP, score :: FLOAT)")
    assert rows["db.index.vector.createNodeIndex"]["signature"] == (
        "db.index.vector.createNodeIndex(indexName :: STRING, label :: STRING, propertyKey :: STRING, "
        "vectorDimension :: INTEGER, vectorSimilarityFunction :: STRING)")
    assert rows["db.create.setNodeVectorProperty"]["signature"] == (
        "db.create.setNodeVectorProperty(node :: NODE, key :: STRING, vector :: ANY)")
    assert rows["db.create.setRelationshipVectorProperty"]["signature"] == (
        "db.create.setRelationshipVectorProperty(relationship :: RELATIONSHIP, key :: STRING, vector :: ANY)")
    assert {name: row["mode"] for name, row in rows.items()} == {
        "db.index.vector.queryNodes": "READ", "db.index.vector.queryRelationships": "READ",
        "db.index.vector.createNodeIndex": "SCHEMA", "db.create.setNodeVectorProperty": "WRITE",
        "db.create.setRelationshipVectorProperty": "WRITE", "db.create.setVectorProperty": "WRITE"}
    assert not any(row["worksOnSystem"] for row in rows.values())
    assert rows["db.index.vector.queryNodes"]["description"].startswith(
        "Query the given node vector index.\nReturns requested number of nearest neighbors")
    assert rows["db.index.vector.queryNodes"]["argumentDescription"][1]["description"] == (
        "The size of the vector neighbourhood.")
    assert rows["db.index.vector.createNodeIndex"]["argumentDescription"][0]["description"] == "indexName :: STRING"


# --- PROFILE ---------------------------------------------------------------------------------------------------

def test_profile_of_a_query_calling_it(docs):
    result = docs.run("PROFILE CALL db.index.vector.queryNodes('docs', 2, [1.0, 0.0, 0.0]) YIELD node, score "
                      "RETURN node.name AS name")
    assert [row["name"] for row in result.data()] == ["a", "b"]
    profile = result.consume().profile
    operators = []

    def walk(step):
        operators.append((step["operatorType"].split("@")[0], step["rows"]))
        for child in step.get("children", []):
            walk(child)
    walk(profile)
    assert ("ProcedureCall", 2) in operators


# --- storage modes and restarts ------------------------------------------------------------------------------

def test_analytical_mode(session):
    session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
    create_index(session)
    add_docs(session)
    assert names(session, k=2) == ["a", "b"]
    session.run("MATCH (n:Doc {name: 'a'}) DELETE n").consume()
    session.run("MATCH (n:Doc {name: 'c'}) CALL db.create.setNodeVectorProperty(n, 'emb', [1.0, 0.0, 0.0])"
                ).consume()
    assert names(session, k=2) == ["c", "b"]


@pytest.mark.parametrize("mode", ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"])
def test_the_index_is_rebuilt_after_a_restart(tmp_path, mode):
    with DBMS.open(tmp_path, storage_mode=mode) as dbms, dbms.session() as session:
        create_index(session)
        create_index(session, "rels", "EUCLIDEAN", pattern="()-[r:R]-()", key="r.emb")
        add_docs(session)
        session.run("MATCH (a:Doc {name: 'a'}), (b:Doc {name: 'b'}) CREATE (a)-[:R {emb: [1.0, 2.0, 3.0]}]->(b)"
                    ).consume()
        session.run("MATCH (n:Doc {name: 'd'}) DELETE n").consume()
        before = session.run(QUERY_NODES, index="docs", k=10, vector=[0.5, 1.0, 0.0]).data()
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        assert session.run(QUERY_NODES, index="docs", k=10, vector=[0.5, 1.0, 0.0]).data() == before
        assert [row["name"] for row in before] == ["b", "c", "a"]
        assert session.run("CALL db.index.vector.queryRelationships('rels', 1, [1.0, 2.0, 3.0]) YIELD score "
                           "RETURN score").single()["score"] == 1.0
        session.run("CREATE (:Doc {name: 'after', emb: [0.5, 1.0, 0.0]})").consume()
        assert names(session, (0.5, 1.0, 0.0), 1) == ["after"]


def test_on_disk_visibility(tmp_path):
    with DBMS.open(tmp_path, storage_mode="ON_DISK_TRANSACTIONAL") as dbms, dbms.session() as session:
        create_index(session)
        add_docs(session)
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Doc {name: 'mine', emb: [1.0, 0.0, 0.0]})").consume()
            assert names_in(tx, k=2) == ["a", "mine"]
            with dbms.session() as other:
                assert "mine" not in names(other)
            tx.rollback()
        assert "mine" not in names(session)


# --- Memgraph's vector_search module ------------------------------------------------------------------------------

@pytest.fixture
def memgraph(dbms):
    with dbms.session(dialect="memgraph") as session:
        session.run('CREATE VECTOR INDEX cos_index ON :Doc(emb) WITH CONFIG {"dimension": 2, "capacity": 100, '
                    '"metric": "cos"}').consume()
        session.run('CREATE VECTOR INDEX l2_index ON :Point(emb) WITH CONFIG {"dimension": 2, "capacity": 10}'
                    ).consume()
        session.run('CREATE VECTOR EDGE INDEX edge_index ON :ROAD(emb) WITH CONFIG {"dimension": 2, "capacity": 8}'
                    ).consume()
        session.run("CREATE (:Doc {n: 1, emb: [1.0, 0.0]}), (:Doc {n: 2, emb: [0.0, 1.0]}), "
                    "(:Doc {n: 3, emb: [-1.0, 0.0]}), (:Point {n: 4, emb: [3.0, 4.0]}), "
                    "(:Point {n: 5, emb: [0.0, 1.0]}), (:Town)-[:ROAD {n: 6, emb: [1.0, 1.0]}]->(:Town)").consume()
        yield session


def test_memgraph_search_gives_distance_and_similarity(memgraph):
    cosine = memgraph.run("CALL vector_search.search('cos_index', 3, [1.0, 0.0]) YIELD node, distance, similarity "
                          "RETURN node.n AS n, distance, similarity").data()
    assert cosine == [{"n": 1, "distance": 0.0, "similarity": 1.0}, {"n": 2, "distance": 1.0, "similarity": 0.0},
                      {"n": 3, "distance": 2.0, "similarity": 1.0}]
    squared = memgraph.run("CALL vector_search.search('l2_index', 1, [0.0, 0.0]) YIELD node, distance, similarity "
                           "RETURN node.n AS n, distance, similarity").data()
    assert squared == [{"n": 5, "distance": 1.0, "similarity": 0.5}]
    edges = memgraph.run("CALL vector_search.search_edges('edge_index', 5, [0.0, 0.0]) YIELD edges, distance, "
                         "similarity RETURN edges.n AS n, distance, similarity").data()
    assert edges == [{"n": 6, "distance": 2.0, "similarity": pytest.approx(1 / 3)}]


def test_memgraph_search_of_a_missing_index(memgraph):
    error = failure(memgraph, "CALL vector_search.search('missing', 1, [1.0, 0.0]) YIELD node RETURN node")
    assert error.message == "vector_search.search: Vector index missing does not exist."
    error = failure(memgraph, "CALL vector_search.search('edge_index', 1, [1.0, 0.0]) YIELD node RETURN node")
    assert error.message == "vector_search.search: Vector index edge_index does not exist."


def test_memgraph_show_index_info(memgraph):
    rows = memgraph.run("CALL vector_search.show_index_info() YIELD index_name, label, property, dimension, "
                        "capacity, metric, size, scalar_kind, index_type RETURN *").data()
    by_name = {row["index_name"]: row for row in rows}
    assert by_name["cos_index"] == {"index_name": "cos_index", "label": ":Doc", "property": "emb", "dimension": 2,
                                    "capacity": 100, "metric": "cos", "size": 3, "scalar_kind": "f32",
                                    "index_type": "label+property_vector"}
    assert (by_name["l2_index"]["metric"], by_name["l2_index"]["size"]) == ("l2sq", 2)
    assert by_name["edge_index"]["index_type"] == "edge-type+property_vector"
