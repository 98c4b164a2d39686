"""The Bolt server through the official `neo4j` driver (and the wire, decoded by the driver's own PackStream)."""
from __future__ import annotations

import datetime as dt
import random
import socket
import struct
import threading

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j import GraphDatabase  # noqa: E402
from neo4j.exceptions import (  # noqa: E402
    AuthError, ClientError, ConstraintError, CypherSyntaxError,
)
from neo4j.spatial import CartesianPoint, WGS84Point  # noqa: E402
from neo4j.time import Date, DateTime, Duration, Time  # noqa: E402
import pytz  # noqa: E402  (the driver's own time-zone library)

from graphplex import DBMS  # noqa: E402
from graphplex.bolt import BoltServer  # noqa: E402


def test_connectivity_agent_and_connection_ids(driver):
    driver.verify_connectivity()
    info = driver.get_server_info()
    assert info.agent.startswith("Neo4j/") and info.protocol_version == (5, 7)
    with driver.session() as session:
        rows = session.run("SHOW TRANSACTIONS YIELD connectionId, clientAddress, protocol").data()
    assert rows[0]["connectionId"].startswith("bolt-") and rows[0]["connectionId"][5:].isdigit()
    assert rows[0]["clientAddress"].startswith("127.0.0.1:")


def test_execute_query_sessions_and_transactions(driver):
    records, summary, keys = driver.execute_query("UNWIND range(1, 3) AS i CREATE (:N {i: i}) RETURN i")
    assert [r["i"] for r in records] == [1, 2, 3] and keys == ["i"]
    assert summary.counters.nodes_created == 3 and summary.query_type == "rw" and summary.database == "neo4j"
    with driver.session() as session:
        assert session.run("MATCH (n:N) RETURN sum(n.i) AS s").single()["s"] == 6
        with session.begin_transaction() as tx:
            tx.run("CREATE (:N {i: 4})").consume()
            assert tx.run("MATCH (n:N) RETURN count(n) AS c").single()["c"] == 4
            tx.rollback()
        assert session.execute_read(lambda tx: tx.run("MATCH (n:N) RETURN count(n) AS c").single()["c"]) == 3
        session.execute_write(lambda tx: tx.run("CREATE (:N {i: 5})").consume())
    records, _, _ = driver.execute_query("MATCH (n:N) RETURN n.i AS i ORDER BY i", routing_="r")
    assert [r["i"] for r in records] == [1, 2, 3, 5]


def test_explain_and_profile_summaries(driver):
    with driver.session() as session:
        plan = session.run("EXPLAIN MATCH (n) RETURN n").consume().plan
        assert plan is not None and plan["children"]
        result = session.run("PROFILE UNWIND range(1, 3) AS i RETURN i")
        assert len(list(result)) == 3
        profile = result.consume().profile
        assert profile is not None and any(child.get("rows") == 3 for child in profile["children"])


def test_large_results_stream_in_batches(driver):
    with driver.session(fetch_size=100) as session:
        result = session.run("UNWIND range(1, 1050) AS i RETURN i")
        assert sum(record["i"] for record in result) == 1050 * 1051 // 2
        partial = session.run("UNWIND range(1, 500) AS i RETURN i")
        assert next(iter(partial))["i"] == 1
        assert partial.consume().query_type == "r"


def test_execute_write_retries_a_transient_conflict(driver, dbms):
    driver.execute_query("CREATE (:Account {id: 1, balance: 10})")
    blocker = dbms.session()
    holding = blocker.begin_transaction()
    holding.run("MATCH (a:Account) SET a.balance = 20").consume()
    attempts = []

    def work(tx):
        attempts.append(1)
        if len(attempts) == 2:
            holding.rollback()
        tx.run("MATCH (a:Account) SET a.balance = a.balance + 1").consume()
    with driver.session() as session:
        session.execute_write(work)
    assert len(attempts) >= 2, "the first attempt met the conflict (Neo.TransientError.Transaction.Outdated)"
    assert driver.execute_query("MATCH (a:Account) RETURN a.balance AS b").records[0]["b"] == 11
    blocker.close()


def test_bookmarks_carry_across_sessions(driver):
    with driver.session() as first:
        first.run("CREATE (:Seen)").consume()
        bookmarks = first.last_bookmarks()
    with driver.session(bookmarks=bookmarks) as second:
        assert second.run("MATCH (s:Seen) RETURN count(s) AS c").single()["c"] == 1


