"""The procedures of Neo4j 5.26's vector and full-text indexes: `db.index.vector.queryNodes/queryRelationships`,
`db.index.vector.createNodeIndex`, `db.create.setNodeVectorProperty/setRelationshipVectorProperty` (and the
deprecated `db.create.setVectorProperty`), `db.index.fulltext.queryNodes/queryRelationships`,
`listAvailableAnalyzers` and `awaitEventuallyConsistentIndexRefresh`.

Signatures, descriptions and modes are those Neo4j 5.26's SHOW PROCEDURES lists; arguments are checked in the order
of its `VectorIndexProcedures` and `FulltextProcedures`, and what they throw reaches the user as Neo4j wraps an
exception thrown inside a procedure (ProcedureCallFailed, "Caused by: <root cause>"). The searches themselves are the
storage transaction's (`search_vectors`, `search_text`: the caller's snapshot, own writes and read privileges); the
query vector and the Lucene query are checked here first by the index's engine, so that their errors name the
procedure that was called.
"""
from __future__ import annotations

import functools
import math
from typing import Iterable, Iterator

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.search_index_options import SIMILARITY_FUNCTIONS
from graphplex.databases.errors import ClientError
from graphplex.databases.procedure_failures import CALL_FAILED, procedure_failed
from graphplex.databases.storage import Vertex
from graphplex.databases.storage.schema_errors import index_description, provider_of, quoted
from graphplex.databases.storage.search_indexes import FULLTEXT, VECTOR, SearchIndex

_NULL = "java.lang.NullPointerException"
_STATE = "java.lang.IllegalStateException"
_ARITHMETIC = "java.lang.ArithmeticException"
_JAVA_INT_MAX = 2 ** 31 - 1
_JAVA_LONG_MAX = 2 ** 63 - 1
# vector-2.0, the provider `createNodeIndex` creates with (Neo4j's latest `VectorIndexVersion`).
_PROVIDER = "vector-2.0"
_MAX_DIMENSIONS = 4096

_VECTOR_QUERY = ("Query the given {kind} vector index.\n"
                 "Returns requested number of nearest neighbors to the provided query vector,\n"
                 "and their similarity score to that query vector, based on the configured similarity function for "
                 "the index.\n"
                 "The similarity score is a value between [0, 1]; where 0 indicates least similar, 1 most similar.\n")
_VECTOR_INPUTS = [("indexName", "STRING", ...), ("numberOfNearestNeighbours", "INTEGER", ...), ("query", "ANY", ...)]
_VECTOR_DESCRIPTIONS = {"indexName": "The name of the vector index.",
                        "numberOfNearestNeighbours": "The size of the vector neighbourhood.",
                        "query": "The object to find approximate matches for."}
_FULLTEXT_QUERY = ("Query the given full-text index. Returns the matching {kind}s and their Lucene query score, "
                   "ordered by score.\n"
                   "Valid _key: value_ pairs for the `options` map are:\n\n"
                   "* 'skip' -- to skip the top N results.\n"
                   "* 'limit' -- to limit the number of results returned.\n"
                   "* 'analyzer' -- to use the specified analyzer as a search analyzer for this query.\n\n"
                   "The `options` map and any of the keys are optional.\n"
                   "An example of the `options` map: `{{skip: 30, limit: 10, analyzer: 'whitespace'}}`\n")
_FULLTEXT_INPUTS = [("indexName", "STRING", ...), ("queryString", "STRING", ...), ("options", "MAP", {})]
_FULLTEXT_DESCRIPTIONS = {"indexName": "The name of the full-text index.",
                          "queryString": "The string to find approximate matches for.",
                          "options": "{skip :: INTEGER, limit :: INTEGER, analyzer :: STRING}"}
_SET_VECTOR = "Set a vector property on a given {kind} in a more space efficient representation than Cypher's SET."
_SET_DESCRIPTIONS = {"key": "The name of the new property.", "vector": "The object containing the embedding."}


