"""HTTP Query API against Bolt: the same indexed point reads on one `graphplex serve` process, through the Query
API (one keep-alive connection, `POST /db/neo4j/query/v2`, plain and typed JSON) and through the official `neo4j`
driver on one Bolt connection, in interleaved rounds of one run; the ratio is HTTP ÷ Bolt. Then explicit HTTP
transactions (begin with a statement, commit) per second. Every answer is checked.

    python bench/http_bench.py [--scale 1.0] [--rounds 5]
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
TYPED = "application/vnd.neo4j.query"


def _serve() -> tuple[subprocess.Popen, str, str]:
    server = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory", "--no-auth",
                               "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    bolt = re.search(r"bolt://\S+", server.stdout.readline()).group(0)
    http = re.search(r"http://[0-9.:]+", server.stdout.readline()).group(0)
    return server, bolt, http


def _http_reads(client, ids: list[int], typed: bool) -> None:
    headers = {"Accept": TYPED} if typed else {}
    for i in ids:
        body = client.post("/db/neo4j/query/v2", json={"statement": QUERY, "parameters": {"id": i}},
                           headers=headers).json()
        value = body["data"]["values"][0][0]
        check((value["_value"] if typed else value) == f"p{i}", f"HTTP answer for {i}: {body}")


def _bolt_reads(session, ids: list[int]) -> None:
    for i in ids:
        check(session.run(QUERY, id=i).single()["name"] == f"p{i}", f"Bolt answer for {i}")


def _http_transactions(client, ids: list[int]) -> None:
    for i in ids:
        begun = client.post("/db/neo4j/query/v2/tx", json={"statement": QUERY, "parameters": {"id": i}}).json()
        check(begun["data"]["values"] == [[f"p{i}"]], f"HTTP transaction answer for {i}: {begun}")
        tx = begun["transaction"]["id"]
        committed = client.post(f"/db/neo4j/query/v2/tx/{tx}/commit", content=b"")
        check(committed.status_code == 202, f"commit of {tx}: {committed.text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import httpx
    import neo4j

    people = max(100, int(10_000 * args.scale))
    reads = max(100, int(2_000 * args.scale))
    rng = random.Random(7)
    server, bolt_uri, http_url = _serve()
    try:
        with neo4j.GraphDatabase.driver(bolt_uri, auth=("neo4j", "x")) as driver, \
                driver.session(database="neo4j") as session, \
                httpx.Client(base_url=http_url, timeout=60) as client:
            session.run(LOAD).consume()
            session.run(FILL, n=people).consume()
            kinds = {"bolt": lambda ids: _bolt_reads(session, ids),
                     "http_json": lambda ids: _http_reads(client, ids, typed=False),
                     "http_typed": lambda ids: _http_reads(client, ids, typed=True),
                     "http_tx": lambda ids: _http_transactions(client, ids[: len(ids) // 4])}
            for run in kinds.values():  # warm both paths (plan cache, connections)
                run([rng.randrange(people) for _ in range(50)])
            rates: dict[str, list[float]] = {kind: [] for kind in kinds}
            for _ in range(args.rounds):
                ids = [rng.randrange(people) for _ in range(reads)]
                for kind, run in kinds.items():
                    with timed() as timer:
                        run(ids)
                    done = len(ids) // 4 if kind == "http_tx" else len(ids)
                    rates[kind].append(done / timer.seconds)
    finally:
        server.terminate()
        server.wait(30)
    bolt = statistics.median(rates["bolt"])
    for kind, values in rates.items():
        median = statistics.median(values)
        report(f"http_{kind}" if not kind.startswith("http") else kind, args.scale, reads, reads / median,
               ops_per_s_median=round(median, 1), ratio_to_bolt=round(median / bolt, 3), rounds=args.rounds)


if __name__ == "__main__":
    main()