def test_databases_and_the_coordinators_rules(driver):
    driver.execute_query("CREATE DATABASE other")
    with driver.session(database="other") as session:
        session.run("CREATE (:InOther)").consume()
    with driver.session() as session:
        assert session.run("USE other MATCH (n:InOther) RETURN count(n) AS c").single()["c"] == 1
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Here)").consume()
            with pytest.raises(ClientError) as caught:
                tx.run("USE other CREATE (:There)").consume()
            tx.rollback()
        assert "Writing to more than one database per transaction is not allowed" in caught.value.message
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Here)").consume()
            with pytest.raises(ClientError) as caught:
                tx.run("CREATE INDEX FOR (n:Here) ON (n.x)").consume()
            tx.rollback()
        assert caught.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
        assert session.run("MATCH (n:Here) RETURN count(n) AS c").single()["c"] == 0


def test_errors_arrive_as_the_drivers_exceptions(driver):
    with pytest.raises(CypherSyntaxError) as caught:
        driver.execute_query("RETRUN 1")
    assert caught.value.message.startswith("Invalid input 'RETRUN'")
    driver.execute_query("CREATE CONSTRAINT FOR (p:P) REQUIRE p.id IS UNIQUE")
    driver.execute_query("CREATE (:P {id: 1})")
    with pytest.raises(ConstraintError):
        driver.execute_query("CREATE (:P {id: 1})")
    with driver.session() as session:  # the connection is usable after failures (RESET)
        assert session.run("RETURN 1 AS one").single()["one"] == 1


PARAMETERS = [
    None, True, False, 0, -17, 2 ** 40, -(2 ** 62), 1.5, float("-inf"), "", "héllo ✓", b"\x00\xff", [1, "a", None],
    {"k": [1, {"n": 2}]}, Date(2020, 2, 29), Time(12, 30, 1, 123456789), Time(1, 2, 3, 4, tzinfo=pytz.FixedOffset(60)),
    DateTime(2020, 1, 2, 3, 4, 5, 6), DateTime(2020, 1, 2, 3, 4, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    Duration(months=14, days=3, seconds=70, nanoseconds=5), CartesianPoint((1.0, 2.0)),
    CartesianPoint((1.0, 2.0, 3.0)), WGS84Point((13.4, 52.5)), dt.date(1969, 7, 20),
]


@pytest.mark.parametrize("value", PARAMETERS, ids=[repr(p)[:40] for p in PARAMETERS])
def test_values_round_trip(driver, value):
    records, _, _ = driver.execute_query("RETURN $value AS value", value=value)
    assert records[0]["value"] == value


def test_zoned_date_times_round_trip(driver):
    value = pytz.timezone("Europe/Stockholm").localize(dt.datetime(2021, 6, 1, 12, 0, 0))
    records, _, _ = driver.execute_query("RETURN $v AS v, toString($v) AS s", v=value)
    assert records[0]["v"] == value
    assert records[0]["s"] == "2021-06-01T12:00+02:00[Europe/Stockholm]"


def test_nodes_relationships_and_paths(driver):
    records, _, _ = driver.execute_query(
        "CREATE p = (a:Person {name: 'Ann'})-[:KNOWS {since: 2000}]->(b:Person {name: 'Bob'})"
        "<-[:LIKES]-(c:Cat) RETURN a, p")
    node, path = records[0]["a"], records[0]["p"]
    assert node.labels == {"Person"} and node["name"] == "Ann" and node.element_id.startswith("4:")
    assert [n["name"] if "name" in n else "cat" for n in path.nodes] == ["Ann", "Bob", "cat"]
    assert [r.type for r in path.relationships] == ["KNOWS", "LIKES"]
    likes = path.relationships[1]
    assert likes.start_node.labels == {"Cat"} and likes.end_node["name"] == "Bob"


def test_routing_uris(server):
    with GraphDatabase.driver(f"neo4j://{server.address}", auth=("neo4j", "x")) as routed:
        routed.verify_connectivity()
        routed.execute_query("CREATE (:Routed)")
        records, _, _ = routed.execute_query("MATCH (n:Routed) RETURN count(n) AS c", routing_="r")
        assert records[0]["c"] == 1


def test_terminate_across_connections(driver):
    victim_session = driver.session()
    tx = victim_session.begin_transaction()
    tx.run("CREATE (:Doomed)").consume()
    with driver.session() as admin:
        ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery WHERE currentQuery = 'CREATE (:Doomed)' "
                        "RETURN transactionId").value()
        assert len(ids) == 1
        assert admin.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction terminated."]
    with pytest.raises(ClientError) as caught:
        tx.run("RETURN 1").consume()
    assert caught.value.code == "Neo.ClientError.Transaction.Terminated"
    tx.close()
    victim_session.close()
    assert driver.execute_query("MATCH (n:Doomed) RETURN count(n) AS c").records[0]["c"] == 0