# --- db.index.vector.* ----------------------------------------------------------------------------------------

@procedure("db.index.vector.queryNodes", _VECTOR_INPUTS, [("node", "NODE"), ("score", "FLOAT")],
           description=_VECTOR_QUERY.format(kind="node"),
           descriptions={**_VECTOR_DESCRIPTIONS,
                         "node": "A node which contains a vector property similar to the query object.",
                         "score": "The score measuring how similar the node property is to the query object."})
def query_vector_nodes(ctx: ExecutionContext, name: str | None, k: int | None, query: object) -> Iterator[dict]:
    """The k nodes nearest the query vector in a node vector index, with scores, best first."""
    for node, score in _query_vectors(ctx, "db.index.vector.queryNodes", name, k, query):
        yield {"node": node, "score": score}


@procedure("db.index.vector.queryRelationships", _VECTOR_INPUTS,
           [("relationship", "RELATIONSHIP"), ("score", "FLOAT")],
           description=_VECTOR_QUERY.format(kind="relationship"),
           descriptions={**_VECTOR_DESCRIPTIONS,
                         "relationship": "A relationship which contains a vector property similar to the query "
                                         "object.",
                         "score": "The score measuring how similar the relationship property is to the query "
                                  "object."})
def query_vector_relationships(ctx: ExecutionContext, name: str | None, k: int | None,
                               query: object) -> Iterator[dict]:
    """The k relationships nearest the query vector in a relationship vector index, with scores, best first."""
    for relationship, score in _query_vectors(ctx, "db.index.vector.queryRelationships", name, k, query):
        yield {"relationship": relationship, "score": score}


def _query_vectors(ctx: ExecutionContext, caller: str, name: str | None, k: int | None,
                   query: object) -> list[tuple[object, float]]:
    """Neo4j's checks in its order (arguments, the index and its entity type, k as a Java int, the query vector
    against the index), then the transaction's search."""
    if name is None:
        raise procedure_failed(caller, "'indexName' must not be null", _NULL)
    if k is None:
        raise procedure_failed(caller, "'numberOfNearestNeighbours' must not be null", _NULL)
    if k <= 0:
        raise procedure_failed(caller, "'numberOfNearestNeighbours' must be positive")
    if query is None:
        # Neo4j's IllegalArgumentException("… NO_VALUE, which is treated as null") has this root cause.
        raise procedure_failed(caller, "'query' must not be null", _NULL)
    if not isinstance(query, list):
        raise procedure_failed(caller, "'query' must be a non-null numerical array")
    index = _index(ctx, caller, name, VECTOR, "vector", "nodes")
    if k > _JAVA_INT_MAX:
        raise procedure_failed(caller, "integer overflow", _ARITHMETIC)
    checked = index.engine.check_query(query, caller)
    return [(entity, min(max(score, 0.0), 1.0)) for entity, score in ctx.txn.search_vectors(index, k, checked)]


def _index(ctx: ExecutionContext, caller: str, name: str, index_type: str, kind: str,
           queried_for: str) -> SearchIndex:
    """The search index `name` of `index_type`, built, for a query of `caller`; Neo4j's errors for a missing one and
    for one of the other entity type (`queried_for` is the word Neo4j's message uses)."""
    indexes = ctx.txn.storage.schema.search
    index = indexes.get(name)
    if index is None or index.index_type != index_type:
        raise procedure_failed(caller, f"There is no such {kind} schema index: {name}")
    wanted = "NODE" if caller.endswith("Nodes") else "RELATIONSHIP"
    if index.entity_type != wanted:
        described = index_description(index.id, index.name, index.entity_type, index.label, index.properties,
                                      index_type=index.index_type, tokens=index.tokens,
                                      provider=provider_of(index.index_type, index.options))
        raise procedure_failed(caller, f"The '{name}' index ({described}) is an index on {index.entity_type}, so "
                                       f"it cannot be queried for {queried_for}.")
    return indexes.ready(index)


