"""APOC core, part 1 (issue 15), through the public API: apoc.merge/create write as MERGE/CREATE/SET do (counters,
constraints, privileges, access modes, one writer per transaction); apoc.util.sleep stops with its transaction;
apoc.util.validate fails with APOC's message and Neo4j's code; apoc.meta.* describe the graph as APOC does; APOC
is loaded only when a statement names it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
import threading
import time

import pytest

from graphplex import Query
from graphplex.errors import ClientError, ConstraintError, Forbidden, Neo4jError

CALL_FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"


def failure(session, query: str, **parameters) -> Neo4jError:
    with pytest.raises(Neo4jError) as caught:
        session.run(query, **parameters).consume()
    return caught.value


# --- apoc.merge ----------------------------------------------------------------------------------------------

def test_merge_node_creates_once_then_matches_with_the_on_match_properties(session):
    query = "CALL apoc.merge.node(['Person', 'Human'], {id: $id}, {created: true}, {matched: true}) YIELD node " \
            "RETURN node.created AS created, node.matched AS matched, labels(node) AS labels"
    result = session.run(query, id=1)
    assert result.data() == [{"created": True, "matched": None, "labels": ["Human", "Person"]}]
    counters = result.consume().counters
    assert (counters.nodes_created, counters.labels_added, counters.properties_set) == (1, 2, 2)
    result = session.run(query, id=1.0)
    assert result.data() == [{"created": True, "matched": True, "labels": ["Human", "Person"]}]
    assert result.consume().counters.nodes_created == 0
    assert session.run("MATCH (n:Person) RETURN count(n) AS c").single()["c"] == 1


def test_merge_node_yields_every_match(session):
    session.run("CREATE (:T {k: 1, n: 1}), (:T {k: 1, n: 2}), (:T {k: 2, n: 3})").consume()
    rows = session.run("CALL apoc.merge.node(['T'], {k: 1}, {}, {seen: true}) YIELD node "
                       "RETURN node.n AS n, node.seen AS seen ORDER BY n").data()
    assert rows == [{"n": 1, "seen": True}, {"n": 2, "seen": True}]


@pytest.mark.parametrize("query, message", [
    ("CALL apoc.merge.node(['P'], {})", "Failed to invoke procedure `apoc.merge.node`: Caused by: "
     "java.lang.IllegalArgumentException: you need to supply at least one identifying property for a merge"),
    ("CALL apoc.merge.node(['P', ''], {id: 1})", "Failed to invoke procedure `apoc.merge.node`: Caused by: "
     "java.lang.IllegalArgumentException: The list of label names may not contain any `NULL` or empty `STRING` "
     "values. If you wish to merge a `NODE` without a label, pass an empty list instead."),
    ("CREATE (a), (b) WITH a, b CALL apoc.merge.relationship(a, '', {}, {}, b) YIELD rel RETURN rel",
     "Failed to invoke procedure `apoc.merge.relationship`: Caused by: java.lang.IllegalArgumentException: It is "
     "not possible to merge a `RELATIONSHIP` without a `RELATIONSHIP` type."),
])
def test_merge_refusals_are_apocs(session, query, message):
    error = failure(session, query)
    assert (error.code, error.message) == (CALL_FAILED, message)
    assert session.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 0, "a failed statement leaves nothing"


def test_merge_of_a_null_identifying_property_is_a_semantic_error(session):
    error = failure(session, "CALL apoc.merge.node(['P'], {id: null})")
    assert error.code == "Neo.ClientError.Statement.SemanticError"
    assert error.message == "Cannot merge the following node because of null property value for 'id'"


def test_merge_relationship_creates_once_and_applies_on_create_and_on_match(session):
    session.run("CREATE (:A {id: 1}), (:B {id: 2})").consume()
    query = "MATCH (a:A), (b:B) CALL apoc.merge.relationship(a, 'R', {key: 'k'}, {made: 1}, b, {again: 2}) " \
            "YIELD rel RETURN rel.made AS made, rel.again AS again, type(rel) AS type"
    result = session.run(query)
    assert result.data() == [{"made": 1, "again": None, "type": "R"}]
    assert result.consume().counters.relationships_created == 1
    assert session.run(query).data() == [{"made": 1, "again": 2, "type": "R"}]
    rows = session.run("MATCH (a:A), (b:B) CALL apoc.merge.relationship.eager(b, 'R', {key: 'k'}, {}, a) "
                       "YIELD rel RETURN startNode(rel).id AS start").data()
    assert rows == [{"start": 2}], "the other direction is another relationship"
    assert session.run("MATCH ()-[r:R]->() RETURN count(r) AS c").single()["c"] == 2


# --- apoc.create ----------------------------------------------------------------------------------------------

def test_create_node_and_relationship_count_like_create(session):
    result = session.run("CALL apoc.create.node(['A', 'B'], {x: 1, y: null}) YIELD node AS a "
                         "CALL apoc.create.node([], {}) YIELD node AS b "
                         "CALL apoc.create.relationship(a, 'KNOWS', {since: 2000}, b) YIELD rel "
                         "RETURN labels(a) AS labels, keys(a) AS keys, type(rel) AS type")
    assert result.data() == [{"labels": ["A", "B"], "keys": ["x"], "type": "KNOWS"}]
    counters = result.consume().counters
    assert (counters.nodes_created, counters.relationships_created, counters.labels_added,
            counters.properties_set) == (2, 1, 2, 2)


def test_create_relationship_from_a_null_node_fails_as_apoc(session):
    error = failure(session, "CALL apoc.create.node(['A'], {}) YIELD node "
                             "CALL apoc.create.relationship(node, 'R', {}, null) YIELD rel RETURN rel")
    assert error.code == CALL_FAILED
    assert error.message == ("Failed to invoke procedure `apoc.create.relationship`: Caused by: "
                             "java.lang.NullPointerException: The inserted End Node is null")


def test_labels_and_properties_take_nodes_ids_and_element_ids(session):
    ids = session.run("UNWIND range(1, 3) AS i CREATE (n:Old {i: i}) RETURN id(n) AS id, elementId(n) AS eid").data()
    nodes = [ids[0]["id"], ids[1]["eid"]]
    result = session.run("CALL apoc.create.addLabels($nodes, ['New']) YIELD node RETURN node.i AS i", nodes=nodes)
    assert sorted(r["i"] for r in result) == [1, 2]
    assert result.consume().counters.labels_added == 2
    session.run("MATCH (n:Old {i: 3}) CALL apoc.create.setLabels(n, ['Only', 'New']) YIELD node RETURN node"
                ).consume()
    session.run("MATCH (n:Old {i: 1}) CALL apoc.create.removeLabels([n], ['Old']) YIELD node RETURN node").consume()
    rows = session.run("MATCH (n) RETURN n.i AS i, labels(n) AS labels ORDER BY i").data()
    assert rows == [{"i": 1, "labels": ["New"]}, {"i": 2, "labels": ["New", "Old"]},
                    {"i": 3, "labels": ["New", "Only"]}]
    session.run("MATCH (n) WITH collect(n) AS nodes CALL apoc.create.setProperty(nodes, 'tag', 't') YIELD node "
                "RETURN count(*)").consume()
    session.run("MATCH (n {i: 2}) CALL apoc.create.setProperties(n, ['a', 'b'], [1, 2]) YIELD node "
                "CALL apoc.create.removeProperties(node, ['tag', 'a']) YIELD node AS same RETURN same").consume()
    rows = session.run("MATCH (n) RETURN n.i AS i, n.tag AS tag, n.b AS b, n.a AS a ORDER BY i").data()
    assert rows == [{"i": 1, "tag": "t", "b": None, "a": None}, {"i": 2, "tag": None, "b": 2, "a": None},
                    {"i": 3, "tag": "t", "b": None, "a": None}]


def test_map_from_nodes_keys_nodes_by_a_property(session):
    session.run("CREATE (:P {id: 1}), (:P {id: 2}), (:P)").consume()
    row = session.run("RETURN apoc.map.fromNodes('P', 'id') AS m").single()["m"]
    assert sorted(row) == ["1", "2"] and row["2"]["id"] == 2


def test_relationship_properties(session):
    session.run("CREATE ()-[:R {w: 1}]->()").consume()
    rows = session.run("MATCH ()-[r:R]->() CALL apoc.create.setRelProperty(r, 'w', 2) YIELD rel "
                       "CALL apoc.create.setRelProperties(rel, ['x'], ['y']) YIELD rel AS same "
                       "RETURN same.w AS w, same.x AS x").data()
    assert rows == [{"w": 2, "x": "y"}]


def test_a_constraint_refuses_an_apoc_write_and_the_statement_leaves_nothing(session):
    session.run("CREATE CONSTRAINT FOR (p:P) REQUIRE p.id IS UNIQUE").consume()
    session.run("CREATE (:P {id: 1})").consume()
    with pytest.raises(ConstraintError):
        session.run("CALL apoc.create.node(['Q'], {}) YIELD node "
                    "CALL apoc.create.node(['P'], {id: 1}) YIELD node AS dup RETURN dup").consume()
    assert session.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 1


# --- the write path's rules -----------------------------------------------------------------------------------

def test_a_write_procedure_makes_the_statement_a_write(dbms):
    with dbms.session(default_access_mode="READ") as reader:
        error = failure(reader, "CALL apoc.create.node(['A'], {}) YIELD node RETURN node")
    assert error.code == "Neo.ClientError.Statement.AccessMode"
    with dbms.session() as session:
        result = session.run("CALL apoc.merge.node(['A'], {id: 1}) YIELD node RETURN node.id AS id")
        assert result.data() == [{"id": 1}] and result.consume().query_type == "rw"
        assert session.run("CALL apoc.meta.data()").consume().query_type == "r"


def test_apoc_writes_to_one_database_per_transaction_only(session, other_db):
    tx = session.begin_transaction()
    tx.run("CALL apoc.create.node(['A'], {}) YIELD node RETURN node").consume()
    with pytest.raises(ClientError) as caught:
        tx.run("USE other CALL apoc.create.node(['A'], {}) YIELD node RETURN node").consume()
    assert caught.value.message == ("Writing to more than one database per transaction is not allowed. "
                                    "Attempted write to other, currently writing to neo4j")
    tx.rollback()


def test_apoc_writes_need_the_callers_write_privileges(secure, admin):
    admin.run("CREATE (:Doc {id: 1})").consume()
    admin.run("CREATE USER ro SET PASSWORD 'pw' CHANGE NOT REQUIRED").consume()
    admin.run("GRANT ROLE reader TO ro").consume()
    with secure.session(auth=("ro", "pw")) as reader:
        with pytest.raises(Forbidden):
            reader.run("CALL apoc.merge.node(['Doc'], {id: 2}) YIELD node RETURN node").consume()
        with pytest.raises(Forbidden):
            reader.run("MATCH (d:Doc) CALL apoc.create.setProperty(d, 'x', 1) YIELD node RETURN node").consume()
        assert reader.run("CALL apoc.meta.data() YIELD label RETURN collect(DISTINCT label) AS l"
                          ).single()["l"] == ["Doc"]


# --- apoc.util ------------------------------------------------------------------------------------------------

def test_validate_formats_the_message_as_java(session):
    error = failure(session, "CALL apoc.util.validate(true, 'node %s has %d rels, %.1f%%', ['a', 3, 2.5])")
    assert error.code == CALL_FAILED
    assert error.message == ("Failed to invoke procedure `apoc.util.validate`: Caused by: "
                             "java.lang.RuntimeException: node a has 3 rels, 2.5%")
    assert session.run("CALL apoc.util.validate(false, 'never', []) RETURN 1 AS one").single()["one"] == 1


def test_validate_predicate_is_true_or_fails(session):
    assert session.run("RETURN apoc.util.validatePredicate(false, 'x', []) AS ok").single()["ok"] is True
    error = failure(session, "UNWIND [1] AS n WITH n WHERE apoc.util.validatePredicate(true, 'bad %s', [[n, 2.0]]) "
                             "RETURN n")
    assert (error.code, error.message) == (CALL_FAILED, "Failed to invoke function `apoc.util.validatePredicate`: "
                                                        "Caused by: java.lang.RuntimeException: bad [1, 2.0]")


def test_sleep_stops_at_the_transaction_timeout(dbms):
    started = time.monotonic()
    with dbms.session() as session:
        error = failure(session, Query("CALL apoc.util.sleep(3000)", timeout=0.3))
    assert "TransactionTimedOut" in error.code
    assert time.monotonic() - started < 2


def test_sleep_stops_when_its_transaction_is_terminated(dbms):
    errors: list = []

    def work():
        with dbms.session() as session:
            tx = session.begin_transaction(metadata={"job": "sleeper"})
            try:
                tx.run("CALL apoc.util.sleep(10000)").consume()
            except Neo4jError as error:
                errors.append(error)
            finally:
                tx.close()
    thread = threading.Thread(target=work)
    started = time.monotonic()
    thread.start()
    with dbms.session() as admin:
        ids: list = []
        while not ids and time.monotonic() - started < 5:
            ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, metaData, currentQuery WHERE metaData.job = "
                            "'sleeper' AND currentQuery <> '' RETURN transactionId").value()
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
    thread.join(5)
    assert errors and errors[0].code == "Neo.ClientError.Transaction.Terminated"
    assert time.monotonic() - started < 5


def test_hashes_concatenate_the_values_as_apoc(session):
    row = session.run("RETURN apoc.util.md5(['ab', null, 'c']) AS md5, apoc.util.sha1(['abc']) AS sha1").single()
    assert row["md5"] == "900150983cd24fb0d6963f7d28e17f72"
    assert row["sha1"] == "a9993e364706816aba3e25717850c26c9cd0d89d"


# --- apoc.meta ------------------------------------------------------------------------------------------------

def test_meta_data_rows_as_apoc(session):
    session.run("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.name IS UNIQUE").consume()
    session.run("CREATE INDEX FOR (p:Person) ON (p.age)").consume()
    session.run("CREATE (:Person:Admin {name: 'c'})").consume()  # the first node seen with `name`
    session.run("CREATE (a:Person {name: 'a', age: 1, tags: ['x']})-[:KNOWS {since: date()}]->"
                "(b:Person:Admin {name: 'b'}), (a)-[:KNOWS]->(b)").consume()
    rows = session.run("CALL apoc.meta.data({sample: -1}) YIELD label, property, count, unique, index, existence, "
                       "type, array, sample, left, right, other, otherLabels, elementType RETURN *").data()
    by_key = {(r["label"], r["property"]): r for r in rows}
    assert by_key[("KNOWS", "Person")] == {
        "label": "KNOWS", "property": "Person", "count": 1, "unique": False, "index": False, "existence": False,
        "type": "RELATIONSHIP", "array": True, "sample": None, "left": 2, "right": 0, "other": ["Admin", "Person"],
        "otherLabels": [], "elementType": "relationship"}
    assert by_key[("KNOWS", "since")]["type"] == "DATE"
    assert by_key[("Person", "KNOWS")]["elementType"] == "node"
    assert (by_key[("Person", "name")]["unique"], by_key[("Person", "age")]["index"]) == (True, True)
    assert by_key[("Person", "tags")]["type"] == "LIST" and by_key[("Person", "tags")]["array"] is True
    assert by_key[("Person", "name")]["otherLabels"] == ["Admin"], "the other labels of the first node seen"
    assert [r["label"] for r in rows][0] == "KNOWS", "relationship types come first"


def test_meta_data_counts_of_apocs_own_test(session):
    """APOC's MetaTest.testMetaData: the graph and the counts, left and right it expects."""
    session.run("CREATE INDEX FOR (n:Movie) ON (n.title)").consume()
    session.run("CREATE CONSTRAINT FOR (a:Actor) REQUIRE a.name IS UNIQUE").consume()
    session.run("""
        CREATE (actor1:Actor {name:'Tom Hanks'})-[:ACTED_IN {roles:'Forrest'}]->(movie1:Movie {title:'Forrest Gump'}),
        (actor2:Actor {name: 'Bruce Lee'})-[:ACTED_IN {roles:'FooBaz'}]->(movie1),
        (actor1)-[:ACTED_IN {roles:'Movie2Role'}]->(movie2:Movie {title:'Movie2'}),
        (actor1)-[:ACTED_IN {roles:'Movie3Role'}]->(movie3:Movie {title:'Movie3'}),
        (actor1)-[:DIRECTED {foo: 'first'}]->(movie2), (actor1)-[:DIRECTED {foo: 'second'}]->(:Movie {title:'Movie4'}),
        (:Studio {name: 'Pixar'})-[:ANIMATED {bar: 'alpha'}]->(movie2)""").consume()
    rows = session.run("CALL apoc.meta.data() YIELD label, property, count, left, right, type, elementType, index, "
                       "unique RETURN * ORDER BY elementType, property").data()
    assert [(r["label"], r["property"], r["count"], r["left"], r["right"], r["type"]) for r in rows[:3]] == [
        ("Actor", "ACTED_IN", 2, 2, 0, "RELATIONSHIP"), ("Studio", "ANIMATED", 1, 1, 0, "RELATIONSHIP"),
        ("Actor", "DIRECTED", 1, 2, 0, "RELATIONSHIP")]
    properties = {(r["label"], r["property"]): r for r in rows if r["elementType"] == "node" and r["count"] == 0}
    assert properties[("Movie", "title")]["index"] and properties[("Actor", "name")]["unique"]
    assert {r["type"] for r in properties.values()} == {"STRING"}


