"""Neo4j's analyzers on tantivy: the listAvailableAnalyzers rows, tokenization, and the unknown-name error."""
import pytest

from graphplex.databases.errors import ClientError
from graphplex.databases.search import analyzers


def terms(name, text):
    return [t for _, t in analyzers.analysis(name).tokens(text)]


def test_available_rows():
    rows = analyzers.available()
    names = [r["analyzer"] for r in rows]
    assert names == sorted(names)
    assert {"standard-no-stop-words", "standard", "simple", "whitespace", "keyword", "english", "stop",
            "standard-folding", "unicode_whitespace"} <= set(names)
    by_name = {r["analyzer"]: r for r in rows}
    assert by_name["english"]["description"] == "English analyzer with stemming and stop word filtering."
    assert by_name["standard-no-stop-words"]["stopwords"] == []
    assert by_name["standard"]["stopwords"] == list(analyzers.ENGLISH_STOP_WORDS)
    assert len(analyzers.ENGLISH_STOP_WORDS) == 33
    assert all(set(r) == {"analyzer", "description", "stopwords"} for r in rows)


def test_default_analyzer_is_standard_no_stop_words():
    assert analyzers.DEFAULT_ANALYZER == "standard-no-stop-words"
    assert terms("standard-no-stop-words", "The Quick-Brown fox's U.S.A. 3.14 don't") == \
        ["the", "quick", "brown", "fox's", "u.s.a", "3.14", "don't"]


def test_standard_drops_english_stop_words_and_keeps_positions():
    assert analyzers.analysis("standard").tokens("the quick and the dead") == [(1, "quick"), (4, "dead")]


def test_simple_splits_at_non_letters():
    assert terms("simple", "R2D2 Nils-Erik") == ["r", "d", "nils", "erik"]


def test_stop_is_simple_without_stop_words():
    assert terms("stop", "The Quick 4 fox") == ["quick", "fox"]


def test_whitespace_keeps_case_and_punctuation():
    assert terms("whitespace", "Hello, World!\u00a0x") == ["Hello,", "World!\u00a0x"]
    assert terms("unicode_whitespace", "Hello, World!\u00a0x") == ["Hello,", "World!", "x"]


def test_keyword_is_one_term():
    assert terms("keyword", "Nils-Erik Karlsson") == ["Nils-Erik Karlsson"]


def test_english_stems():
    assert terms("english", "The runners were running happily") == ["runner", "were", "run", "happili"]


def test_standard_folding_removes_accents():
    assert terms("standard-folding", "Café Über") == ["cafe", "uber"]
    assert analyzers.analysis("standard-folding").normalize("CaFÉ") == "cafe"
    assert analyzers.analysis("keyword").normalize("CaFÉ") == "CaFÉ"


def test_ideographs_are_single_terms():
    assert terms("standard", "東京 tower") == ["東", "京", "tower"]


def test_text_analyzer_matches_tokens():
    for name in ("standard", "english", "simple", "whitespace", "keyword", "standard-folding"):
        text = "The Quick-Brown fox's Café jumps over 3.14 lazy dogs!"
        assert analyzers.text_analyzer(name).analyze(text) == terms(name, text)


def test_unknown_analyzer_is_neo4js_error():
    with pytest.raises(ClientError) as raised:
        analyzers.spec("klingon")
    assert raised.value.message == ("Could not create fulltext analyzer: klingon. Could not find service provider "
                                    "org.neo4j.graphdb.schema.AnalyzerProvider[klingon]")
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
