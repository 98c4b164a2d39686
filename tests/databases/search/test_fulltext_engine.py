"""FulltextEngine: Lucene semantics over tantivy, the buffered writes, and the exact path (`score`) agreeing with
tantivy on matches and scores."""
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex.databases.errors import ClientError
from graphplex.databases.search.fulltext import FulltextEngine, fieldnorm

PEOPLE = {
    1: {"name": "Nils-Erik Karlsson", "bio": "Nils-Erik is difficult to work with."},
    2: {"name": "Lisa Danielsson", "bio": "Engineering manager"},
    3: {"name": "Nils Johansson", "bio": "Engineer in the operations team"},
    4: {"name": "Maya Tanaka", "bio": "Senior engineer, operations"},
}


def engine(analyzer="standard-no-stop-words", docs=PEOPLE, buffered=False):
    e = FulltextEngine(("name", "bio"), analyzer)
    if buffered:
        e.MAX_LAG, e.BATCH = 3600.0, 10_000
    e.load(docs.keys(), docs.values())
    return e


def keys(e, query, **kw):
    return sorted(k for k, _ in e.search(e.prepare(query, **kw), 1000))


def test_document_of_takes_strings_and_string_lists():
    e = FulltextEngine(("name", "tags", "age"), "standard")
    assert e.document_of({"name": "Nils", "age": 3, "tags": ["a b", "c"]}) == {"name": "Nils", "tags": "a b c"}
    assert e.document_of({"age": 3, "tags": [1, 2]}) is None
    assert e.document_of({}) is None


def test_unqualified_terms_search_every_property():
    e = engine()
    assert keys(e, "nils") == [1, 3]
    assert keys(e, "operations") == [3, 4]
    assert keys(e, "name:operations") == []
    assert keys(e, "bio:nils") == [1]
    assert keys(e, "unknownproperty:nils") == []


def test_boolean_operators_follow_lucene():
    e = engine()
    assert keys(e, "nils AND operations") == [3]
    assert keys(e, "nils OR maya") == [1, 3, 4]
    assert keys(e, "nils -erik") == [3]
    assert keys(e, "nils NOT erik") == [3]
    assert keys(e, "+engineer +operations") == [3, 4]
    assert keys(e, "-nils") == []
    assert keys(e, "nils AND unknownproperty:x") == []


def test_phrases_prefixes_wildcards_fuzzy_ranges():
    e = engine()
    assert keys(e, '"nils erik"') == [1]
    assert keys(e, '"nils karlsson"') == []
    assert keys(e, '"nils karlsson"~1') == [1]
    assert keys(e, "engineer*") == [2, 3, 4]
    assert keys(e, "*son") == [1, 2, 3]
    assert keys(e, "m?ya") == [4]
    assert keys(e, "MAYA*") == [4]
    assert keys(e, "tanaca~1") == [4]
    assert keys(e, "tnaaka~1") == [4]
    assert keys(e, "name:[lisa TO maya]") == [2, 4]
    assert keys(e, "name:{lisa TO maya}") == []
    assert keys(e, "*:*") == [1, 2, 3, 4]


def test_boost_changes_the_order():
    e = engine()
    assert e.search(e.prepare("lisa maya^4"), 1)[0][0] == 4
    assert e.search(e.prepare("lisa^4 maya"), 1)[0][0] == 2


def test_query_analyzer_option_and_stop_words():
    e = engine("standard")
    assert keys(e, "the") == []
    assert keys(e, "the AND nils") == [1, 3]
    assert keys(e, "Nils", analyzer="keyword") == []
    with pytest.raises(ClientError) as raised:
        e.prepare("nils", analyzer="klingon")
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert raised.value.message == (
        "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.RuntimeException: Could "
        "not create fulltext analyzer: klingon. Could not find service provider "
        "org.neo4j.graphdb.schema.AnalyzerProvider[klingon]")


def test_english_stems_documents_and_queries():
    e = engine("english")
    assert keys(e, "engineering") == [2, 3, 4]


def test_bad_query_is_neo4js_procedure_error():
    e = engine()
    with pytest.raises(ClientError) as raised:
        e.prepare("TxInput(", procedure="db.index.fulltext.queryRelationships")
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    assert raised.value.message.startswith(
        "Failed to invoke procedure `db.index.fulltext.queryRelationships`: Caused by: "
        "org.apache.lucene.queryparser.classic.ParseException: Encountered \"<EOF>\" at line 1, column 8.\n"
        "Was expecting one of:\n    <NOT> ...\n")
    with pytest.raises(ClientError, match="Fractional edit distances are not allowed!"):
        e.prepare("nils~1.5")