def test_meta_schema_of_apocs_own_test(session):
    """APOC's MetaTest.testMetaSchema (labels of the incoming side come in name order here, token order there)."""
    session.run("CREATE INDEX FOR (n:Movie) ON (n.title)").consume()
    session.run("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.name IS UNIQUE").consume()
    session.run("CREATE (:Person:Actor:Director {name:'Tom', born:'05-06-1956', dead:false})"
                "-[:ACTED_IN {roles:'Forrest'}]->(:Movie {title:'Forrest Gump'})").consume()
    value = session.run("CALL apoc.meta.schema()").single()["value"]
    assert sorted(value) == ["ACTED_IN", "Actor", "Director", "Movie", "Person"]
    movie = value["Movie"]
    assert (movie["type"], movie["count"], movie["labels"]) == ("node", 1, [])
    assert movie["properties"]["title"] == {"type": "STRING", "indexed": True, "unique": False, "existence": False}
    acted_in = movie["relationships"]["ACTED_IN"]
    assert (acted_in["direction"], acted_in["count"]) == ("in", 1)
    assert sorted(acted_in["labels"]) == ["Actor", "Director", "Person"]
    person = value["Person"]
    assert person["labels"] == ["Actor", "Director"] and person["properties"]["name"]["unique"] is True
    assert len(person["properties"]) == 3


