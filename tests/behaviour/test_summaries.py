"""Result summaries as Neo4j 5.26 reports them: the statement type, notifications, plans and dbms.components."""
from __future__ import annotations

import pytest
from packaging.version import Version


@pytest.mark.parametrize(("query", "query_type"), [
    ("MATCH (n) RETURN n", "r"),
    ("CREATE (:T)", "w"),
    ("MATCH (n) SET n.x = 1", "w"),
    ("MERGE (n:T {k: 1})", "w"),
    ("MATCH (n) DETACH DELETE n", "w"),
    ("CREATE (n:T) RETURN n", "rw"),
    ("MERGE (n:T {k: 1}) RETURN n.k", "rw"),
    ("UNWIND [1, 2] AS i CREATE (:T {i: i})", "w"),
    ("CALL db.labels()", "r"),
    ("EXPLAIN CREATE (:T)", "w"),
    ("CREATE INDEX FOR (n:T) ON (n.k)", "s"),
])
def test_a_write_without_rows_is_w_and_with_rows_rw(session, query, query_type):
    assert session.run(query).consume().query_type == query_type


def test_dbms_components_report_a_version_packaging_parses(session):
    record = session.run("CALL dbms.components() YIELD name, versions, edition RETURN *").single()
    assert record["name"] == "Neo4j Kernel" and record["edition"] == "community"
    assert Version(record["versions"][0]) == Version("5.26.0")


# --- notifications ------------------------------------------------------------------------------------------

def _codes(summary) -> list[str]:
    return [n["code"] for n in summary.notifications or ()]


def test_match_on_a_label_the_database_does_not_hold_warns(session):
    session.run("CREATE (:Person)").consume()
    summary = session.run("MATCH (n:Perso) RETURN n").consume()
    assert summary.notifications == [{
        "code": "Neo.ClientNotification.Statement.UnknownLabelWarning",
        "title": "The provided label is not in the database.",
        "description": "One of the labels in your query is not available in the database, make sure you didn't "
                       "misspell it or that the label is available when you run this statement in your application "
                       "(the missing label name is: Perso)",
        "severity": "WARNING", "category": "UNRECOGNIZED", "position": {"offset": 9, "line": 1, "column": 10}}]
    outcome, warning = summary.gql_status_objects  # the driver's order: no data, warnings, success, information
    assert warning.gql_status == "01N50" and warning.is_notification
    assert warning.status_description == ("warn: unknown label. The label `Perso` does not exist in database `neo4j`. "
                                          "Verify that the spelling is correct.")
    assert warning.raw_classification == "UNRECOGNIZED" and warning.raw_severity == "WARNING"
    assert warning.diagnostic_record["OPERATION_CODE"] == "0"
    assert (outcome.gql_status, outcome.is_notification) == ("02000", False)
    assert _codes(session.run("MATCH (n:Person) RETURN n").consume()) == []


def test_an_unknown_relationship_type_warns_and_create_does_not(session):
    summary = session.run("MATCH (a)-[:KNOWS]->(b) RETURN a").consume()
    assert _codes(summary) == ["Neo.ClientNotification.Statement.UnknownRelationshipTypeWarning"]
    assert summary.notifications[0]["description"].endswith("(the missing relationship type is: KNOWS)")
    assert [s.gql_status for s in summary.gql_status_objects] == ["02000", "01N51"]
    assert _codes(session.run("CREATE (:A)-[:KNOWS]->(:B)").consume()) == []


def test_the_warning_looks_at_the_database_when_the_statement_runs_not_when_it_was_planned(session):
    query = "MATCH (n:Later) RETURN count(n) AS c"
    assert _codes(session.run(query).consume()) == ["Neo.ClientNotification.Statement.UnknownLabelWarning"]
    session.run("CREATE (:Later)").consume()
    assert _codes(session.run(query).consume()) == []


