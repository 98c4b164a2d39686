"""`FulltextEngine`: the committed documents of one full-text index in a tantivy in-RAM index.

Queries are Lucene's classic syntax (`lucene.parse`), analysed here as Lucene's MultiFieldQueryParser does for
Neo4j (an unqualified term searches every indexed property; default operator OR; wildcard, prefix, fuzzy,
regexp and range terms are normalized but never stemmed), into a small tree that is both translated to tantivy
`Query` objects and evaluated in Python. The Python evaluation (`score`) decides, for documents tantivy does not
hold, the same matches tantivy would and BM25 scores from the same statistics (tantivy's formula: k1 1.2, b 0.75,
idf ln(1 + (N - n + 0.5) / (n + 0.5)) times (1 + k1), field lengths quantized as Lucene's SmallFloat).

Writes are buffered and committed in batches (a tantivy commit costs milliseconds); a search commits the buffer
when it is large or old, and otherwise scores the buffered documents exactly and hides their stale versions, so
every search sees every upsert and remove made before it.
"""
from __future__ import annotations

import functools
import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable

from graphplex.databases.errors import ClientError
from graphplex.databases.procedure_failures import procedure_failed
from graphplex.databases.search import analyzers, lucene

__all__ = ["FulltextEngine", "PreparedQuery"]

_K1, _B = 1.2, 0.75
_KEY = "key"


# -- the analysed query tree -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _TermQ:
    field: int
    term: str
    boost: float = 1.0


@dataclass(frozen=True)
class _PhraseQ:
    field: int
    terms: tuple[tuple[int, str], ...]      # (offset in the phrase, term)
    slop: int
    boost: float = 1.0


@dataclass(frozen=True)
class _FuzzyQ:
    field: int
    term: str
    distance: int
    boost: float = 1.0


@dataclass(frozen=True)
class _RegexQ:
    field: int
    pattern: str
    boost: float = 1.0


@dataclass(frozen=True)
class _RangeQ:
    field: int
    lower: str | None
    upper: str | None
    include_lower: bool
    include_upper: bool
    boost: float = 1.0


@dataclass(frozen=True)
class _AllQ:
    boost: float = 1.0


@dataclass(frozen=True)
class _NothingQ:
    """A query on a field the index does not have: Lucene keeps the clause, and it matches nothing."""

    boost: float = 1.0


@dataclass(frozen=True)
class _BoolQ:
    must: tuple = ()
    should: tuple = ()
    must_not: tuple = ()
    boost: float = 1.0


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed and analysed query; `root` None matches nothing (every clause was stop words)."""

    text: str
    root: Any


def _boosted(node: Any, boost: float | None) -> Any:
    if node is None or boost is None:
        return node
    return type(node)(**{**node.__dict__, "boost": node.boost * boost})


_RUST_META = set("\\.+*?()|[]{}^$#&-~")


def _regex_escape(text: str) -> str:
    """Escapes the characters both Rust's and Python's regex syntax treat as special."""
    return "".join("\\" + ch if ch in _RUST_META else ch for ch in text)


def _edits(similarity: float | None, term: str) -> int:
    """Lucene's FuzzyQuery.floatToEdits (default 2 edits; a fraction below 1 is a legacy similarity)."""
    if similarity is None:
        return 2
    if similarity >= 1:
        return int(min(similarity, 2))
    if similarity == 0:
        return 0
    return min(int((1 - similarity) * len(term)), 2)


