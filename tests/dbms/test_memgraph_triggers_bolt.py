"""Memgraph's triggers through Memgraph's own client (pymgclient over Bolt 4.x) against `graphplex serve`: created,
listed and dropped as Memgraph's clients do, BEFORE COMMIT writes in the client's commit, AFTER COMMIT ones soon
after it, a failing BEFORE COMMIT trigger as the client's error, and the refusal inside an explicit transaction."""
from __future__ import annotations

import time

import pytest

from mgclient_support import fetch

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")


def test_triggers_over_pymgclient(cursor):
    fetch(cursor, "CREATE TRIGGER stamp ON () CREATE BEFORE COMMIT EXECUTE "
                  "UNWIND createdVertices AS v SET v.stamped = true;")
    fetch(cursor, "CREATE TRIGGER changes ON () UPDATE AFTER COMMIT EXECUTE UNWIND setVertexProperties AS s "
                  "CREATE (:Change {key: s.key, old: s.old, new: s.new});")
    assert fetch(cursor, "SHOW TRIGGERS;") == [
        {"trigger name": "stamp", "statement": "UNWIND createdVertices AS v SET v.stamped = true",
         "privilege context": "DEFINER", "event type": "() CREATE", "phase": "BEFORE COMMIT", "owner": None},
        {"trigger name": "changes", "statement": "UNWIND setVertexProperties AS s CREATE (:Change {key: s.key, "
         "old: s.old, new: s.new})", "privilege context": "DEFINER", "event type": "() UPDATE",
         "phase": "AFTER COMMIT", "owner": None},
    ]
    fetch(cursor, "CREATE (:P {n: 1});")
    assert fetch(cursor, "MATCH (p:P) RETURN p.stamped AS s;") == [{"s": True}]
    fetch(cursor, "MATCH (p:P) SET p.n = 2;")
    deadline = time.monotonic() + 10
    while not fetch(cursor, "MATCH (c:Change) RETURN c.key AS key, c.old AS old, c.new AS new;") \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fetch(cursor, "MATCH (c:Change) RETURN c.key AS key, c.old AS old, c.new AS new;") == [
        {"key": "n", "old": 1, "new": 2}]
    with pytest.raises(mgclient.DatabaseError, match="Trigger with the same name already exists"):
        fetch(cursor, "CREATE TRIGGER stamp BEFORE COMMIT EXECUTE RETURN 1;")
    fetch(cursor, "DROP TRIGGER changes;")
    fetch(cursor, "DROP TRIGGER stamp;")
    assert fetch(cursor, "SHOW TRIGGERS;") == []


def test_a_failing_before_commit_trigger_fails_the_clients_commit(cursor):
    fetch(cursor, "CREATE TRIGGER strict ON () CREATE BEFORE COMMIT EXECUTE "
                  "UNWIND createdVertices AS v SET v.ratio = 1 / v.n;")
    with pytest.raises(mgclient.DatabaseError, match="Trigger 'strict' caused the transaction to fail"):
        fetch(cursor, "CREATE (:P {n: 0});")
    assert fetch(cursor, "MATCH (p:P) RETURN count(p) AS c;") == [{"c": 0}]


def test_trigger_statements_are_refused_in_an_explicit_transaction(served):
    connection = mgclient.connect(host="127.0.0.1", port=served)
    cursor = connection.cursor()
    with pytest.raises(mgclient.DatabaseError, match="not allowed in multicommand transactions"):
        cursor.execute("CREATE TRIGGER t BEFORE COMMIT EXECUTE RETURN 1;")
    connection.rollback()
    connection.close()