def test_meta_schema_directions_of_apocs_own_test(session):
    """APOC's MetaTest.testOutgoingRelsAreCorrectMetaSchema."""
    session.run("CREATE (:A)-[:HAS]->(:B), (:A)<-[:HAS]-(:B), (:A)<-[:HAS]-(:C), (:D)<-[:HAS]-(:E)").consume()
    value = session.run("CALL apoc.meta.schema").single()["value"]
    assert value["HAS"]["count"] == 4
    assert {label: value[label]["count"] for label in "ABCDE"} == {"A": 3, "B": 2, "C": 1, "D": 1, "E": 1}
    has = {label: value[label]["relationships"]["HAS"] for label in "ABCDE"}
    assert {label: (rel["direction"], rel["labels"]) for label, rel in has.items()} == {
        "A": ("out", ["B"]), "B": ("out", ["A"]), "C": ("out", ["A"]), "D": ("in", ["E"]), "E": ("out", ["D"])}


def test_meta_schema_describes_labels_and_types(session):
    session.run("CREATE (:A {x: 1})-[:R {w: 1.5}]->(:B {y: 'y'})").consume()
    value = session.run("CALL apoc.meta.schema() YIELD value RETURN value").single()["value"]
    assert value["A"]["relationships"]["R"]["direction"] == "out"
    assert value["B"]["relationships"]["R"] == {"direction": "in", "count": 1, "labels": ["A"], "properties": {
        "w": {"type": "FLOAT", "array": False, "existence": False, "indexed": False}}}
    assert value["R"] == {"type": "relationship", "count": 1, "properties": {
        "w": {"type": "FLOAT", "array": False, "existence": False, "indexed": False}}}
    assert value["A"]["count"] == 1 and value["A"]["properties"]["x"]["type"] == "INTEGER"


