"""The benchmark workloads of `../shared/bench/WORKLOADS.md` (W1-W8) through Cypher, on graphplex and on the peers
of issue 18 in the same run (same generated data, same statements where the dialects agree), ending with the
issue's ratio table.

    python bench/cypher_bench.py [--scale 1.0] [--vs kuzu] [--vs networkx] [--vs falkordb] [--vs all]
                                 [--rounds 1] [--kuzu-params literal|parameter] [--falkordb-venv DIR]

`--scale 0.05` takes about 5 s on graphplex alone, `--scale 1 --vs kuzu` about 4.5 minutes (graphplex's W8 is
most of it). Peers: Kùzu in memory (`kuzu`, the `[bench]` extra), a plain-Python program over a networkx DiGraph
(`bench/peers/networkx_engine.py`, the pure-Python floor) and FalkorDB-lite, which needs Python 3.12+ and runs in
a child process of its own venv, made on first use (`bench/peers/falkordb_venv.py`; a `skipped` line says why if
it cannot be). SQLite (WAL, synchronous=FULL, one INSERT per transaction) always runs beside graphplex's durable
W1 (`bench/peers/sqlite_commits.py`).

Prints one JSON line per result in the format of `bench/common.py` plus `engine` and `gc_s` (seconds CPython's
cyclic garbage collector ran inside the timed block; each block starts after a full collection); one `ratio`
line per workload and peer (graphplex ops/s divided by the peer's; for W7, graphplex bytes per element divided by
the peer's); one `table_row` line per row of the table; and last the markdown ratio table (with `--rounds N`, of
the medians of N interleaved rounds: graphplex, then each peer, N times) (`bench/ratio_table.py`:
each engine's figure, graphplex ÷ the best database peer, graphplex ÷ networkx, the issue's target, met / not
met). Every answer is verified against a plain Python / networkx computation on the same data; a wrong answer
stops the run. W1 and W2 also report `x_dict`: engine time per operation as a multiple of a dict insert / lookup
of the same record, measured in this run. W7 loads the W3 graph in a fresh process (this script with
`--w7-child ENGINE`) and reads VmRSS / VmHWM from /proc (of the server process for FalkorDB-lite). Durable W1
(fsync per commit) runs on graphplex, SQLite and FalkorDB-lite (AOF, appendfsync always); W9 and W10 run on
graphplex only (through `bench/dbms_bench.py`'s functions).

Workload order on one engine: W1 (fresh database), W3 (fresh database with an index on :Person(id)), then on the W3
graph W2, W4, W5, W8 and last W6 (which writes to it), then W7 in a subprocess.

Where Kùzu differs: its schema is created first (node table with primary key `id`, which is its index); its
shortest path is `-[:KNOWS* SHORTEST 1..10]->`; its fixed-length patterns use walk semantics (a relationship may
repeat), so its W4 answers are checked against that; W3 relationships go through `COPY KNOWS FROM` CSV batches
(see `KuzuEngine`); integer ids of MATCH statements are inlined as literals unless `--kuzu-params parameter`.
FalkorDB-lite and networkx: see their modules under `bench/peers/`.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import ratio_table  # noqa: E402
from bench.common import check, report, timed  # noqa: E402
from bench.cypher_queries import (AGGREGATE, COUNT_NODES, COUNT_RELS, CREATE_PERSON, LOAD_NODES,  # noqa: E402
                                  LOAD_RELS, MAX_HOPS, POINT_READ, READ_CREATED, READ_RECORD, SHORTEST_PATH,
                                  TWO_HOP, TX_CREATE)
from bench.peers import falkordb_venv  # noqa: E402
from bench.peers.falkordb_engine import FalkorDBEngine  # noqa: E402
from bench.peers.networkx_engine import NetworkxEngine  # noqa: E402
from bench.peers.sqlite_commits import durable_point_commits  # noqa: E402

SEED = 42
BATCH = 10_000

# --- timing with the garbage collector in view ---------------------------------------------------------------

class _GcClock:
    """Seconds spent in CPython's cyclic garbage collector (all generations), through `gc.callbacks`."""

    def __init__(self) -> None:
        self.total = 0.0
        self.last = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start


GC_CLOCK = _GcClock()