def test_buffered_writes_are_visible_to_the_next_search():
    e = engine(buffered=True)
    e.upsert(5, {"name": "Nils Nilsson"})
    e.upsert(3, {"name": "Maya Johansson"})
    e.remove(1)
    e.remove(99)
    assert e._pending
    assert keys(e, "nils") == [5]
    assert keys(e, "maya") == [3, 4]
    assert keys(e, "johansson") == [3]
    assert len(e) == 4
    e.flush()
    assert not e._pending
    assert keys(e, "nils") == [5]
    assert keys(e, "maya") == [3, 4]


def test_a_large_buffer_is_committed():
    e = engine()
    for key in range(10, 10 + FulltextEngine.BATCH):
        e.upsert(key, {"name": f"person {key}"})
    assert not e._pending
    assert len(keys(e, "person")) == FulltextEngine.BATCH


def test_search_is_best_first_and_limited():
    e = engine()
    hits = e.search(e.prepare("nils engineer"), 2)
    assert len(hits) == 2
    assert hits[0][1] >= hits[1][1]


def test_fieldnorm_is_lucenes_smallfloat():
    assert [fieldnorm(n) for n in (0, 1, 24, 39, 40, 41, 42, 43, 44)] == [0, 1, 24, 39, 40, 40, 42, 42, 44]
    assert fieldnorm(1000) <= 1000 and fieldnorm(1000) > 900


# The exact path against tantivy: on random corpora and queries, a document matches through `score` iff tantivy
# returns it once committed, with the same score.

VOCABULARY = ["alpha", "beta", "gamma", "delta", "the", "a", "running", "runs", "café", "Cafe"]
texts = st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=8).map(" ".join)
corpora = st.dictionaries(st.integers(1, 60), st.fixed_dictionaries({"name": texts, "bio": texts}),
                          min_size=1, max_size=25)
word = st.sampled_from(VOCABULARY + ["alp", "gam"])
leaf = st.one_of(
    word,
    word.map(lambda w: w + "*"),
    word.map(lambda w: "?" + w[1:]),
    st.tuples(word, st.sampled_from(["~", "~1"])).map("".join),
    st.lists(word, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.tuples(st.lists(word, min_size=2, max_size=2), st.integers(1, 3)).map(
        lambda p: '"' + " ".join(p[0]) + f'"~{p[1]}'),
    st.tuples(word, word).map(lambda p: "[{} TO {}]".format(*sorted(p))),
    st.tuples(st.sampled_from(["name", "bio"]), word).map(lambda p: f"{p[0]}:{p[1]}"),
    word.map(lambda w: w + "^2"),
)
clause = st.tuples(st.sampled_from(["", "+", "-"]), leaf)
query_texts = st.one_of(
    st.lists(st.tuples(st.sampled_from([" ", " AND ", " OR "]), clause), min_size=1, max_size=4).map(
        lambda parts: "".join((c if i else "") + m + b for i, (c, (m, b)) in enumerate(parts))),
    st.tuples(leaf, leaf, leaf).map(lambda p: f"({p[0]} OR {p[1]}) AND NOT {p[2]}"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora, st.lists(query_texts, min_size=1, max_size=4),
       st.sampled_from(["standard-no-stop-words", "standard", "english", "standard-folding", "whitespace"]))
def test_exact_path_agrees_with_tantivy(corpus, queries, analyzer):
    e = FulltextEngine(("name", "bio"), analyzer)
    documents = {k: {p: v for p, v in d.items() if v} for k, d in corpus.items()}
    documents = {k: d for k, d in documents.items() if d}
    if not documents:
        return
    e.load(documents.keys(), documents.values())
    for text in queries:
        prepared = e.prepare(text)
        from_tantivy = dict(e.search(prepared, len(documents)))
        exact = dict(e.score(prepared, documents))
        assert set(from_tantivy) == set(exact), text
        for key, score in exact.items():
            assert math.isclose(score, from_tantivy[key], rel_tol=1e-4), (text, key)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora, corpora, st.lists(st.integers(1, 60), max_size=10), query_texts)
def test_buffered_search_matches_a_committed_engine(first, second, removed, text):
    """Writes still in the buffer give the same matches as the same writes committed."""
    def clean(corpus):
        return {k: d for k, d in ((k, {p: v for p, v in d.items() if v}) for k, d in corpus.items()) if d}
    base, updates = clean(first), clean(second)
    buffered = FulltextEngine(("name", "bio"), "standard")
    buffered.MAX_LAG, buffered.BATCH = 3600.0, 10_000
    buffered.load(base.keys(), base.values())
    for key, document in updates.items():
        buffered.upsert(key, document)
    for key in removed:
        buffered.remove(key)
    final = {**base, **updates}
    for key in removed:
        final.pop(key, None)
    reference = FulltextEngine(("name", "bio"), "standard")
    reference.load(final.keys(), final.values())
    prepared = buffered.prepare(text)
    assert {k for k, _ in buffered.search(prepared, 1000)} == {k for k, _ in reference.search(prepared, 1000)}
    assert len(buffered) == len(final)
