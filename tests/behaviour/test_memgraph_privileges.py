"""Memgraph's GRANT, DENY and REVOKE of its privileges (`GRANT TRANSACTION_MANAGEMENT TO alice`) through the public
API: a grant to a user is held by a role of the user's name, mapped onto Neo4j's privileges."""
from __future__ import annotations

import contextlib

import pytest

from graphplex.errors import ClientError, CypherSyntaxError, Forbidden, Neo4jError


def member(secure, admin, name: str):
    """A user `name` with the reader role (password pw-1) and a session of theirs."""
    admin.run(f"CREATE USER {name} SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
    admin.run(f"GRANT ROLE reader TO {name}").consume()
    return secure.session(auth=(name, "pw-1"))


@pytest.fixture
def busy(secure, admin):
    """An open transaction of another user, `worker`, and its id."""
    worker = member(secure, admin, "worker")
    transaction = worker.begin_transaction()
    transaction.run("MATCH (n) RETURN count(n)").consume()
    ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, username WHERE username = 'worker'").value()
    yield transaction, ids
    with contextlib.suppress(Neo4jError):   # terminated by the test, or still open
        transaction.rollback()


def test_transaction_management_granted_to_a_user_shows_and_terminates_others_transactions(secure, admin, busy):
    transaction, ids = busy
    watcher = member(secure, admin, "watcher")
    assert watcher.run("SHOW TRANSACTIONS YIELD username").value() == ["watcher"]
    admin.run("GRANT TRANSACTION_MANAGEMENT TO watcher").consume()
    assert sorted(watcher.run("SHOW TRANSACTIONS YIELD username").value()) == ["watcher", "worker"]
    assert watcher.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction terminated."]
    with pytest.raises(Neo4jError):
        transaction.commit()


def test_a_grant_to_a_user_is_held_by_a_role_of_their_name(secure, admin):
    member(secure, admin, "watcher")
    admin.run("GRANT TRANSACTION_MANAGEMENT TO watcher").consume()
    assert admin.run("SHOW USERS YIELD user, roles WHERE user = 'watcher' RETURN roles").value() == [
        ["PUBLIC", "reader", "watcher"]]
    commands = admin.run("SHOW USER watcher PRIVILEGES AS COMMANDS YIELD command WHERE command CONTAINS 'TRANSACTION'"
                         ).value()
    assert commands == ["GRANT TRANSACTION MANAGEMENT (*) ON DATABASE * TO `watcher`"]
    assert admin.run("SHOW ROLE watcher PRIVILEGES YIELD action, segment").data() == [
        {"action": "transaction_management", "segment": "USER(*)"}]


def test_denied_transaction_management_hides_others_transactions(secure, admin, busy):
    _, ids = busy
    admin.run("CREATE ROLE operators").consume()
    admin.run("GRANT TRANSACTION MANAGEMENT ON DATABASE * TO operators").consume()
    watcher = member(secure, admin, "watcher")
    admin.run("GRANT ROLE operators TO watcher").consume()
    assert sorted(watcher.run("SHOW TRANSACTIONS YIELD username").value()) == ["watcher", "worker"]
    admin.run("DENY TRANSACTION_MANAGEMENT TO watcher").consume()
    assert watcher.run("SHOW TRANSACTIONS YIELD username").value() == ["watcher"]
    assert watcher.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction not found."]


def test_revoked_transaction_management_is_gone(secure, admin, busy):
    _, ids = busy
    watcher = member(secure, admin, "watcher")
    admin.run("GRANT TRANSACTION_MANAGEMENT TO watcher").consume()
    admin.run("REVOKE TRANSACTION_MANAGEMENT FROM watcher").consume()
    assert watcher.run("SHOW TRANSACTIONS YIELD username").value() == ["watcher"]
    assert watcher.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction not found."]
    assert admin.run("SHOW ROLE watcher PRIVILEGES").data() == []


def test_grant_replaces_deny_and_deny_replaces_grant_as_memgraph_keeps_one_state(secure, admin):
    admin.run("CREATE ROLE ops").consume()
    admin.run("DENY TRANSACTION_MANAGEMENT TO ops").consume()
    admin.run("GRANT TRANSACTION_MANAGEMENT TO ops").consume()
    assert admin.run("SHOW ROLE ops PRIVILEGES YIELD access").value() == ["GRANTED"]
    admin.run("DENY TRANSACTION_MANAGEMENT TO ops").consume()
    assert admin.run("SHOW ROLE ops PRIVILEGES YIELD access").value() == ["DENIED"]


def test_a_grant_to_a_role_goes_to_the_role(secure, admin):
    admin.run("CREATE ROLE moderator").consume()
    admin.run("GRANT INDEX, CONSTRAINT TO moderator").consume()
    assert admin.run("SHOW ROLE moderator PRIVILEGES AS COMMANDS YIELD command").value() == [
        "GRANT CONSTRAINT MANAGEMENT ON DATABASE * TO `moderator`",
        "GRANT INDEX MANAGEMENT ON DATABASE * TO `moderator`"]


def test_memgraph_graph_privileges_allow_the_statements_they_name(secure, admin):
    writer = member(secure, admin, "writer")
    with pytest.raises(Forbidden, match="Write operations are not allowed"):
        writer.run("CREATE (:Note {text: 'hi'})").consume()
    admin.run("GRANT CREATE, SET TO writer").consume()
    writer.run("CREATE (:Note {text: 'hi'})").consume()
    assert writer.run("MATCH (n:Note) RETURN n.text").value() == ["hi"]


def test_name_management_comes_with_create_merge_and_set_and_goes_with_the_last_of_them(secure, admin):
    def names_granted() -> list:
        return admin.run("SHOW ROLE editors PRIVILEGES YIELD action, access WHERE action = 'token' RETURN access"
                         ).value()
    admin.run("CREATE ROLE editors").consume()
    admin.run("GRANT CREATE, SET TO editors").consume()
    assert names_granted() == ["GRANTED"]
    admin.run("DENY CREATE TO editors").consume()
    assert names_granted() == ["GRANTED"]
    admin.run("REVOKE CREATE FROM editors").consume()
    assert names_granted() == ["GRANTED"]
    admin.run("REVOKE SET FROM editors").consume()
    assert names_granted() == []


def test_all_privileges_grants_and_revokes_every_mapped_privilege(secure, admin):
    admin.run("CREATE ROLE everything").consume()
    admin.run("GRANT ALL PRIVILEGES TO everything").consume()
    actions = set(admin.run("SHOW ROLE everything PRIVILEGES YIELD action").value())
    assert {"transaction_management", "index", "constraint", "match", "create_element", "user_management",
            "load"} <= actions
    admin.run("REVOKE ALL PRIVILEGES FROM everything").consume()
    assert admin.run("SHOW ROLE everything PRIVILEGES").data() == []


def test_a_privilege_without_equivalent_is_refused_by_name_and_changes_nothing(secure, admin):
    member(secure, admin, "watcher")
    with pytest.raises(ClientError, match="DUMP") as refused:
        admin.run("GRANT TRANSACTION_MANAGEMENT, DUMP TO watcher").consume()
    assert refused.value.code == "Neo.ClientError.Statement.UnsupportedAdministrationCommand"
    assert admin.run("SHOW ROLES YIELD role WHERE role = 'watcher'").data() == []


def test_an_unknown_user_or_role_is_refused(secure, admin):
    with pytest.raises(ClientError, match="User or role 'nobody' doesn't exist."):
        admin.run("GRANT TRANSACTION_MANAGEMENT TO nobody").consume()


def test_user_or_role_says_which_is_meant(secure, admin):
    member(secure, admin, "watcher")
    admin.run("CREATE ROLE ops").consume()
    admin.run("GRANT TRANSACTION_MANAGEMENT TO USER watcher").consume()
    admin.run("GRANT INDEX TO ROLE ops").consume()
    assert admin.run("SHOW ROLE watcher, ops PRIVILEGES YIELD role, action").data() == [
        {"role": "ops", "action": "index"}, {"role": "watcher", "action": "transaction_management"}]
    with pytest.raises(ClientError, match="User or role 'ops' doesn't exist."):
        admin.run("GRANT INDEX TO USER ops").consume()
    with pytest.raises(ClientError, match="User or role 'reader_only' doesn't exist."):
        admin.run("REVOKE INDEX FROM ROLE reader_only").consume()
    admin.run("REVOKE TRANSACTION_MANAGEMENT FROM USER watcher").consume()
    admin.run("GRANT ROLE ops TO USER watcher").consume()
    assert "ops" in admin.run("SHOW USERS YIELD user, roles WHERE user = 'watcher' RETURN roles").single()[0]


def test_user_or_role_is_memgraph_s_form_only(secure, admin):
    with pytest.raises(CypherSyntaxError):
        admin.run("GRANT MATCH {*} ON GRAPH * TO USER neo4j").consume()


def test_a_word_that_is_no_memgraph_privilege_is_a_syntax_error(secure, admin):
    with pytest.raises(CypherSyntaxError, match="SHOWS"):
        admin.run("GRANT SHOWS TO PUBLIC").consume()


def test_granting_needs_the_privilege_to_assign_privileges(secure, admin):
    watcher = member(secure, admin, "watcher")
    with pytest.raises(Forbidden, match="Permission denied for ASSIGN PRIVILEGE"):
        watcher.run("GRANT TRANSACTION_MANAGEMENT TO watcher").consume()
