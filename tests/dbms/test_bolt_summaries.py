"""Summaries through the official driver: GQL statuses (Bolt 5.6) and notifications (Bolt 5.4), the client's
notification filters, the statement type and EXPLAIN/PROFILE plans as Neo4j 5.26 sends them."""
from __future__ import annotations

import warnings

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j import GraphDatabase, NotificationDisabledClassification, NotificationMinimumSeverity  # noqa: E402

from graphplex.bolt import BoltServer  # noqa: E402
from graphplex.bolt import server as bolt_server  # noqa: E402


def _notifications(summary) -> list[dict] | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the driver deprecates the dict form, still used
        return summary.notifications


def _summary_notifications(summary) -> tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return summary.summary_notifications


def test_the_driver_speaks_bolt_5_7_and_reads_gql_statuses(driver):
    driver.verify_connectivity()
    assert driver.get_server_info().protocol_version == (5, 7)  # 5.6's statuses, and GQL errors
    summary = driver.execute_query("MATCH (n:Perso) RETURN n").summary
    no_data, warning = summary.gql_status_objects
    assert (no_data.gql_status, no_data.is_notification) == ("02000", False)
    assert warning.gql_status == "01N50" and warning.is_notification
    assert warning.status_description == ("warn: unknown label. The label `Perso` does not exist in database `neo4j`. "
                                          "Verify that the spelling is correct.")
    assert warning.raw_classification == "UNRECOGNIZED" and warning.raw_severity == "WARNING"
    assert (warning.position.offset, warning.position.line, warning.position.column) == (9, 1, 10)
    [notification] = _summary_notifications(summary)
    assert notification.code == "Neo.ClientNotification.Statement.UnknownLabelWarning"
    assert notification.title == "The provided label is not in the database."
    assert notification.description.endswith("(the missing label name is: Perso)")
    assert _notifications(summary)[0]["severity"] == "WARNING"


def test_an_outcome_status_without_notifications(driver):
    assert [s.gql_status for s in driver.execute_query("RETURN 1 AS x").summary.gql_status_objects] == ["00000"]
    assert [s.gql_status for s in driver.execute_query("CREATE (:T)").summary.gql_status_objects] == ["00001"]
    assert _notifications(driver.execute_query("RETURN 1 AS x").summary) is None


def test_older_bolt_sends_notifications_and_the_driver_derives_statuses(dbms, monkeypatch):
    monkeypatch.setattr(bolt_server, "SUPPORTED", [v for v in bolt_server.SUPPORTED if v < (5, 6)])
    with BoltServer(dbms, port=0) as running, GraphDatabase.driver(running.uri, auth=("neo4j", "x")) as driver:
        driver.verify_connectivity()
        assert driver.get_server_info().protocol_version == (5, 4)
        summary = driver.execute_query("MATCH (a), (b) RETURN id(a)").summary
        codes = sorted(n["code"] for n in _notifications(summary))
        assert codes == ["Neo.ClientNotification.Statement.CartesianProduct",
                         "Neo.ClientNotification.Statement.FeatureDeprecationWarning"]
        assert {s.raw_classification for s in summary.gql_status_objects if s.is_notification} == {
            "PERFORMANCE", "DEPRECATION"}


def test_the_clients_filters_are_honoured(server):
    query = "MATCH (a), (b:Nope) RETURN id(a)"
    with GraphDatabase.driver(server.uri, auth=("neo4j", "x"),
                              notifications_min_severity=NotificationMinimumSeverity.WARNING) as driver:
        codes = [n.code for n in _summary_notifications(driver.execute_query(query).summary)]
        assert sorted(codes) == ["Neo.ClientNotification.Statement.FeatureDeprecationWarning",
                                 "Neo.ClientNotification.Statement.UnknownLabelWarning"]
        with driver.session(notifications_disabled_classifications=[
                NotificationDisabledClassification.DEPRECATION]) as session:
            result = session.run(query)
            codes = [n.code for n in _summary_notifications(result.consume())]
        assert codes == ["Neo.ClientNotification.Statement.UnknownLabelWarning"]
        with driver.session(notifications_min_severity=NotificationMinimumSeverity.OFF) as session:
            with session.begin_transaction() as tx:
                summary = tx.run(query).consume()
        assert _summary_notifications(summary) == () and [s.gql_status for s in summary.gql_status_objects] == [
            "02000"]


@pytest.mark.parametrize(("query", "query_type"), [
    ("CREATE (:T)", "w"), ("MATCH (n) SET n.x = 1", "w"), ("CREATE (n:T) RETURN n", "rw"), ("MATCH (n) RETURN n", "r"),
])
def test_the_statement_type(driver, query, query_type):
    assert driver.execute_query(query).summary.query_type == query_type


def test_explain_and_profile_plans_reach_the_driver_as_neo4j_shapes_them(driver):
    driver.execute_query("UNWIND range(1, 3) AS i CREATE (:N {i: i})")
    plan = driver.execute_query("EXPLAIN MATCH (n:N) RETURN n.i AS i").summary.plan
    assert plan["operatorType"] == "ProduceResults@neo4j" and plan["identifiers"] == ["i"]
    assert plan["children"][0]["children"][0]["operatorType"] == "NodeByLabelScan@neo4j"
    with driver.session() as session:
        result = session.run("PROFILE MATCH (n:N) RETURN n.i AS i")
        assert len(list(result)) == 3
        profile = result.consume().profile
    assert profile["rows"] == 3 and profile["args"]["planner"] == "COST"
    scan = profile["children"][0]["children"][0]
    assert (scan["operatorType"], scan["rows"], scan["dbHits"], scan["identifiers"]) == (
        "NodeByLabelScan@neo4j", 3, 4, ["n"])  # the label's lookup, then each node


def test_every_operator_of_a_profile_reaches_the_driver_with_its_own_figures(driver):
    driver.execute_query("UNWIND range(1, 4) AS i CREATE (:L {i: i})-[:T]->(:M {x: i})")
    with driver.session() as session:
        result = session.run("PROFILE MATCH (a:L)-[:T]->(b) WHERE b.x > 1 RETURN a.i AS i")
        assert len(list(result)) == 3
        profile = result.consume().profile
    line = [profile]
    while line[-1]["children"]:
        line.append(line[-1]["children"][0])
    assert [(node["operatorType"].split("@")[0], node["rows"]) for node in line] == [
        ("ProduceResults", 3), ("Projection", 3), ("Filter", 3), ("Expand(All)", 4), ("NodeByLabelScan", 4)]
    assert [node["dbHits"] for node in line[2:]] == [4, 4, 5]
    assert all(isinstance(node["args"]["EstimatedRows"], float) and node["time"] >= 0 for node in line)
    assert line[3]["args"]["Details"] == "(a)-[anon_0:T]->(b)"
