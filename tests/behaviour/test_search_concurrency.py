"""Vector and full-text index queries under concurrent writers: each reader's results are always what its own
snapshot holds (the same entities and scores as a label scan in the same transaction computes), whatever the
writers commit, roll back, relabel or delete meanwhile."""
from __future__ import annotations

import random
import threading
import time

import pytest

from graphplex.errors import Neo4jError

VECTORS = ("CALL db.index.vector.queryNodes('v', 100, $q) YIELD node, score "
           "RETURN elementId(node) AS id, score")
VECTORS_SCANNED = ("MATCH (n:Doc) WHERE n.emb IS NOT NULL "
                   "RETURN elementId(n) AS id, vector.similarity.euclidean($q, n.emb) AS score")
TEXTS = "CALL db.index.fulltext.queryNodes('f', $w) YIELD node RETURN elementId(node) AS id"
TEXTS_SCANNED = "MATCH (n:Doc) WHERE n.t = $w RETURN elementId(n) AS id"
WRITES = [
    "MATCH (n {id: $i}) SET n.emb = [$x, 0.0, 0.0], n.t = $t",
    "MATCH (n {id: $i}) DETACH DELETE n",
    "MERGE (n:Doc {id: $i}) SET n.emb = [$x, 0.0, 0.0], n.t = $t",
    "MATCH (n {id: $i}) REMOVE n:Doc",
    "MATCH (n {id: $i}) SET n:Doc",
    "MATCH (n {id: $i}) REMOVE n.emb, n.t",
]


def _writer(dbms, seed: int, stop: float, problems: list) -> None:
    rng = random.Random(seed)
    with dbms.session() as session:
        while time.monotonic() < stop:
            parameters = {"i": rng.randrange(60), "x": float(rng.randrange(100)), "t": f"w{rng.randrange(5)}"}
            try:
                if rng.random() < 0.2:
                    with session.begin_transaction() as tx:
                        tx.run(rng.choice(WRITES), parameters).consume()
                        tx.run("MATCH (n {id: $i}) SET n.emb = [1.0, 1.0, 1.0], n.t = 'w9'", parameters).consume()
                        tx.rollback()
                else:
                    session.run(rng.choice(WRITES), parameters).consume()
            except Neo4jError as error:
                if not error.code.startswith("Neo.TransientError."):
                    problems.append(("writer", error.code, error.message))


def _reader(dbms, seed: int, stop: float, problems: list) -> None:
    rng = random.Random(seed)
    with dbms.session() as session:
        while time.monotonic() < stop:
            query, word = [float(rng.randrange(100)), 0.0, 0.0], f"w{rng.randrange(5)}"
            with session.begin_transaction() as tx:
                found = {row["id"]: row["score"] for row in tx.run(VECTORS, q=query).data()}
                time.sleep(0.001)
                scanned = {row["id"]: row["score"] for row in tx.run(VECTORS_SCANNED, q=query).data()}
                if found.keys() != scanned.keys() or any(abs(found[k] - scanned[k]) > 1e-9 for k in found):
                    problems.append(("vectors", found, scanned))
                texts = sorted(row["id"] for row in tx.run(TEXTS, w=word).data())
                texts_scanned = sorted(row["id"] for row in tx.run(TEXTS_SCANNED, w=word).data())
                if texts != texts_scanned:
                    problems.append(("texts", word, texts, texts_scanned))
                tx.commit()


# An open bug of the on-disk engine (issue 17's closing note), found here: under load, in some runs a node's data
# carries :Doc while its label row is gone, so `MATCH (n:Doc)` misses a node the vector index (which reads the node's
# data) finds, for every later reader. Likely a write that should have conflicted with a concurrent REMOVE n:Doc
# committed its older label set without rewriting the label rows. Strict once fixed.
ON_DISK_UNDER_LOAD = pytest.mark.xfail(strict=False, reason="on disk, a node's label rows can disagree with its data "
                                                            "after concurrent relabels (open bug)")


@pytest.mark.slow  # six seconds of writers and readers per storage mode: a stress test
@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL",
                                          pytest.param("ON_DISK_TRANSACTIONAL", marks=ON_DISK_UNDER_LOAD)])
def test_readers_see_their_snapshot_while_writers_commit_and_roll_back(dbms, session, storage_mode):
    session.run(f"STORAGE MODE {storage_mode}").consume()
    session.run("CREATE VECTOR INDEX v FOR (n:Doc) ON n.emb OPTIONS {indexConfig: {`vector.dimensions`: 3, "
                "`vector.similarity_function`: 'euclidean'}}").consume()
    session.run("CREATE FULLTEXT INDEX f FOR (n:Doc) ON EACH [n.t]").consume()
    session.run("UNWIND range(0, 39) AS i "
                "CREATE (:Doc {id: i, emb: [toFloat(i), 0.0, 0.0], t: 'w' + (i % 5)})").consume()
    problems: list = []
    stop = time.monotonic() + 6
    threads = [threading.Thread(target=_writer, args=(dbms, seed, stop, problems)) for seed in range(3)]
    threads += [threading.Thread(target=_reader, args=(dbms, 10 + seed, stop, problems)) for seed in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []


def test_a_query_streaming_its_hits_while_the_index_is_dropped_finishes_with_what_it_had(dbms, session):
    session.run("CREATE FULLTEXT INDEX f FOR (n:Doc) ON EACH [n.t]").consume()
    session.run("UNWIND range(1, 50) AS i CREATE (:Doc {t: 'hello ' + i})").consume()
    result = session.run("CALL db.index.fulltext.queryNodes('f', 'hello') YIELD node RETURN node.t AS t")
    rows = iter(result)
    first = next(rows)
    with dbms.session() as other:
        other.run("DROP INDEX f").consume()
    assert len([first, *rows]) == 50
    with pytest.raises(Neo4jError) as caught:
        session.run("CALL db.index.fulltext.queryNodes('f', 'hello')").consume()
    assert caught.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