class _Builder:
    """Lucene's QueryParserBase + MultiFieldQueryParser over one engine's properties and one analyzer."""

    def __init__(self, properties: tuple[str, ...], analysis: analyzers.Analysis) -> None:
        self.properties = properties
        self.analysis = analysis

    def build(self, node: Any) -> Any:
        if isinstance(node, lucene.Group):
            return _boosted(self._group(node), node.boost)
        if isinstance(node, lucene.MatchAll):
            return _boosted(_AllQ(), node.boost)
        field_name = node.field
        if field_name is None:
            per_field = [self._leaf(node, i) for i in range(len(self.properties))]
            per_field = [q for q in per_field if q is not None]
            query = None if not per_field else per_field[0] if len(per_field) == 1 else _BoolQ(should=tuple(per_field))
        elif field_name in self.properties:
            query = self._leaf(node, self.properties.index(field_name))
        else:
            query = self._leaf(node, -1)
        return _boosted(query, node.boost)

    def _group(self, group: lucene.Group) -> Any:
        clauses: list[list] = []
        for clause in group.clauses:
            query = self.build(clause.query)
            # QueryParserBase.addClause, default operator OR.
            if clauses and clause.conj == lucene.CONJ_AND and clauses[-1][0] != "must_not":
                clauses[-1][0] = "must"
            if query is None:
                continue
            prohibited = clause.mods == lucene.MOD_NOT
            required = clause.mods == lucene.MOD_REQ or clause.conj == lucene.CONJ_AND and not prohibited
            clauses.append(["must_not" if prohibited else "must" if required else "should", query])
        if not clauses:
            return None
        if len(clauses) == 1 and clauses[0][0] != "must_not":
            return clauses[0][1]
        return _BoolQ(must=tuple(q for o, q in clauses if o == "must"),
                      should=tuple(q for o, q in clauses if o == "should"),
                      must_not=tuple(q for o, q in clauses if o == "must_not"))

    def _leaf(self, node: Any, field: int) -> Any:
        """The query of `node` on one field (-1: a field the index lacks), or None when analysis leaves nothing."""
        analysis = self.analysis
        if isinstance(node, lucene.Phrase) or isinstance(node, lucene.Term) and node.kind == "term":
            tokens = analysis.tokens(node.text)
            if not tokens:
                return None
            if field < 0:
                return _NothingQ()
            if len(tokens) == 1:
                return _TermQ(field, tokens[0][1])
            if isinstance(node, lucene.Phrase):
                first = tokens[0][0]
                return _PhraseQ(field, tuple((p - first, t) for p, t in tokens), node.slop)
            return _BoolQ(should=tuple(_TermQ(field, t) for _, t in tokens))
        if field < 0:
            return _NothingQ()
        if isinstance(node, lucene.Wildcard):
            pattern = "".join(".*" if part is lucene.WILD_ANY else "." if part is lucene.WILD_ONE
                              else _regex_escape(analysis.normalize(part)) for part in node.parts)
            return _RegexQ(field, "(?s)" + pattern)
        if isinstance(node, lucene.Range):
            lower = None if node.lower is None else analysis.normalize(node.lower)
            upper = None if node.upper is None else analysis.normalize(node.upper)
            return _RangeQ(field, lower, upper, node.include_lower, node.include_upper)
        if node.kind == "prefix":
            return _RegexQ(field, "(?s)" + _regex_escape(analysis.normalize(node.text)) + ".*")
        if node.kind == "regexp":
            return _RegexQ(field, analysis.normalize(node.text))
        term = analysis.normalize(node.text)
        return _FuzzyQ(field, term, _edits(node.fuzzy, term))


def _check_fuzzy(node: Any) -> None:
    """The ParseExceptions Lucene's handleBareFuzzy raises."""
    if isinstance(node, lucene.Group):
        for clause in node.clauses:
            _check_fuzzy(clause.query)
    elif isinstance(node, lucene.Term) and node.kind == "fuzzy" and node.fuzzy is not None:
        if node.fuzzy >= 1 and node.fuzzy != int(node.fuzzy):
            raise lucene.LuceneSyntaxError("org.apache.lucene.queryparser.classic.ParseException",
                                           "Fractional edit distances are not allowed!")


def _check_regexes(node: Any, tantivy: Any, schema: Any) -> None:
    """Each regular expression (regexp, wildcard and prefix terms) as tantivy compiles it: a pattern its regex
    syntax rejects, or one whose automaton exceeds its size limit, is the IllegalArgumentException Lucene's
    RegExp raises for a pattern it cannot build (not an internal error at search time)."""
    if isinstance(node, _BoolQ):
        for child in node.must + node.should + node.must_not:
            _check_regexes(child, tantivy, schema)
    elif isinstance(node, _RegexQ):
        try:
            tantivy.Query.regex_query(schema, "p0", node.pattern)
        except ValueError as error:
            detail = str(error).replace("An invalid argument was passed: ", "").replace("RegexQueryError: ", "")
            raise lucene.LuceneSyntaxError("java.lang.IllegalArgumentException",
                                           f"invalid regular expression: {detail.strip(chr(39))}") from None


