"""Dynamic labels, relationship types and property keys (Neo4j 5.26): `:$(expr)`, `:$all(expr)`, `:$any(expr)` in
MATCH, CREATE, MERGE, SET and REMOVE, and `SET n[$key] = …` / `REMOVE n[$key]`, through the public API."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from graphplex import DBMS
from graphplex.errors import ClientError, CypherSyntaxError, CypherTypeError, Forbidden

TYPE_ERROR = "Neo.ClientError.Statement.TypeError"
TOKEN_NAME_ERROR = "Neo.ClientError.Schema.TokenNameError"


def fails(session, query: str, code: str, **parameters) -> str:
    with pytest.raises(ClientError) as caught:
        session.run(query, **parameters).consume()
    assert caught.value.code == code
    return caught.value.message


# --- CREATE, SET and REMOVE ---------------------------------------------------------------------------------

def test_create_takes_a_label_or_a_list_of_labels_from_a_parameter(session):
    summary = session.run("CREATE (:$($one) {n: 1}), (:$($many):Static {n: 2})",
                          one="Person", many=["Person", "Director"]).consume()
    assert summary.counters.labels_added == 4
    rows = session.run("MATCH (n) RETURN n.n AS n, labels(n) AS labels ORDER BY n").data()
    assert [sorted(row["labels"]) for row in rows] == [["Person"], ["Director", "Person", "Static"]]


def test_create_gives_each_row_its_own_labels(session):
    session.run("UNWIND ['Red', 'Green'] AS colour CREATE (:$(colour) {colour: colour})").consume()
    assert session.run("MATCH (n:Green) RETURN n.colour").value() == ["Green"]


def test_set_and_remove_labels_from_expressions(session):
    session.run("CREATE (:Swedish {name: 'Andy'})").consume()
    summary = session.run("MATCH (n:Swedish) SET n:$(n.name):$($more) RETURN labels(n) AS labels",
                          more=["A", "B"])
    assert sorted(summary.single()["labels"]) == ["A", "Andy", "B", "Swedish"]
    assert summary.consume().counters.labels_added == 3
    removed = session.run("MATCH (n:Andy) REMOVE n:$(['A', 'B']):Andy").consume()
    assert removed.counters.labels_removed == 3
    assert session.run("MATCH (n) RETURN labels(n)").value() == [["Swedish"]]


def test_set_and_remove_a_property_by_a_computed_key(session):
    session.run("CREATE (:P {name: 'Andy', age: 36})").consume()
    session.run("MATCH (n:P) FOREACH (k IN keys(n) | SET n[k + 'Copy'] = n[k])").consume()
    assert session.run("MATCH (n:P) RETURN n.nameCopy, n.ageCopy").values() == [["Andy", 36]]
    session.run("MATCH (n:P) REMOVE n[$key]", key="ageCopy").consume()
    assert session.run("MATCH (n:P) RETURN keys(n)").single()[0].count("ageCopy") == 0


@pytest.mark.parametrize("key", [None, 1, ["a"]])
def test_a_property_key_must_be_a_string(session, key):
    session.run("CREATE (:P)").consume()
    fails(session, "MATCH (n:P) SET n[$key] = 1", TYPE_ERROR, key=key)
    fails(session, "MATCH (n:P) REMOVE n[$key]", TYPE_ERROR, key=key)
    assert session.run("MATCH (n:P) RETURN properties(n)").single()[0] == {}


def test_set_and_remove_take_only_the_plain_form(session):
    for query in ("MATCH (n) SET n:$any(['A'])", "MATCH (n) REMOVE n:$all(['A'])"):
        with pytest.raises(CypherSyntaxError):
            session.run(query).consume()


# --- MATCH ----------------------------------------------------------------------------------------------------

@pytest.fixture
def movies(session):
    session.run("""CREATE (oliver:Person:Director {name: 'Oliver'}), (rob:Person:Director {name: 'Rob'}),
                          (charlie:Person:Actor {name: 'Charlie'}), (wall:Movie {title: 'Wall Street'}),
                          (oliver)-[:DIRECTED]->(wall), (charlie)-[:ACTED_IN]->(wall)""").consume()
    return session


def test_match_all_of_the_labels(movies):
    query = "MATCH (n:$($labels)) RETURN n.name ORDER BY n.name"
    assert movies.run(query, labels=["Person", "Director"]).value() == ["Oliver", "Rob"]
    assert movies.run(query, labels="Actor").value() == ["Charlie"]
    assert movies.run("MATCH (n:$all($labels)) RETURN count(n)", labels=["Person", "Movie"]).single()[0] == 0


def test_match_any_of_the_labels(movies):
    rows = movies.run("MATCH (n:$any(['Movie', 'Actor'])) RETURN coalesce(n.name, n.title) ORDER BY 1").value()
    assert sorted(rows) == ["Charlie", "Wall Street"]


def test_dynamic_labels_combine_with_label_expressions(movies):
    query = "MATCH (n:Person&!$($label)) RETURN n.name ORDER BY n.name"
    assert movies.run(query, label="Director").value() == ["Charlie"]
    assert movies.run("MATCH (n) WHERE n:$($label) RETURN count(n)", label="Person").single()[0] == 3


def test_match_relationship_types(movies):
    count = "MATCH ()-[r:$any($types)]->() RETURN count(r)"
    assert movies.run(count, types=["DIRECTED", "ACTED_IN"]).single()[0] == 2
    per_type = movies.run("CALL db.relationshipTypes() YIELD relationshipType AS t "
                          "MATCH ()-[r:$(t)]->() RETURN t, count(r) ORDER BY t").values()
    assert per_type == [["ACTED_IN", 1], ["DIRECTED", 1]]


def test_a_relationship_has_one_type_so_all_of_two_matches_nothing(movies):
    assert movies.run("MATCH ()-[r:$($types)]->() RETURN count(r)", types=["DIRECTED", "ACTED_IN"]).single()[0] == 0


def test_dynamic_types_on_variable_length_and_shortest_paths(movies):
    query = "MATCH (:Director)-[:$($t)*1..3]-(other) RETURN DISTINCT other.name ORDER BY other.name"
    assert movies.run(query, t="DIRECTED").value() == [None]
    shortest = "MATCH p = shortestPath((a {name: 'Oliver'})-[:$any($t)*]-(b {name: 'Charlie'})) RETURN length(p)"
    assert movies.run(shortest, t=["DIRECTED", "ACTED_IN"]).value() == [2]
    assert movies.run(shortest, t=["DIRECTED"]).value() == []


def test_a_label_can_come_from_an_earlier_node_of_the_pattern(session):
    session.run("CREATE (:Pointer {to: 'Target'})-[:TO]->(:Target), "
                "(:Pointer {to: 'Other'})-[:TO]->(:Target)").consume()
    assert session.run("MATCH (p)-->(t:$(p.to)) RETURN p.to").value() == ["Target"]
    assert session.run("MATCH (t:$(p.to))<--(p) RETURN p.to").value() == ["Target"]


# --- MERGE ----------------------------------------------------------------------------------------------------

def test_merge_matches_or_creates_with_dynamic_labels_and_types(session):
    query = "MERGE (a:$($label) {id: 1}) MERGE (b:$($label) {id: 2}) MERGE (a)-[r:$($type)]->(b) RETURN type(r)"
    first = session.run(query, label="Node", type="LINKS")
    assert first.value() == ["LINKS"]
    assert first.consume().counters.nodes_created == 2
    again = session.run(query, label="Node", type="LINKS").consume()
    assert (again.counters.nodes_created, again.counters.relationships_created) == (0, 0)
    assert session.run("MATCH (:Node)-[r:LINKS]->(:Node) RETURN count(r)").single()[0] == 1


# --- errors ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [(None, "NULL"), (1, "1"), ([1], "[1]"), (["a", None], "['a', NULL]"),
                                          ({"a": True}, "{a: true}")])
def test_a_label_must_be_a_string_or_a_list_of_strings(session, value, shown):
    message = fails(session, "CREATE (:$($label))", TYPE_ERROR, label=value)
    assert message.startswith(f"Expected the value {shown} to be of type STRING or LIST<STRING>")
    fails(session, "MATCH (n:$($label)) RETURN n", TYPE_ERROR, label=value)
    session.run("CREATE (:Any)").consume()
    fails(session, "MATCH (n) SET n:$($label)", TYPE_ERROR, label=value)


def test_an_empty_label_is_not_a_valid_token(session):
    message = fails(session, "CREATE (:$($label))", TOKEN_NAME_ERROR, label="")
    assert message.startswith("'' is not a valid token name.")
    fails(session, "CREATE ()-[:$($type)]->()", TOKEN_NAME_ERROR, type="")


def test_a_created_relationship_needs_exactly_one_type(session):
    with pytest.raises(CypherTypeError):
        session.run("CREATE ()-[:$($types)]->()", types=["A", "B"]).consume()
    session.run("CREATE ()-[:$($types)]->()", types=["A"]).consume()
    with pytest.raises(CypherSyntaxError):
        session.run("CREATE ()-[:$any($types)]->()", types=["A"]).consume()
    assert session.run("MATCH ()-[r]->() RETURN type(r)").value() == ["A"]


@pytest.mark.parametrize("query", ["CREATE (:$any($labels))", "MERGE (:$any($labels))", "CREATE (:A|$($labels))"])
def test_create_and_merge_take_no_alternatives(session, query):
    with pytest.raises(CypherSyntaxError) as caught:
        session.run(query, labels=["A"]).consume()
    assert caught.value.message.startswith(f"Label expressions are not allowed in {query.split()[0]}")


def test_a_failing_row_leaves_no_partial_change(session):
    fails(session, "UNWIND $labels AS label CREATE (:$(label))", TYPE_ERROR, labels=["Fine", "Fine", None])
    assert session.run("MATCH (n) RETURN count(n)").single()[0] == 0


# --- privileges -----------------------------------------------------------------------------------------------

def test_dynamic_writes_need_the_privileges_of_the_labels_they_name():
    with DBMS.in_memory(auth_enabled=True, initial_password="admin-secret") as dbms, \
            dbms.session(auth=("neo4j", "admin-secret")) as admin:
        admin.run("CREATE (:Doc), (:Draft:Note:Final)").consume()  # the labels exist: no new token is needed
        for command in ("CREATE ROLE docs", "GRANT MATCH {*} ON GRAPH * NODES * TO docs",
                        "GRANT CREATE ON GRAPH * NODES Doc TO docs", "GRANT SET LABEL Draft ON GRAPH * TO docs",
                        "CREATE USER writer SET PASSWORD 'pw' CHANGE NOT REQUIRED", "GRANT ROLE docs TO writer"):
            admin.run(command).consume()
        with dbms.session(auth=("writer", "pw")) as writer:
            writer.run("CREATE (:$($label))", label="Doc").consume()
            writer.run("MATCH (d:Doc) SET d:$($label)", label="Draft").consume()
            for static, dynamic, label in (("CREATE (:Note)", "CREATE (:$($label))", "Note"),
                                           ("MATCH (d:Doc) SET d:Final", "MATCH (d:Doc) SET d:$($label)", "Final")):
                with pytest.raises(Forbidden) as refused_static:
                    writer.run(static).consume()
                with pytest.raises(Forbidden) as refused_dynamic:
                    writer.run(dynamic, label=label).consume()
                assert refused_dynamic.value.message == refused_static.value.message
        assert admin.run("MATCH (n:Doc) RETURN count(n), count(CASE WHEN n:Draft THEN 1 END), "
                         "count(CASE WHEN n:Final THEN 1 END)").values() == [[2, 2, 0]]


# --- any name round-trips -------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=12).filter(lambda name: "\0" not in name))
def test_any_label_name_round_trips(name):
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE (n:Start) SET n:$($name)", name=name).consume()
        assert name in session.run("MATCH (n:Start) RETURN labels(n)").single()[0]
        assert session.run("MATCH (n:$($name)) RETURN count(n)", name=name).single()[0] == 1
        session.run("MATCH (n:Start) REMOVE n:$($name)", name=name).consume()
        assert session.run("MATCH (n:Start) RETURN labels(n)").single()[0] == ["Start"]


# --- finding nodes by a dynamic label -------------------------------------------------------------------------

@pytest.mark.parametrize("indexed", [False, True])
def test_merge_by_a_dynamic_label_and_a_key_finds_the_one_node(session, indexed):
    if indexed:
        session.run("CREATE INDEX FOR (n:Entity) ON (n.uuid)").consume()
    session.run("UNWIND range(1, 50) AS i CREATE (:Entity:Other {uuid: i})").consume()
    query = "UNWIND $rows AS row MERGE (n:$(row.labels) {uuid: row.uuid}) RETURN n.uuid"
    rows = [{"labels": ["Entity", "Other"], "uuid": 7}, {"labels": "Entity", "uuid": 51}, {"labels": "Other", "uuid": 8}]
    summary = session.run(query, rows=rows)
    assert summary.value() == [7, 51, 8]
    assert summary.consume().counters.nodes_created == 1
    assert session.run("MATCH (n:$any(['Entity', 'Other']) {uuid: $id}) RETURN count(n)", id=7).single()[0] == 1
    assert session.run("MATCH (n:$('Entity') {uuid: $id}) RETURN count(n)", id=None).single()[0] == 0
    plan = session.run("EXPLAIN MATCH (n:$($l) {uuid: 1}) RETURN n", l="Entity").consume().plan
    while plan["children"]:
        plan = plan["children"][0]
    assert plan["operatorType"].startswith("DynamicLabelNodeLookup") and "uuid" in plan["args"]["Details"]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=12).filter(lambda name: "\0" not in name))
def test_any_relationship_type_round_trips(name):
    with DBMS.in_memory() as dbms, dbms.session() as session:
        assert session.run("CREATE ()-[r:$($type)]->() RETURN type(r)", type=name).single()[0] == name
        assert session.run("MATCH ()-[r:$($type)]->() RETURN count(r)", type=name).single()[0] == 1
        assert session.run("MERGE ()-[r:$($type)]->() RETURN count(r)", type=name).single()[0] == 1
