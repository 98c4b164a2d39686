"""Remote database aliases against a real second server: `graphplex serve` in a process of its own on the loopback
interface, reached through the official driver (issue 20). The DBMS transaction's rules hold across it: reads of a
local and a remote database in one transaction, one written database (local or remote), a failure rolling
everything back, a remote that dies or refuses failing the statement with DatabaseUnavailable naming the alias."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest

from graphplex import DBMS
from graphplex.errors import Neo4jError, TransientError

neo4j = pytest.importorskip("neo4j")

PASSWORD = "remote-secret-1"


def _start_remote() -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory",
                                "--initial-password", PASSWORD, "--listen", "127.0.0.1:0", "--no-http"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    found = re.search(r"bolt://127\.0\.0\.1:(\d+)", line)
    assert found, (line, process.stderr.read() if process.poll() is not None else "")
    return process, int(found.group(1))


@pytest.fixture(scope="module")
def remote():
    """A `graphplex serve` process (admin `neo4j`, password PASSWORD) and its Bolt port, for the whole module."""
    process, port = _start_remote()
    yield port
    process.terminate()
    assert process.wait(timeout=30) == 0


@pytest.fixture
def direct(remote):
    """The official driver straight to the remote (not through an alias), its graph emptied first."""
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{remote}", auth=("neo4j", PASSWORD)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        yield driver


def _alias(session, name: str, port: int, password: str = PASSWORD, extra: str = "") -> None:
    session.run(f"CREATE ALIAS {name} FOR DATABASE neo4j AT 'neo4j://127.0.0.1:{port}' USER neo4j "
                f"PASSWORD $password DRIVER {{ssl_enforced: false{extra}}}", password=password).consume()


@pytest.fixture
def local(remote, direct):
    """A local in-memory DBMS with the remote alias `far` to the remote's `neo4j`."""
    with DBMS.in_memory() as dbms:
        with dbms.session() as session:
            _alias(session, "far", remote)
        yield dbms


def _count(driver, label: str) -> int:
    return driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS c").records[0]["c"]


def test_a_remote_alias_reads_and_writes_the_remote_database(local, direct):
    with local.session(database="far") as session:
        created = session.run("CREATE (n:Person {name: $name, born: date('1970-01-02')}) RETURN n",
                              name="Ada").single()["n"]
        assert created.labels == {"Person"} and created["name"] == "Ada"
        assert str(created["born"]) == "1970-01-02"
    assert _count(direct, "Person") == 1
    with local.session() as session:
        assert session.run("USE far MATCH (n:Person) RETURN n.name AS name").single()["name"] == "Ada"


def test_one_transaction_reads_a_local_and_a_remote_database(local, direct):
    direct.execute_query("CREATE (:Remote {v: 1}), (:Remote {v: 2})")
    with local.session() as session:
        session.run("CREATE (:Local {v: 10})").consume()
        with session.begin_transaction() as tx:
            here = tx.run("MATCH (n:Local) RETURN sum(n.v) AS s").single()["s"]
            there = tx.run("USE far MATCH (n:Remote) RETURN sum(n.v) AS s").single()["s"]
            tx.commit()
    assert (here, there) == (10, 3)


def test_a_remote_write_commits_with_the_transaction_and_only_then(local, direct):
    with local.session() as session:
        with session.begin_transaction() as tx:
            tx.run("MATCH (n) RETURN count(n)").consume()
            tx.run("USE far CREATE (:Written)").consume()
            assert _count(direct, "Written") == 0      # not before the DBMS transaction commits
            tx.commit()
    assert _count(direct, "Written") == 1


@pytest.mark.parametrize("first, second, writer, refused", [
    ("USE far CREATE (:A)", "CREATE (:B)", "far", "neo4j"),
    ("CREATE (:B)", "USE far CREATE (:A)", "neo4j", "far"),
])
def test_a_second_written_database_is_refused_and_nothing_is_written(local, direct, first, second, writer, refused):
    with local.session() as session:
        tx = session.begin_transaction()
        tx.run(first).consume()
        with pytest.raises(Neo4jError) as refusal:
            tx.run(second).consume()
        tx.rollback()
        assert refusal.value.code == "Neo.ClientError.Statement.AccessMode"
        assert refusal.value.message == ("Writing to more than one database per transaction is not allowed. "
                                         f"Attempted write to {refused}, currently writing to {writer}")
        assert session.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 0
    assert _count(direct, "A") == 0


