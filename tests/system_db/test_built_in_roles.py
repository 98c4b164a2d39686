"""The built-in roles' privileges are written out as rules (a DBMS parses nothing to start); they must stay
exactly what Neo4j's GRANT commands for those roles make."""
import pytest

from graphplex.databases.cypher.parser import parse
from graphplex.system_db.security.model import GRANTED
from graphplex.system_db.security.passwords import verify_password
from graphplex.system_db.security.rules import BUILT_IN_COMMANDS, BUILT_IN_ROLES, built_in_rules, rules_of
from graphplex.system_db.security.store import DEFAULT_PASSWORD_HASH


def parsed_rules(role: str) -> tuple:
    """What the built-in role's GRANT commands make when parsed (each role has those of the roles before it)."""
    order = BUILT_IN_ROLES[1:]
    roles = ["PUBLIC"] if role == "PUBLIC" else order[:order.index(role) + 1]
    rules = []
    for earlier in roles:
        for command in BUILT_IN_COMMANDS[earlier]:
            rules.extend(rules_of(parse(f"{command} TO `{role}`").privilege, GRANTED, role))
    return tuple(rules)


@pytest.mark.parametrize("role", BUILT_IN_ROLES)
def test_built_in_rules_equal_the_parsed_grant_commands(role):
    assert built_in_rules(role) == parsed_rules(role)


def test_every_built_in_role_has_its_commands():
    assert set(BUILT_IN_COMMANDS) == set(BUILT_IN_ROLES)


def test_the_shipped_hash_of_the_first_password_verifies():
    assert verify_password("neo4j", DEFAULT_PASSWORD_HASH)
    assert not verify_password("neo4j2", DEFAULT_PASSWORD_HASH)
