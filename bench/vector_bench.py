"""Vector search (issue 17): recall@10 and queries per second of numpy brute force, raw usearch, the
VectorEngine and Cypher's `db.index.vector.queryNodes`, on the same embeddings-like data.

    python bench/vector_bench.py [--scale 1.0] [--dimensions 384] [--queries 200]

At scale 1: 100,000 vectors of 384 dimensions, clustered like real embeddings (1,000 gaussian centres plus noise,
normalised; seeded), cosine, k = 10; the queries are drawn the same way and are not among the vectors. Recall is
against exact search; `x_numpy` is each method's time per query over numpy brute force's, measured in this run.
Build time and memory per vector are reported for raw usearch and the engine; `--skip-cypher` leaves out the
Cypher part (at scale 1 its load of 100,000 nodes takes minutes).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from bench.common import check, report, timed  # noqa: E402
from graphplex.databases.search.vectors import VectorEngine  # noqa: E402

K = 10
BATCH = 1_000


def embeddings(rng: np.random.Generator, centres: np.ndarray, n: int, noise: float = 0.35) -> np.ndarray:
    """n points around the centres, normalised (float32, as embedding models emit them)."""
    points = centres[rng.integers(0, len(centres), n)] + noise * rng.standard_normal((n, centres.shape[1]))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def exact_top(data: np.ndarray, queries: np.ndarray) -> list[set[int]]:
    """The true 10 nearest (cosine) of each query, in float64."""
    norms = np.linalg.norm(data.astype(np.float64), axis=1)
    tops = []
    for query in queries.astype(np.float64):
        cosines = data @ query / norms
        tops.append(set(np.argpartition(-cosines, K)[:K].tolist()))
    return tops


def recall(found: list[list[int]], truth: list[set[int]]) -> float:
    return sum(len(truth_set & set(keys)) for keys, truth_set in zip(found, truth)) / (K * len(truth))


def brute_force(data: np.ndarray, queries: np.ndarray) -> tuple[float, list[list[int]]]:
    """numpy's floor: one float32 matrix-vector product, a partition and a sort of 10 per query."""
    norms = np.linalg.norm(data, axis=1)
    found = []
    with timed() as t:
        for query in queries:
            cosines = (data @ query) / norms
            top = np.argpartition(-cosines, K)[:K]
            found.append(top[np.argsort(-cosines[top])].tolist())
    return t.seconds, found


def raw_usearch(data: np.ndarray, queries: np.ndarray, dtype: str) -> tuple[float, float, int, list[list[int]]]:
    """usearch alone, with the engine's graph settings (M 16, ef_construction 100) and ef_search 64."""
    from usearch.index import Index
    index = Index(ndim=data.shape[1], metric="cos", dtype=dtype, connectivity=16, expansion_add=100,
                  expansion_search=64)
    with timed() as build:
        index.add(np.arange(len(data), dtype=np.uint64), data, threads=2)
    found = []
    with timed() as t:
        for query in queries:
            found.append(index.search(query, K).keys.tolist())
    return build.seconds, t.seconds, int(index.memory_usage), found


def engine_search(data: np.ndarray, queries: np.ndarray) -> tuple[dict, list[list[int]]]:
    """The VectorEngine, loaded as an index creation loads it: property values (lists) through `vector_of`,
    then one bulk `load`."""
    values = data.tolist()
    engine = VectorEngine(data.shape[1], "cosine")
    with timed() as convert:
        vectors = [engine.vector_of(value) for value in values]
    del values
    tracemalloc.start()  # numpy reports its buffers to tracemalloc; usearch's graph is in `nbytes`
    with timed() as build:
        engine.load(range(len(vectors)), vectors)
    numpy_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del vectors
    lists = queries.tolist()
    with timed() as checked:
        prepared = [engine.check_query(query) for query in lists]
    found = []
    with timed() as t:
        for query in prepared:
            found.append([key for key, _ in engine.search(query, K)])
    figures = {"convert_s": convert.seconds, "build_s": build.seconds, "search_s": t.seconds,
               "check_s": checked.seconds, "bytes": engine.nbytes, "traced_bytes": numpy_bytes,
               "graphs": engine.graphs}
    return figures, found