def test_authentication_against_the_system_database():
    with DBMS.in_memory(auth_enabled=True, initial_password="s3cret") as dbms, BoltServer(dbms, port=0) as server:
        with GraphDatabase.driver(server.uri, auth=("neo4j", "wrong")) as bad:
            with pytest.raises(AuthError) as caught:
                bad.verify_connectivity()
            assert caught.value.code == "Neo.ClientError.Security.Unauthorized"
        with GraphDatabase.driver(server.uri, auth=("neo4j", "s3cret")) as good:
            good.execute_query("CREATE USER reader1 SET PASSWORD 'r' CHANGE NOT REQUIRED")
            good.execute_query("GRANT ROLE reader TO reader1")
        with GraphDatabase.driver(server.uri, auth=("reader1", "r")) as reader:
            with pytest.raises(neo4j.exceptions.Forbidden):
                reader.execute_query("CREATE (:Nope)")


def test_many_connections_at_once(server, driver):
    driver.execute_query("UNWIND range(0, 7) AS k CREATE (:Counter {k: k, n: 0})")
    errors = []

    def work(k):
        try:
            with GraphDatabase.driver(server.uri, auth=("neo4j", "x")) as own, own.session() as session:
                for _ in range(20):
                    session.execute_write(lambda tx: tx.run("MATCH (c:Counter {k: $k}) SET c.n = c.n + 1",
                                                            k=k).consume())
                    assert session.run("MATCH (c:Counter) RETURN count(c) AS c").single()["c"] == 8
        except Exception as error:  # reported below
            errors.append(error)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert driver.execute_query("MATCH (c:Counter) RETURN sum(c.n) AS n").records[0]["n"] == 160


# --- the wire, decoded by the driver's own PackStream ------------------------------------------------------------

def _raw_connect(server, proposals: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"\x60\x60\xB0\x17" + proposals)
    return sock


def _frames(sock: socket.socket, count: int) -> list:
    from neo4j._codec.packstream.v1 import UnpackableBuffer, Unpacker
    messages = []
    buffer = b""
    while len(messages) < count:
        data = b""
        while True:
            while len(buffer) < 2:
                buffer += sock.recv(65536)
            (length,) = struct.unpack(">H", buffer[:2])
            while len(buffer) < 2 + length:
                buffer += sock.recv(65536)
            chunk, buffer = buffer[2:2 + length], buffer[2 + length:]
            if length == 0:
                break
            data += chunk
        unpacker = Unpacker(UnpackableBuffer(data))
        messages.append(unpacker.unpack())
    return messages


def test_golden_exchange_decoded_by_the_driver(server):
    sock = _raw_connect(server, bytes.fromhex("000001FF 00080805 00020404 00000003"))
    assert sock.recv(4) == bytes.fromhex("00000705")  # 5.7, the highest of 5.0–5.8 graphplex speaks
    hello = bytes.fromhex("003AB101A28A757365725F6167656E748B4578616D706C652F312E30"
                          "8A626F6C745F6167656E74A18770726F647563748B4578616D706C652F312E300000")
    logon = bytes.fromhex("0031B16AA386736368656D6585626173696389707269" "6E636970616C856E656F346A"
                          "8B63726564656E7469616C73847061737300 00".replace(" ", ""))
    run = bytes.fromhex("0012B3108D52455455524E2031204153207878A0A00000".replace("7878", "78"))
    pull = bytes.fromhex("0008B13FA1816EC903E80000")
    sock.sendall(hello + logon + run + pull)
    hello_ok, logon_ok, run_ok, record, summary = _frames(sock, 5)
    assert hello_ok.tag == b"\x70" and hello_ok.fields[0]["server"].startswith("Neo4j/")
    assert hello_ok.fields[0]["connection_id"].startswith("bolt-") and logon_ok.fields == [{}]
    assert run_ok.fields[0]["fields"] == ["x"]
    assert record.tag == b"\x71" and record.fields == [[1]]
    meta = summary.fields[0]
    assert meta["type"] == "r" and meta["has_more"] is False and meta["db"] == "neo4j"
    assert [status["gql_status"] for status in meta["statuses"]] == ["00000"]
    bad = bytes.fromhex("0010B3108B52455455524E20312041 53A0A00000".replace(" ", ""))
    sock.sendall(bad + pull + bytes.fromhex("0002B00F0000"))
    failure, ignored, reset_ok = _frames(sock, 3)
    assert failure.tag == b"\x7f" and failure.fields[0]["neo4j_code"] == "Neo.ClientError.Statement.SyntaxError"
    assert failure.fields[0]["gql_status"] == "42001"
    assert ignored.tag == b"\x7e" and reset_ok.tag == b"\x70"
    sock.close()