def test_meta_cypher_types_name_values_as_apoc(session):
    row = session.run("CREATE (n {a: 1, b: [1, 2], c: localdatetime()}) RETURN apoc.meta.cypher.types(n) AS t, "
                      "apoc.meta.cypher.type(null) AS n, apoc.meta.cypher.type(['a', 1]) AS mixed, "
                      "apoc.meta.cypher.isType(1.0, 'float') AS f").single()
    assert row["t"] == {"a": "INTEGER", "b": "LIST OF INTEGER", "c": "LOCAL_DATE_TIME"}
    assert (row["n"], row["mixed"], row["f"]) == ("NULL", "LIST OF ANY", True)


def test_node_and_relationship_type_properties_as_apoc(session):
    session.run("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.name IS NOT NULL").consume()
    session.run("CREATE (a:Person {name: 'a', tags: ['x']})-[:KNOWS {since: 1}]->(b:Person:Admin {name: 'b', "
                "age: 3}), (:Empty), (a)-[:KNOWS]->(b)").consume()
    rows = session.run("CALL apoc.meta.nodeTypeProperties() YIELD nodeType, propertyName, propertyTypes, mandatory, "
                       "propertyObservations, totalObservations RETURN *").data()
    by_key = {(r["nodeType"], r["propertyName"]): r for r in rows}
    assert by_key[(":`Person`", "tags")]["propertyTypes"] == ["StringArray"]
    assert by_key[(":`Person`", "name")]["mandatory"] is True, "an existence constraint names it"
    both = by_key[(":`Admin`:`Person`", "age")]
    assert (both["propertyObservations"], both["totalObservations"]) == (2, 2), "observed once per label, as APOC"
    assert by_key[(":`Empty`", None)]["totalObservations"] == 1
    rels = session.run("CALL apoc.meta.relTypeProperties()").data()
    assert rels == [{"relType": ":`KNOWS`", "sourceNodeLabels": ["Person"], "targetNodeLabels": ["Admin", "Person"],
                     "propertyName": "since", "propertyTypes": ["Long"], "mandatory": False,
                     "propertyObservations": 1, "totalObservations": 2}]


