"""Neo4j's full-text analyzers, rebuilt from tantivy's tokenizers and filters.

Neo4j 5.26 names each analyzer by an `AnalyzerProvider` (`org.neo4j.kernel.api.impl.fulltext.analyzer.providers`)
wrapping a Lucene analyzer; `db.index.fulltext.listAvailableAnalyzers` shows its name, description and stop words.
Only the analyzers tantivy can build faithfully are here: the Lucene tokenizers are approximated by a regex
tokenizer (Unicode word boundaries for the standard family, letters for `simple`/`stop`, Java whitespace for
`whitespace`). Language analyzers (other than `english`), `classic`, `url_or_email` and `cjk` are left out:
their Lucene tokenizers or stemmers have no tantivy counterpart.

tantivy is imported on first use, never when graphplex starts.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from graphplex.databases.errors import ClientError
from graphplex.databases.procedure_failures import CALL_FAILED

__all__ = ["AnalyzerSpec", "ENGLISH_STOP_WORDS", "DEFAULT_ANALYZER", "available", "spec", "text_analyzer",
           "unknown_analyzer_message", "Analysis", "analysis"]

DEFAULT_ANALYZER = "standard-no-stop-words"

# Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, the set Neo4j's standard, stop and english analyzers use.
ENGLISH_STOP_WORDS: tuple[str, ...] = (
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
)

# Lucene's StandardTokenizer follows Unicode word boundaries (UAX #29): letters, digits and connectors stay
# together, with an apostrophe or period between two of them ("don't", "u.s.a", "3.14"); each ideograph is a
# word of its own.
_WORD_CHAR = r"[\p{L}\p{M}\p{N}_--\p{Han}\p{Hiragana}]"
_WORD = rf"[\p{{Han}}\p{{Hiragana}}]|{_WORD_CHAR}+(?:['.’]{_WORD_CHAR}+)*"
_LETTERS = r"\p{L}+"
# Java's Character.isWhitespace: the space separators except the no-break spaces, and the ASCII controls.
_JAVA_NON_WHITESPACE = r"[^\t\n\x0B\f\r\x1C-\x1F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]+"
_UNICODE_NON_WHITESPACE = r"\S+"


@dataclass(frozen=True)
class AnalyzerSpec:
    """How one Neo4j analyzer tokenizes (a token regex, or None for the whole text) and filters."""

    name: str
    description: str
    pattern: str | None
    lowercase: bool = False
    ascii_fold: bool = False
    stopwords: tuple[str, ...] = ()
    stemmer: str | None = None


_STANDARD_TAIL = ("Does no stemming, but takes care to keep likely product names, URLs and email addresses as "
                  "single terms.")

_SPECS: dict[str, AnalyzerSpec] = {s.name: s for s in (
    AnalyzerSpec("standard-no-stop-words",
                 "Similar to the 'standard' analyzer, but filters no stop words. Tokenizes on non-letter boundaries "
                 "and filters out punctuation. " + _STANDARD_TAIL, _WORD, lowercase=True),
    AnalyzerSpec("standard",
                 "The standard analyzer. Tokenizes on non-letter and filters out English stop words and "
                 "punctuation. " + _STANDARD_TAIL, _WORD, lowercase=True, stopwords=ENGLISH_STOP_WORDS),
    AnalyzerSpec("standard-folding",
                 "Analyzer that uses ASCIIFoldingFilter to remove accents (diacritics). Otherwise behaves as "
                 "standard english analyzer.", _WORD, lowercase=True, ascii_fold=True,
                 stopwords=ENGLISH_STOP_WORDS),
    AnalyzerSpec("simple",
                 "A simple analyzer that tokenizes at non-letter boundaries. No stemming or filtering. Works okay "
                 "for most European languages, but is terrible for languages where words are not separated by "
                 "spaces, such as many Asian languages.", _LETTERS, lowercase=True),
    AnalyzerSpec("stop",
                 "Stop analyzer tokenizes at non-letter characters, and filters out English stop words. This "
                 "differs from the 'classic' and 'standard' analyzers in that it makes no effort to recognize "
                 "special terms, like likely product names, URLs or email addresses.", _LETTERS, lowercase=True,
                 stopwords=ENGLISH_STOP_WORDS),
    AnalyzerSpec("whitespace",
                 "Breaks text into terms by characters that are considered \"Java whitespace\".",
                 _JAVA_NON_WHITESPACE),
    AnalyzerSpec("unicode_whitespace",
                 "Breaks text into terms by characters that have the unicode WHITESPACE property.",
                 _UNICODE_NON_WHITESPACE),
    AnalyzerSpec("keyword",
                 "Keyword analyzer \"tokenizes\" the text as a single term. Useful for zip-codes, ids, etc. "
                 "Situations where complete and exact matches are desired.", None),
    AnalyzerSpec("english", "English analyzer with stemming and stop word filtering.", _WORD, lowercase=True,
                 stopwords=ENGLISH_STOP_WORDS, stemmer="english"),
)}


def unknown_analyzer_message(name: str) -> str:
    """Neo4j 5's words (FulltextIndexAnalyzerLoader) for an analyzer name no provider has."""
    return (f"Could not create fulltext analyzer: {name}. Could not find service provider "
            f"org.neo4j.graphdb.schema.AnalyzerProvider[{name}]")