@functools.lru_cache(maxsize=256)
def _regex_matcher(pattern: str) -> Any:
    """A full match of `pattern` with Rust's regex engine (a tantivy regex tokenizer anchored at both ends), the
    engine tantivy's own regex queries use: the same syntax, and linear time, where Python's backtracking `re`
    takes exponential time on patterns such as `(a*)*b`."""
    import tantivy

    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(rf"(?s)\A(?:{pattern})\z")).build()
    return lambda term: bool(analyzer.analyze(term))


# -- BM25 as tantivy computes it ---------------------------------------------------------------------------

def _long_to_int4(i: int) -> int:
    bits = i.bit_length()
    if bits < 4:
        return i
    shift = bits - 4
    return ((i >> shift) & 0x07) | ((shift + 1) << 3)


def _int4_to_long(i: int) -> int:
    bits, shift = i & 0x07, (i >> 3) - 1
    return bits if shift == -1 else (bits | 0x08) << shift


_NUM_FREE_VALUES = 255 - _long_to_int4(2 ** 31 - 1)


def fieldnorm(length: int) -> int:
    """A field length as tantivy stores it (one byte, Lucene's SmallFloat.intToByte4 and back)."""
    if length < _NUM_FREE_VALUES:
        return length
    return _NUM_FREE_VALUES + _int4_to_long(_long_to_int4(length - _NUM_FREE_VALUES))


def _idf(doc_freq: int, docs: int) -> float:
    """BM25's idf, never negative: the engine's document frequency still counts documents deleted by buffered
    writes while `docs` counts live ones, and Lucene's invariant docFreq <= docCount is restored by taking the
    larger (before, a term of every deleted document scored a new one below zero)."""
    docs = max(docs, doc_freq)
    return math.log(1.0 + (docs - doc_freq + 0.5) / (doc_freq + 0.5))


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions costing one (tantivy's and Lucene's fuzzy), capped."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _phrase_count(positions: list[list[int]], offsets: list[int], slop: int) -> int:
    """How many times the phrase occurs, as tantivy 0.27 counts it. Without slop: the positions where every term
    follows at its offset. With slop, term by term (order may change, as in Lucene): a position of the next term
    (less its offset) within `slop` of one kept for the previous term, each kept position used once. For two
    terms this is exactly tantivy's match; for three or more tantivy is slightly stricter in a few layouts."""
    kept = sorted({p - offsets[0] for p in positions[0]})
    for term_positions, offset in zip(positions[1:], offsets[1:]):
        shifted = sorted({p - offset for p in term_positions})
        if slop == 0:
            present = set(shifted)
            kept = [p for p in kept if p in present]
        else:
            kept = _slop_step(kept, shifted, slop)
        if not kept:
            return 0
    return len(kept)


def _slop_step(left: list[int], right: list[int], slop: int) -> list[int]:
    out, li, ri = [], 0, 0
    while li < len(left) and ri < len(right):
        lv, rv = left[li], right[ri]
        if lv < rv - slop:
            li += 1
        elif lv <= rv + slop:
            while li + 1 < len(left) and left[li + 1] <= rv:
                li += 1
            out.append(rv)
            li += 1
            ri += 1
        else:
            ri += 1
    return out


@dataclass
class _Doc:
    terms: list[dict[str, list[int]]]       # per field: term -> positions
    lengths: list[int]


