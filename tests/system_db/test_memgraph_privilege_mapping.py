"""Memgraph's privileges as Neo4j rules: what a GRANT, DENY and REVOKE of them store and remove."""
from __future__ import annotations

import pytest

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import ClientError
from graphplex.system_db.security.memgraph_privileges import (
    EQUIVALENTS, granted_rules, mapped_names, revoked_rules,
)
from graphplex.system_db.security.model import ALL, DENIED, GRANTED, Rule
from graphplex.system_db.security.rules import command_of, rules_of


def commands(rules) -> list[str]:
    return sorted(command_of(rule) for rule in rules)


def test_transaction_management_is_neo4j_s_for_every_user_on_every_database():
    assert commands(granted_rules(("TRANSACTION_MANAGEMENT",), GRANTED, "ops")) == [
        "GRANT TRANSACTION MANAGEMENT (*) ON DATABASE * TO `ops`"]


def test_a_deny_leaves_the_shared_name_management_out():
    assert "GRANT NAME MANAGEMENT ON DATABASE * TO `w`" in commands(granted_rules(("CREATE",), GRANTED, "w"))
    assert commands(granted_rules(("CREATE",), DENIED, "w")) == [
        "DENY CREATE ON GRAPH * NODE * TO `w`", "DENY CREATE ON GRAPH * RELATIONSHIP * TO `w`"]


def test_a_revoke_keeps_name_management_while_another_privilege_that_brings_it_is_held():
    held = granted_rules(("CREATE", "SET"), GRANTED, "w")
    names = Rule(GRANTED, "NAME MANAGEMENT", "DATABASE", role="w")
    assert names not in revoked_rules(("CREATE",), "w", held)
    assert names in revoked_rules(("CREATE", "SET"), "w", held)
    denied = granted_rules(("CREATE",), DENIED, "w") + granted_rules(("SET",), GRANTED, "w")
    assert names in revoked_rules(("SET",), "w", denied)   # a denied CREATE needs no new names


def test_all_privileges_is_every_mapped_name():
    assert mapped_names((ast.MEMGRAPH_ALL_PRIVILEGES,)) == tuple(EQUIVALENTS)


def test_names_without_equivalent_are_refused_together():
    with pytest.raises(ClientError) as caught:
        mapped_names(("INDEX", "DUMP", "STATS"))
    assert caught.value.code == "Neo.ClientError.Statement.UnsupportedAdministrationCommand"
    assert "DUMP, STATS have no equivalent" in caught.value.message


def test_every_equivalent_is_a_privilege_neo4j_has_in_its_scope():
    for privileges in EQUIVALENTS.values():
        for privilege in privileges:
            for rule in rules_of(privilege, GRANTED, "r"):
                assert isinstance(parse(command_of(rule)), ast.PrivilegeCommand)


def test_the_qualifier_of_every_user_is_all():
    rule, = granted_rules(("TRANSACTION_MANAGEMENT",), GRANTED, "ops")
    assert rule.qualifier == ALL
