"""The token and schema notifications through the official driver (Bolt 5.6+): UnknownPropertyKeyWarning (01N52)
with its position, IndexOrConstraintAlreadyExists (00NA0) and the deprecated `[:A|:B]` (01N01)."""
from __future__ import annotations

import pytest

pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")


def _notification_statuses(summary) -> list:
    return [status for status in summary.gql_status_objects if status.is_notification]


def test_an_unknown_property_key_reaches_the_driver_as_01n52(driver):
    driver.execute_query("CREATE (:Person {name: 'a'})")
    [warning] = _notification_statuses(driver.execute_query("MATCH (p:Person) RETURN p.nmae").summary)
    assert warning.gql_status == "01N52"
    assert warning.status_description == ("warn: unknown property key. The property `nmae` does not exist in "
                                          "database `neo4j`. Verify that the spelling is correct.")
    assert (warning.position.offset, warning.position.line, warning.position.column) == (26, 1, 27)
    assert warning.raw_classification == "UNRECOGNIZED" and warning.raw_severity == "WARNING"
    assert _notification_statuses(driver.execute_query("MATCH (p:Person) RETURN p.name").summary) == []


def test_an_index_that_exists_and_the_colon_between_types_reach_the_driver(driver):
    driver.execute_query("CREATE INDEX x FOR (n:L) ON (n.p)")
    [note] = _notification_statuses(driver.execute_query("CREATE INDEX x IF NOT EXISTS FOR (n:L) ON (n.p)").summary)
    assert (note.gql_status, note.raw_classification, note.raw_severity) == ("00NA0", "SCHEMA", "INFORMATION")
    driver.execute_query("CREATE ()-[:A]->(), ()-[:B]->()")
    [deprecation] = _notification_statuses(driver.execute_query("MATCH (a)-[:A|:B]->() RETURN a").summary)
    assert deprecation.gql_status == "01N01" and deprecation.raw_classification == "DEPRECATION"