def spec(name: str) -> AnalyzerSpec:
    """The analyzer called `name`; ClientError (the procedure layer adds its prefix) when there is none."""
    try:
        return _SPECS[name]
    except (KeyError, TypeError):
        raise ClientError(unknown_analyzer_message(name), CALL_FAILED) from None


def available() -> list[dict[str, Any]]:
    """`db.index.fulltext.listAvailableAnalyzers` rows, by name: {analyzer, description, stopwords}."""
    return [{"analyzer": s.name, "description": s.description, "stopwords": list(s.stopwords)}
            for s in sorted(_SPECS.values(), key=lambda s: s.name)]


def _builder(tokenizer_only: bool, s: AnalyzerSpec, whole_token: bool = False) -> Any:
    import tantivy

    tokenizer = tantivy.Tokenizer.raw() if s.pattern is None or whole_token else tantivy.Tokenizer.regex(s.pattern)
    builder = tantivy.TextAnalyzerBuilder(tokenizer)
    if tokenizer_only:
        return builder.build()
    if s.lowercase:
        builder = builder.filter(tantivy.Filter.lowercase())
    if s.ascii_fold:
        builder = builder.filter(tantivy.Filter.ascii_fold())
    if s.stopwords:
        builder = builder.filter(tantivy.Filter.custom_stopword(list(s.stopwords)))
    if s.stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(s.stemmer))
    return builder.build()


def text_analyzer(name: str) -> Any:
    """tantivy's TextAnalyzer for the analyzer called `name` (what the index registers for its fields)."""
    return _builder(False, spec(name))


class Analysis:
    """One analyzer on the Python side, for the exact path and for query terms.

    `tokens` gives (position, term) pairs exactly as tantivy indexes them: the tokenizer alone fixes the
    positions (a removed stop word leaves its gap, as in Lucene), then each raw token goes through the filters
    on its own (cached: vocabularies are small). `normalize` is Lucene's `Analyzer.normalize`: the case and
    accent filters only, for wildcard, fuzzy and range terms, which are never stemmed or stopped.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self, name: str) -> None:
        self.spec = spec(name)
        self._tokenizer = _builder(True, self.spec)
        self._filters = _builder(False, self.spec, whole_token=True)
        self.analyzer = _builder(False, self.spec)
        self._folder = _builder(False, AnalyzerSpec("fold", "", None, ascii_fold=True))
        self._terms: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def tokens(self, text: str) -> list[tuple[int, str]]:
        out = []
        terms = self._terms
        for position, raw in enumerate(self._tokenizer.analyze(text)):
            term = terms.get(raw, "")
            if term == "":
                filtered = self._filters.analyze(raw)
                term = filtered[0] if filtered else None
                with self._lock:
                    if len(terms) > self._CACHE_LIMIT:
                        terms.clear()
                    terms[raw] = term
            if term is not None:
                out.append((position, term))
        return out

    def count(self, text: str) -> int:
        """How many terms tantivy indexes for `text` (the field length of BM25)."""
        return len(self.analyzer.analyze(text))

    def normalize(self, text: str) -> str:
        if self.spec.lowercase:
            text = text.lower()
        if self.spec.ascii_fold:
            folded = self._folder.analyze(text)
            text = folded[0] if folded else text
        return text


_ANALYSES: dict[str, Analysis] = {}
_ANALYSES_LOCK = threading.Lock()


def analysis(name: str) -> Analysis:
    """The shared `Analysis` of the analyzer called `name` (ClientError when unknown)."""
    found = _ANALYSES.get(name)
    if found is None:
        spec(name)
        with _ANALYSES_LOCK:
            found = _ANALYSES.get(name)
            if found is None:
                found = _ANALYSES[name] = Analysis(name)
    return found
