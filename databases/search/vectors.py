"""The committed vectors of one vector index, and Neo4j's scores for them.

A `VectorEngine` answers `db.index.vector.queryNodes/queryRelationships` for the committed state; the storage
merges in what a transaction sees differently (docs/design/search-indexes.md). Its vectors live in a float32
matrix (rows, plus a key -> row map; a removal moves the last row into the hole). While a matrix is small the
engine answers by brute force; once it holds more than `exact_limit` floats it also keeps a usearch HNSW graph
and asks it for twice the candidates wanted. Either way the scores returned are recomputed in float64 from the
stored float32 rows, so both regimes give the same scores, and those equal `vector.similarity.cosine/euclidean`
on the same (float32-representable) values.

What Neo4j 5.26 indexes (vector-2.0 provider, `VectorSimilarityFunctions` and `VectorDocumentStructures`):
- a non-empty list of numbers (LIST<INTEGER> too: vector-2.0 accepts any `NumberArray`);
- euclidean: every element finite once cast to float32 (`floatElement`);
- cosine: every element finite as a double, and the sum of squares positive and finite (the vector is then
  L2-normalised; here it is scaled by a power of two instead, which keeps its direction exactly);
- of exactly `vector.dimensions` elements; without that setting any length, each length in its own Lucene field
  (`<n>d-vector`), and a query of n dimensions sees only the vectors of n dimensions: here one part per length.
Anything else is left out of the index silently. Scores: cosine (1 + cos) / 2, euclidean 1 / (1 + d²).

numpy and usearch are imported when the first engine is made, never when graphplex starts.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from graphplex.databases.procedure_failures import procedure_failed

if TYPE_CHECKING:
    import numpy

__all__ = ["VectorEngine", "VectorQuery", "SIMILARITIES", "EXACT_LIMIT"]

SIMILARITIES = ("cosine", "euclidean")

# Stored floats (vectors x dimensions) above which a part also keeps an HNSW graph. Measured on the 2-core
# machine of issue 17 (random 64-, 384- and 1536-d data, top 20): brute force costs 0.3-0.6 ms per query per
# million floats, an HNSW search 0.15-0.6 ms whatever the size; but each HNSW insert costs 0.2-2 ms against
# microseconds for a matrix row, and the exact regime needs no approximation. The search times cross near a
# million floats: 2,600 vectors of 384 dimensions, 15,600 of 64, 650 of 1536. Below half of it the graph is
# dropped again.
EXACT_LIMIT = 1_000_000

# The HNSW graph is asked for OVERFETCH times the wanted count, all re-scored exactly: an int8 graph asked for 10
# misses about 20 % of the true top 10, asked for 20 under 3 % (bench/vector_bench.py: 100,000 clustered 384-d).
OVERFETCH = 2
_MIN_EXPANSION = 64
# Rows changed in the graph regime wait (searched by brute force) until this many can join the graph in bulk.
PENDING_LIMIT = 512
_THREADS = 2
_PROCEDURE = "db.index.vector.queryNodes"
_PLAIN_NUMBERS = frozenset({int, float})
# The smallest double that rounds to infinity as a float32 (FLT_MAX plus half an ulp, a tie to even).
_FLOAT32_OVERFLOW = 3.4028235677973366e38

np: Any = None


def _load_numpy() -> None:
    global np
    if np is None:
        import numpy
        np = numpy


@dataclass(frozen=True)
class VectorQuery:
    """A checked query vector: the user's values in float64 (for exact scores) and as stored (for candidates)."""
    exact: "numpy.ndarray"
    stored: "numpy.ndarray"

    @property
    def dimensions(self) -> int:
        return len(self.exact)