def test_disconnected_patterns_report_a_cartesian_product(session):
    summary = session.run("MATCH (c:Child), (p:Parent) RETURN c, p").consume()
    product = [n for n in summary.notifications if n["code"].endswith("CartesianProduct")]
    assert product[0]["severity"] == "INFORMATION" and product[0]["category"] == "PERFORMANCE"
    assert product[0]["description"].endswith("by using OPTIONAL MATCH (identifier is: (p))")
    status = [s for s in summary.gql_status_objects if s.gql_status == "03N90"][0]
    assert status.status_description == ("info: cartesian product. The disconnected patterns `(c:Child), (p:Parent)` "
                                         "build a cartesian product. A cartesian product may produce a large amount "
                                         "of data and slow down query processing.")
    assert summary.gql_status_objects[-1] == status  # information comes after the outcome
    assert _codes(session.run("MATCH (c)-->(p), (p)-->(q) RETURN c").consume()) == []


def test_id_is_a_deprecated_function(session):
    session.run("CREATE (:T)").consume()
    summary = session.run("MATCH (a:T) RETURN id(a) AS i").consume()
    assert summary.notifications == [{
        "code": "Neo.ClientNotification.Statement.FeatureDeprecationWarning",
        "title": "This feature is deprecated and will be removed in future versions.",
        "description": "The query used a deprecated function: `id`.", "severity": "WARNING",
        "category": "DEPRECATION", "position": {"offset": 19, "line": 1, "column": 20}}]
    assert [s.gql_status for s in summary.gql_status_objects] == ["01N02", "00000"]
    assert _codes(session.run("MATCH (a:T) RETURN elementId(a) AS i").consume()) == []


def test_a_statement_without_notifications_has_only_its_outcome_status(session):
    summary = session.run("CREATE (:T)").consume()
    assert summary.notifications is None
    assert [(s.gql_status, s.status_description) for s in summary.gql_status_objects] == [
        ("00001", "note: successful completion - omitted result")]


# --- EXPLAIN and PROFILE ------------------------------------------------------------------------------------

def _chain(tree: dict) -> list[str]:
    """The operator types from the root down the first child of each (the statement's main line)."""
    names = []
    while tree:
        names.append(tree["operatorType"])
        tree = tree["children"][0] if tree["children"] else None
    return names


def test_explain_gives_neo4js_operator_tree_with_the_source_at_the_bottom(session):
    session.run("CREATE (:A)-[:R]->(:B)").consume()
    summary = session.run("EXPLAIN MATCH (a:A)-[:R]->(b) WHERE b.x IS NULL RETURN b").consume()
    assert summary.profile is None
    plan = summary.plan
    assert _chain(plan) == ["ProduceResults@neo4j", "Projection@neo4j", "Filter@neo4j", "Expand(All)@neo4j",
                            "NodeByLabelScan@neo4j"]
    assert plan["identifiers"] == ["b"] and plan["args"]["planner"] == "COST"
    assert plan["args"]["runtime"] == "SLOTTED" and plan["args"]["Details"] == "b"
    scan = plan["children"][0]["children"][0]["children"][0]["children"][0]
    assert scan["identifiers"] == ["a"] and scan["args"]["Details"] == "a:A" and scan["children"] == []
    assert "rows" not in scan


def test_explain_names_the_index_seek(session):
    session.run("CREATE INDEX FOR (p:Person) ON (p.name)").consume()
    plan = session.run("EXPLAIN MATCH (p:Person {name: $name}) RETURN p.name AS name", {"name": "x"}).consume().plan
    assert _chain(plan)[-1] == "NodeIndexSeek@neo4j"


def test_profile_counts_rows_per_operator_and_what_was_read(session):
    session.run("UNWIND range(1, 4) AS i CREATE (:N {i: i})").consume()
    result = session.run("PROFILE MATCH (n:N) WHERE n.i > 1 RETURN n.i AS i")
    assert sorted(record["i"] for record in result) == [2, 3, 4]
    summary = result.consume()
    assert summary.plan is None
    profile = summary.profile
    assert _chain(profile) == ["ProduceResults@neo4j", "Projection@neo4j", "Filter@neo4j", "NodeByLabelScan@neo4j"]
    assert profile["rows"] == 3 and profile["args"]["Rows"] == 3
    filtered = profile["children"][0]["children"][0]
    assert filtered["rows"] == 3 and filtered["dbHits"] == 4 and filtered["time"] >= 0  # one read of each node
    assert {"pageCacheHits", "pageCacheMisses"} <= filtered.keys()
    scan = filtered["children"][0]  # a step of the MATCH, measured apart: the label's lookup and its 4 nodes
    assert scan["rows"] == 4 and scan["dbHits"] == 5 and "Pipeline" not in scan["args"]