class TimedBlockProfiler:
    """A profiler (`cProfile.Profile`) switched on for exactly the timed blocks, so that setup and verification
    stay out of a workload's profile, and the cyclic GC's seconds inside those blocks (cProfile charges them to
    whichever function allocated). None unless `bench/profile_workloads.py` sets it."""
    profiler = None
    gc_seconds = 0.0


@contextmanager
def timed_run():
    """`common.timed` after a full collection (so garbage left by the previous workload is not collected on this
    one's clock); the GC seconds inside the timed block are left in `GC_CLOCK.last` for the result line."""
    gc.collect()
    before = GC_CLOCK.total
    profiler = TimedBlockProfiler.profiler
    with timed() as timer:
        if profiler is not None:
            profiler.enable()
        try:
            yield timer
        finally:
            if profiler is not None:
                profiler.disable()
    GC_CLOCK.last = GC_CLOCK.total - before
    if profiler is not None:
        TimedBlockProfiler.gc_seconds += GC_CLOCK.last


# --- sizes and data ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sizes:
    writes: int        # W1 implicit transactions
    reads: int         # W2 point reads
    nodes: int         # W3 Person nodes (also W2's population)
    rels: int          # W3 KNOWS relationships
    two_hops: int      # W4 queries
    scans: int         # W5 queries
    txs: int           # W6 explicit transactions
    paths: int         # W8 queries


def sizes_for(scale: float) -> Sizes:
    def scaled(full: int, minimum: int) -> int:
        return max(minimum, int(full * scale))
    return Sizes(writes=scaled(20_000, 100), reads=scaled(20_000, 100), nodes=scaled(100_000, 1_000),
                 rels=scaled(500_000, 5_000), two_hops=scaled(2_000, 50), scans=scaled(20, 3),
                 txs=scaled(2_000, 20), paths=scaled(500, 20))


def person(i: int) -> dict:
    return {"id": i, "name": f"p{i}", "age": i % 90}


def w3_data(sizes: Sizes) -> tuple[list[list[dict]], list[list[dict]], list[tuple[int, int]]]:
    """The W3 graph: node batches, relationship batches (random pairs, self-loops and repeats allowed) and the
    pairs themselves. Its own seeded generator, so the W7 child process builds the very same graph."""
    rng = random.Random(SEED)
    pairs = [(rng.randrange(sizes.nodes), rng.randrange(sizes.nodes)) for _ in range(sizes.rels)]
    node_batches = [[person(i) for i in range(start, min(sizes.nodes, start + BATCH))]
                    for start in range(0, sizes.nodes, BATCH)]
    rel_batches = [[{"a": a, "b": b} for a, b in pairs[start:start + BATCH]]
                   for start in range(0, sizes.rels, BATCH)]
    return node_batches, rel_batches, pairs


@dataclass
class Inputs:
    """Everything the timed loops consume, generated before timing, with the expected answers."""
    writes: list[dict]
    read_ids: list[int]
    two_hop_ids: list[int]
    two_hop_trail: dict[int, int]    # count(DISTINCT c) with relationship isomorphism (openCypher)
    two_hop_walk: dict[int, int]     # the same with repeated relationships allowed (Kùzu's walk semantics)
    age_buckets: list[tuple[int, int]]
    txs: list[tuple[list[dict], list[int]]]
    path_pairs: list[tuple[int, int]]
    path_lengths: dict[tuple[int, int], int | None]