class VectorEngine:
    """The committed vectors of one vector index, keyed by entity id; thread-safe (one lock per engine)."""

    def __init__(self, dimensions: int | None, similarity: str, m: int = 16, ef_construction: int = 100,
                 quantization: bool = True, exact_limit: int = EXACT_LIMIT) -> None:
        _load_numpy()
        similarity = similarity.lower()
        if similarity not in SIMILARITIES:
            raise ValueError(f"unknown vector similarity function {similarity!r}")
        self.dimensions = None if dimensions is None else int(dimensions)
        self.similarity = similarity
        self.cosine = similarity == "cosine"
        self.graph_options = dict(connectivity=int(m), expansion_add=int(ef_construction),
                                  quantization=bool(quantization))
        self.exact_limit = exact_limit
        self._parts: dict[int, _Part] = {}
        self._length_of: dict[int, int] = {}
        self._lock = threading.Lock()

    # --- what is indexable ---------------------------------------------------------------------------------------

    def vector_of(self, value: object) -> "numpy.ndarray | None":
        """The float32 vector stored for a property value, or None when Neo4j leaves the entity out of the index
        (not a non-empty list of numbers, the wrong dimension, a non-finite element, a zero vector under cosine).
        Under cosine the vector is scaled by a power of two (its direction, hence its scores, unchanged)."""
        values = _numbers(value)
        if values is None or (self.dimensions is not None and len(values) != self.dimensions):
            return None
        try:
            exact = np.array(values, dtype=np.float64)
        except OverflowError:  # an integer beyond float64
            return None
        return self._stored(exact)

    def _stored(self, exact: "numpy.ndarray") -> "numpy.ndarray | None":
        # NaN and infinities fail the comparisons with `top`; numpy warns of nothing (underflow is silent).
        top = max(float(exact.max()), -float(exact.min()))
        if self.cosine:
            if not 0.0 < top < math.inf:
                return None
            if top < 1e150:  # the sum of squares cannot overflow
                square = float(exact @ exact)
            else:
                with np.errstate(over="ignore"):
                    square = float(exact @ exact)
            if not 0.0 < square < math.inf:
                return None
            return (exact * 2.0 ** -math.frexp(top)[1]).astype(np.float32)
        if not top < _FLOAT32_OVERFLOW:
            return None
        return exact.astype(np.float32)

    def check_query(self, query: object, procedure: str = _PROCEDURE) -> VectorQuery:
        """The query vector of `db.index.vector.query*`, checked as Neo4j checks it: its dimension against the
        index's, then its values (`toValidVector`); a ClientError with Neo4j's code and message otherwise."""
        if isinstance(query, VectorQuery):
            return query
        values = _numbers(query) if isinstance(query, (list, tuple)) else None
        length = len(query) if isinstance(query, (list, tuple)) else 0
        if self.dimensions is not None and length != self.dimensions:
            raise procedure_failed(procedure, f"Index query vector has {length} dimensions, but indexed vectors "
                                              f"have {self.dimensions}.")
        stored = None
        if values is not None:
            try:
                exact = np.array(values, dtype=np.float64)
                stored = self._stored(exact)
            except OverflowError:
                stored = None
        if stored is None:
            condition = ("Vector must only contain finite values, and have positive and finite l2-norm."
                         if self.cosine else "Vector must contain finite values.")
            raise procedure_failed(procedure, f"{condition} Provided: {_java_candidate(query)}")
        return VectorQuery(exact, stored)

    # --- writes (the storage's commit hook) ----------------------------------------------------------------------

    def upsert(self, key: int, vector: object) -> None:
        """Puts (or replaces) the vector of `key`: a `vector_of` result (a property value is converted; one Neo4j
        would not index removes the key)."""
        stored = vector if _is_array(vector) else self.vector_of(vector)
        with self._lock:
            length = None if stored is None else len(stored)
            if self._length_of.get(key) not in (None, length):
                self._drop(key)
            if stored is None:
                self._drop(key)
                return
            self._part(length).put(key, stored)
            self._length_of[key] = length

    def remove(self, key: int) -> None:
        """Takes `key` out of the index (an absent key: nothing)."""
        with self._lock:
            self._drop(key)

    def load(self, keys: Iterable[int], vectors: Iterable[object]) -> None:
        """Puts many vectors at once (index creation, rebuild): one matrix copy and one bulk HNSW insert per
        dimension. A later pair wins over an earlier one for the same key; None (or a value Neo4j would not
        index) removes the key."""
        latest = {key: vector if _is_array(vector) else self.vector_of(vector) for key, vector in zip(keys, vectors)}
        groups: dict[int, dict[int, "numpy.ndarray"]] = {}
        with self._lock:
            for key, stored in latest.items():
                self._drop(key)
                if stored is not None:
                    groups.setdefault(len(stored), {})[key] = stored
                    self._length_of[key] = len(stored)
            for length, entries in groups.items():
                self._part(length).put_many(np.fromiter(entries, dtype=np.int64, count=len(entries)),
                                            np.stack(list(entries.values())))

    def _drop(self, key: int) -> None:
        length = self._length_of.pop(key, None)
        if length is not None:
            part = self._parts[length]
            part.drop(key)
            if not part.size:
                del self._parts[length]

    def _part(self, length: int) -> "_Part":
        part = self._parts.get(length)
        if part is None:
            part = self._parts[length] = _Part(length, self.cosine, self.exact_limit, **self.graph_options)
        return part

    # --- reads --------------------------------------------------------------------------------------------------

    def search(self, query: object, count: int) -> list[tuple[int, float]]:
        """The `count` keys nearest the query, with Neo4j's scores, best first (ties by key). The query is a
        `check_query` result (a raw list is checked here, raising as `check_query` does)."""
        query = self.check_query(query)
        if count <= 0:
            return []
        with self._lock:
            part = self._parts.get(query.dimensions)
            return [] if part is None else part.search(query, count)

    def scores(self, query: object, vectors: Sequence["numpy.ndarray"]) -> "numpy.ndarray":
        """Neo4j's scores (float64) of `vector_of` results against the query, computed exactly as `search`
        computes them."""
        query = self.check_query(query)
        if not len(vectors):
            return np.empty(0)
        matrix = np.stack(vectors)
        if matrix.shape[1] != query.dimensions:
            raise ValueError("vectors and query differ in dimension")
        return _exact_scores(matrix, query.exact, self.cosine)

    def __len__(self) -> int:
        with self._lock:
            return len(self._length_of)

    @property
    def graphs(self) -> int:
        """How many parts currently keep an HNSW graph (0 while the index answers by brute force only)."""
        with self._lock:
            return sum(part.graph is not None for part in self._parts.values())

    @property
    def nbytes(self) -> int:
        """The memory held for the vectors: matrices, norms, keys and HNSW graphs (not the key maps)."""
        with self._lock:
            return sum(part.nbytes for part in self._parts.values())


