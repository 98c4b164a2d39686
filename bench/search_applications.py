"""Real retrieval code against `graphplex serve`: langchain-neo4j's `Neo4jVector` and neo4j-graphrag's indexes and
retrievers, with a fake embedder (no network), the measure of issue 17's "Done means".

It builds (once, cached) a virtual environment with langchain-neo4j 0.11.0 and neo4j-graphrag 1.22.0 from the
package registry, starts `graphplex serve --in-memory` on a free port, and runs each scenario below with the
libraries' own code in that environment; each prints `ok` or `FAILED` with the error it met, and the script exits
non-zero when any failed.

    python bench/search_applications.py [--cache DIR]

The embedder maps the corpus' texts and the queries to fixed 8-dimension vectors, so the expected ranking is known:
the query "apples" is closest to "apples grow on trees", then "pears...", "the sea...", "deep learning..."; only
"the sea is deep" contains the word "sea", whose vector points at the apples (so a hybrid search must bring both).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from application_suites import Suite, _environment, _start_server

ENVIRONMENT = Suite("search-applications", "langchain-neo4j[mmr]", "langchain_neo4j", "0.11.0", "password", (),
                    test_requirements=("neo4j-graphrag==1.22.0",))

CORPUS = {
    "apples grow on trees": [1.0, 0.0, 0.0],
    "pears grow on trees too": [1.0, 1.0, 0.0],
    "the sea is deep": [0.0, 1.0, 0.0],
    "deep learning needs data": [-1.0, 0.0, 1.0],
}
METADATA = [{"topic": "fruit", "year": 2021}, {"topic": "fruit", "year": 2019}, {"topic": "ocean", "year": 2022},
            {"topic": "ai", "year": 2023}]
QUERIES = {"apples": [1.0, 0.0, 0.0], "sea": [1.0, 0.0, 0.0]}
RANKING = list(CORPUS)  # best first for the query "apples"


def embed(text: str) -> list[float]:
    """A fixed 8-dimension vector: the corpus' and queries' own, else one derived from the text's digest."""
    known = CORPUS.get(text) or QUERIES.get(text)
    if known is not None:
        return known + [0.0] * 5
    digest = hashlib.sha256(text.encode()).digest()
    return [byte / 255 - 0.5 for byte in digest[:8]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the scenarios: run by the environment's python, where the applications are installed ------------------------


def _scenarios(port: int, password: str) -> list:
    """(name, function) pairs, in order; later ones may use what earlier ones wrote."""
    import neo4j
    from langchain_core.embeddings import Embeddings
    from langchain_neo4j import Neo4jVector
    from neo4j_graphrag.embeddings.base import Embedder
    from neo4j_graphrag.indexes import create_fulltext_index, create_vector_index, drop_index_if_exists, upsert_vectors
    from neo4j_graphrag.retrievers import HybridRetriever, VectorRetriever

    url = f"bolt://127.0.0.1:{port}"
    connection = {"url": url, "username": "neo4j", "password": password}

    class FakeEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [embed(text) for text in texts]

        def embed_query(self, text: str) -> list[float]:
            return embed(text)

    class FakeEmbedder(Embedder):
        def embed_query(self, text: str) -> list[float]:
            return embed(text)

    def expect(condition: bool, what: str, got) -> None:
        if not condition:
            raise AssertionError(f"{what}; got {got!r}")

    def langchain_vector() -> None:
        store = Neo4jVector.from_texts(list(CORPUS), FakeEmbeddings(), metadatas=METADATA, **connection)
        found = store.similarity_search_with_score("apples", k=4)
        expect([doc.page_content for doc, _ in found] == RANKING, "ranked by cosine", found)
        expect(abs(found[0][1] - 1.0) < 1e-5 and abs(found[1][1] - (1 + 0.5 ** 0.5) / 2) < 1e-5,
               "scores (1 + cos) / 2", [score for _, score in found])

    def langchain_filter() -> None:
        store = Neo4jVector.from_existing_index(FakeEmbeddings(), index_name="vector", **connection)
        found = store.similarity_search("apples", k=4, filter={"topic": "fruit", "year": {"$gte": 2020}})
        expect([doc.page_content for doc in found] == [RANKING[0]], "only the fruit of 2020 or later", found)

    def langchain_mmr() -> None:
        store = Neo4jVector.from_existing_index(FakeEmbeddings(), index_name="vector", **connection)
        found = store.max_marginal_relevance_search("apples", k=2, fetch_k=4)
        expect(len(found) == 2 and found[0].page_content == RANKING[0], "the best first, two in all", found)

    def langchain_existing_index() -> None:
        store = Neo4jVector.from_existing_index(FakeEmbeddings(), index_name="vector", **connection)
        expect(store.embedding_dimension == 8 and store.node_label == "Chunk", "dimension and label read back",
               (store.embedding_dimension, store.node_label))
        found = store.similarity_search("apples", k=1)
        expect([doc.page_content for doc in found] == [RANKING[0]], "the nearest text", found)

    def langchain_hybrid() -> None:
        store = Neo4jVector.from_texts(list(CORPUS), FakeEmbeddings(), search_type="hybrid", index_name="hybrid",
                                       keyword_index_name="hybrid_keyword", node_label="HybridChunk", **connection)
        found = store.similarity_search_with_score("sea", k=2)
        expect(sorted(doc.page_content for doc, _ in found) == sorted([RANKING[0], "the sea is deep"]),
               "the vector's best and the keyword's only hit", found)
        again = Neo4jVector.from_existing_index(FakeEmbeddings(), index_name="hybrid", search_type="hybrid",
                                                keyword_index_name="hybrid_keyword", node_label="HybridChunk",
                                                **connection)
        expect(len(again.similarity_search("sea", k=2)) == 2, "from_existing_index with the keyword index", None)

    def langchain_existing_graph() -> None:
        with neo4j.GraphDatabase.driver(url, auth=("neo4j", password)) as driver:
            driver.execute_query("UNWIND $texts AS text CREATE (:Page {title: text})", {"texts": list(CORPUS)})
        store = Neo4jVector.from_existing_graph(FakeEmbeddings(), node_label="Page", embedding_node_property="vec",
                                                text_node_properties=["title"], index_name="pages",
                                                **connection)
        found = store.similarity_search("apples", k=4)
        expect(len(found) == 4, "every page embedded and found", found)

    documents: dict[str, str] = {}

    def graphrag_indexes() -> None:
        with neo4j.GraphDatabase.driver(url, auth=("neo4j", password)) as driver:
            rows, _, _ = driver.execute_query(
                "UNWIND $texts AS text CREATE (n:Article {text: text}) RETURN text, elementId(n) AS id",
                {"texts": list(CORPUS)})
            documents.update({row["text"]: row["id"] for row in rows})
            create_vector_index(driver, "articles", label="Article", embedding_property="embedding", dimensions=8,
                                similarity_fn="cosine")
            create_fulltext_index(driver, "article_texts", label="Article", node_properties=["text"])
            upsert_vectors(driver, ids=[documents[text] for text in CORPUS], embedding_property="embedding",
                           embeddings=[embed(text) for text in CORPUS])

    def graphrag_vector_retriever() -> None:
        with neo4j.GraphDatabase.driver(url, auth=("neo4j", password)) as driver:
            result = VectorRetriever(driver, "articles", FakeEmbedder()).search(query_text="apples", top_k=2)
        scores = [item.metadata["score"] for item in result.items]
        expect(len(result.items) == 2 and RANKING[0] in result.items[0].content, "the nearest first", result.items)
        expect(abs(scores[0] - 1.0) < 1e-5, "score (1 + cos) / 2", scores)

    def graphrag_hybrid_retriever() -> None:
        with neo4j.GraphDatabase.driver(url, auth=("neo4j", password)) as driver:
            retriever = HybridRetriever(driver, "articles", "article_texts", FakeEmbedder())
            naive = retriever.search(query_text="sea", top_k=2)
            linear = retriever.search(query_text="sea", top_k=3, ranker="linear", alpha=0.5)
        expect(sorted("the sea" in item.content for item in naive.items) == [False, True],
               "the vector's best and the keyword's only hit", naive.items)
        expect("the sea" in linear.items[0].content, "the keyword hit first under alpha 0.5", linear.items)

    def graphrag_drop() -> None:
        with neo4j.GraphDatabase.driver(url, auth=("neo4j", password)) as driver:
            for name in ("articles", "article_texts", "articles"):
                drop_index_if_exists(driver, name)
            rows, _, _ = driver.execute_query("SHOW INDEXES YIELD name WHERE name STARTS WITH 'article' RETURN name")
        expect(rows == [], "both indexes dropped", rows)

    return [
        ("langchain-neo4j: from_texts, similarity_search_with_score", langchain_vector),
        ("langchain-neo4j: similarity_search with a metadata filter", langchain_filter),
        ("langchain-neo4j: max_marginal_relevance_search", langchain_mmr),
        ("langchain-neo4j: from_existing_index", langchain_existing_index),
        ("langchain-neo4j: hybrid search with a keyword index", langchain_hybrid),
        ("langchain-neo4j: from_existing_graph", langchain_existing_graph),
        ("neo4j-graphrag: create_vector_index, create_fulltext_index, upsert_vectors", graphrag_indexes),
        ("neo4j-graphrag: VectorRetriever.search", graphrag_vector_retriever),
        ("neo4j-graphrag: HybridRetriever.search (naive, linear)", graphrag_hybrid_retriever),
        ("neo4j-graphrag: drop_index_if_exists", graphrag_drop),
    ]


def run_scenarios(port: int, password: str) -> int:
    """Runs every scenario, printing one line each; the number that failed."""
    import warnings

    warnings.simplefilter("ignore")
    try:
        scenarios = _scenarios(port, password)
    except ImportError as error:
        print(f"FAILED the environment lacks an application: {error}", flush=True)
        return 1
    failed = 0
    for name, scenario in scenarios:
        try:
            scenario()
        except Exception as error:  # the scenario's failure is the result being measured
            failed += 1
            where = traceback.extract_tb(error.__traceback__)[-1]
            message = str(error).replace("\n", "\n       ")  # a server error quotes the statement on lines of its own
            print(f"FAILED {name}: {type(error).__name__}: {message} [{Path(where.filename).name}:{where.lineno}]",
                  flush=True)
        else:
            print(f"ok     {name}", flush=True)
    return failed


# --- the driver: environment, server, and the scenarios in a process of the environment's python ----------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "graphplex-bench-suites"))
    parser.add_argument("--scenarios", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the inner run
    args = parser.parse_args()
    if args.scenarios is not None:
        failed = run_scenarios(args.scenarios, ENVIRONMENT.password)
        sys.exit(1 if failed else 0)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    try:
        python, _ = _environment(cache, ENVIRONMENT)
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"could not build the environment: {error}") from None
    port = _free_port()
    # the environment's python sees its own packages only (graphplex is reached over Bolt)
    inner_environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    with tempfile.TemporaryDirectory(prefix="search-modules-") as modules:
        server = _start_server(ENVIRONMENT.password, Path(modules), port)
        try:
            inner = subprocess.run([str(python), str(Path(__file__).resolve()), "--scenarios", str(port)],
                                   env=inner_environment)
        finally:
            server.terminate()
            server.wait(timeout=30)
    sys.exit(inner.returncode)


if __name__ == "__main__":
    main()