@procedure("db.index.vector.createNodeIndex",
           [("indexName", "STRING", ...), ("label", "STRING", ...), ("propertyKey", "STRING", ...),
            ("vectorDimension", "INTEGER", ...), ("vectorSimilarityFunction", "STRING", ...)], mode="SCHEMA",
           description="Create a named node vector index for the specified label and property with the given vector "
                       "dimensionality using either the EUCLIDEAN or COSINE similarity function.\n"
                       "Both similarity functions are case-insensitive.\n"
                       "Use the `db.index.vector.queryNodes` procedure to query the named index.\n",
           deprecated_by="CREATE VECTOR INDEX")
def create_node_index(ctx: ExecutionContext, name: str | None, label: str | None, key: str | None,
                      dimensions: int | None, similarity: str | None) -> Iterator[dict]:
    """The VECTOR index `CREATE VECTOR INDEX name FOR (n:label) ON n.key` makes with these two settings (provider
    vector-2.0, the rest of its configuration Neo4j's defaults), run as the procedure's inner schema command: the
    caller's schema privileges, the rule that a transaction does not mix schema and data writes, and the
    `indexes_added` counter apply as to the command itself."""
    caller = "db.index.vector.createNodeIndex"
    for value, argument in ((name, "indexName"), (label, "label"), (key, "propertyKey"),
                            (dimensions, "vectorDimension")):
        if value is None:
            raise procedure_failed(caller, f"'{argument}' must not be null", _NULL)
    if not 1 <= dimensions <= _MAX_DIMENSIONS:
        raise procedure_failed(caller, f"'vectorDimension' must be between 1 and {_MAX_DIMENSIONS} inclusively")
    if similarity is None:
        raise procedure_failed(caller, "'vectorSimilarityFunction' must not be null", _NULL)
    if similarity.upper() not in SIMILARITY_FUNCTIONS:
        raise procedure_failed(caller, f"'{similarity}' is an unsupported vector similarity function for index with "
                                       f"provider {_PROVIDER}. Supported: [{', '.join(SIMILARITY_FUNCTIONS)}]")
    from graphplex.databases.cypher.apoc.cypher_runner import prepare, run_plan
    text = (f"CREATE VECTOR INDEX {quoted(name)} FOR (n:{quoted(label)}) ON (n.{quoted(key)}) "
            f"OPTIONS {{indexConfig: {{`vector.dimensions`: {dimensions}, "
            f"`vector.similarity_function`: '{similarity.upper()}'}}}}")
    plan = prepare(ctx, caller, text, {}, read_only=False, schema=True)
    for _ in run_plan(ctx, caller, plan, {}):
        pass
    return iter(())


# --- db.create.set*VectorProperty -----------------------------------------------------------------------------

@procedure("db.create.setNodeVectorProperty", [("node", "NODE", ...), ("key", "STRING", ...), ("vector", "ANY", ...)],
           mode="WRITE", description=_SET_VECTOR.format(kind="node"),
           descriptions={**_SET_DESCRIPTIONS, "node": "The node on which the new property will be stored."})
def set_node_vector_property(ctx: ExecutionContext, node: Vertex | None, key: str | None,
                             vector: object) -> Iterator[dict]:
    """Sets `node.key` to the vector as a list of 32-bit floats (what Neo4j stores), once checked."""
    _set_vector(ctx, "db.create.setNodeVectorProperty", node, "node", key, vector)
    return iter(())


@procedure("db.create.setRelationshipVectorProperty",
           [("relationship", "RELATIONSHIP", ...), ("key", "STRING", ...), ("vector", "ANY", ...)],
           mode="WRITE", description=_SET_VECTOR.format(kind="relationship"),
           descriptions={**_SET_DESCRIPTIONS,
                         "relationship": "The relationship on which the new property will be stored."})
