"""Bulk loads side by side in one run: W3 through `UNWIND … CREATE` against networkx building the same graph, W7
bytes per element against networkx's, and `graphplex import` against Kùzu's `COPY … FROM` CSV on the same files.

    python bench/bulk_bench.py [--scale 0.2] [--skip-w3] [--skip-import] [--skip-memory]

The W3 graph is `bench/cypher_bench.py`'s (`w3_data`: Person nodes with id, name, age; random KNOWS pairs,
self-loops and repeats allowed). networkx is a `MultiDiGraph` filled row by row with the properties as attributes
(`add_node(id, labels=…, **row)`, `add_edge(a, b, type=…)`): the plain-Python floor of the same work. Memory is
measured in fresh processes (this script with `--memory-child ENGINE`): peak RSS during the load minus RSS
before it, per node + relationship. The import writes the graph as neo4j-admin CSV files (`id:ID(Person)`,
`:START_ID(Person)`…) and Kùzu's plain CSV files before timing; graphplex runs `graphplex import` in-process into a
fresh data directory (the time it prints: the load and its snapshot), Kùzu runs `COPY Person` and `COPY KNOWS`
into a fresh on-disk database. Every count is verified. Prints one JSON line per result and one `ratio` line per
comparison (graphplex divided by the peer; for memory, graphplex bytes divided by networkx bytes).
"""
from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report  # noqa: E402
from bench.cypher_bench import (COUNT_NODES, COUNT_RELS, LOAD_NODES, LOAD_RELS, proc_status_mb,  # noqa: E402
                                sizes_for, w3_data)


# --- the two loads of W3 -------------------------------------------------------------------------------------

def load_graphplex(node_batches, rel_batches):
    """W3 as cypher_bench runs it: a fresh database with an index on :Person(id), batches of UNWIND … CREATE."""
    from graphplex.databases import Database
    db = Database()
    db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)").consume()
    gc.collect()
    start = time.perf_counter()
    for rows in node_batches:
        db.execute(LOAD_NODES, {"rows": rows}).consume()
    for pairs in rel_batches:
        db.execute(LOAD_RELS, {"pairs": pairs}).consume()
    return db, time.perf_counter() - start


def verify_graphplex(db, nodes: int, rels: int) -> None:
    counts = (list(db.execute(COUNT_NODES)), list(db.execute(COUNT_RELS)))
    check(counts == ([(nodes,)], [(rels,)]), f"graphplex W3 counts {counts}, expected {nodes} {rels}")


def load_networkx(node_batches, rel_batches):
    import networkx as nx
    gc.collect()
    start = time.perf_counter()
    graph = nx.MultiDiGraph()
    for rows in node_batches:
        for row in rows:
            graph.add_node(row["id"], labels=("Person",), **row)
    for pairs in rel_batches:
        for pair in pairs:
            graph.add_edge(pair["a"], pair["b"], type="KNOWS")
    return graph, time.perf_counter() - start


def verify_networkx(graph, nodes: int, rels: int) -> None:
    check((graph.number_of_nodes(), graph.number_of_edges()) == (nodes, rels), "networkx W3 counts")


LOADERS = {"graphplex": (load_graphplex, verify_graphplex), "networkx": (load_networkx, verify_networkx)}


def memory_child(engine: str, scale: float) -> None:
    """In a fresh process: loads the W3 graph with `engine` and prints its W7 line."""
    sizes = sizes_for(scale)
    node_batches, rel_batches, _ = w3_data(sizes)
    load, verify = LOADERS[engine]
    load(node_batches[:1], [])  # import and warm the engine before the baseline
    gc.collect()
    before = proc_status_mb("VmRSS")
    graph, seconds = load(node_batches, rel_batches)
    gc.collect()
    peak, steady = proc_status_mb("VmHWM"), proc_status_mb("VmRSS")
    verify(graph, sizes.nodes, sizes.rels)
    elements = sizes.nodes + sizes.rels
    report("W7_memory", scale, elements, seconds, engine=engine,
           bytes_per_element=round((peak - before) * 1024 * 1024 / elements, 1),
           steady_bytes_per_element=round((steady - before) * 1024 * 1024 / elements, 1))


def memory(engine: str, scale: float) -> dict:
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--scale", str(scale),
                           "--memory-child", engine], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        check(False, f"{engine} memory child failed")
    lines = [json.loads(text) for text in proc.stdout.splitlines() if text.startswith("{")]
    print(json.dumps(lines[-1]), flush=True)
    return lines[-1]


# --- import from CSV -----------------------------------------------------------------------------------------

def write_csv(directory: str, node_batches, rel_batches) -> dict[str, str]:
    """The graph as neo4j-admin files (graphplex import) and as Kùzu's plain files, written before timing."""
    paths = {name: os.path.join(directory, name + ".csv")
             for name in ("persons", "knows", "kuzu_persons", "kuzu_knows")}
    rows = [row for batch in node_batches for row in batch]
    pairs = [pair for batch in rel_batches for pair in batch]
    with open(paths["persons"], "w", newline="") as admin, open(paths["kuzu_persons"], "w", newline="") as plain:
        admin_writer, plain_writer = csv.writer(admin), csv.writer(plain)
        admin_writer.writerow(["id:ID(Person)", "name", "age:int", ":LABEL"])
        for row in rows:
            admin_writer.writerow([row["id"], row["name"], row["age"], "Person"])
            plain_writer.writerow([row["id"], row["name"], row["age"]])
    with open(paths["knows"], "w", newline="") as admin, open(paths["kuzu_knows"], "w", newline="") as plain:
        admin_writer, plain_writer = csv.writer(admin), csv.writer(plain)
        admin_writer.writerow([":START_ID(Person)", ":END_ID(Person)", ":TYPE"])
        for pair in pairs:
            admin_writer.writerow([pair["a"], pair["b"], "KNOWS"])
            plain_writer.writerow([pair["a"], pair["b"]])
    return paths