def test_meta_graph_drops_the_combinations_sampling_does_not_find(session):
    session.run("CREATE (:A {k: 1})-[:R]->(:B), (:C)-[:R]->(:D), (:A)-[:S]->(:A)").consume()
    query = "CALL {name}() YIELD nodes, relationships RETURN [n IN nodes | [apoc.any.property(n, 'name'), " \
            "apoc.any.property(n, 'count')]] AS nodes, [r IN relationships | [apoc.any.property(r, 'type'), " \
            "apoc.any.property(r, 'out'), apoc.any.property(r, 'in')]] AS rels"
    sample = session.run(query.replace("{name}", "apoc.meta.graphSample")).single()
    assert sample["nodes"] == [["A", 3], ["B", 1], ["C", 1], ["D", 1]]
    assert sorted(sample["rels"]) == [["R", 1, 1], ["R", 1, 1], ["R", 1, 1], ["R", 1, 1], ["S", 1, 1]]
    graph = session.run(query.replace("{name}", "apoc.meta.graph")).single()
    assert sorted(graph["rels"]) == [["R", 1, 1], ["R", 1, 1], ["S", 1, 1]]
    virtual = session.run("CALL apoc.meta.graph() YIELD relationships RETURN relationships").single()[0]
    assert sorted((r.start_node["name"], r.type, r.end_node["name"]) for r in virtual) == [
        ("A", "R", "B"), ("A", "S", "A"), ("C", "R", "D")]