def set_relationship_vector_property(ctx: ExecutionContext, relationship, key: str | None,
                                     vector: object) -> Iterator[dict]:
    """Sets `relationship.key` to the vector as a list of 32-bit floats, once checked."""
    _set_vector(ctx, "db.create.setRelationshipVectorProperty", relationship, "relationship", key, vector)
    return iter(())


@procedure("db.create.setVectorProperty", [("node", "NODE", ...), ("key", "STRING", ...), ("vector", "ANY", ...)],
           [("node", "NODE")], mode="WRITE", description=_SET_VECTOR.format(kind="node"),
           descriptions={**_SET_DESCRIPTIONS, "node": "The node on which the new property will be stored."},
           deprecated_by="db.create.setNodeVectorProperty")
def set_vector_property(ctx: ExecutionContext, node: Vertex | None, key: str | None,
                        vector: object) -> Iterator[dict]:
    """Deprecated since 5.13 for `db.create.setNodeVectorProperty`, which it runs; yields the node (its output's
    description is Neo4j's "The node on which the vector property was set.")."""
    _set_vector(ctx, "db.create.setVectorProperty", node, "node", key, vector)
    yield {"node": node}


def _set_vector(ctx: ExecutionContext, caller: str, entity, argument: str, key: str | None, vector: object) -> None:
    """Neo4j's checks (`setVectorProperty`: non-null arguments, a list, then EUCLIDEAN's `toValidVector`: a
    non-empty list of numbers finite as 32-bit floats), then the write through the transaction, counted as SET
    counts it."""
    if entity is None:
        raise procedure_failed(caller, f"'{argument}' must not be null", _NULL)
    if key is None:
        raise procedure_failed(caller, "'key' must not be null", _NULL)
    if vector is None:
        raise procedure_failed(caller, "'vector' must not be null", _NULL)
    if not isinstance(vector, list):
        raise procedure_failed(caller, "'vector' must be a non-null numerical array")
    stored = [float(element) for element in _euclidean().check_query(vector, caller).stored]
    ctx.view(entity)  # EntityNotFound when this transaction deleted it
    if not ctx.txn.lock(entity):
        return
    ctx.txn.set_property(entity, key, stored)
    ctx.counters.properties_set += 1


@functools.cache
def _euclidean():
    """A vector engine without dimensions under EUCLIDEAN: its `check_query` is Neo4j's `EUCLIDEAN.toValidVector`
    (made on first use: it imports numpy)."""
    from graphplex.databases.search.vectors import VectorEngine
    return VectorEngine(None, "euclidean")


# --- db.index.fulltext.* --------------------------------------------------------------------------------------

@procedure("db.index.fulltext.queryNodes", _FULLTEXT_INPUTS, [("node", "NODE"), ("score", "FLOAT")],
           works_on_system=True, description=_FULLTEXT_QUERY.format(kind="node"),
           descriptions={**_FULLTEXT_DESCRIPTIONS,
                         "node": "A node which contains a property similar to the query string.",
                         "score": "The score measuring how similar the node property is to the query string."})
def query_text_nodes(ctx: ExecutionContext, name: str | None, text: str | None,
                     options: dict | None) -> Iterator[dict]:
    """The nodes of a full-text index matching a Lucene query, with scores, best first."""
    for node, score in _query_text(ctx, "db.index.fulltext.queryNodes", name, text, options):
        yield {"node": node, "score": score}


@procedure("db.index.fulltext.queryRelationships", _FULLTEXT_INPUTS,
           [("relationship", "RELATIONSHIP"), ("score", "FLOAT")],
           works_on_system=True, description=_FULLTEXT_QUERY.format(kind="relationship"),
           descriptions={**_FULLTEXT_DESCRIPTIONS,
                         "relationship": "A relationship which contains a property similar to the query string.",
                         "score": "The score measuring how similar the relationship property is to the query "
                                  "string."})