def test_dropping_what_does_not_exist_if_exists_has_no_effect_and_says_so(session):
    summary = session.run("DROP INDEX nonExistingIndex IF EXISTS").consume()
    assert summary.notifications == [{
        "code": "Neo.ClientNotification.Schema.IndexOrConstraintDoesNotExist",
        "title": "`DROP INDEX nonExistingIndex IF EXISTS` has no effect.",
        "description": "`nonExistingIndex` does not exist.", "severity": "INFORMATION", "category": "SCHEMA"}]
    assert summary.gql_status_objects[0].gql_status == "00NA1"
    assert summary.gql_status_objects[0].status_description == (
        "note: successful completion - index or constraint does not exist. `DROP INDEX nonExistingIndex IF EXISTS` "
        "has no effect. `nonExistingIndex` does not exist.")
    summary = session.run("DROP CONSTRAINT $name IF EXISTS", {"name": "gone"}).consume()
    assert summary.notifications[0]["title"] == "`DROP CONSTRAINT $name IF EXISTS` has no effect."
    session.run("CREATE INDEX present FOR (n:T) ON (n.k)").consume()
    assert session.run("DROP INDEX present IF EXISTS").consume().notifications is None


def test_a_call_subquery_importing_with_with_is_deprecated(session):
    summary = session.run("WITH 42 AS nbr\nCALL {\n  WITH nbr\n  RETURN nbr + 3 AS otherNbr\n}\nRETURN otherNbr").consume()
    [notification] = summary.notifications
    assert notification["code"] == "Neo.ClientNotification.Statement.FeatureDeprecationWarning"
    assert notification["description"] == ("`CALL` subquery without a variable scope clause is deprecated. "
                                           "Use `CALL (nbr) {...}`")
    assert notification["position"] == {"offset": 15, "line": 2, "column": 1}
    assert summary.gql_status_objects[0].status_description == (
        "warn: feature deprecated. `CALL` subquery without a variable scope clause is deprecated. "
        "Use `CALL (nbr) {...}`")
    assert session.run("WITH 42 AS nbr CALL (nbr) { RETURN nbr + 3 AS o } RETURN o").consume().notifications is None
    assert session.run("CALL { WITH 1 AS a RETURN a } RETURN a").consume().notifications is None


def test_shortest_paths_of_fixed_length_are_deprecated_and_unbounded_ones_slow(session):
    summary = session.run("MATCH (a:Start), p = shortestPath((a)-[r]->()) RETURN a").consume()
    deprecation = [s for s in summary.gql_status_objects if s.gql_status == "01N01"][0]
    assert deprecation.status_description == ("warn: feature deprecated with replacement. "
                                              "`shortestPath((a)-[r]->())` is deprecated. "
                                              "It is replaced by `shortestPath((n)-[r*1..1]->(m))`.")
    assert [n["code"] for n in summary.notifications if n["category"] == "DEPRECATION"] == [
        "Neo.ClientNotification.Statement.FeatureDeprecationWarning"]
    summary = session.run("MATCH (n:Start) MATCH (m:Start) MATCH p = shortestPath((n)-[*]->(m)) RETURN p").consume()
    unbounded = [s for s in summary.gql_status_objects if s.gql_status == "03N91"][0]
    assert unbounded.status_description.startswith(
        "info: unbounded variable length pattern. The provided pattern `(n)-[*]->(m)` is unbounded.")
    assert unbounded.position == {"offset": 42, "line": 1, "column": 43}
    summary = session.run("MATCH (n:Start) MATCH (m:Start) MATCH p = shortestPath((n)-[*..5]->(m)) RETURN p").consume()
    assert not [s for s in summary.gql_status_objects if s.gql_status in ("03N91", "01N01")]
