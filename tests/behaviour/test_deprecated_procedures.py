"""Deprecated procedures as Neo4j 5.26 reports them: SHOW PROCEDURES' isDeprecated, deprecatedBy and option, and
the FeatureDeprecationWarning a CALL of one brings (01N01 with a replacement, 01N02 without), through the session
API and through the official driver.

Expected values: the deprecated built-ins and their `deprecatedBy` are those of a Neo4j SHOW PROCEDURES dump
(neo4j/cypher-language-support, packages/language-support/src/tests/testData.ts); the notification words are
Neo4j's NotificationCodeWithDescription DEPRECATED_PROCEDURE_WITH/WITHOUT_REPLACEMENT as its
NotificationCodeWithDescriptionTest checks them, placed where the CALL clause starts (the `ResolvedCall` position)."""
from __future__ import annotations

import warnings

import pytest

from graphplex.bolt import BoltServer
from graphplex.databases.cypher.procedures import procedure, unregister

DEPRECATION = "Neo.ClientNotification.Statement.FeatureDeprecationWarning"
TITLE = "This feature is deprecated and will be removed in future versions."
SET_VECTOR = "MATCH (n:Doc) CALL db.create.setVectorProperty(n, 'embedding', [1.0, 2.0]) YIELD node RETURN node"


@pytest.fixture
def docs(session):
    session.run("CREATE (:Doc)").consume()
    return session


def _rows(session, names: list[str]) -> dict[str, dict]:
    rows = session.run("SHOW PROCEDURES YIELD name, isDeprecated, deprecatedBy, option "
                       "WHERE name IN $names RETURN *", {"names": names}).data()
    return {row.pop("name"): row for row in rows}


# --- SHOW PROCEDURES ------------------------------------------------------------------------------------------

def test_show_procedures_lists_the_deprecated_vector_procedures_and_their_replacements(session):
    rows = _rows(session, ["db.create.setVectorProperty", "db.index.vector.createNodeIndex",
                           "db.create.setNodeVectorProperty"])
    assert rows == {
        "db.create.setVectorProperty": {"isDeprecated": True, "deprecatedBy": "db.create.setNodeVectorProperty",
                                        "option": {"deprecated": True}},
        "db.index.vector.createNodeIndex": {"isDeprecated": True, "deprecatedBy": "CREATE VECTOR INDEX",
                                            "option": {"deprecated": True}},
        "db.create.setNodeVectorProperty": {"isDeprecated": False, "deprecatedBy": None,
                                            "option": {"deprecated": False}}}


def test_only_the_procedures_neo4j_deprecates_are_listed_as_deprecated(session):
    deprecated = session.run("SHOW PROCEDURES YIELD name, isDeprecated WHERE isDeprecated RETURN name").value()
    assert sorted(deprecated) == ["db.create.setVectorProperty", "db.index.vector.createNodeIndex"]


def test_show_functions_lists_id_as_deprecated_without_a_replacement(session):
    [row] = session.run("SHOW FUNCTIONS YIELD name, isDeprecated, deprecatedBy WHERE name = 'id' RETURN *").data()
    assert row == {"name": "id", "isDeprecated": True, "deprecatedBy": None}


# --- the notification -----------------------------------------------------------------------------------------

def test_a_call_of_a_deprecated_procedure_is_reported_with_its_replacement(docs):
    summary = docs.run(SET_VECTOR).consume()
    assert summary.notifications == [{
        "code": DEPRECATION, "title": TITLE,
        "description": "The query used a deprecated procedure. ('db.create.setVectorProperty' has been replaced by "
                       "'db.create.setNodeVectorProperty')",
        "severity": "WARNING", "category": "DEPRECATION", "position": {"offset": 14, "line": 1, "column": 15}}]
    warning = [s for s in summary.gql_status_objects if s.gql_status == "01N01"]
    assert [s.status_description for s in warning] == [
        "warn: feature deprecated with replacement. `db.create.setVectorProperty` is deprecated. It is replaced by "
        "`db.create.setNodeVectorProperty`."]


def test_a_standalone_call_is_placed_at_its_call_keyword(session):
    summary = session.run("\n  CALL db.index.vector.createNodeIndex('docs', 'Doc', 'embedding', 2, 'COSINE')").consume()
    [notification] = summary.notifications
    assert notification["description"] == ("The query used a deprecated procedure. "
                                           "('db.index.vector.createNodeIndex' has been replaced by "
                                           "'CREATE VECTOR INDEX')")
    assert notification["position"] == {"offset": 3, "line": 2, "column": 3}
    assert session.run("SHOW VECTOR INDEXES YIELD name").value() == ["docs"]  # it still ran


def test_a_procedure_deprecated_without_replacement_is_reported_as_such(docs):
    @procedure("test.deprecated.noReplacement", outputs=[("x", "INTEGER")], deprecated_by="")
    def no_replacement(ctx):
        yield {"x": 1}
    try:
        summary = docs.run("CALL test.deprecated.noReplacement() YIELD x RETURN x").consume()
        [row] = _rows(docs, ["test.deprecated.noReplacement"]).values()
    finally:
        unregister("test.deprecated.noReplacement")
    [notification] = summary.notifications
    assert notification["description"] == "The query used a deprecated procedure: `test.deprecated.noReplacement`."
    assert notification["position"] == {"offset": 0, "line": 1, "column": 1}
    [status] = [s for s in summary.gql_status_objects if s.gql_status == "01N02"]
    assert status.status_description == ("warn: feature deprecated without replacement. "
                                         "`test.deprecated.noReplacement` is deprecated and will be removed without "
                                         "a replacement.")
    assert row == {"isDeprecated": True, "deprecatedBy": "", "option": {"deprecated": True}}


def test_procedures_that_are_not_deprecated_bring_no_notification(docs):
    summary = docs.run("MATCH (n:Doc) CALL db.create.setNodeVectorProperty(n, 'embedding', [1.0, 2.0]) "
                       "RETURN count(*) AS c").consume()
    assert summary.notifications is None
    assert docs.run("CALL db.labels()").consume().notifications is None


# --- through the official driver ------------------------------------------------------------------------------

@pytest.fixture
def driver(dbms):
    neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
    with BoltServer(dbms, port=0) as running, \
            neo4j.GraphDatabase.driver(running.uri, auth=("neo4j", "unused")) as instance:
        yield instance


def test_the_driver_receives_the_deprecation_of_a_procedure(driver):
    driver.execute_query("CREATE (:Doc)")
    summary = driver.execute_query(SET_VECTOR).summary
    [warning] = [s for s in summary.gql_status_objects if s.is_notification]
    assert warning.gql_status == "01N01" and warning.raw_classification == "DEPRECATION"
    assert warning.status_description == (
        "warn: feature deprecated with replacement. `db.create.setVectorProperty` is deprecated. It is replaced by "
        "`db.create.setNodeVectorProperty`.")
    assert (warning.position.offset, warning.position.line, warning.position.column) == (14, 1, 15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the driver deprecates summary_notifications
        [notification] = summary.summary_notifications
    assert notification.code == DEPRECATION and notification.title == TITLE
    assert notification.description == ("The query used a deprecated procedure. ('db.create.setVectorProperty' has "
                                        "been replaced by 'db.create.setNodeVectorProperty')")


def test_the_driver_receives_no_deprecation_for_a_current_procedure(driver):
    summary = driver.execute_query("CALL db.labels()").summary
    assert [s.gql_status for s in summary.gql_status_objects if s.is_notification] == []