def query_text_relationships(ctx: ExecutionContext, name: str | None, text: str | None,
                             options: dict | None) -> Iterator[dict]:
    """The relationships of a full-text index matching a Lucene query, with scores, best first."""
    for relationship, score in _query_text(ctx, "db.index.fulltext.queryRelationships", name, text, options):
        yield {"relationship": relationship, "score": score}


def _query_text(ctx: ExecutionContext, caller: str, name: str | None, text: str | None,
                options: dict | None) -> Iterable[tuple[object, float]]:
    """Neo4j's order: nothing on the system database, the index and its entity type, skip and limit, then the query
    (its analyzer and Lucene syntax). Options are read as Neo4j reads them: `skip` and `limit` only when numbers,
    `analyzer` only when a string, other keys ignored."""
    if ctx.database_name == "system":
        return []
    index = _index(ctx, caller, name, FULLTEXT, "fulltext",
                   "nodes" if caller.endswith("Nodes") else "relationships")
    options = options or {}
    skip = _java_long(options.get("skip"))
    limit = _java_long(options.get("limit"))
    if skip is not None and skip < 0:
        raise procedure_failed(caller, f"Skip argument cannot be negative: {skip}.", _STATE)
    if limit is not None and limit < 0:
        raise procedure_failed(caller, f"Limit argument cannot be negative: {limit}.", _STATE)
    if skip is not None and limit is not None and skip + limit > _JAVA_LONG_MAX:
        raise procedure_failed(caller, f"SKIP ({skip}) and LIMIT ({limit}) are too large; would overflow 64-bit "
                                       "signed integer.", _ARITHMETIC)
    analyzer = options.get("analyzer")
    analyzer = analyzer if isinstance(analyzer, str) else None
    if text is None:
        return []
    return ctx.txn.search_text(index, index.engine.prepare(text, analyzer, caller), skip or 0, limit)


def _java_long(value: object) -> int | None:
    """Java's `Number.longValue()` of an option's value; None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return value
    if math.isnan(value):
        return 0
    if math.isinf(value):
        return _JAVA_LONG_MAX if value > 0 else -_JAVA_LONG_MAX - 1
    return int(value)


@procedure("db.index.fulltext.listAvailableAnalyzers",
           outputs=[("analyzer", "STRING"), ("description", "STRING"), ("stopwords", "LIST<STRING>")],
           works_on_system=True,
           description="List the available analyzers that the full-text indexes can be configured with.",
           descriptions={"analyzer": "The name of the analyzer.",
                         "description": "The  description of the analyzer.",
                         "stopwords": "The stopwords used by the analyzer to tokenize strings."})
def list_available_analyzers(ctx: ExecutionContext) -> Iterator[dict]:
    """The analyzers graphplex's full-text engine builds, by name, with their descriptions and stop words."""
    from graphplex.databases.search import analyzers
    yield from analyzers.available()


@procedure("db.index.fulltext.awaitEventuallyConsistentIndexRefresh", works_on_system=True,
           description="Wait for the updates from recently committed transactions to be applied to any "
                       "eventually-consistent full-text indexes.")
def await_refresh(ctx: ExecutionContext) -> Iterator[dict]:
    """Returns at once: graphplex's full-text indexes are never behind a commit (a reader merges the changes an
    index has not taken in yet), so there is nothing to wait for."""
    return iter(())


# --- Memgraph's vector_search module --------------------------------------------------------------------------

# Memgraph's names of the two similarity functions (`vector_index_utils.hpp` NameFromMetric).
_MEMGRAPH_METRICS = {"COSINE": "cos", "EUCLIDEAN": "l2sq"}


@procedure("vector_search.search",
           [("index_name", "STRING", ...), ("result_set_size", "INTEGER", ...), ("query_vector", "LIST<ANY>", ...)],
           [("node", "NODE"), ("distance", "FLOAT"), ("similarity", "FLOAT")],
           description="Memgraph's search of a vector index on nodes: the nearest nodes with their distance and "
                       "similarity.")