def test_any_property_reads_nodes_relationships_and_maps(session):
    row = session.run("CREATE (n {a: 1})-[r:R {b: 2}]->() RETURN apoc.any.property(n, 'a') AS a, "
                      "apoc.any.property(r, 'b') AS b, apoc.any.property({c: 3}, 'c') AS c, "
                      "apoc.any.property(null, 'c') AS none, apoc.any.properties(n) AS all, "
                      "apoc.any.properties({x: 1, y: 2}, ['y']) AS some").single()
    assert (row["a"], row["b"], row["c"], row["none"], row["all"], row["some"]) == (1, 2, 3, None, {"a": 1},
                                                                                    {"y": 2})


def test_schema_nodes_rows_as_apoc(session):
    session.run("CREATE CONSTRAINT c FOR (p:Person) REQUIRE p.name IS UNIQUE").consume()
    session.run("CREATE (:Person {name: 'a'}), (:Person {name: 'b'})").consume()
    rows = session.run("CALL apoc.schema.nodes()").data()
    assert [(r["name"], r["type"], r["status"]) for r in rows] == [
        (":Person(name)", "UNIQUENESS", ""), (":<any-labels>()", "LOOKUP", "ONLINE"),
        (":Person(name)", "RANGE", "ONLINE")]
    assert rows[0]["userDescription"].startswith("Constraint( id=") and "type='UNIQUENESS'" in rows[0]["userDescription"]
    assert (rows[2]["size"], rows[2]["valuesSelectivity"], rows[2]["populationProgress"]) == (2, 1.0, 100.0)
    assert session.run("CALL apoc.schema.nodes({excludeLabels: ['Person']}) YIELD type RETURN type").value() == [
        "LOOKUP"]