def test_bolt_4_1_has_legacy_date_times_and_no_element_ids(server):
    sock = _raw_connect(server, bytes.fromhex("00000104 00000001 00000000 00000000"))
    assert sock.recv(4) == bytes.fromhex("00000104")
    from neo4j._codec.packstream.v1 import PackableBuffer, Packer, Structure
    buffer = PackableBuffer()
    packer = Packer(buffer)

    def send(tag, *fields):
        buffer.clear()
        packer.pack(Structure(tag, *fields))
        data = bytes(buffer.data)
        sock.sendall(struct.pack(">H", len(data)) + data + b"\x00\x00")
    send(b"\x01", {"user_agent": "mgclient/1.7.0", "scheme": "none"})
    send(b"\x10", "RETURN datetime('1970-01-01T02:15:00.000000042+01:00') AS d, {a: 1} AS m", {}, {})
    send(b"\x3f", {"n": -1})
    hello_ok, run_ok, record, summary = _frames(sock, 4)
    assert hello_ok.tag == b"\x70" and "hints" not in hello_ok.fields[0]
    date_time = record.fields[0][0]
    assert date_time.tag == b"F" and date_time.fields == [8100, 42, 3600]
    assert summary.fields[0]["has_more"] is False
    sock.close()


def test_garbage_never_hurts_other_connections(server, driver):
    rng = random.Random(7)
    for attempt in range(60):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        try:
            if attempt % 3 == 0:
                sock.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
            else:
                sock.sendall(b"\x60\x60\xB0\x17" + bytes.fromhex("00000405 00000000 00000000 00000000"))
                sock.recv(4)
                body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
                if attempt % 3 == 1:
                    body = b"\xb1\x01" + body  # a HELLO with a mangled field
                sock.sendall(struct.pack(">H", len(body)) + body + b"\x00\x00")
            sock.settimeout(0.05)
            try:
                sock.recv(65536)
            except OSError:
                pass
        finally:
            sock.close()
        if attempt % 10 == 0:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
    oversized = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    oversized.sendall(b"\x60\x60\xB0\x17" + bytes.fromhex("00000405 00000000 00000000 00000000"))
    oversized.recv(4)
    oversized.sendall(b"\xff\xff" + b"\x00" * 10)  # a chunk announced longer than what comes
    oversized.close()
    assert driver.execute_query("RETURN 2 AS two").records[0]["two"] == 2
    assert server.dbms.registry.all() == [] or all(t.is_open for t in server.dbms.registry.all())


def test_a_client_that_vanishes_mid_transaction_leaves_nothing(server, dbms):
    import time

    from neo4j._codec.packstream.v1 import PackableBuffer, Packer, Structure
    sock = _raw_connect(server, bytes.fromhex("00000405 00000000 00000000 00000000"))
    assert sock.recv(4) == bytes.fromhex("00000405")
    buffer = PackableBuffer()
    packer = Packer(buffer)
    for tag, fields in ((b"\x01", ({"user_agent": "t"},)), (b"\x6a", ({"scheme": "none"},)), (b"\x11", ({},)),
                        (b"\x10", ("CREATE (:Orphan)", {}, {})), (b"\x3f", ({"n": -1},))):
        buffer.clear()
        packer.pack(Structure(tag, *fields))
        data = bytes(buffer.data)
        sock.sendall(struct.pack(">H", len(data)) + data + b"\x00\x00")
    assert [m.tag for m in _frames(sock, 5)] == [b"\x70"] * 5
    assert len(dbms.registry.all()) == 1
    sock.close()  # gone without GOODBYE or COMMIT
    deadline = time.monotonic() + 5
    while dbms.registry.all() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert dbms.registry.all() == [], "the server rolled the orphaned transaction back"
    with dbms.session() as check:
        assert check.run("MATCH (n:Orphan) RETURN count(n)").single()[0] == 0