def test_a_remote_failure_rolls_back_the_local_write(local, direct):
    with local.session() as session:
        tx = session.begin_transaction()
        tx.run("CREATE (:Local)").consume()
        with pytest.raises(Neo4jError) as failure:
            tx.run("USE far RETURN 1 / 0 AS x").consume()
        assert failure.value.code == "Neo.ClientError.Statement.ArithmeticError"   # the remote's own code
        with pytest.raises(Neo4jError):
            tx.commit()
        assert session.run("MATCH (n:Local) RETURN count(n) AS c").single()["c"] == 0


def test_a_failure_after_a_remote_write_rolls_the_remote_back(local, direct):
    with local.session() as session:
        tx = session.begin_transaction()
        tx.run("USE far CREATE (:Undone)").consume()
        with pytest.raises(Neo4jError):
            tx.run("USE far RETURN 1 / 0 AS x").consume()
        tx.rollback()
    assert _count(direct, "Undone") == 0


def test_bookmarks_of_a_remote_commit_flow_to_the_next_session(local, direct):
    with local.session(database="far") as writer:
        writer.run("CREATE (:Bookmarked)").consume()
        bookmarks = writer.last_bookmarks()
    assert len(bookmarks) == 1 and bookmarks[0].startswith("GPR:")
    with local.session(bookmarks=bookmarks) as reader:
        assert reader.run("USE far MATCH (n:Bookmarked) RETURN count(n) AS c").single()["c"] == 1
        reader.run("CREATE (:LocalAfter)").consume()   # a local database ignores the remote's bookmark
        after = reader.last_bookmarks()
    assert after[0].startswith("GP:") and after[1:] == bookmarks   # and the session keeps it for the alias


def test_the_transactions_metadata_reaches_the_remote(local, direct):
    with local.session() as session:
        with session.begin_transaction(metadata={"app": "checkout"}) as tx:
            tx.run("USE far RETURN 1").consume()
            rows = direct.execute_query("SHOW TRANSACTIONS YIELD metaData RETURN metaData").records
            assert {"app": "checkout"} in [row["metaData"] for row in rows]
            tx.rollback()


def test_show_transactions_lists_the_remote_child(local, direct):
    with local.session() as session, local.session() as watcher:
        with session.begin_transaction() as tx:
            tx.run("USE far MATCH (n) RETURN count(n)").consume()
            rows = watcher.run("SHOW TRANSACTIONS YIELD database, currentQuery").data()
            assert {"database": "far", "currentQuery": "USE far MATCH (n) RETURN count(n)"} in rows
            tx.rollback()


def test_credentials_never_show(local, remote):
    with local.session() as session:
        rows = session.run("SHOW ALIASES FOR DATABASE YIELD *").data()
        assert rows == [{"name": "far", "composite": None, "database": "neo4j", "location": "remote",
                         "url": f"neo4j://127.0.0.1:{remote}", "user": "neo4j",
                         "driver": {"ssl_enforced": False}, "properties": {}}]
        assert PASSWORD not in repr(rows)


def test_a_wrong_password_fails_with_database_unavailable_naming_the_alias(local, remote):
    with local.session() as session:
        session.run("ALTER ALIAS far SET DATABASE PASSWORD 'not-the-password'").consume()
        with pytest.raises(TransientError) as failure:
            session.run("USE far RETURN 1").consume()
    assert failure.value.code == "Neo.TransientError.General.DatabaseUnavailable"
    assert "Remote database alias 'far'" in failure.value.message


def test_a_remote_nobody_listens_on_fails_fast_with_database_unavailable():
    with DBMS.in_memory(remote_connection_timeout=2.0) as dbms, dbms.session() as session:
        _alias(session, "nowhere", 1)
        started = time.monotonic()
        with pytest.raises(TransientError) as failure:
            session.run("USE nowhere RETURN 1").consume()
        assert time.monotonic() - started < 10
    assert failure.value.code == "Neo.TransientError.General.DatabaseUnavailable"
    assert "'nowhere'" in failure.value.message


