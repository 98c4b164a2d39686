"""Memgraph's USE DATABASE over Bolt: Memgraph's client (pymgclient) names no database in its messages, so the
database USE DATABASE chose is its connection's for the statements that follow; a neo4j driver session that
names its database keeps it."""
from __future__ import annotations

import pytest

from bolt_wire import LOGOFF, LOGON, PULL, RECORD, RUN, SUCCESS, Wire, message
from mgclient_support import fetch

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")


def test_use_database_switches_a_pymgclient_connection(cursor):
    fetch(cursor, "CREATE DATABASE tenant;")
    assert fetch(cursor, "USE DATABASE tenant;") == [{"STATUS": "Using tenant"}]
    fetch(cursor, "CREATE (:Tenant {n: 1});")
    assert fetch(cursor, "SHOW DATABASE;") == [{"Current": "tenant"}]
    assert fetch(cursor, "USE DATABASE neo4j;") == [{"STATUS": "Using neo4j"}]
    assert fetch(cursor, "MATCH (n:Tenant) RETURN count(n) AS c;") == [{"c": 0}]
    fetch(cursor, "USE DATABASE tenant;")
    assert fetch(cursor, "MATCH (n:Tenant) RETURN n.n AS n;") == [{"n": 1}]
    assert fetch(cursor, "SHOW DATABASES;") == [{"Name": "neo4j", "State": "HOT", "Health": "ready"},
                                                {"Name": "tenant", "State": "HOT", "Health": "ready"}]


def test_refusals_leave_the_connection_on_its_database(served):
    connection = mgclient.connect(host="127.0.0.1", port=served)
    cursor = connection.cursor()
    with pytest.raises(mgclient.DatabaseError, match="Switching the currently active database"):
        fetch(cursor, "USE DATABASE neo4j;")  # not autocommit: pymgclient sent BEGIN first
    connection.rollback()
    connection.autocommit = True
    with pytest.raises(mgclient.DatabaseError, match="Database does not exist"):
        fetch(cursor, "USE DATABASE nowhere;")
    assert fetch(cursor, "SHOW CURRENT DATABASE;") == [{"Current": "neo4j"}]
    connection.close()


def test_a_driver_session_that_names_its_database_keeps_it(driver):
    neo4j = pytest.importorskip("neo4j")
    with driver.session(database="neo4j") as session:
        session.run("CREATE DATABASE other").consume()
        with pytest.raises(neo4j.exceptions.ClientError, match="prohibited if session explicitly defines"):
            session.run("USE DATABASE other").consume()
        assert session.run("SHOW CURRENT DATABASE").single()[0] == "neo4j"


def test_logoff_forgets_the_database_use_database_chose(served):
    wire = Wire(served)
    wire.login()

    def run(text: str) -> list:
        wire.send(message(RUN, text, {}, {}) + message(PULL, {"n": -1}))
        replies = [wire.receive(), wire.receive()]
        while replies[-1].tag == RECORD:
            replies.append(wire.receive())
        assert all(reply.tag in (SUCCESS, RECORD) for reply in replies), replies
        return [reply.fields[0] for reply in replies if reply.tag == RECORD]

    run("CREATE DATABASE tenant")
    assert run("USE DATABASE tenant") == [["Using tenant"]]
    assert run("SHOW CURRENT DATABASE") == [["tenant"]]
    wire.send(message(LOGOFF) + message(LOGON, {"scheme": "none"}))
    assert [wire.receive().tag, wire.receive().tag] == [SUCCESS, SUCCESS]
    assert run("SHOW CURRENT DATABASE") == [["neo4j"]]
    wire.close()