def cypher_search(data: np.ndarray, queries: np.ndarray) -> tuple[dict, list[list[int]]]:
    """Through a session: CREATE VECTOR INDEX, UNWIND batches of CREATE, then queryNodes per query."""
    from graphplex import DBMS
    dimensions = data.shape[1]
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE VECTOR INDEX i FOR (d:Doc) ON (d.embedding) OPTIONS {indexConfig: "
                    f"{{`vector.dimensions`: {dimensions}, `vector.similarity_function`: 'cosine'}}}}").consume()
        with timed() as load:
            for start in range(0, len(data), BATCH):
                batch = [{"id": start + i, "v": row} for i, row in enumerate(data[start:start + BATCH].tolist())]
                session.run("UNWIND $batch AS r CREATE (:Doc {id: r.id, embedding: r.v})", {"batch": batch}).consume()
        lists = queries.tolist()
        query = "CALL db.index.vector.queryNodes('i', 10, $v) YIELD node, score RETURN node.id AS id, score"
        session.run(query, {"v": lists[0]}).data()  # the plan cache and any pending graph work
        found = []
        with timed() as t:
            for vector in lists:
                found.append([row["id"] for row in session.run(query, {"v": vector}).data()])
    return {"load_s": load.seconds, "search_s": t.seconds}, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 100,000 vectors")
    parser.add_argument("--dimensions", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-cypher", action="store_true")
    args = parser.parse_args()
    n = max(1_000, int(100_000 * args.scale))
    rng = np.random.default_rng(17)
    centres = rng.standard_normal((max(10, n // 100), args.dimensions))
    data = embeddings(rng, centres, n)
    queries = embeddings(rng, centres, args.queries)
    truth = exact_top(data, queries)
    extra = {"vectors": n, "dimensions": args.dimensions, "k": K}

    numpy_s, found = brute_force(data, queries)
    report("vector_numpy_brute_force", args.scale, len(queries), numpy_s, recall=round(recall(found, truth), 4),
           x_numpy=1.0, **extra)
    check(recall(found, truth) >= 0.99, "numpy brute force is exact")

    for dtype in ("i8", "f32"):
        build_s, search_s, memory, found = raw_usearch(data, queries, dtype)
        report(f"vector_usearch_{dtype}", args.scale, len(queries), search_s, recall=round(recall(found, truth), 4),
               x_numpy=round(search_s / numpy_s, 3), build_s=round(build_s, 2),
               build_us_per_vector=round(build_s / n * 1e6, 1), bytes_per_vector=round(memory / n), **extra)

    figures, found = engine_search(data, queries)
    engine_recall = recall(found, truth)
    report("vector_engine", args.scale, len(queries), figures["search_s"], recall=round(engine_recall, 4),
           x_numpy=round(figures["search_s"] / numpy_s, 3), graphs=figures["graphs"],
           vector_of_us=round(figures["convert_s"] / n * 1e6, 1), load_s=round(figures["build_s"], 2),
           load_us_per_vector=round(figures["build_s"] / n * 1e6, 1),
           check_query_us=round(figures["check_s"] / len(queries) * 1e6, 1),
           bytes_per_vector=round(figures["bytes"] / n), traced_bytes_per_vector=round(figures["traced_bytes"] / n),
           **extra)
    check(engine_recall >= 0.95, f"engine recall@10 {engine_recall:.4f} below 0.95")

    if args.skip_cypher:
        return
    started = time.perf_counter()
    figures, found = cypher_search(data, queries)
    cypher_recall = recall(found, truth)
    report("vector_cypher_queryNodes", args.scale, len(queries), figures["search_s"],
           recall=round(cypher_recall, 4), x_numpy=round(figures["search_s"] / numpy_s, 3),
           load_s=round(figures["load_s"], 2), load_us_per_vector=round(figures["load_s"] / n * 1e6, 1),
           total_s=round(time.perf_counter() - started, 2), **extra)
    check(cypher_recall >= 0.95, f"cypher recall@10 {cypher_recall:.4f} below 0.95")


if __name__ == "__main__":
    main()
