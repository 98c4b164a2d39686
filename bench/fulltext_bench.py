"""Full-text search (issue 17): build and query rates of tantivy used directly, the FulltextEngine and Cypher's
`db.index.fulltext.queryNodes`, on the same generated documents.

    python bench/fulltext_bench.py [--scale 1.0] [--queries 200] [--skip-cypher]

At scale 1: 100,000 short documents (a title of 2-6 words and a body of 8-20 words drawn from a 5,000-word
Zipf vocabulary; seeded), indexed with Neo4j's default analyzer (standard-no-stop-words) on both properties. The
queries mix single terms, two-term OR, AND, and two-word phrases (syntax tantivy's own `parse_query` reads
alike), each answered with the 10 best. `x_tantivy` is each method's time per query over tantivy's
(`Index.parse_query` + `Searcher.search` + the 10 keys from the fast field), measured in this run; the engine's top scores
are checked against tantivy's. The engine's first `prepare` of each text (Lucene parse and analysis) is timed
apart (`prepare_us`); its searches then find the prepared query in its cache, as repeated queries do. The
buffered line searches with 100 upserts not yet committed (scored by the exact path). The Cypher part (CREATE
FULLTEXT INDEX, UNWIND batches of CREATE, then queries in a session; once without and once with the procedure's
`limit` option) measures the whole path a user takes.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import check, report, timed  # noqa: E402
from graphplex.databases.search import analyzers  # noqa: E402
from graphplex.databases.search.fulltext import FulltextEngine  # noqa: E402

K = 10
BATCH = 1_000
SEED = 17
ANALYZER = "standard-no-stop-words"


def vocabulary(rng: random.Random, size: int = 5_000) -> list[str]:
    consonants, vowels = "bcdfghjklmnprstvz", "aeiou"
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def documents(n: int, rng: random.Random, words: list[str]) -> list[dict[str, str]]:
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    def text(low: int, high: int) -> str:
        return " ".join(rng.choices(words, weights, k=rng.randint(low, high)))
    return [{"title": text(2, 6).capitalize(), "body": text(8, 20) + "."} for _ in range(n)]


def queries(count: int, rng: random.Random, words: list[str]) -> list[str]:
    common, rare = words[:200], words[200:2_000]

    def two(pool: list[str]) -> list[str]:
        # Two different words: `w AND w` scores twice in Lucene (and here), once in tantivy's own parser.
        return rng.sample(pool, 2)
    shapes = [
        lambda: rng.choice(rare),
        lambda: f"{rng.choice(common)} {rng.choice(rare)}",
        lambda: "{} AND {}".format(*two(common)),
        lambda: '"{} {}"'.format(*two(common)),
    ]
    return [shapes[i % len(shapes)]() for i in range(count)]


def raw_tantivy(docs: list[dict[str, str]], texts: list[str]) -> tuple[float, float, list[list[float]]]:
    """tantivy alone: the same schema and analyzer, one bulk commit; its own query parser, 10 best, keys read."""
    import tantivy
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("key", indexed=True, fast=True)
    for name in ("title", "body"):
        builder.add_text_field(name, tokenizer_name="fulltext")
    schema = builder.build()
    index = tantivy.Index(schema)
    index.register_tokenizer("fulltext", analyzers.text_analyzer(ANALYZER))
    index.config_reader("Manual", 0)
    with timed() as build:
        writer = index.writer(FulltextEngine.HEAP, 1)
        for key, doc in enumerate(docs):
            document = tantivy.Document()
            document.add_integer("key", key)
            document.add_text("title", doc["title"])
            document.add_text("body", doc["body"])
            writer.add_document(document)
        writer.commit()
        index.reload()
    searcher = index.searcher()
    scores = []
    with timed() as t:
        for text in texts:
            query = index.parse_query(text, ["title", "body"])
            hits = searcher.search(query, K).hits
            searcher.fast_field_values("key", [address for _, address in hits])
            scores.append([score for score, _ in hits])
    return build.seconds, t.seconds, scores


def engine_search(docs: list[dict[str, str]], texts: list[str]) -> tuple[dict, list[list[float]]]:
    engine = FulltextEngine(("title", "body"), ANALYZER)
    with timed() as load:
        engine.load(range(len(docs)), docs)
    with timed() as prepare:
        for text in texts:
            engine.prepare(text)
    scores = []
    with timed() as t:
        for text in texts:
            scores.append([score for _, score in engine.search(engine.prepare(text), K)])
    with timed() as buffered_writes:
        for key in range(100):
            engine.upsert(len(docs) + key, {"title": docs[key]["title"], "body": docs[key]["body"]})
    engine.MAX_LAG = 3600.0
    with timed() as buffered:
        for text in texts:
            engine.search(engine.prepare(text), K)
    return {"load_s": load.seconds, "search_s": t.seconds, "buffered_search_s": buffered.seconds,
            "buffered_writes_s": buffered_writes.seconds, "prepare_s": prepare.seconds}, scores


def cypher_search(docs: list[dict[str, str]], texts: list[str]) -> dict:
    """Through a session: CREATE FULLTEXT INDEX, UNWIND batches of CREATE, then queryNodes per query."""
    from graphplex import DBMS
    query = "CALL db.index.fulltext.queryNodes('i', $q) YIELD node, score RETURN node.id, score LIMIT 10"
    limited = ("CALL db.index.fulltext.queryNodes('i', $q, {limit: 10}) YIELD node, score "
               "RETURN node.id, score LIMIT 10")
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE FULLTEXT INDEX i FOR (d:Doc) ON EACH [d.title, d.body]").consume()
        with timed() as load:
            for start in range(0, len(docs), BATCH):
                batch = [{"id": start + i, **doc} for i, doc in enumerate(docs[start:start + BATCH])]
                session.run("UNWIND $batch AS r CREATE (:Doc {id: r.id, title: r.title, body: r.body})",
                            {"batch": batch}).consume()
        with timed() as first:
            session.run(query, {"q": texts[0]}).data()
        figures = {"load_s": load.seconds, "first_query_s": first.seconds}
        for name, text_query in (("search_s", query), ("limited_search_s", limited)):
            with timed() as t:
                for text in texts:
                    session.run(text_query, {"q": text}).data()
            figures[name] = t.seconds
    return figures


def same_scores(found: list[list[float]], expected: list[list[float]]) -> bool:
    return all(len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-5) for x, y in zip(a, b))
               for a, b in zip(found, expected))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 100,000 documents")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-cypher", action="store_true")
    args = parser.parse_args()
    n = max(1_000, int(100_000 * args.scale))
    rng = random.Random(SEED)
    words = vocabulary(rng)
    docs = documents(n, rng, words)
    texts = queries(args.queries, rng, words)
    extra = {"documents": n, "k": K, "analyzer": ANALYZER}

    build_s, tantivy_s, expected = raw_tantivy(docs, texts)
    report("fulltext_tantivy_direct", args.scale, len(texts), tantivy_s, x_tantivy=1.0, build_s=round(build_s, 2),
           build_docs_per_s=round(n / build_s), **extra)

    figures, found = engine_search(docs, texts)
    report("fulltext_engine", args.scale, len(texts), figures["search_s"],
           x_tantivy=round(figures["search_s"] / tantivy_s, 2), load_s=round(figures["load_s"], 2),
           load_docs_per_s=round(n / figures["load_s"]), x_tantivy_build=round(figures["load_s"] / build_s, 2),
           prepare_us=round(figures["prepare_s"] / len(texts) * 1e6, 1), **extra)
    check(same_scores(found, expected), "the engine's top scores differ from tantivy's")
    report("fulltext_engine_100_buffered_writes", args.scale, len(texts), figures["buffered_search_s"],
           x_tantivy=round(figures["buffered_search_s"] / tantivy_s, 2),
           upsert_us=round(figures["buffered_writes_s"] / 100 * 1e6, 1), **extra)

    if args.skip_cypher:
        return
    started = time.perf_counter()
    result = cypher_search(docs, texts)
    report("fulltext_cypher_queryNodes", args.scale, len(texts), result["search_s"],
           x_tantivy=round(result["search_s"] / tantivy_s, 2), load_s=round(result["load_s"], 2),
           load_docs_per_s=round(n / result["load_s"]), first_query_s=round(result["first_query_s"], 3),
           total_s=round(time.perf_counter() - started, 2), **extra)
    report("fulltext_cypher_queryNodes_limit_option", args.scale, len(texts), result["limited_search_s"],
           x_tantivy=round(result["limited_search_s"] / tantivy_s, 2), **extra)


if __name__ == "__main__":
    main()