def memgraph_search(ctx: ExecutionContext, name: str | None, k: int | None, query: object) -> Iterator[dict]:
    """Memgraph's `vector_search.search`: the `result_set_size` nodes nearest the query, with Memgraph's distance
    (cos: 1 - cosine; l2sq: the squared euclidean distance) and similarity (|cosine|; 1 / (1 + distance)), derived
    from the index's Neo4j scores."""
    for node, distance, similarity in _memgraph_search(ctx, "vector_search.search", "NODE", name, k, query):
        yield {"node": node, "distance": distance, "similarity": similarity}


@procedure("vector_search.search_edges",
           [("index_name", "STRING", ...), ("result_set_size", "INTEGER", ...), ("query_vector", "LIST<ANY>", ...)],
           [("edges", "RELATIONSHIP"), ("distance", "FLOAT"), ("similarity", "FLOAT")],
           description="Memgraph's search of a vector index on edges: the nearest edges with their distance and "
                       "similarity.")
def memgraph_search_edges(ctx: ExecutionContext, name: str | None, k: int | None, query: object) -> Iterator[dict]:
    """Memgraph's `vector_search.search_edges` (its output column is `edges`, as Memgraph names it)."""
    for edge, distance, similarity in _memgraph_search(ctx, "vector_search.search_edges", "RELATIONSHIP", name, k,
                                                       query):
        yield {"edges": edge, "distance": distance, "similarity": similarity}


def _memgraph_search(ctx: ExecutionContext, caller: str, entity_type: str, name: str | None, k: int | None,
                     query: object) -> Iterator[tuple[object, float, float]]:
    indexes = ctx.txn.storage.schema.search
    index = indexes.get(name)
    if index is None or index.index_type != VECTOR or index.entity_type != entity_type:
        raise _memgraph_failed(caller, f"Vector index {name} does not exist.")
    if k is None or k <= 0 or query is None:
        return
    index = indexes.ready(index)
    checked = index.engine.check_query(query, caller)
    cosine = index.engine.cosine
    for entity, score in ctx.txn.search_vectors(index, k, checked):
        if cosine:
            similarity = 2.0 * score - 1.0
            yield entity, 1.0 - similarity, abs(similarity)
        else:
            yield entity, (1.0 / score - 1.0) if score > 0 else math.inf, score


def _memgraph_failed(caller: str, message: str) -> ClientError:
    """Memgraph's report of a query module's error: the procedure's name, then the error it set."""
    return ClientError(f"{caller}: {message}", CALL_FAILED)


@procedure("vector_search.show_index_info", outputs=[
    ("index_name", "STRING"), ("label", "STRING"), ("property", "STRING"), ("dimension", "INTEGER"),
    ("capacity", "INTEGER"), ("metric", "STRING"), ("size", "INTEGER"), ("scalar_kind", "STRING"),
    ("index_type", "STRING")],
    description="Memgraph's list of the vector indexes (as SHOW VECTOR INDEX INFO).")
def memgraph_show_index_info(ctx: ExecutionContext) -> Iterator[dict]:
    """One row per vector index, in Memgraph's columns: its label filter (`:Label`, `:A|B`), metric and scalar
    kind in Memgraph's names, the capacity its WITH CONFIG asked for (else its size), and its committed entries."""
    indexes = ctx.txn.storage.schema.search
    for index in sorted(indexes.values(), key=lambda i: i.name):
        if index.index_type != VECTOR:
            continue
        size = len(indexes.ready(index).engine)
        options = index.options
        yield {"index_name": index.name, "label": ":" + "|".join(index.tokens), "property": index.properties[0],
               "dimension": options.get("vector.dimensions"), "capacity": options.get("memgraph.capacity", size),
               "metric": _MEMGRAPH_METRICS.get(str(options.get("vector.similarity_function", "COSINE")).upper()),
               "size": size, "scalar_kind": options.get("memgraph.scalar_kind", "f32"),
               "index_type": "label+property_vector" if index.entity_type == "NODE"
               else "edge-type+property_vector"}
