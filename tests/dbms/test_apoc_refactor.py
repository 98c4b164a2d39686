"""apoc.refactor.mergeNodes through the official driver, as neo4j-graphrag's entity resolver calls it, and APOC
5.26's rules for properties, labels and relationships."""
from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")

# neo4j-graphrag, src/neo4j_graphrag/experimental/components/resolver.py (SinglePropertyExactMatchResolver.run,
# no filter query, resolve_property "name").
MATCH_QUERY = "MATCH (entity:__Entity__) "
MERGE_NODES_QUERY = (
    f"{MATCH_QUERY} "
    f"WITH entity, entity.name as prop "
    "WITH entity, prop WHERE prop IS NOT NULL "
    "UNWIND labels(entity) as lab  "
    "WITH lab, prop, entity WHERE NOT lab IN ['__Entity__', '__KGBuilder__'] "
    "WITH prop, lab, collect(entity) AS entities "
    "CALL apoc.refactor.mergeNodes(entities,{ "
    " properties:'discard', "
    " mergeRels:true "
    "}) "
    "YIELD node "
    "RETURN count(node) as c "
)


def test_graphrag_entity_resolution_merges_nodes_of_one_label_and_name(driver):
    driver.execute_query(
        "CREATE (h1:__Entity__:Person {name: 'Harry', age: 11}), (h2:__Entity__:Person {name: 'Harry', "
        "age: 12, house: 'Gryffindor'}), (s:__Entity__:Place {name: 'Hogwarts'}), (r:__Entity__:Person {name: 'Ron'}),"
        " (h1)-[:LIVES_IN {since: 1991}]->(s), (h2)-[:LIVES_IN {since: 1992}]->(s), (r)-[:FRIEND]->(h2)")
    records, summary, _ = driver.execute_query(MERGE_NODES_QUERY)
    assert records[0]["c"] == 3
    assert (summary.counters.nodes_deleted, summary.counters.relationships_deleted) == (1, 3)
    people = driver.execute_query("MATCH (p:Person) RETURN p.name AS name, p.age AS age, p.house AS house, "
                                  "apoc.coll.sort(labels(p)) AS labels ORDER BY name").records
    assert [record.data() for record in people] == [
        {"name": "Harry", "age": 11, "house": "Gryffindor", "labels": ["Person", "__Entity__"]},
        {"name": "Ron", "age": None, "house": None, "labels": ["Person", "__Entity__"]},
    ]
    rels = driver.execute_query("MATCH (a)-[r]->(b) RETURN a.name AS a, type(r) AS type, r.since AS since, "
                                "b.name AS b ORDER BY type").records
    assert [record.data() for record in rels] == [
        {"a": "Ron", "type": "FRIEND", "since": None, "b": "Harry"},
        {"a": "Harry", "type": "LIVES_IN", "since": 1991, "b": "Hogwarts"},
    ]


def test_properties_overwrite_by_default_and_relationships_combine(driver):
    driver.execute_query("CREATE (a:A {k: 1, x: 'a'}), (b:B {k: 2}), (c:C), (a)-[:R {w: 1}]->(c), "
                         "(b)-[:R {w: 2}]->(c)")
    records, _, _ = driver.execute_query(
        "MATCH (a:A), (b:B) CALL apoc.refactor.mergeNodes([a, b], {mergeRels: true}) YIELD node "
        "RETURN node.k AS k, node.x AS x, labels(node) AS labels")
    assert records[0].data() == {"k": 2, "x": "a", "labels": ["A", "B"]}
    weights = driver.execute_query("MATCH ()-[r:R]->() RETURN r.w AS w").records
    assert [record["w"] for record in weights] == [[1, 2]]


def test_combine_collects_values_and_self_relationships_follow_the_merge(driver):
    driver.execute_query("CREATE (a:A {tag: 'x'}), (b:A {tag: ['y', 'x']}), (a)-[:T]->(b)")
    records, _, _ = driver.execute_query(
        "MATCH (a:A {tag: 'x'}), (b:A) WHERE b <> a "
        "CALL apoc.refactor.mergeNodes([a, b], {properties: 'combine'}) YIELD node "
        "RETURN node.tag AS tag, COUNT { (node)-[:T]->(node) } AS loops")
    assert records[0].data() == {"tag": ["x", "y"], "loops": 1}


def test_no_nodes_no_rows(driver):
    records, _, _ = driver.execute_query("CALL apoc.refactor.mergeNodes([]) YIELD node RETURN node")
    assert records == []