class _Part:
    """The vectors of one length: a growing float32 matrix, and an HNSW graph over it once it is large.

    In the graph regime new and changed rows wait in `pending` (searched by brute force) and join the graph in
    bulk once PENDING_LIMIT of them have gathered: a bulk insert with two threads costs a half to a quarter of
    one-by-one inserts per vector, and a commit of many vectors pays it once."""

    def __init__(self, dimensions: int, cosine: bool, exact_limit: int, connectivity: int, expansion_add: int,
                 quantization: bool) -> None:
        self.dimensions = dimensions
        self.cosine = cosine
        self.limit_rows = max(1, exact_limit // dimensions)
        self.connectivity = connectivity
        self.expansion_add = expansion_add
        self.quantization = quantization
        self.matrix = np.empty((16, dimensions), dtype=np.float32)
        self.squares = np.empty(16)  # squared norms of the float32 rows, in float64
        self.keys = np.empty(16, dtype=np.int64)
        self.row_of: dict[int, int] = {}
        self.size = 0
        self.graph = None
        self.pending: set[int] = set()

    @property
    def nbytes(self) -> int:
        graph = 0 if self.graph is None else int(self.graph.memory_usage)
        return self.matrix.nbytes + self.squares.nbytes + self.keys.nbytes + graph

    def put(self, key: int, vector: "numpy.ndarray") -> None:
        row = self.row_of.get(key)
        if row is None:
            self._reserve(self.size + 1)
            row = self.row_of[key] = self.size
            self.keys[row] = key
            self.size += 1
        else:
            self._unlink(key)
        self.matrix[row] = vector
        self.squares[row] = _squares(self.matrix[row:row + 1])[0]
        self._changed((key,))

    def put_many(self, keys: "numpy.ndarray", vectors: "numpy.ndarray") -> None:
        """New and existing keys (the engine has dropped the existing ones of other lengths)."""
        fresh = np.array([key not in self.row_of for key in keys.tolist()], dtype=bool)
        for key, vector in zip(keys[~fresh].tolist(), vectors[~fresh]):
            self.put(key, vector)
        keys, vectors = keys[fresh], vectors[fresh]
        start, end = self.size, self.size + len(keys)
        self._reserve(end)
        self.matrix[start:end] = vectors
        self.squares[start:end] = _squares(self.matrix[start:end])
        self.keys[start:end] = keys
        self.row_of.update(zip(keys.tolist(), range(start, end)))
        self.size = end
        self._changed(keys.tolist())

    def drop(self, key: int) -> None:
        row = self.row_of.pop(key, None)
        if row is None:
            return
        self._unlink(key)
        last = self.size - 1
        if row != last:
            moved = int(self.keys[last])
            self.matrix[row] = self.matrix[last]
            self.squares[row] = self.squares[last]
            self.keys[row] = moved
            self.row_of[moved] = row
        self.size = last
        self._changed(())

    def _reserve(self, rows: int) -> None:
        capacity = len(self.keys)
        if rows <= capacity:
            return
        capacity = max(rows, capacity * 2)
        matrix = np.empty((capacity, self.dimensions), dtype=np.float32)
        matrix[:self.size] = self.matrix[:self.size]
        self.matrix = matrix
        self.squares = np.resize(self.squares, capacity)
        self.keys = np.resize(self.keys, capacity)

    # --- the HNSW graph -----------------------------------------------------------------------------------------

    def _unlink(self, key: int) -> None:
        """Takes the key's old row out of the graph (or out of the rows waiting for it)."""
        if self.graph is None:
            return
        if key in self.pending:
            self.pending.discard(key)
        else:
            self.graph.remove(key)

    def _changed(self, keys: Iterable[int]) -> None:
        """Builds the graph when the part has grown past the limit, drops it below half the limit (hysteresis,
        so that an index hovering at the limit is not rebuilt back and forth); otherwise queues the rows."""
        if self.graph is None:
            if self.size > self.limit_rows:
                self._build()
        elif self.size < self.limit_rows // 2:
            self.graph = None
            self.pending.clear()
        else:
            self.pending.update(keys)
            if len(self.pending) >= PENDING_LIMIT:
                self._flush()

    def _dtype(self, vectors: "numpy.ndarray") -> str:
        # int8 suits cosine: the stored rows are scaled into [-1, 1) and usearch maps that range onto int8.
        # Euclidean needs the values' own range: float16 unless an element lies beyond it.
        if not self.quantization:
            return "f32"
        if self.cosine:
            return "i8"
        return "f16" if not len(vectors) or float(np.abs(vectors).max()) < 65504.0 else "f32"

    def _build(self) -> None:
        from usearch.index import Index
        rows = self.matrix[:self.size]
        self.graph = Index(ndim=self.dimensions, metric="cos" if self.cosine else "l2sq", dtype=self._dtype(rows),
                           connectivity=self.connectivity, expansion_add=self.expansion_add,
                           expansion_search=_MIN_EXPANSION)
        self.graph.add(self.keys[:self.size].astype(np.uint64), rows, threads=_THREADS)
        self.pending.clear()

    def _flush(self) -> None:
        keys = np.fromiter(self.pending, dtype=np.int64, count=len(self.pending))
        rows = self.matrix[[self.row_of[key] for key in keys.tolist()]]
        if self.graph.dtype.name.lower() == "f16" and self._dtype(rows) != "f16":
            self._build()  # a value beyond float16: rebuild in float32
            return
        self.graph.add(keys.astype(np.uint64), rows, threads=_THREADS)
        self.pending.clear()

    # --- search ---------------------------------------------------------------------------------------------------

    def search(self, query: VectorQuery, count: int) -> list[tuple[int, float]]:
        wanted = min(self.size, OVERFETCH * count)
        if self.graph is not None and wanted * 4 < self.size:
            self.graph.expansion_search = max(2 * wanted, _MIN_EXPANSION)
            matches = self.graph.search(query.stored, wanted)
            row_of = self.row_of
            rows = np.unique(np.fromiter((row_of[key] for key in [*matches.keys.tolist(), *self.pending]),
                                         dtype=np.int64))
        else:
            rows = self._nearest_rows(query, count)
        scores = _exact_scores(self.matrix[rows], query.exact, self.cosine)
        keys = self.keys[rows]
        order = np.lexsort((keys, -scores))[:count]
        return list(zip(keys[order].tolist(), scores[order].tolist()))

    def _nearest_rows(self, query: VectorQuery, count: int) -> "numpy.ndarray":
        """Every row that may be among the `count` best: float32 brute force, keeping all rows within its
        rounding error of the count-th best, for the exact float64 re-scoring to decide."""
        if self.size <= count:
            return np.arange(self.size)
        rows = self.matrix[:self.size]
        squares = self.squares[:self.size]
        q = query.stored
        q_square = float(q.astype(np.float64) @ q.astype(np.float64))
        dots = rows @ q
        error = 4e-7 * self.dimensions + 1e-6
        if self.cosine:
            closeness = dots / np.sqrt(squares * q_square)
            tolerance = error
        else:
            closeness = 2.0 * dots - squares  # minus the squared distance, less the query's constant square
            tolerance = error * (float(squares.max()) + q_square)
        cut = self.size - count
        threshold = np.partition(closeness, cut)[cut]
        return np.flatnonzero(closeness >= threshold - tolerance)


def _squares(rows: "numpy.ndarray") -> "numpy.ndarray":
    wide = rows.astype(np.float64)
    return np.einsum("ij,ij->i", wide, wide)


def _exact_scores(rows: "numpy.ndarray", query: "numpy.ndarray", cosine: bool) -> "numpy.ndarray":
    """Neo4j's scores in float64, as `vector.similarity.*` computes them: cosine (1 + cos) / 2 clipped to [0, 1],
    euclidean 1 / (1 + squared distance)."""
    wide = rows.astype(np.float64)
    if cosine:
        norms = np.sqrt(np.einsum("ij,ij->i", wide, wide)) * math.sqrt(float(query @ query))
        return np.clip((1.0 + (wide @ query) / norms) / 2.0, 0.0, 1.0)
    difference = wide - query
    return 1.0 / (1.0 + np.einsum("ij,ij->i", difference, difference))


def _is_array(vector: object) -> bool:
    return np is not None and isinstance(vector, np.ndarray)


def _numbers(value: object) -> Sequence | None:
    """The value as a non-empty sequence of ints and floats (no booleans), or None."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    if set(map(type, value)) <= _PLAIN_NUMBERS:
        return value
    if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
        return [x if type(x) in _PLAIN_NUMBERS else (float(x) if isinstance(x, float) else int(x)) for x in value]
    return None


def _java_candidate(query: object) -> str:
    """`VectorCandidate.toString()` of a query list: `SequenceValueVectorCandidate[sequence=List{...}]`, each
    element as Neo4j's values print (`Double(%e)`, `Long(%d)`)."""
    if not isinstance(query, (list, tuple)):
        return repr(query)
    return f"SequenceValueVectorCandidate[sequence=List{{{', '.join(map(_java_value, query))}}}]"


def _java_value(value: object) -> str:
    if isinstance(value, bool):
        return f"Boolean({str(value).lower()})"
    if isinstance(value, int):
        return f"Long({value})"
    if isinstance(value, float):
        if math.isnan(value):
            return "Double(NaN)"
        if math.isinf(value):
            return f"Double({'-' if value < 0 else ''}Infinity)"
        return f"Double({value:e})"
    if value is None:
        return "NO_VALUE"
    if isinstance(value, str):
        return f"String(\"{value}\")"
    return str(value)