class _Scorer:
    """Evaluates the analysed tree on one document with the engine's corpus statistics."""

    def __init__(self, engine: "FulltextEngine", searcher: Any) -> None:
        self.engine = engine
        self.searcher = searcher
        docs = max(len(engine._lengths), 1)
        self.docs = docs
        self.average = [max(total / docs, 1e-9) for total in engine._totals]
        self._doc_freqs: dict[tuple[int, str], int] = {}

    def _doc_freq(self, field: int, term: str) -> int:
        key = (field, term)
        found = self._doc_freqs.get(key)
        if found is None:
            found = self.searcher.doc_freq(self.engine._field_names[field], term) if self.searcher else 0
            self._doc_freqs[key] = found
        return found

    def _bm25(self, idf: float, boost: float, freq: int, length: int, field: int) -> float:
        norm = _K1 * (1 - _B + _B * fieldnorm(length) / self.average[field])
        return boost * idf * (1 + _K1) * (freq / (freq + norm))

    def score(self, node: Any, doc: _Doc) -> float | None:
        if isinstance(node, _TermQ):
            positions = doc.terms[node.field].get(node.term)
            if not positions:
                return None
            idf = _idf(self._doc_freq(node.field, node.term), self.docs)
            return self._bm25(idf, node.boost, len(positions), doc.lengths[node.field], node.field)
        if isinstance(node, _PhraseQ):
            terms = doc.terms[node.field]
            positions = [terms.get(t) for _, t in node.terms]
            if not all(positions):
                return None
            count = _phrase_count(positions, [o for o, _ in node.terms], node.slop)
            if not count:
                return None
            idf = sum(_idf(self._doc_freq(node.field, t), self.docs) for _, t in node.terms)
            return self._bm25(idf, node.boost, count, doc.lengths[node.field], node.field)
        if isinstance(node, _BoolQ):
            total = 0.0
            for child in node.must_not:
                if self.score(child, doc) is not None:
                    return None
            for child in node.must:
                found = self.score(child, doc)
                if found is None:
                    return None
                total += found
            matched = bool(node.must)
            for child in node.should:
                found = self.score(child, doc)
                if found is not None:
                    matched = True
                    total += found
            return total * node.boost if matched else None
        if isinstance(node, _AllQ):
            return node.boost
        if isinstance(node, _NothingQ) or node is None:
            return None
        return node.boost if any(self._term_matches(node, t) for t in doc.terms[node.field]) else None

    def _term_matches(self, node: Any, term: str) -> bool:
        if isinstance(node, _FuzzyQ):
            return _osa_distance(node.term, term, node.distance) <= node.distance
        if isinstance(node, _RegexQ):
            return _regex_matcher(node.pattern)(term)
        return _in_range(node, term)


def _in_range(node: _RangeQ, term: str) -> bool:
    if node.lower is not None and (term < node.lower or term == node.lower and not node.include_lower):
        return False
    if node.upper is not None and (term > node.upper or term == node.upper and not node.include_upper):
        return False
    return True


# -- the engine ---------------------------------------------------------------------------------------------

