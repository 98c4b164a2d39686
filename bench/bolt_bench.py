"""Bolt: indexed point reads through the official `neo4j` driver (one connection, then 16 concurrent ones) next
to the same reads through an in-process session, in the same run (client and server share this process, so
the driver's own Python work is part of every figure).

    python bench/bolt_bench.py [--scale 1.0]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from dbms import DBMS  # noqa: E402
from dbms.bolt import BoltServer  # noqa: E402

QUERY = "MATCH (p:Person {id: $id}) RETURN p.name AS name"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    import neo4j
    people, reads = max(1000, int(100_000 * args.scale)), max(200, int(5_000 * args.scale))
    rng = random.Random(42)
    ids = [rng.randrange(people) for _ in range(reads)]
    with DBMS.in_memory() as dbms, BoltServer(dbms, port=0) as server:
        with dbms.session() as session:
            session.run("CREATE INDEX FOR (p:Person) ON (p.id)").consume()
            session.run("UNWIND range(0, $n - 1) AS i CREATE (:Person {id: i, name: 'p' + i})", n=people).consume()
            with timed() as t:
                for i in ids:
                    check(session.run(QUERY, id=i).single()["name"] == f"p{i}", "in-process read")
        in_process = report("point_read_in_process", args.scale, reads, t.seconds)
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "x")) as driver, driver.session() as session:
            session.run("RETURN 1").consume()
            with timed() as t:
                for i in ids:
                    check(session.run(QUERY, id=i).single()["name"] == f"p{i}", "driver read")
        one = report("point_read_bolt_1_connection", args.scale, reads, t.seconds,
                     vs_in_process=round(reads / t.seconds / in_process["ops_per_s"], 3))
        per_connection = reads // 16
        failures: list = []

        def work(part: list[int]) -> None:
            try:
                with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "x")) as driver, \
                        driver.session() as own:
                    for i in part:
                        check(own.run(QUERY, id=i).single()["name"] == f"p{i}", "driver read")
            except Exception as error:  # reported below
                failures.append(error)
        threads = [threading.Thread(target=work, args=(ids[k * per_connection:(k + 1) * per_connection],))
                   for k in range(16)]
        with timed() as t:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        check(not failures, f"concurrent reads failed: {failures[:1]}")
        report("point_read_bolt_16_connections", args.scale, per_connection * 16, t.seconds,
               vs_one_connection=round((per_connection * 16 / t.seconds) / one["ops_per_s"], 2))


if __name__ == "__main__":
    main()
