"""The notification table and what the planner finds, without a DBMS: positions, filters, cartesian products."""
from __future__ import annotations

from graphplex.databases import Database
from graphplex.databases.cypher.notifications import KINDS, cartesian_product, locate, unknown_label, wanted
from graphplex.databases.cypher.parser import parse
from graphplex.databases.cypher.plan_description import operators_of


def _match_pattern(text: str):
    return parse(text).parts[0].clauses[0].pattern


def test_every_kind_has_a_neo4j_code_and_a_gql_status():
    for kind in KINDS.values():
        assert kind.code.startswith("Neo.ClientNotification.") and len(kind.gql_status) == 5
        assert kind.severity in ("WARNING", "INFORMATION")


def test_a_position_counts_lines_and_columns_from_one_and_the_offset_from_zero():
    [found] = locate([unknown_label("Perso")], "MATCH (a)\nWITH a\nMATCH (n:`Perso`) RETURN n")
    assert found.position == {"offset": 27, "line": 3, "column": 11}
    [missing] = locate([unknown_label("Perso")], "RETURN 1")
    assert missing.position is None


def test_filters_by_minimum_severity_and_category():
    warning = unknown_label("X")
    assert wanted(warning, None) and wanted(warning, "WARNING") and wanted(warning, "INFORMATION")
    assert not wanted(warning, "OFF") and not wanted(warning, None, ["UNRECOGNIZED"])
    product = cartesian_product(_match_pattern("MATCH (a), (b) RETURN a"), set())
    assert not wanted(product, "WARNING") and wanted(product, "INFORMATION", ["DEPRECATION"])


def test_parts_joined_by_a_variable_or_by_what_was_bound_before_are_connected():
    assert cartesian_product(_match_pattern("MATCH (a)-->(b), (b)-->(c) RETURN a"), set()) is None
    assert cartesian_product(_match_pattern("MATCH (a)-->(x), (b)-->(y) RETURN a"), {"a", "b"}) is None
    product = cartesian_product(_match_pattern("MATCH (a:A)-[r:R]->(x), (b) RETURN a"), set())
    assert product.name == "(a:A)-[r:R]->(x), (b)" and product.detail == "identifier is: (b)"


def test_a_label_scan_filtered_on_a_property_shows_as_a_filter_over_the_scan():
    db = Database()
    plan = db.execute("EXPLAIN MATCH (n:P {k: 1})<-[:R*1..2]-(m) RETURN m").plan_description()
    names = [op["operatorType"] for op in operators_of(plan)]
    assert names[-3:] == ["VarLengthExpand(All)@neo4j", "Filter@neo4j", "NodeByLabelScan@neo4j"]