def import_graphplex(paths: dict[str, str], directory: str, nodes: int, rels: int) -> float:
    """`graphplex import` in this process into a fresh data directory; the seconds it reports."""
    from graphplex.cli.main import main as cli
    data = os.path.join(directory, "graphplex-data")
    out, err = io.StringIO(), io.StringIO()
    args = ["import", "--data-dir", data, "--database", "bulkw3", "--nodes", paths["persons"],
            "--relationships", paths["knows"]]
    code = cli(args, out, err)
    check(code == 0, f"graphplex import failed: {err.getvalue()}{out.getvalue()}")
    match = re.search(r"IMPORT DONE in ([0-9.]+) s: (\d+) nodes, (\d+) relationships", out.getvalue())
    check(match is not None and (int(match.group(2)), int(match.group(3))) == (nodes, rels),
          f"graphplex import output: {out.getvalue()}")
    verify_imported(data, nodes, rels)
    return float(match.group(1))


def verify_imported(data: str, nodes: int, rels: int) -> None:
    from graphplex import DBMS
    dbms = DBMS.open(data)
    try:
        with dbms.session(database="bulkw3") as session:
            counts = (session.run(COUNT_NODES).single()[0], session.run(COUNT_RELS).single()[0])
    finally:
        dbms.close()
    check(counts == (nodes, rels), f"graphplex import counts {counts}, expected {nodes} {rels}")


def import_kuzu(paths: dict[str, str], directory: str, nodes: int, rels: int) -> float:
    import kuzu
    database = kuzu.Database(os.path.join(directory, "kuzu-db"))
    connection = kuzu.Connection(database)
    connection.execute("CREATE NODE TABLE Person(id INT64, name STRING, age INT64, PRIMARY KEY(id))")
    connection.execute("CREATE REL TABLE KNOWS(FROM Person TO Person)")
    start = time.perf_counter()
    connection.execute(f"COPY Person FROM '{paths['kuzu_persons']}' (HEADER=false)")
    connection.execute(f"COPY KNOWS FROM '{paths['kuzu_knows']}' (HEADER=false)")
    seconds = time.perf_counter() - start
    counts = (connection.execute(COUNT_NODES).get_next()[0], connection.execute(COUNT_RELS).get_next()[0])
    check(counts == (nodes, rels), f"kuzu COPY counts {counts}, expected {nodes} {rels}")
    return seconds


# --- the run -------------------------------------------------------------------------------------------------

def ratio(name: str, ours: float, theirs: float, peer: str, target: float, lower_is_better: bool = False) -> None:
    value = ours / theirs
    met = value <= target if lower_is_better else value >= target
    print(json.dumps({"ratio": name, "peer": peer, "value": round(value, 3), "target": target, "met": met}),
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--skip-w3", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-child", choices=sorted(LOADERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.scale)
        return
    sizes = sizes_for(args.scale)
    node_batches, rel_batches, _ = w3_data(sizes)
    elements = sizes.nodes + sizes.rels

    if not args.skip_w3:
        graph, nx_seconds = load_networkx(node_batches, rel_batches)
        verify_networkx(graph, sizes.nodes, sizes.rels)
        del graph
        db, gp_seconds = load_graphplex(node_batches, rel_batches)
        verify_graphplex(db, sizes.nodes, sizes.rels)
        del db
        report("W3_bulk_load", args.scale, elements, nx_seconds, engine="networkx")
        report("W3_bulk_load", args.scale, elements, gp_seconds, engine="graphplex")
        ratio("W3 UNWIND ... CREATE", nx_seconds, gp_seconds, "networkx", 0.5)

    if not args.skip_import:
        directory = tempfile.mkdtemp(prefix="bulk_bench_")
        try:
            paths = write_csv(directory, node_batches, rel_batches)
            kuzu_seconds = import_kuzu(paths, directory, sizes.nodes, sizes.rels)
            import_seconds = import_graphplex(paths, directory, sizes.nodes, sizes.rels)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        report("import_csv", args.scale, elements, kuzu_seconds, engine="kuzu", method="COPY FROM csv")
        report("import_csv", args.scale, elements, import_seconds, engine="graphplex", method="graphplex import")
        ratio("graphplex import vs COPY FROM csv", kuzu_seconds, import_seconds, "kuzu", 0.25)

    if not args.skip_memory:
        nx_memory = memory("networkx", args.scale)
        gp_memory = memory("graphplex", args.scale)
        ratio("W7 bytes per element", gp_memory["bytes_per_element"], nx_memory["bytes_per_element"],
              "networkx", 1.0, lower_is_better=True)


if __name__ == "__main__":
    main()