class FulltextEngine:
    """The committed documents of one full-text index, keyed by entity id; thread-safe."""

    BATCH = 256             # buffered writes committed together
    MAX_LAG = 0.05          # seconds a search tolerates a buffer before committing it
    HEAP = 32_000_000       # tantivy writer arena
    PREPARED_CACHE = 256    # parsed and analysed queries kept (they depend only on the text and the analyzer)

    def __init__(self, properties: tuple[str, ...], analyzer: str) -> None:
        import tantivy

        self.properties = tuple(properties)
        self.analyzer = analyzer
        self._analysis = analyzers.analysis(analyzer)
        self._field_names = [f"p{i}" for i in range(len(self.properties))]
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field(_KEY, indexed=True, fast=True)
        for name in self._field_names:
            builder.add_text_field(name, tokenizer_name="fulltext", index_option="position")
        self._schema = builder.build()
        self._index = tantivy.Index(self._schema)
        self._index.register_tokenizer("fulltext", analyzers.text_analyzer(analyzer))
        self._index.config_reader("Manual", 0)
        self._writer = self._index.writer(self.HEAP, 1)
        self._tantivy = tantivy
        self._lock = threading.RLock()
        self._lengths: dict[int, tuple[int, ...]] = {}
        self._totals = [0] * len(self.properties)
        self._committed: set[int] = set()
        self._pending: dict[int, dict[str, str] | None] = {}
        self._pending_since = 0.0
        self._pending_docs: dict[int, _Doc] = {}
        self._prepared: dict[tuple, PreparedQuery] = {}

    def __len__(self) -> int:
        return len(self._lengths)

    def document_of(self, props: dict) -> dict[str, str] | None:
        """The indexed text per property: strings, and lists of strings joined by a space (Neo4j indexes both);
        None when no indexed property has such a value (Neo4j leaves that entity out of the index)."""
        document = {}
        for name in self.properties:
            value = props.get(name)
            if isinstance(value, str):
                document[name] = value
            elif isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
                document[name] = " ".join(value)
        return document or None

    # writes

    def _account(self, key: int, document: dict[str, str] | None) -> None:
        old = self._lengths.pop(key, None)
        if old is not None:
            self._totals = [t - o for t, o in zip(self._totals, old)]
        if document is not None:
            lengths = tuple(self._analysis.count(document.get(p, "")) for p in self.properties)
            self._lengths[key] = lengths
            self._totals = [t + n for t, n in zip(self._totals, lengths)]

    def _tantivy_document(self, key: int, document: dict[str, str]) -> Any:
        doc = self._tantivy.Document()
        doc.add_integer(_KEY, key)
        for name, field_name in zip(self.properties, self._field_names):
            text = document.get(name)
            if text is not None:
                doc.add_text(field_name, text)
        return doc

    def upsert(self, key: int, document: dict[str, str]) -> None:
        with self._lock:
            self._account(key, document)
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending[key] = document
            self._pending_docs.pop(key, None)
            if len(self._pending) >= self.BATCH:
                self._flush()

    def remove(self, key: int) -> None:
        with self._lock:
            if key not in self._lengths:
                return
            self._account(key, None)
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending[key] = None
            self._pending_docs.pop(key, None)
            if len(self._pending) >= self.BATCH:
                self._flush()

    def load(self, keys: Iterable[int], documents: Iterable[dict[str, str]]) -> None:
        """Bulk insert (index creation, rebuild), one commit at the end: the keys and their documents, as
        `VectorEngine.load` takes them."""
        with self._lock:
            self._flush()
            writer = self._writer
            for key, document in zip(keys, documents):
                if key in self._committed:
                    writer.delete_documents_by_term(_KEY, key)
                self._account(key, document)
                writer.add_document(self._tantivy_document(key, document))
                self._committed.add(key)
            writer.commit()
            self._index.reload()

    def flush(self) -> None:
        """Commits the buffered writes into tantivy now."""
        with self._lock:
            self._flush()

    def flush_if_due(self) -> None:
        """Commits the buffered writes when there are many or they have waited long: called by the storage before
        a search, outside the index's lock, so that a commit's hook never waits for tantivy's commit."""
        with self._lock:
            if self._due():
                self._flush()

    def _due(self) -> bool:
        return bool(self._pending) and (len(self._pending) >= self.BATCH
                                        or time.monotonic() - self._pending_since > self.MAX_LAG)

    def _flush(self) -> None:
        if not self._pending:
            return
        writer = self._writer
        for key, document in self._pending.items():
            if key in self._committed:
                writer.delete_documents_by_term(_KEY, key)
                self._committed.discard(key)
            if document is not None:
                writer.add_document(self._tantivy_document(key, document))
                self._committed.add(key)
        writer.commit()
        self._index.reload()
        self._pending.clear()
        self._pending_docs.clear()

    # queries

    def prepare(self, text: str, analyzer: str | None = None,
                procedure: str = "db.index.fulltext.queryNodes") -> PreparedQuery:
        """Parses and analyses `text` (with the index's analyzer, or `analyzer`); a bad query or analyzer name
        raises the ClientError Neo4j gives from `procedure`."""
        cache_key = (text, analyzer)  # `procedure` only words errors, which are not cached
        cached = self._prepared.get(cache_key)
        if cached is not None:
            return cached
        try:
            analysis = self._analysis if analyzer is None else analyzers.analysis(analyzer)
        except ClientError:
            raise procedure_failed(procedure, analyzers.unknown_analyzer_message(analyzer),
                                   "java.lang.RuntimeException") from None
        try:
            tree = lucene.parse(text)
            _check_fuzzy(tree)
            root = _Builder(self.properties, analysis).build(tree)
            _check_regexes(root, self._tantivy, self._schema)
        except lucene.LuceneSyntaxError as error:
            raise procedure_failed(procedure, error.detail, error.java_class) from None
        prepared = PreparedQuery(text, root)
        if len(self._prepared) >= self.PREPARED_CACHE:
            self._prepared.clear()
        self._prepared[cache_key] = prepared
        return prepared

    def search(self, prepared: PreparedQuery, count: int) -> list[tuple[int, float]]:
        """The `count` best (key, score), best first, over every write made so far."""
        if prepared.root is None or count <= 0:
            return []
        with self._lock:
            if self._due():
                self._flush()
            searcher = self._index.searcher()
            found: list[tuple[int, float]] = []
            if self._committed:
                hidden = self._pending
                limit = min(count + len(hidden), len(self._committed))
                query = self._to_tantivy(prepared.root, searcher)
                hits = searcher.search(query, limit, count=False).hits
                addresses = [address for _, address in hits]
                for (score, _), key in zip(hits, searcher.fast_field_values(_KEY, addresses)):
                    if key not in hidden:
                        found.append((key, score))
            if self._pending:
                found.extend(self._score_pending(prepared, searcher))
                found.sort(key=lambda hit: -hit[1])
            return found[:count]

    def score(self, prepared: PreparedQuery, documents: dict[int, dict[str, str]]) -> list[tuple[int, float]]:
        """Exact: the documents (not necessarily in the engine) that match, scored with the engine's
        statistics, best first."""
        if prepared.root is None or not documents:
            return []
        with self._lock:
            hits = self._score(prepared, documents, self._index.searcher() if self._committed else None)
        hits.sort(key=lambda hit: -hit[1])
        return hits

    def _score(self, prepared: PreparedQuery, documents: dict[int, dict[str, str]],
               searcher: Any) -> list[tuple[int, float]]:
        scorer = _Scorer(self, searcher)
        hits = []
        for key, document in documents.items():
            doc = self._doc(document)
            found = scorer.score(prepared.root, doc)
            if found is not None:
                hits.append((key, found))
        return hits

    def _score_pending(self, prepared: PreparedQuery, searcher: Any) -> list[tuple[int, float]]:
        """The buffered documents that match, their analysis kept until they change or are committed."""
        scorer = _Scorer(self, searcher)
        docs = self._pending_docs
        hits = []
        for key, document in self._pending.items():
            if document is None:
                continue
            doc = docs.get(key)
            if doc is None:
                doc = docs[key] = self._doc(document)
            found = scorer.score(prepared.root, doc)
            if found is not None:
                hits.append((key, found))
        return hits

    def _doc(self, document: dict[str, str]) -> _Doc:
        terms: list[dict[str, list[int]]] = []
        lengths = []
        for name in self.properties:
            text = document.get(name)
            positions: dict[str, list[int]] = {}
            tokens = self._analysis.tokens(text) if text is not None else []
            for position, term in tokens:
                positions.setdefault(term, []).append(position)
            terms.append(positions)
            lengths.append(len(tokens))
        return _Doc(terms, lengths)

    def _to_tantivy(self, node: Any, searcher: Any) -> Any:
        query_type, schema = self._tantivy.Query, self._schema
        boost = getattr(node, "boost", 1.0)
        if isinstance(node, _BoolQ):
            if not node.must and not node.should:
                return query_type.empty_query()
            occur = self._tantivy.Occur
            subqueries = [(occur.Must, self._to_tantivy(q, searcher)) for q in node.must]
            subqueries += [(occur.Should, self._to_tantivy(q, searcher)) for q in node.should]
            subqueries += [(occur.MustNot, self._to_tantivy(q, searcher)) for q in node.must_not]
            query = query_type.boolean_query(subqueries)
        elif isinstance(node, _AllQ):
            query = query_type.all_query()
        elif isinstance(node, _NothingQ):
            return query_type.empty_query()
        else:
            field_name = self._field_names[node.field]
            if isinstance(node, _TermQ):
                query = query_type.term_query(schema, field_name, node.term)
            elif isinstance(node, _PhraseQ):
                query = query_type.phrase_query(schema, field_name, list(node.terms), node.slop)
            elif isinstance(node, _FuzzyQ):
                query = query_type.fuzzy_term_query(schema, field_name, node.term, node.distance, True, False)
            elif isinstance(node, _RegexQ):
                query = query_type.regex_query(schema, field_name, node.pattern)
            else:
                terms = [t for t, _ in searcher.terms_with_prefix(field_name, "") if _in_range(node, t)]
                if not terms:
                    return query_type.empty_query()
                query = query_type.term_set_query(schema, field_name, terms)
        return query if boost == 1.0 else query_type.boost_query(query, boost)
