"""Bolt: indexed point reads through the official `neo4j` driver against `graphplex serve` in its own process (one
connection, then 16 client processes at once), next to the same reads through an in-process session and through
FalkorDB-lite's own client (`bench/bolt_falkordb_peer.py`, run by a Python >= 3.12 that has `falkordblite`), in the
same run; then held connections: the server's memory per idle logged-in connection and per stalled handshake, and the
rate at which it accepts and logs in new clients while they are held.

    python bench/bolt_bench.py [--scale 1.0] [--part reads|connections|all] [--falkordb-python PYTHON]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from graphplex import DBMS  # noqa: E402
from graphplex.bolt.packstream import Structure, pack  # noqa: E402

QUERY = "MATCH (p:Person {id: $id}) RETURN p.name AS name"
LOAD = "UNWIND range(0, $n - 1) AS i CREATE (:Person {id: i, name: 'p' + i})"


def _reads(uri: str, ids: list[int]) -> int:
    import neo4j
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "x")) as driver, driver.session() as session:
        for i in ids:
            if session.run(QUERY, id=i).single()["name"] != f"p{i}":
                raise AssertionError(f"wrong answer for {i}")
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--part", choices=["reads", "connections", "all"], default="all")
    parser.add_argument("--falkordb-python", default=os.environ.get("GRAPHPLEX_FALKORDB_PYTHON"),
                        help="a Python >= 3.12 with falkordblite installed, to run FalkorDB-lite's reads beside "
                             "graphplex's (default: $GRAPHPLEX_FALKORDB_PYTHON; none: the peer is skipped)")
    args = parser.parse_args()
    if args.part in ("reads", "all"):
        _point_reads(args.scale, args.falkordb_python)
    if args.part in ("connections", "all"):
        _held_connections(args.scale)


class _Peer:
    """FalkorDB-lite's same reads (same seed, so the same ids) through its own client, in a process of its own that
    loads once and then times a round each time it is asked (`bolt_falkordb_peer.py`)."""

    def __init__(self, python: str, scale: float, people: int, reads: int) -> None:
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bolt_falkordb_peer.py")
        self.process = subprocess.Popen([python, script, "--people", str(people), "--reads", str(reads),
                                         "--scale", str(scale)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        check(self.process.stdout.readline().strip() == "ready", "FalkorDB-lite loaded")

    def round(self) -> float:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        check(bool(line), "FalkorDB-lite answered every read")
        return json.loads(line)["seconds"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def _canned_server() -> tuple[subprocess.Popen, str]:
    """`bolt_canned_server.py`, which does no database work: the driver against it costs what the driver itself
    costs, the most any server can give through it here."""
    canned = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                            "bolt_canned_server.py")], stdout=subprocess.PIPE, text=True)
    return canned, canned.stdout.readline().strip()


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _one_connection(scale: float, uri: str, ids: list[int], in_process: dict, falkordb_python: str | None,
                    people: int, rounds: int = 3) -> dict:
    """Rounds of graphplex's reads over one connection, interleaved with the driver's floor and FalkorDB-lite's
    reads (the machine's load moves between rounds; medians of the same moments are compared)."""
    peer = _Peer(falkordb_python, scale, people, len(ids)) if falkordb_python else None
    canned, canned_uri = _canned_server()
    seconds: dict[str, list[float]] = {"graphplex": [], "floor": [], "falkordblite": []}
    try:
        _reads(canned_uri, ids[:50])
        for _ in range(rounds):
            if peer is not None:
                seconds["falkordblite"].append(peer.round())
            with timed() as t:
                _reads(canned_uri, ids)
            seconds["floor"].append(t.seconds)
            with timed() as t:
                _reads(uri, ids)
            seconds["graphplex"].append(t.seconds)
    finally:
        canned.terminate()
        canned.wait()
        if peer is not None:
            peer.close()
    reads = len(ids)
    floor = report("point_read_bolt_driver_floor", scale, reads, _median(seconds["floor"]), rounds=rounds)
    ratios = {}
    if peer is not None:
        theirs = report("point_read_falkordblite", scale, reads, _median(seconds["falkordblite"]), rounds=rounds)
        ratios = {"vs_falkordblite": round(theirs["seconds"] / _median(seconds["graphplex"]), 3),
                  "driver_floor_vs_falkordblite": round(theirs["seconds"] / floor["seconds"], 3)}
    else:
        print(json.dumps({"workload": "point_read_falkordblite", "skipped": "no --falkordb-python given"}))
    ours = _median(seconds["graphplex"])
    return report("point_read_bolt_1_connection", scale, reads, ours, rounds=rounds,
                  vs_in_process=round(reads / ours / in_process["ops_per_s"], 3),
                  vs_driver_floor=round(floor["seconds"] / ours, 3), **ratios)


def _point_reads(scale: float, falkordb_python: str | None = None) -> None:
    import neo4j
    people, reads = max(1000, int(100_000 * scale)), max(320, int(5_000 * scale))
    rng = random.Random(42)
    ids = [rng.randrange(people) for _ in range(reads)]
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE INDEX FOR (p:Person) ON (p.id)").consume()
        session.run(LOAD, n=people).consume()
        with timed() as t:
            for i in ids:
                check(session.run(QUERY, id=i).single()["name"] == f"p{i}", "in-process read")
    in_process = report("point_read_in_process", scale, reads, t.seconds)

    server = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory", "--no-auth",
                               "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    try:
        uri = re.search(r"bolt://\S+", server.stdout.readline()).group(0)
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "x")) as driver:
            driver.execute_query("CREATE INDEX FOR (p:Person) ON (p.id)")
            driver.execute_query(LOAD, n=people)
        _reads(uri, ids[:50])  # warm-up: connection, plan cache
        one = _one_connection(scale, uri, ids, in_process, falkordb_python, people)
        parts = [ids[k::16] for k in range(16)]
        with multiprocessing.get_context("spawn").Pool(16) as pool:
            pool.starmap(_reads, [(uri, part[:5]) for part in parts])  # start the workers before timing
            with timed() as t:
                done = sum(pool.starmap(_reads, [(uri, part) for part in parts]))
            with timed() as t_one:  # one connection again, right after: the pair is measured at one moment
                _reads(uri, ids)
        check(done == reads, "every concurrent read answered")
        report("point_read_bolt_16_client_processes", scale, reads, t.seconds,
               vs_one_connection=round(t_one.seconds / t.seconds, 2),
               vs_one_connection_earlier=round(reads / t.seconds / one["ops_per_s"], 2), cores=os.cpu_count())
    finally:
        server.terminate()
        server.wait()