def test_arguments_of_the_wrong_type_are_refused_as_neo4j_does(session):
    error = failure(session, "RETURN apoc.text.join('a', ',') AS x")
    assert (error.code, error.message) == ("Neo.ClientError.Statement.TypeError",
                                           "Can't coerce `String(\"a\")` to LIST<STRING>")
    error = failure(session, "RETURN apoc.coll.sum([1, 'a']) AS x")
    assert error.code == CALL_FAILED and "java.lang.ClassCastException" in error.message
    error = failure(session, "RETURN apoc.coll.sortText([1, 'a']) AS x")
    assert (error.code, error.message) == (CALL_FAILED, "Failed to invoke function `apoc.coll.sortText`: Caused by: "
                                                        "java.lang.ClassCastException")
    error = failure(session, "RETURN apoc.text.indexOf('abc', 'b', 0, null) AS x")
    assert error.message.endswith("Caused by: java.lang.NullPointerException")
    error = failure(session, "CALL apoc.meta.data({sample: 10.0})")
    assert error.code == CALL_FAILED
    assert error.message.startswith("Failed to invoke procedure `apoc.meta.data`: Caused by: "
                                    "java.lang.ClassCastException: class java.lang.Double cannot be cast to class "
                                    "java.lang.Long")


# --- loading --------------------------------------------------------------------------------------------------

def test_apoc_is_loaded_only_when_named_and_listed_by_show():
    script = ("import sys\nfrom graphplex import DBMS\n"
              "with DBMS.in_memory() as d, d.session() as s:\n"
              "    s.run('RETURN 1').consume()\n"
              "    before = any(m.startswith('graphplex.databases.cypher.apoc.') for m in sys.modules)\n"
              "    names = s.run(\"SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'apoc.merge' RETURN name\")"
              ".value()\n"
              "    print(before, names)\n")
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert output.stdout.strip() == ("False ['apoc.merge.node', 'apoc.merge.node.eager', 'apoc.merge.relationship', "
                                     "'apoc.merge.relationship.eager']"), output.stderr


PART_1 = ("apoc.meta.", "apoc.schema.", "apoc.any.", "apoc.merge.", "apoc.create.", "apoc.util.", "apoc.coll.",
          "apoc.map.", "apoc.text.")


def test_docs_list_every_part_1_signature(session):
    text = (Path(__file__).resolve().parents[2] / "docs" / "apoc.md").read_text(encoding="utf-8")
    signatures = session.run("SHOW PROCEDURES YIELD name, signature").data() + \
        session.run("SHOW FUNCTIONS YIELD name, signature").data()
    part_1 = [row for row in signatures if row["name"].startswith(PART_1)]
    assert len(part_1) > 150
    assert [row["name"] for row in part_1 if f"`{row['signature']}`" not in text] == []


def test_an_implicit_argument_with_a_default_may_be_left_out(session):
    session.run("CREATE (:A {x: 1})").consume()
    assert session.run("CALL apoc.meta.data").data()[0]["property"] == "x"
    assert len(session.run("CALL apoc.meta.data", config={"sample": 1}).data()) == 1
    error = failure(session, "CALL apoc.util.validate")
    assert (error.code, error.message) == ("Neo.ClientError.Statement.ParameterMissing",
                                           "Expected parameter(s): message, params, predicate")


def test_an_unknown_apoc_name_is_not_found(session):
    assert failure(session, "CALL apoc.nothing.here()").code == "Neo.ClientError.Procedure.ProcedureNotFound"
    assert failure(session, "RETURN apoc.nothing.here() AS x").code == "Neo.ClientError.Statement.SyntaxError"
