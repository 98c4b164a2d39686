"""The Bolt server under hostile or broken clients (issue 14): stalled handshakes, floods of idle connections,
big messages before logging in, garbage. A normal client is served throughout; every bad connection ends."""
from __future__ import annotations

import logging
import random
import re
import resource
import socket
import subprocess
import sys
import threading
import time

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")

from bolt_wire import FAILURE, HELLO, LOGOFF, MAGIC, PULL, RUN, SUCCESS, Wire, chunked, message, proposal  # noqa: E402
from graphplex import DBMS  # noqa: E402
from graphplex.bolt import BoltServer  # noqa: E402
from graphplex.bolt.admission import Admission  # noqa: E402
from graphplex.bolt.limits import Limits  # noqa: E402
from graphplex.databases.errors import ClientError  # noqa: E402


def _fitting(wanted: int) -> int:
    """`wanted` sockets held at once, or as many as the descriptor limit allows (each costs two in this process,
    client and server side); the soft limit is raised as far as the hard one first."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < 2 * wanted + 200:
        soft = 2 * wanted + 200 if hard == resource.RLIM_INFINITY else min(hard, 2 * wanted + 200)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return wanted if soft == resource.RLIM_INFINITY else min(wanted, (soft - 200) // 2)


HELD = _fitting(400)
IDLE = _fitting(500)


@pytest.fixture
def quick(dbms, caplog):
    """A server with short deadlines, so that the tests see them pass; no internal error may be logged."""
    with BoltServer(dbms, port=0, handshake_timeout=1.0, auth_timeout=1.5, idle_timeout=1.0) as server:
        yield server
    assert not [r for r in caplog.records if r.name == "graphplex.bolt" and r.levelno >= logging.ERROR]


def _query(uri: str, within: float = 5.0) -> float:
    """Seconds a fresh driver took to connect and run a query (which must succeed within `within`)."""
    started = time.monotonic()
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "x"), connection_timeout=within,
                                    connection_acquisition_timeout=within) as driver:
        assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
    return time.monotonic() - started


def _half_open(port: int, count: int) -> list[socket.socket]:
    held = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(MAGIC[:2])
        held.append(sock)
    return held


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_stalled_handshakes_neither_lock_clients_out_nor_stay(quick):
    held = _half_open(quick.port, HELD)
    try:
        assert _query(quick.uri) < 3.0
        assert quick.admission.unauthenticated <= quick.limits.max_unauthenticated
        assert all(_closed_by_server(sock, within=3.0) for sock in held), "every stalled handshake is closed"
    finally:
        for sock in held:
            sock.close()
    assert _wait(lambda: quick.admission.open == 0)


def test_default_limits_keep_a_client_served_through_a_flood(dbms):
    with BoltServer(dbms, port=0) as server:
        assert server.limits.handshake_timeout == 10.0 and server.limits.auth_timeout == 30.0
        assert server.limits.max_unauthenticated == 32 and server.limits.unauthenticated_message_size == 65536
        held = _half_open(server.port, HELD)
        try:
            assert _query(server.uri) < 3.0
        finally:
            for sock in held:
                sock.close()


def test_500_logged_in_connections_and_garbage_while_a_client_is_served(dbms):
    with BoltServer(dbms, port=0, max_connections=IDLE + 100) as server:
        idle = []
        try:
            for _ in range(IDLE):
                wire = Wire(server.port)
                wire.login()
                idle.append(wire)
            assert server.admission.open == IDLE
            stop = threading.Event()
            garbage = threading.Thread(target=_spray_garbage, args=(server.port, stop))
            garbage.start()
            try:
                for _ in range(5):
                    assert _query(server.uri) < 3.0
            finally:
                stop.set()
                garbage.join()
            idle[0].send(message(RUN, "RETURN 42 AS n", {}, {}) + message(PULL, {"n": -1}))
            assert [idle[0].receive().tag for _ in range(3)] == [SUCCESS, 0x71, SUCCESS]
        finally:
            for wire in idle:
                wire.close()


def _spray_garbage(port: int, stop: threading.Event) -> None:
    rng = random.Random(14)
    while not stop.is_set():
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            if rng.random() < 0.5:
                sock.sendall(rng.randbytes(rng.randrange(1, 200)))
            else:
                sock.sendall(MAGIC + proposal(5, 4))
                sock.recv(4)
                sock.sendall(chunked(rng.randbytes(rng.randrange(1, 200))))
            sock.settimeout(0.2)
            try:
                sock.recv(65536)
            except OSError:
                pass


def test_a_big_message_before_logging_in_is_refused_unread(quick):
    wire = Wire(quick.port)
    wire.handshake()
    big = message(HELLO, {"user_agent": "x" * (70 * 1024)})
    wire.send(big[:70 * 1024])  # the rest need not even arrive
    reply = wire.receive()
    assert reply.tag == FAILURE and reply.fields[0]["code"] == "Neo.ClientError.Request.Invalid"
    assert "65536" in reply.fields[0]["message"]
    assert wire.closed_within(2.0)
    logged_in = Wire(quick.port)
    logged_in.login()
    logged_in.send(message(RUN, "RETURN size($s) AS n", {"s": "y" * 200_000}, {}) + message(PULL, {"n": -1}))
    assert [logged_in.receive().fields for _ in range(3)][1] == ([200_000],)


def test_login_deadline_counts_from_connecting_and_again_after_logoff(quick):
    drip = Wire(quick.port)
    drip.handshake()
    started = time.monotonic()
    for _ in range(20):  # a NOOP chunk every 0.1 s keeps no connection that has not logged in alive
        try:
            drip.send(b"\x00\x00")
        except OSError:
            break
        time.sleep(0.1)
    assert drip.closed_within(2.0) and time.monotonic() - started < 3.0
    again = Wire(quick.port)
    again.login()
    again.send(message(LOGOFF))
    assert again.receive().tag == SUCCESS
    assert again.closed_within(3.0), "after LOGOFF the login deadline applies again"


def test_idle_logged_in_connections_are_closed(quick):
    wire = Wire(quick.port)
    wire.login()
    time.sleep(0.5)
    wire.send(message(RUN, "RETURN 1", {}, {}) + message(PULL, {"n": -1}))  # activity restarts the clock
    assert [wire.receive().tag for _ in range(3)] == [SUCCESS, 0x71, SUCCESS]
    assert not wire.closed_within(0.6)
    assert wire.closed_within(1.5)


NEST = b"\x91" * 200 + b"\x01"
GARBAGE = {
    "random bytes": lambda: random.Random(1).randbytes(300),
    "wrong magic": lambda: b"\x60\x60\xB0\x18" + proposal(5, 4),
    "no common version": lambda: MAGIC + proposal(3, 0),
    "truncated handshake": lambda: MAGIC + b"\x00\x00",
    "chunk longer than sent": lambda: MAGIC + proposal(5, 4) + b"\xff\xff" + b"\x00" * 10,
    "truncated structure": lambda: MAGIC + proposal(5, 4) + chunked(b"\xb1\x01\xa1\x81"),
    "deep nesting": lambda: MAGIC + proposal(5, 4) + chunked(b"\xb1\x01" + NEST),
    "not a structure": lambda: MAGIC + proposal(5, 4) + chunked(b"\x01"),
    "trailing bytes": lambda: MAGIC + proposal(5, 4) + chunked(b"\xb0\x02\x00"),
    "map with integer keys": lambda: MAGIC + proposal(5, 4) + chunked(b"\xb1\x01\xa1\x01\x01"),
    "invalid utf-8": lambda: MAGIC + proposal(5, 4) + chunked(b"\xb1\x01\xa1\x82\xff\xfe\x01"),
    "run before hello": lambda: MAGIC + proposal(5, 4) + message(RUN, "RETURN 1", {}, {}),
    "unknown marker": lambda: MAGIC + proposal(5, 4) + chunked(b"\xb1\x01\xe0"),
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_closes_its_connection_and_nothing_else(quick, name):
    sock = socket.create_connection(("127.0.0.1", quick.port), timeout=5)
    sock.sendall(GARBAGE[name]())
    received = b""
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        sock.settimeout(deadline - time.monotonic())
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            data = b""
        except TimeoutError:
            pytest.fail(f"{name}: the connection stayed open")
        if not data:
            break
        received += data
    sock.close()
    if received.startswith(b"\x00\x00\x04\x05"):
        received = received[4:]
    if received not in (b"", b"\x00\x00\x00\x00"):
        codes = re.findall(rb"Neo\.[A-Za-z]+\.[A-Za-z]+\.[A-Za-z]+", received)
        assert codes and received[2:4] == b"\xb1\x7f", (name, received)
    assert _query(quick.uri) < 3.0


def test_limits_are_checked_and_come_from_the_settings():
    with DBMS.in_memory(bolt_handshake_timeout=2.5, bolt_idle_timeout=None) as dbms:
        server = BoltServer(dbms, port=0, auth_timeout=4.0)
        assert (server.limits.handshake_timeout, server.limits.auth_timeout, server.limits.idle_timeout) == \
            (2.5, 4.0, None)
        with pytest.raises(ClientError) as refused:
            BoltServer(dbms, port=0, handshake_timeout=0)
        assert refused.value.code == "Neo.ClientError.General.InvalidArguments"
    assert Limits(1, 1, None, max_connections=16, max_message_size=10,
                  unauthenticated_message_size=10).max_unauthenticated == 8


def test_admission_gives_the_oldest_waiting_slot_to_a_newcomer():
    admission = Admission(max_connections=4, max_unauthenticated=2)
    pairs = [socket.socketpair() for _ in range(6)]
    try:
        a, b, c, d, e, f = (server for server, _ in pairs)
        pairs[0][1].settimeout(5)
        assert admission.admit(a) and admission.admit(b)
        assert admission.admit(c)  # a, the oldest waiting, is dropped for c
        assert pairs[0][1].recv(1) == b"" and admission.open == 2 and admission.unauthenticated == 2
        admission.release(a)  # its thread ends: its slot was already given away
        assert admission.open == 2
        for sock in (b, c):
            admission.authenticated(sock)
        assert admission.admit(d) and admission.admit(e)
        for sock in (d, e):
            admission.authenticated(sock)
        assert not admission.admit(f), "all four slots are held by logged-in connections"
        for sock in (b, c, d, e):
            admission.release(sock)
        assert admission.open == 0 and admission.unauthenticated == 0
    finally:
        for one, other in pairs:
            one.close()
            other.close()


def test_serve_takes_the_timeouts_as_options():
    server = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory", "--no-auth",
                               "--listen", "127.0.0.1:0", "--handshake-timeout", "0.5", "--idle-timeout", "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r"bolt://127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1))
        stalled = _half_open(port, 1)[0]
        assert _closed_by_server(stalled, within=3.0)
        stalled.close()
        assert _query(f"bolt://127.0.0.1:{port}") < 3.0
    finally:
        server.terminate()
        server.wait()


def _wait(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


@pytest.mark.parametrize("leave", ["reset", "bad pull", "close"])
def test_a_result_given_up_whose_rest_fails_is_no_internal_error(quick, leave):
    """Found by the fuzzer: closing the session of an unread result runs the rest of the statement; its error
    has nobody to go to and must not escape (the `quick` fixture fails on a logged internal error)."""
    wire = Wire(quick.port)
    wire.login()
    wire.send(message(RUN, "RETURN date($p) AS d", {"p": "not a date"}, {}))
    assert wire.receive().tag == SUCCESS
    if leave == "reset":
        wire.send(message(0x0F))
        assert wire.receive().tag == SUCCESS
    elif leave == "bad pull":
        wire.send(message(PULL, {"n": 0}))
        assert wire.receive().fields[0]["code"] == "Neo.ClientError.Request.Invalid"
    wire.close()
    assert _wait(lambda: quick.admission.open == 0) and quick.dbms.registry.all() == []


def test_serve_refuses_a_limit_that_is_not_positive():
    import io

    from graphplex.cli.main import main
    err = io.StringIO()
    assert main(["serve", "--in-memory", "--no-auth", "--listen", "127.0.0.1:0", "--auth-timeout", "-1"],
                io.StringIO(), err) == 2
    assert "Neo.ClientError.General.InvalidArguments" in err.getvalue() and "auth_timeout" in err.getvalue()