def _serve(*options: str) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory", "--no-auth",
                               "--listen", "127.0.0.1:0", *options], stdout=subprocess.PIPE, text=True)
    return server, int(re.search(r"bolt://127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1))


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def _message(tag: int, *fields) -> bytes:
    body = pack(Structure(tag, fields))
    return struct.pack(">H", len(body)) + body + b"\x00\x00"


LOGIN = _message(0x01, {"user_agent": "bench/1.0"}) + _message(0x6A, {"scheme": "none"})


def _logged_in(port: int) -> socket.socket:
    """A raw connection after handshake, HELLO and LOGON (both answers read)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"\x60\x60\xB0\x17" + bytes((0, 0, 4, 5)) + b"\x00" * 12)
    check(sock.recv(4) == b"\x00\x00\x04\x05", "handshake answered")
    sock.sendall(LOGIN)
    received = b""
    while received.count(b"\x00\x00") < 2 or not received.endswith(b"\x00\x00"):
        received += sock.recv(4096)
    check(received.count(b"\xb1\x70") == 2, "HELLO and LOGON succeeded")
    return sock


def _held_connections(scale: float) -> None:
    """Memory per held connection, and logins per second with and without them held, on one `graphplex serve`."""
    import neo4j
    held_count = max(50, int(500 * scale))
    server, port = _serve("--max-connections", str(2 * held_count + 100))
    held: list[socket.socket] = []
    try:
        _login_rate(port, 0.5)  # warm-up: the server's first connections and imports
        rate_alone = _login_rate(port)
        time.sleep(0.5)
        before = _rss_kib(server.pid)
        with timed() as t:
            held += [_logged_in(port) for _ in range(held_count)]
        time.sleep(0.5)
        idle = (_rss_kib(server.pid) - before) / held_count
        report("bolt_hold_logged_in_connections", scale, held_count, t.seconds,
               server_kib_per_idle_connection=round(idle, 1))
        before = _rss_kib(server.pid)
        for _ in range(held_count):
            stalled = socket.create_connection(("127.0.0.1", port), timeout=30)
            stalled.sendall(b"\x60\x60")
            held.append(stalled)
        time.sleep(0.5)
        report("bolt_hold_stalled_handshakes", scale, held_count, 0.0,
               server_kib_per_stalled_handshake=round((_rss_kib(server.pid) - before) / held_count, 1),
               server_rss_mb=round(_rss_kib(server.pid) / 1024, 1))
        rate_held = _login_rate(port)
        _big_messages_before_login(server.pid, port)
        with timed() as t, neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("neo4j", "x")) as driver:
            check(driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1, "a normal client is served")
        report("bolt_logins_while_held", scale, rate_held[0], rate_held[1], held=2 * held_count,
               vs_nothing_held=round(rate_held[0] / rate_held[1] / (rate_alone[0] / rate_alone[1]), 2),
               driver_first_query_s=round(t.seconds, 3))
    finally:
        for sock in held:
            sock.close()
        server.terminate()
        server.wait()


def _big_messages_before_login(pid: int, port: int, senders: int = 6) -> None:
    """Clients that send 60 MiB messages instead of logging in: the server's memory must not grow by them."""
    chunk = struct.pack(">H", 0xFFFF) + b"\x00" * 0xFFFF

    def flood() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(b"\x60\x60\xB0\x17" + bytes((0, 0, 4, 5)) + b"\x00" * 12)
            sock.recv(4)
            try:
                for _ in range(960):
                    sock.sendall(chunk)
            except OSError:
                pass  # refused and closed, as it should be
    before = _rss_kib(pid)
    with timed() as t:
        floods = [threading.Thread(target=flood) for _ in range(senders)]
        for thread in floods:
            thread.start()
        for thread in floods:
            thread.join()
    report("bolt_big_messages_before_login", 1.0, senders, t.seconds,
           server_rss_growth_mb=round((_rss_kib(pid) - before) / 1024, 1))


def _login_rate(port: int, seconds: float = 2.0) -> tuple[int, float]:
    """New connections accepted, handshaken and logged in (then closed) one after another for `seconds`."""
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        sock = _logged_in(port)
        sock.sendall(_message(0x02))
        sock.close()
        done += 1
    return done, time.perf_counter() - start


if __name__ == "__main__":
    main()