def test_a_remote_killed_mid_transaction_fails_it_and_rolls_everything_back():
    process, port = _start_remote()
    try:
        with DBMS.in_memory() as dbms, dbms.session() as session:
            _alias(session, "doomed", port)
            tx = session.begin_transaction()
            tx.run("CREATE (:LocalBefore)").consume()
            assert tx.run("USE doomed RETURN 1 AS one").single()["one"] == 1
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            started = time.monotonic()
            with pytest.raises(Neo4jError) as failure:
                tx.run("USE doomed RETURN 2").consume()
            assert time.monotonic() - started < 15
            assert failure.value.code == "Neo.TransientError.General.DatabaseUnavailable"
            assert "'doomed'" in failure.value.message
            with pytest.raises(Neo4jError):
                tx.commit()
            assert session.run("MATCH (n:LocalBefore) RETURN count(n) AS c").single()["c"] == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_the_remote_gets_the_time_the_transaction_has_left(local, direct):
    with local.session() as session:
        started = time.monotonic()
        with pytest.raises(Neo4jError) as failure:
            with session.begin_transaction(timeout=1.0) as tx:
                tx.run("USE far UNWIND range(1, 100000000) AS i WITH i WHERE i = -1 RETURN count(*)").consume()
        assert time.monotonic() - started < 10
    assert failure.value.code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"


def test_values_round_trip_through_a_remote(local, direct):
    from graphplex.types import Duration, Point

    with local.session() as session:
        row = session.run("USE far RETURN $p AS p, $d AS d, datetime('2024-05-06T07:08:09.123456789[Europe/Paris]') "
                          "AS t, [1, 'a', null] AS l, {k: 1.5} AS m",
                          p=Point(4326, 1.5, 2.5), d=Duration(1, 2, 3, 4)).single()
    assert row["p"] == Point(4326, 1.5, 2.5) and row["d"] == Duration(1, 2, 3, 4)
    assert row["t"].nanosecond == 123456789 and str(row["t"].tzinfo) == "Europe/Paris"
    assert row["l"] == [1, "a", None] and row["m"] == {"k": 1.5}


def test_a_node_cannot_be_sent_to_a_remote(local, direct):
    with local.session() as session:
        node = session.run("CREATE (n:Here) RETURN n").single()["n"]
        with pytest.raises(Neo4jError) as refusal:
            session.run("USE far RETURN $n AS n", n=node).consume()
    assert refusal.value.code == "Neo.ClientError.Statement.TypeError"


def test_the_official_driver_reaches_a_remote_alias_through_graphplex_bolt_server(local, direct):
    from graphplex.bolt import BoltServer

    with BoltServer(local, port=0) as server:
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "unused")) as driver:
            driver.execute_query("CREATE (:ThroughBolt)", database_="far")
            records, _, _ = driver.execute_query("MATCH (n:ThroughBolt) RETURN count(n) AS c", database_="far")
    assert records[0]["c"] == 1 and _count(direct, "ThroughBolt") == 1


def test_call_in_transactions_runs_on_the_remote_from_an_implicit_transaction(local, direct):
    with local.session() as session:
        session.run("USE far UNWIND range(1, 10) AS i CALL (i) { CREATE (:Batched {i: i}) } "
                    "IN TRANSACTIONS OF 3 ROWS").consume()
    assert _count(direct, "Batched") == 10


def test_terminate_cuts_a_statement_waiting_on_the_remote_short(local, direct):
    import threading

    with local.session() as session, local.session() as admin:
        tx = session.begin_transaction()
        failure: list[Exception] = []

        def long_remote_read() -> None:
            try:
                tx.run("USE far UNWIND range(1, 1000000000) AS i WITH i WHERE i = -1 RETURN count(*)").consume()
            except Neo4jError as error:
                failure.append(error)
        worker = threading.Thread(target=long_remote_read)
        worker.start()
        time.sleep(0.5)
        ids = [row["id"] for row in admin.run("SHOW TRANSACTIONS YIELD transactionId AS id, database "
                                               "WHERE database = 'far' RETURN id").data()]
        assert len(ids) == 1
        started = time.monotonic()
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
        worker.join(timeout=15)
        assert not worker.is_alive() and time.monotonic() - started < 15
        assert failure and failure[0].code == "Neo.ClientError.Transaction.Terminated"
        tx.rollback()
    assert direct.execute_query("RETURN 1 AS one").records[0]["one"] == 1   # the remote still answers