def make_inputs(sizes: Sizes, pairs: list[tuple[int, int]]) -> Inputs:
    import networkx as nx
    rng = random.Random(SEED + 1)
    writes = [person(i) for i in range(sizes.writes)]
    read_ids = [rng.randrange(sizes.nodes) for _ in range(sizes.reads)]
    two_hop_ids = [rng.randrange(sizes.nodes) for _ in range(sizes.two_hops)]

    out: dict[int, list[tuple[int, int]]] = {}
    for edge_id, (a, b) in enumerate(pairs):
        out.setdefault(a, []).append((edge_id, b))
    trail, walk = {}, {}
    for start in set(two_hop_ids):
        reached_trail, reached_walk = set(), set()
        for first, middle in out.get(start, ()):
            for second, end in out.get(middle, ()):
                reached_walk.add(end)
                if second != first:
                    reached_trail.add(end)
        trail[start], walk[start] = len(reached_trail), len(reached_walk)

    buckets = Counter(person(i)["age"] % 10 for i in range(sizes.nodes))
    age_buckets = sorted(buckets.items())

    txs = []
    next_id = sizes.nodes
    for _ in range(sizes.txs):
        creates = []
        for _ in range(5):
            creates.append({**person(next_id), "b": rng.randrange(sizes.nodes)})
            next_id += 1
        txs.append((creates, [rng.randrange(sizes.nodes) for _ in range(5)]))

    graph = nx.DiGraph()
    graph.add_nodes_from(range(sizes.nodes))
    graph.add_edges_from(pairs)
    path_pairs = []
    while len(path_pairs) < sizes.paths:
        a, b = rng.randrange(sizes.nodes), rng.randrange(sizes.nodes)
        if a != b:  # a path from a node to itself is a cycle, not what W8 measures
            path_pairs.append((a, b))
    path_lengths = {}
    for a, b in path_pairs:
        try:
            length = nx.shortest_path_length(graph, a, b)
        except nx.NetworkXNoPath:
            length = None
        path_lengths[(a, b)] = length if length is not None and length <= MAX_HOPS else None
    return Inputs(writes, read_ids, two_hop_ids, trail, walk, age_buckets, txs, path_pairs, path_lengths)


def dict_floor(inputs: Inputs, repeats: int = 5) -> tuple[float, float]:
    """Seconds for the W1 records' dict inserts and the W2 ids' dict lookups: the pure-Python floor (best of
    `repeats`, so a garbage collection pass over the generated data does not land in it)."""
    population = {i: person(i) for i in range(max(inputs.read_ids) + 1)}
    best_write = best_read = float("inf")
    for _ in range(repeats):
        table: dict = {}
        with timed() as write:
            for record in inputs.writes:
                table[record["id"]] = dict(record)
        with timed() as read:
            for key in inputs.read_ids:
                population[key]["name"]
        best_write, best_read = min(best_write, write.seconds), min(best_read, read.seconds)
    return best_write, best_read


# --- engines ----------------------------------------------------------------------------------------------------

class GraphplexEngine:
    name = "graphplex"
    rel_method = "UNWIND $pairs ... MATCH ... CREATE, batches of 10,000"
    shortest = SHORTEST_PATH
    two_hop_semantics = "trail"

    def __init__(self, index: bool) -> None:
        from graphplex.databases import Database
        self.db = Database()
        if index:
            self.db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)").consume()

    def run(self, query: str, params: dict | None = None) -> list[tuple]:
        return list(self.db.execute(query, params))

    def write(self, query: str, params: dict | None = None) -> None:
        self.db.execute(query, params).consume()

    def prepare_rel_batches(self, rel_batches) -> list:
        return [{"pairs": batch} for batch in rel_batches]

    def load_rel_batch(self, params) -> None:
        self.write(LOAD_RELS, params)

    def begin(self):
        return self.db.begin()

    def run_in(self, txn, query: str, params: dict) -> list[tuple]:
        return list(self.db.execute(query, params, transaction=txn))

    def commit(self, txn) -> None:
        txn.commit()


