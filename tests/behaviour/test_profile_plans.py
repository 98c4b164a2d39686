"""PROFILE and EXPLAIN plans as Neo4j 5.26 fills them in: every operator, each step of a MATCH included, has its
own rows, database hits and time when profiled, and an estimate of its rows always; details as Neo4j writes them."""
from __future__ import annotations

import pytest

QUERY = "MATCH (a:L)-[:T]->(b) WHERE b.x > 1 RETURN a"


def _line(tree: dict) -> list[dict]:
    """The operators from the root down the first child of each."""
    found = []
    while tree:
        found.append(tree)
        tree = tree["children"][0] if tree["children"] else None
    return found


def _all(tree: dict) -> list[dict]:
    return [tree] + [node for child in tree["children"] for node in _all(child)]


def _count(session, query: str) -> int:
    return session.run(query).single()[0]


@pytest.fixture
def graph(session):
    """L nodes with T relationships to nodes of x 0..3, some L nodes alone, and relationships of another type."""
    session.run("UNWIND range(1, 12) AS i CREATE (a:L {i: i}) WITH a, i WHERE i <= 8 "
                "CREATE (a)-[:T]->(:M {x: i % 4}) CREATE (a)-[:U]->(:M {x: 9})").consume()
    session.run("MATCH (a:L {i: 1}), (b:M {x: 2}) WITH a, b LIMIT 1 CREATE (a)-[:T]->(b)").consume()
    return session


def test_each_operator_of_a_match_reports_the_rows_it_really_produced(graph):
    result = graph.run("PROFILE " + QUERY)
    returned = len(list(result))
    root, projection, filtered, expand, scan = _line(result.consume().profile)
    assert [node["operatorType"] for node in (root, projection, filtered, expand, scan)] == [
        "ProduceResults@neo4j", "Projection@neo4j", "Filter@neo4j", "Expand(All)@neo4j", "NodeByLabelScan@neo4j"]
    assert scan["rows"] == _count(graph, "MATCH (a:L) RETURN count(a)") == 12
    assert expand["rows"] == _count(graph, "MATCH (a:L)-[:T]->(b) RETURN count(*)") == 9
    assert filtered["rows"] == _count(graph, "MATCH (a:L)-[:T]->(b) WHERE b.x > 1 RETURN count(*)") == returned
    assert projection["rows"] == root["rows"] == returned == 5
    assert all("Pipeline" not in node["args"] for node in (filtered, expand, scan))


def test_database_hits_count_what_each_operator_read_from_the_store(graph):
    *_, filtered, expand, scan = _line(graph.run("PROFILE " + QUERY).consume().profile)
    assert scan["dbHits"] == 12 + 1  # the label's lookup, then each of its nodes
    assert expand["dbHits"] == 9  # each T relationship followed (the U ones are not of the type asked)
    assert filtered["dbHits"] == 9  # b's properties read once per row
    assert all(node["time"] >= 0 and node["args"]["Time"] == node["time"] for node in (filtered, expand, scan))


def test_rows_are_consistent_from_the_source_up(graph):
    profile = graph.run("PROFILE MATCH (a:L) OPTIONAL MATCH (a)-[:T]->(b) WHERE b.x = 2 "
                        "RETURN a.i AS i, b.x AS x ORDER BY i").consume().profile
    operators = _all(profile)
    assert all({"rows", "dbHits", "time", "pageCacheHits"} <= node.keys() for node in operators)
    optional = next(node for node in operators if node["operatorType"] == "Optional@neo4j")
    assert optional["rows"] == 12  # each L node once: with its matches, or alone with b null
    assert profile["rows"] == 12
    steps = _line(optional["children"][0])
    assert [node["operatorType"] for node in steps] == [
        "Filter@neo4j", "Expand(All)@neo4j", "Argument@neo4j", "NodeByLabelScan@neo4j"]
    assert steps[0]["rows"] == _count(graph, "MATCH (a:L)-[:T]->(b) WHERE b.x = 2 RETURN count(*)") == 3


def test_the_operators_of_a_subquery_are_measured_too(graph):
    profile = graph.run("PROFILE MATCH (a:L) CALL { WITH a MATCH (a)-[:T]->(b) RETURN b } "
                        "RETURN count(b) AS n").consume().profile
    apply = next(node for node in _all(profile) if node["operatorType"] == "Apply@neo4j")
    inner_expand = next(node for node in _all(apply["children"][1]) if node["operatorType"] == "Expand(All)@neo4j")
    assert apply["rows"] == inner_expand["rows"] == 9
    assert inner_expand["dbHits"] == 9


def test_explain_estimates_every_operators_rows_and_measures_nothing(graph):
    plan = graph.run("EXPLAIN " + QUERY).consume().plan
    operators = _all(plan)
    assert all(isinstance(node["args"]["EstimatedRows"], float) for node in operators)
    assert not any("rows" in node or "Rows" in node["args"] for node in operators)
    scan = _line(plan)[-1]
    assert scan["args"]["EstimatedRows"] == 12.0  # the label's count
    assert graph.run("PROFILE " + QUERY).consume().profile["args"]["EstimatedRows"] > 0


def test_details_read_as_neo4js(graph):
    graph.run("CREATE INDEX FOR (p:Person) ON (p.name)").consume()
    plan = graph.run("EXPLAIN " + QUERY).consume().plan
    *_, filtered, expand, scan = _line(plan)
    assert expand["args"]["Details"] == "(a)-[anon_0:T]->(b)"
    assert filtered["args"]["Details"] == "b.x > 1" and scan["args"]["Details"] == "a:L"
    details = [node["args"].get("Details") for node in _line(graph.run(
        "EXPLAIN MATCH (p:Person {name: $name})<-[r:T*..2]-(q) RETURN q").consume().plan)]
    assert details[-2:] == ["(p)<-[r:T*..2]-(q)", "RANGE INDEX p:Person(name) WHERE name = $name"]
    labelled = _line(graph.run("EXPLAIN MATCH (a:L:M) RETURN a").consume().plan)
    assert [node["args"]["Details"] for node in labelled[-2:]] == ["a:M", "a:L"]


def test_an_equality_no_index_answers_is_a_label_scan_and_a_filter_each_measured(graph):
    result = graph.run("PROFILE MATCH (a:L {i: 3}) RETURN a.i AS i")
    assert [record["i"] for record in result] == [3]
    *_, filtered, scan = _line(result.consume().profile)
    assert (scan["operatorType"], scan["rows"], scan["dbHits"]) == ("NodeByLabelScan@neo4j", 12, 13)
    assert (filtered["args"]["Details"], filtered["rows"], filtered["dbHits"]) == ("a.i = 3", 1, 12)


def test_projections_sorts_limits_and_filters_after_with_read_as_neo4js(graph):
    details = [node["args"].get("Details") for node in _line(graph.run(
        "EXPLAIN MATCH (a:L) WITH a, a.i AS i WHERE i > 2 RETURN a.i AS ai ORDER BY ai DESC LIMIT 3").consume().plan)]
    assert "a.i AS `ai`" in details and "ai DESC" in details and "3" in details and "i > 2" in details