def test_a_terminated_implicit_remote_write_leaves_nothing_on_the_remote(local, direct):
    with local.session() as session, local.session() as admin:
        result = session.run("USE far UNWIND range(1, 5000) AS i CREATE (:Streamed {i: i}) RETURN i")
        assert next(iter(result))["i"] == 1
        ids = [row["id"] for row in admin.run("SHOW TRANSACTIONS YIELD transactionId AS id, database "
                                               "WHERE database = 'far' RETURN id").data()]
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
        with pytest.raises(Neo4jError):
            result.consume()
    assert _count(direct, "Streamed") == 0


def test_a_commit_whose_outcome_is_unknown_is_not_retried(local, direct, monkeypatch):
    commit = neo4j.Transaction.commit

    def commit_then_lose_the_connection(tx):
        commit(tx)
        raise neo4j.exceptions.IncompleteCommit("the connection was lost during the commit")
    monkeypatch.setattr(neo4j.Transaction, "commit", commit_then_lose_the_connection)
    with local.session(database="far") as session, pytest.raises(Neo4jError) as failure:
        session.execute_write(lambda tx: tx.run("CREATE (:Once)").consume())
    assert failure.value.code == "Neo.DatabaseError.Transaction.TransactionCommitFailed"
    assert _count(direct, "Once") == 1


def test_a_later_use_of_the_remote_alias_in_the_query_is_refused_locally(local, direct):
    with local.session() as session, pytest.raises(Neo4jError) as refusal:
        session.run("USE far RETURN 1 AS x UNION USE far RETURN 2 AS x").consume()
    assert refusal.value.code == "Neo.ClientError.Statement.SemanticError"


@pytest.mark.parametrize("url, message", [
    ("neo4j://[::1", "Could not validate"), ("neo4j://h:99999", "Could not validate"),
    ("neo4j://user:secret@h:7687", "may not hold credentials"), ("http://h:7474", "invalid scheme"),
])
def test_bad_urls_are_refused(url, message):
    with DBMS.in_memory() as dbms, dbms.session() as session, pytest.raises(Neo4jError) as refusal:
        session.run("CREATE ALIAS bad FOR DATABASE neo4j AT $url USER u PASSWORD 'p' DRIVER {ssl_enforced: false}",
                    url=url).consume()
    assert refusal.value.code == "Neo.ClientError.Statement.ArgumentError" and message in refusal.value.message
    assert "secret" not in refusal.value.message


def test_access_to_a_remote_alias_is_granted_on_its_name(remote, direct):
    with DBMS.in_memory(auth_enabled=True, initial_password="admin-pass-1") as dbms:
        with dbms.session(auth=("neo4j", "admin-pass-1")) as admin:
            _alias(admin, "far", remote)
            for statement in ("CREATE USER bob SET PASSWORD 'bob-pass-1' CHANGE NOT REQUIRED", "CREATE ROLE far_reader",
                              "GRANT ROLE far_reader TO bob"):
                admin.run(statement).consume()
        with dbms.session(auth=("bob", "bob-pass-1")) as bob, pytest.raises(Neo4jError) as refusal:
            bob.run("USE far RETURN 1").consume()
        assert refusal.value.code == "Neo.ClientError.Security.Forbidden"
        with dbms.session(auth=("neo4j", "admin-pass-1")) as admin:
            admin.run("GRANT ACCESS ON DATABASE far TO far_reader").consume()
        with dbms.session(auth=("bob", "bob-pass-1")) as bob:
            assert bob.run("USE far RETURN 1 AS one").single()["one"] == 1


def test_show_transactions_in_a_session_on_a_remote_alias(local, direct):
    with local.session(database="far") as session:
        rows = session.run("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery STARTS WITH 'SHOW' "
                           "RETURN currentQuery").data()
    assert rows == [{"currentQuery": "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery STARTS WITH 'SHOW' "
                                     "RETURN currentQuery"}]