class KuzuEngine:
    name = "kuzu"
    shortest = ("MATCH p = (a:Person {id: $a})-[:KNOWS* SHORTEST 1..10]->(b:Person {id: $b}) "
                "RETURN length(p)")
    two_hop_semantics = "walk"  # Kùzu allows a relationship twice in a fixed-length pattern
    # Kùzu 0.11 does not seek its primary-key index for `MATCH (a:Person {id: p.a})` after UNWIND: it scans
    # the node table per row (~15 ms a pair at 100,000 nodes, i.e. hours for W3), so relationships go
    # through its bulk path instead, one COPY per batch of 10,000 from a CSV written before timing.
    rel_method = "COPY KNOWS FROM csv, one file per batch of 10,000 (Kùzu's bulk path)"
    # Kùzu 0.11 seeks its primary-key index for `{id: 5}` but scans the node table for `{id: $id}` (2 ms a
    # point read at 100,000 nodes against 0.2 ms), so by default integer parameters of MATCH statements are
    # written into the query text as literals; `--kuzu-params parameter` keeps them as parameters.
    inline_ints = True

    def __init__(self, index: bool) -> None:  # the primary key is Kùzu's index, always there
        import kuzu
        self.db = kuzu.Database()  # in memory
        self.conn = kuzu.Connection(self.db)
        self.conn.execute("CREATE NODE TABLE Person(id INT64, name STRING, age INT64, PRIMARY KEY(id))")
        self.conn.execute("CREATE REL TABLE KNOWS(FROM Person TO Person)")
        self.prepared: dict = {}
        self.tmpdir = None

    def _statement(self, query: str):
        """A prepared statement per query text: Kùzu's counterpart of graphplex's plan cache (~40% faster
        point reads than `execute(text, params)`, which prepares every time)."""
        statement = self.prepared.get(query)
        if statement is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                statement = self.prepared[query] = self.conn.prepare(query)
        return statement

    def _execute(self, query: str, params: dict | None):
        if params and self.inline_ints and query.startswith("MATCH"):
            rest = {}
            for key, value in params.items():
                if type(value) is int:
                    query = re.sub(rf"\${key}\b", str(value), query)
                else:
                    rest[key] = value
            return self.conn.execute(query, rest) if rest else self.conn.execute(query)
        if params is None:
            return self.conn.execute(query)
        return self.conn.execute(self._statement(query), params)

    def run(self, query: str, params: dict | None = None) -> list[tuple]:
        return [tuple(row) for row in self._execute(query, params).get_all()]

    def write(self, query: str, params: dict | None = None) -> None:
        self._execute(query, params)

    def prepare_rel_batches(self, rel_batches) -> list:
        self.tmpdir = tempfile.TemporaryDirectory(prefix="cypher_bench_kuzu_")
        paths = []
        for index, batch in enumerate(rel_batches):
            path = os.path.join(self.tmpdir.name, f"knows_{index}.csv")
            with open(path, "w") as out:
                out.writelines(f"{pair['a']},{pair['b']}\n" for pair in batch)
            paths.append(path)
        return paths

    def load_rel_batch(self, path) -> None:
        self.conn.execute(f"COPY KNOWS FROM '{path}' (HEADER=false)")

    def begin(self):
        self.conn.execute("BEGIN TRANSACTION")
        return None

    def run_in(self, txn, query: str, params: dict) -> list[tuple]:
        return self.run(query, params)

    def commit(self, txn) -> None:
        self.conn.execute("COMMIT")


ENGINES = {"graphplex": GraphplexEngine, "kuzu": KuzuEngine, "networkx": NetworkxEngine,
           "falkordb": FalkorDBEngine}
PEERS = ("kuzu", "networkx", "falkordb")


# --- workloads --------------------------------------------------------------------------------------------------

