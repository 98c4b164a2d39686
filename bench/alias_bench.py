"""The overhead of a remote database alias: the same indexed point reads on one `graphplex serve` process, through
the official `neo4j` driver straight to it, and through a remote alias of an embedded graphplex (`USE far MATCH …`,
the alias's child transaction going through the same driver), in interleaved rounds of one run; the ratio is alias
÷ direct. Both sides open one auto-commit transaction per read. Every answer is checked.

    python bench/alias_bench.py [--scale 1.0] [--rounds 5]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402

QUERY = "MATCH (p:Person {id: $id}) RETURN p.name AS name"
LOAD = "CREATE INDEX person_id IF NOT EXISTS FOR (p:Person) ON (p.id)"
FILL = "UNWIND range(0, $n - 1) AS i CREATE (:Person {id: i, name: 'p' + i})"
PASSWORD = "bench-password"


def _serve() -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory", "--initial-password",
                               PASSWORD, "--listen", "127.0.0.1:0", "--no-http"], stdout=subprocess.PIPE, text=True)
    port = int(re.search(r"bolt://127\.0\.0\.1:(\d+)", server.stdout.readline()).group(1))
    return server, port


def _direct_reads(driver, ids: list[int]) -> None:
    for i in ids:
        with driver.session(database="neo4j") as session:
            check(session.run(QUERY, id=i).single()["name"] == f"p{i}", f"direct answer for {i}")


def _alias_reads(dbms, ids: list[int]) -> None:
    for i in ids:
        with dbms.session() as session:
            check(session.run("USE far " + QUERY, id=i).single()["name"] == f"p{i}", f"alias answer for {i}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import neo4j

    from graphplex import DBMS

    people = max(100, int(10_000 * args.scale))
    reads = max(100, int(1_000 * args.scale))
    rng = random.Random(7)
    server, port = _serve()
    try:
        with neo4j.GraphDatabase.driver(f"neo4j://127.0.0.1:{port}", auth=("neo4j", PASSWORD)) as driver, \
                DBMS.in_memory() as dbms:
            driver.execute_query(LOAD)
            driver.execute_query(FILL, n=people)
            with dbms.session() as session:
                session.run(f"CREATE ALIAS far FOR DATABASE neo4j AT 'neo4j://127.0.0.1:{port}' USER neo4j "
                            "PASSWORD $password DRIVER {ssl_enforced: false}", password=PASSWORD).consume()
            kinds = {"direct": lambda ids: _direct_reads(driver, ids), "alias": lambda ids: _alias_reads(dbms, ids)}
            for run in kinds.values():  # warm both paths (plan caches, pools)
                run([rng.randrange(people) for _ in range(50)])
            rates: dict[str, list[float]] = {kind: [] for kind in kinds}
            for _ in range(args.rounds):
                ids = [rng.randrange(people) for _ in range(reads)]
                for kind, run in kinds.items():
                    with timed() as timer:
                        run(ids)
                    rates[kind].append(len(ids) / timer.seconds)
    finally:
        server.terminate()
        server.wait(30)
    direct = statistics.median(rates["direct"])
    for kind, values in rates.items():
        median = statistics.median(values)
        report(f"alias_{kind}", args.scale, reads, reads / median, ops_per_s_median=round(median, 1),
               ratio_to_direct=round(median / direct, 3), rounds=args.rounds)


if __name__ == "__main__":
    main()
