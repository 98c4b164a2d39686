"""Bolt: indexed point reads through the official `neo4j` driver against `graphplex serve` in its own process (one
connection, then 16 client processes at once), next to the same reads through an in-process session, in the same
run.

    python bench/bolt_bench.py [--scale 1.0]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from graphplex import DBMS  # noqa: E402

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
    args = parser.parse_args()
    import neo4j
    people, reads = max(1000, int(100_000 * args.scale)), max(320, int(5_000 * args.scale))
    rng = random.Random(42)
    ids = [rng.randrange(people) for _ in range(reads)]
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE INDEX FOR (p:Person) ON (p.id)").consume()
        session.run(LOAD, n=people).consume()
        with timed() as t:
            for i in ids:
                check(session.run(QUERY, id=i).single()["name"] == f"p{i}", "in-process read")
    in_process = report("point_read_in_process", args.scale, reads, t.seconds)

    server = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory", "--no-auth",
                               "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    try:
        uri = re.search(r"bolt://\S+", server.stdout.readline()).group(0)
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "x")) as driver:
            driver.execute_query("CREATE INDEX FOR (p:Person) ON (p.id)")
            driver.execute_query(LOAD, n=people)
        _reads(uri, ids[:50])  # warm-up: connection, plan cache
        with timed() as t:
            _reads(uri, ids)
        one = report("point_read_bolt_1_connection", args.scale, reads, t.seconds,
                     vs_in_process=round(reads / t.seconds / in_process["ops_per_s"], 3))
        parts = [ids[k::16] for k in range(16)]
        with multiprocessing.get_context("spawn").Pool(16) as pool:
            pool.starmap(_reads, [(uri, part[:5]) for part in parts])  # start the workers before timing
            with timed() as t:
                done = sum(pool.starmap(_reads, [(uri, part) for part in parts]))
        check(done == reads, "every concurrent read answered")
        report("point_read_bolt_16_client_processes", args.scale, reads, t.seconds,
               vs_one_connection=round(reads / t.seconds / one["ops_per_s"], 2), cores=os.cpu_count())
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