def w1_point_write(engine_cls, inputs: Inputs) -> float:
    engine = engine_cls(index=False)
    with timed_run() as t:
        for record in inputs.writes:
            engine.write(CREATE_PERSON, record)
    check(engine.run(COUNT_NODES) == [(len(inputs.writes),)], f"{engine.name} W1 node count")
    for record in inputs.writes[::max(1, len(inputs.writes) // 50)]:
        got = engine.run(READ_RECORD, {"id": record["id"]})
        check(got == [(record["name"], record["age"])], f"{engine.name} W1 record {record['id']}: {got}")
    dispose(engine)
    return t.seconds


def w1_durable(inputs: Inputs) -> float:
    """W1 on a database with a write-ahead log synced (fdatasync) before every commit returns."""
    from graphplex.databases import Database
    with tempfile.TemporaryDirectory() as directory:
        db = Database(directory=directory, durability="fsync")
        try:
            with timed_run() as t:
                for record in inputs.writes:
                    db.execute(CREATE_PERSON, record).consume()
        finally:
            db.close(checkpoint=False)
        reopened = Database(directory=directory)
        count = list(reopened.execute(COUNT_NODES))
        reopened.close(checkpoint=False)
    check(count == [(len(inputs.writes),)], f"durable W1 recovered {count} nodes")
    return t.seconds


def coordinator_workloads(scale: float) -> None:
    """W9 and W10 through the coordinator (no peer runs them: Kùzu has one graph per database object)."""
    from bench.dbms_bench import multi_graph, spanning_transactions
    from graphplex import DBMS
    random.seed(SEED)
    with DBMS.in_memory() as dbms:
        databases, nodes, reads = max(10, int(100 * scale)), max(100, int(1000 * scale)), max(100, int(1000 * scale))
        created, read = multi_graph(dbms, databases, nodes, reads)
        report("W9_multi_graph_create", scale, databases, created, engine="graphplex", nodes_per_database=nodes)
        report("W9_multi_graph_read", scale, reads, read, engine="graphplex")
        count = max(50, int(1000 * scale))
        one = spanning_transactions(dbms, 1, count)
        three = spanning_transactions(dbms, 4, count)
        report("W10_dbms_tx", scale, count, three, engine="graphplex", databases_read=3, databases_written=1,
               cost_vs_one_database=round(three / one, 2))


def load_w3(engine, node_batches, rel_batches) -> float:
    """Seconds to load the W3 graph into an empty engine (its relationship inputs prepared before timing)."""
    rel_inputs = engine.prepare_rel_batches(rel_batches)
    with timed_run() as t:
        for rows in node_batches:
            engine.write(LOAD_NODES, {"rows": rows})
        for item in rel_inputs:
            engine.load_rel_batch(item)
    return t.seconds


def w3_bulk_load(engine_cls, sizes: Sizes, node_batches, rel_batches):
    engine = engine_cls(index=True)
    return engine, load_w3(engine, node_batches, rel_batches)


def verify_w3(engine, sizes: Sizes) -> None:
    nodes, rels = engine.run(COUNT_NODES), engine.run(COUNT_RELS)
    check(nodes == [(sizes.nodes,)] and rels == [(sizes.rels,)],
          f"{engine.name} W3 counts {nodes} {rels}, expected {sizes.nodes} {sizes.rels}")


def w2_point_read(engine, inputs: Inputs) -> float:
    answers = []
    with timed_run() as t:
        for i in inputs.read_ids:
            answers.append(engine.run(POINT_READ, {"id": i}))
    for i, got in zip(inputs.read_ids, answers):
        check(got == [(f"p{i}",)], f"{engine.name} W2 read of {i} gave {got}")
    return t.seconds


def w4_two_hop(engine, inputs: Inputs) -> float:
    answers = []
    with timed_run() as t:
        for i in inputs.two_hop_ids:
            answers.append(engine.run(TWO_HOP, {"id": i}))
    expected = inputs.two_hop_trail if engine.two_hop_semantics == "trail" else inputs.two_hop_walk
    for i, got in zip(inputs.two_hop_ids, answers):
        check(got == [(expected[i],)], f"{engine.name} W4 two-hop from {i} gave {got}, expected {expected[i]}")
    return t.seconds


def w5_aggregate_scan(engine, inputs: Inputs, sizes: Sizes) -> float:
    answers = []
    with timed_run() as t:
        for _ in range(sizes.scans):
            answers.append(engine.run(AGGREGATE))
    for got in answers:
        check(sum(c for _, c in got) == sizes.nodes, f"{engine.name} W5 counts sum to {sum(c for _, c in got)}")
        check(got == inputs.age_buckets, f"{engine.name} W5 gave {got}, expected {inputs.age_buckets}")
    return t.seconds


def w8_shortest_path(engine, inputs: Inputs) -> float:
    answers = []
    with timed_run() as t:
        for a, b in inputs.path_pairs:
            answers.append(engine.run(engine.shortest, {"a": a, "b": b}))
    for (a, b), got in zip(inputs.path_pairs, answers):
        length = inputs.path_lengths[(a, b)]
        expected = [] if length is None else [(length,)]
        check(got == expected, f"{engine.name} W8 shortest path {a}->{b} gave {got}, expected {expected}")
    return t.seconds


def w6_explicit_tx(engine, inputs: Inputs, sizes: Sizes) -> float:
    answers = []
    with timed_run() as t:
        for creates, reads in inputs.txs:
            txn = engine.begin()
            for params in creates:
                engine.run_in(txn, TX_CREATE, params)
            for i in reads:
                answers.append((i, engine.run_in(txn, POINT_READ, {"id": i})))
            engine.commit(txn)
    for i, got in answers:
        check(got == [(f"p{i}",)], f"{engine.name} W6 read of {i} gave {got}")
    added = 5 * len(inputs.txs)
    nodes, rels = engine.run(COUNT_NODES), engine.run(COUNT_RELS)
    check(nodes == [(sizes.nodes + added,)] and rels == [(sizes.rels + added,)],
          f"{engine.name} W6 counts {nodes} {rels}, expected {sizes.nodes + added} {sizes.rels + added}")
    last = inputs.txs[-1][0][-1]
    got = engine.run(READ_CREATED, {"id": last["id"]})
    check(got == [(last["name"], last["b"])], f"{engine.name} W6 last created node gave {got}")
    return t.seconds


def proc_status_mb(field: str, pid: int | str = "self") -> float:
    """VmRSS / VmHWM of a process (this one by default) from /proc, in MiB. VmHWM is the peak of that process's
    own address space; getrusage's ru_maxrss would carry the parent's peak across fork and exec."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise KeyError(field)


def dispose(engine) -> None:
    """Stops an engine that runs a server of its own (FalkorDB-lite); the others are simply dropped."""
    close = getattr(engine, "close", None)
    if close is not None:
        close()


def w7_child(engine_name: str, scale: float) -> None:
    """Runs in a fresh process: loads the W3 graph and prints the W7 line. `bytes_per_element` is the peak RSS
    during the load minus the RSS before it (data generated, engine imported and opened), per node +
    relationship; `steady_bytes_per_element` uses the RSS after the load instead of the peak. An engine whose data
    lives in a server process of its own (`server_pid`) is measured in that process."""
    sizes = sizes_for(scale)
    node_batches, rel_batches, _ = w3_data(sizes)
    engine_cls = ENGINES[engine_name]
    dispose(engine_cls(index=False))  # import the engine and touch its runtime before the baseline
    engine = engine_cls(index=True)
    pid = getattr(engine, "server_pid", "self")
    gc.collect()
    before = proc_status_mb("VmRSS", pid)
    seconds = load_w3(engine, node_batches, rel_batches)
    gc.collect()
    peak, steady = proc_status_mb("VmHWM", pid), proc_status_mb("VmRSS", pid)
    verify_w3(engine, sizes)
    dispose(engine)
    elements = sizes.nodes + sizes.rels
    report("W7_memory", scale, elements, seconds, engine=engine_name, gc_s=round(GC_CLOCK.last, 3),
           peak_rss_mb=round(peak, 1), measured_process="server" if pid != "self" else "self",
           rss_before_load_mb=round(before, 1), rss_after_load_mb=round(steady, 1),
           bytes_per_element=round((peak - before) * 1024 * 1024 / elements, 1),
           steady_bytes_per_element=round((steady - before) * 1024 * 1024 / elements, 1))


def w7_memory(engine_name: str, scale: float) -> dict | None:
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--scale", str(scale),
                           "--w7-child", engine_name], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        check(False, f"{engine_name} W7 child process failed")
    line = None
    for text in proc.stdout.splitlines():
        print(text, flush=True)
        if text.startswith("{"):
            line = json.loads(text)
    return line


WARM_NODES = 300  # above the row count from which graphplex scans a label through columns (loaded lazily)


def warm_up(engine_cls) -> None:
    """Every workload statement once on a throwaway database: one-time process costs (imports, lazily loaded
    modules, building the Cypher parser) stay out of the timings; each timed database still plans its statements
    once."""
    warm = engine_cls(index=True)
    warm.write(CREATE_PERSON, person(0))
    check(warm.run(POINT_READ, {"id": 0}) == [("p0",)], f"{engine_cls.name} warm-up read")
    warm.write(LOAD_NODES, {"rows": [person(i) for i in range(1, WARM_NODES)]})
    for item in warm.prepare_rel_batches([[{"a": 0, "b": 1}, {"a": 1, "b": 2}]]):
        warm.load_rel_batch(item)
    check(warm.run(TWO_HOP, {"id": 0}) == [(1,)], f"{engine_cls.name} warm-up two-hop")
    check(warm.run(engine_cls.shortest, {"a": 0, "b": 2}) == [(2,)], f"{engine_cls.name} warm-up shortest path")
    buckets = sorted(Counter(person(i)["age"] % 10 for i in range(WARM_NODES)).items())
    check(warm.run(AGGREGATE) == buckets, f"{engine_cls.name} warm-up aggregate")
    txn = warm.begin()
    warm.run_in(txn, TX_CREATE, {**person(WARM_NODES), "b": 0})
    warm.commit(txn)
    check(warm.run(COUNT_NODES) == [(WARM_NODES + 1,)] and warm.run(COUNT_RELS) == [(3,)],
          f"{engine_cls.name} warm-up counts")
    dispose(warm)


def run_engine(engine_cls, scale: float, sizes: Sizes, inputs: Inputs, node_batches, rel_batches,
               floor: tuple[float, float]) -> dict[str, dict]:
    name = engine_cls.name
    results: dict[str, dict] = {}

    def emit(workload: str, ops: int, seconds: float, **extra) -> None:
        if engine_cls is KuzuEngine:
            extra["int_params"] = "literal" if KuzuEngine.inline_ints else "parameter"
        if workload == "W6_explicit_tx" and hasattr(engine_cls, "tx_semantics"):
            extra["tx_semantics"] = engine_cls.tx_semantics
        extra["gc_s"] = round(GC_CLOCK.last, 3)
        results[workload] = report(workload, scale, ops, seconds, engine=name, **extra)

    warm_up(engine_cls)
    seconds = w1_point_write(engine_cls, inputs)
    emit("W1_point_write", len(inputs.writes), seconds, mode="in_memory",
         x_dict=round(seconds / floor[0], 1))
    gc.collect()

    engine, seconds = w3_bulk_load(engine_cls, sizes, node_batches, rel_batches)
    verify_w3(engine, sizes)
    emit("W3_bulk_load", sizes.nodes + sizes.rels, seconds, nodes=sizes.nodes, rels=sizes.rels,
         rel_method=engine_cls.rel_method)

    seconds = w2_point_read(engine, inputs)
    emit("W2_point_read", len(inputs.read_ids), seconds, population=sizes.nodes,
         x_dict=round(seconds / floor[1], 1))
    emit("W4_two_hop", len(inputs.two_hop_ids), w4_two_hop(engine, inputs),
         semantics=engine_cls.two_hop_semantics)
    emit("W5_aggregate_scan", sizes.scans, w5_aggregate_scan(engine, inputs, sizes))
    reachable = sum(1 for v in inputs.path_lengths.values() if v is not None)
    emit("W8_shortest_path", len(inputs.path_pairs), w8_shortest_path(engine, inputs),
         pairs_with_path=reachable)
    emit("W6_explicit_tx", len(inputs.txs), w6_explicit_tx(engine, inputs, sizes))
    dispose(engine)
    del engine
    gc.collect()

    line = w7_memory(name, scale)
    if line is not None:
        results["W7_memory"] = line
    return results


def info(**fields) -> None:
    print(json.dumps(fields), flush=True)


def prepare(scale: float):
    """Sizes, the W3 batches, the timed loops' inputs with their expected answers, and the dict floor."""
    sizes = sizes_for(scale)
    node_batches, rel_batches, pairs = w3_data(sizes)
    inputs = make_inputs(sizes, pairs)
    return sizes, node_batches, rel_batches, inputs, dict_floor(inputs)


def peer_child(name: str, scale: float) -> None:
    """Runs in the peer's own interpreter (FalkorDB-lite's venv): every workload on that engine, then its durable
    W1 if it has one; the parent reads the JSON lines."""
    sizes, node_batches, rel_batches, inputs, floor = prepare(scale)
    engine_cls = ENGINES[name]
    run_engine(engine_cls, scale, sizes, inputs, node_batches, rel_batches, floor)
    durable = getattr(engine_cls, "durable_w1", None)
    if durable is not None:
        report("W1_point_write", scale, len(inputs.writes), durable(inputs.writes), engine=name,
               mode="durable_fsync", durability=engine_cls.durability)


def run_peer(peer: str, args, sizes: Sizes, inputs: Inputs, node_batches, rel_batches,
             floor: tuple[float, float]) -> dict[str, dict] | None:
    """The peer's results keyed by `ratio_table.result_key`, or None (and a `skipped` line) if it cannot run."""
    if peer == "falkordb":
        try:
            python = falkordb_venv.ensure_venv(args.falkordb_venv)
        except falkordb_venv.PeerUnavailable as reason:
            info(engine=peer, skipped=str(reason))
            return None
        lines = falkordb_venv.run_child(python, os.path.abspath(__file__), args.scale)
        return {ratio_table.result_key(line): line for line in lines
                if line.get("engine") == peer and "workload" in line}
    try:
        __import__(peer)
    except ImportError:
        info(engine=peer, skipped=f"{peer} is not installed (pip install -e '.[bench]')")
        return None
    return run_engine(ENGINES[peer], args.scale, sizes, inputs, node_batches, rel_batches, floor)


def ratio_lines(results: dict[str, dict[str, dict]], scale: float) -> None:
    """One JSON line per workload and peer: graphplex ops/s ÷ the peer's (W7: bytes per element ÷ the peer's)."""
    for peer, theirs_by_key in results.items():
        if peer == "graphplex":
            continue
        for workload, ours in results["graphplex"].items():
            theirs = theirs_by_key.get(workload)
            if theirs is None:
                continue
            if workload == "W7_memory":
                info(workload=workload, scale=scale, ratio=f"graphplex/{peer} bytes_per_element",
                     value=round(ours["bytes_per_element"] / theirs["bytes_per_element"], 2)
                     if theirs["bytes_per_element"] > 0 else None)
            else:
                info(workload=ours["workload"], mode=ours.get("mode"), scale=scale,
                     ratio=f"graphplex/{peer} ops_per_s", graphplex_ops_per_s=ours["ops_per_s"],
                     **{f"{peer}_ops_per_s": theirs["ops_per_s"]},
                     value=round(ours["ops_per_s"] / theirs["ops_per_s"], 4))


def one_round(args, peers: list[str], sizes: Sizes, inputs: Inputs, node_batches, rel_batches,
              floor: tuple[float, float]) -> dict[str, dict[str, dict]]:
    """Every workload on graphplex, durable W1 on graphplex and SQLite, then every workload on each peer."""
    results = {"graphplex": run_engine(GraphplexEngine, args.scale, sizes, inputs, node_batches, rel_batches,
                                       floor)}
    results["graphplex"]["W1_point_write_durable"] = report(
        "W1_point_write", args.scale, len(inputs.writes), w1_durable(inputs), engine="graphplex",
        mode="durable_fsync")
    results["sqlite"] = {"W1_point_write_durable": report(
        "W1_point_write", args.scale, len(inputs.writes), durable_point_commits(inputs.writes), engine="sqlite",
        mode="durable_fsync", journal_mode="wal", synchronous="full")}
    for peer in peers:
        peer_results = run_peer(peer, args, sizes, inputs, node_batches, rel_batches, floor)
        if peer_results is not None:
            results[peer] = peer_results
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the WORKLOADS.md sizes")
    parser.add_argument("--vs", choices=[*PEERS, "all"], action="append", default=[],
                        help="also run the workloads on this engine (repeatable; `all` for every peer) and print "
                             "graphplex/engine ratios")
    parser.add_argument("--kuzu-params", choices=["literal", "parameter"], default="literal",
                        help="Kùzu: write integer parameters of MATCH statements into the query text (default; "
                             "Kùzu only seeks its primary key for literals) or pass them as parameters")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run graphplex and the peers this many times, interleaved, and tabulate the medians "
                             "(the machine is noisy; each round's lines are printed too)")
    parser.add_argument("--falkordb-venv", default=falkordb_venv.DEFAULT_VENV,
                        help="the Python 3.12+ venv FalkorDB-lite runs in (made on first use)")
    parser.add_argument("--w7-child", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--peer-child", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    KuzuEngine.inline_ints = args.kuzu_params == "literal"
    if args.w7_child:
        w7_child(args.w7_child, args.scale)
        return
    if args.peer_child:
        peer_child(args.peer_child, args.scale)
        return

    sizes, node_batches, rel_batches, inputs, floor = prepare(args.scale)
    report("floor_dict_insert", args.scale, len(inputs.writes), floor[0])
    report("floor_dict_lookup", args.scale, len(inputs.read_ids), floor[1])
    peers = [peer for peer in PEERS if peer in args.vs or "all" in args.vs]
    for peer in PEERS:
        if peer not in peers:
            info(engine=peer, skipped=f"not requested (--vs {peer} or --vs all)")

    rounds = []
    for number in range(1, args.rounds + 1):
        info(round=number, of=args.rounds)
        rounds.append(one_round(args, peers, sizes, inputs, node_batches, rel_batches, floor))
    coordinator_workloads(args.scale)
    results = ratio_table.median_results(rounds)
    ratio_lines(results, args.scale)
    table, rows = ratio_table.markdown(results)
    for row in rows:
        info(scale=args.scale, rounds=args.rounds, **row)
    heading = "" if args.rounds == 1 else f"medians of {args.rounds} interleaved rounds, "
    print(f"\n{heading}--scale {args.scale}\n\n{table}", flush=True)

if __name__ == "__main__":
    main()
