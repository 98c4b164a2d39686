"""Lucene's classic query syntax: the tree, Lucene's operator rules, and Lucene's error words."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex.databases.search import lucene
from graphplex.databases.search.lucene import (
    CONJ_AND, CONJ_NONE, CONJ_OR, MOD_NONE, MOD_NOT, MOD_REQ, WILD_ANY, WILD_ONE, Clause, Group, LuceneSyntaxError,
    MatchAll, Phrase, Range, Term, Wildcard,
)

PARSE = "org.apache.lucene.queryparser.classic.ParseException"
TOKEN_MGR = "org.apache.lucene.queryparser.classic.TokenMgrError"

# The list Lucene prints when a clause is missing (seen in Neo4j's error for "TxInput(").
CLAUSE_EXPECTED = ("Was expecting one of:\n    <NOT> ...\n    \"+\" ...\n    \"-\" ...\n    <BAREOPER> ...\n"
                   "    \"(\" ...\n    \"*\" ...\n    <QUOTED> ...\n    <TERM> ...\n    <PREFIXTERM> ...\n"
                   "    <WILDTERM> ...\n    <REGEXPTERM> ...\n    \"[\" ...\n    \"{\" ...\n    <NUMBER> ...\n"
                   "    <TERM> ...\n    ")


def only(text):
    group = lucene.parse(text)
    assert len(group.clauses) == 1
    return group.clauses[0].query


def test_terms_and_default_operator():
    group = lucene.parse("quick brown")
    assert group == Group((Clause(CONJ_NONE, MOD_NONE, Term(None, "quick")),
                           Clause(CONJ_NONE, MOD_NONE, Term(None, "brown"))))


def test_boolean_operators_and_modifiers():
    group = lucene.parse("a AND b OR c && d || e")
    assert [c.conj for c in group.clauses] == [CONJ_NONE, CONJ_AND, CONJ_OR, CONJ_AND, CONJ_OR]
    group = lucene.parse("+a -b NOT c !d")
    assert [c.mods for c in group.clauses] == [MOD_REQ, MOD_NOT, MOD_NOT, MOD_NOT]


def test_keywords_only_as_whole_tokens():
    assert only("ANDY") == Term(None, "ANDY")
    assert only("and") == Term(None, "and")


def test_fields_groups_and_boosts():
    inner = only("title:(x y)^2")
    assert isinstance(inner, Group) and inner.boost == 2.0
    assert [c.query for c in inner.clauses] == [Term("title", "x"), Term("title", "y")]
    assert only("name:nils^1.5") == Term("name", "nils", boost=1.5)


def test_phrases_with_slop_and_boost():
    assert only('"quick fox"') == Phrase(None, "quick fox")
    assert only('"quick fox"~2^3') == Phrase(None, "quick fox", 2, 3.0)
    assert only('"say \\"hi\\""') == Phrase(None, 'say "hi"')


def test_prefix_wildcard_fuzzy_regexp():
    assert only("qu*") == Term(None, "qu", "prefix")
    assert only("*ick") == Wildcard(None, (WILD_ANY, "ick"))
    assert only("f?x") == Wildcard(None, ("f", WILD_ONE, "x"))
    assert only("fox~") == Term(None, "fox", "fuzzy", None)
    assert only("fox~1") == Term(None, "fox", "fuzzy", 1.0)
    assert only("fox~0.8") == Term(None, "fox", "fuzzy", 0.8)
    assert only("/fo.*/") == Term(None, "fo.*", "regexp")


def test_escapes_make_literals():
    assert only("a\\*b") == Term(None, "a*b")
    assert only("nils\\-erik") == Term(None, "nils-erik")
    assert only("nils-erik") == Term(None, "nils-erik")
    assert only("a\\:b") == Term(None, "a:b")


def test_ranges_and_match_all():
    assert only("[a TO c]") == Range(None, "a", "c", True, True)
    assert only("{a TO *]") == Range(None, "a", None, False, True)
    assert only('name:["a b" TO z}') == Range("name", "a b", "z", True, False)
    assert only("*:*") == MatchAll()


def error(text):
    with pytest.raises(LuceneSyntaxError) as raised:
        lucene.parse(text)
    return raised.value


@pytest.mark.parametrize("text, column", [("TxInput(", 8), ("a AND", 5), ("a AND ", 6), ("", 0)])
def test_missing_clause_is_lucenes_parse_exception(text, column):
    found = error(text)
    assert found.java_class == PARSE
    assert found.detail == f'Encountered "<EOF>" at line 1, column {column}.\n' + CLAUSE_EXPECTED


def test_unterminated_regexp_is_a_lexical_error():
    # The words Neo4j 5 reports for "/b testing" (langchain-ai/langchain-neo4j issue 5).
    found = error("/b testing")
    assert found.java_class == TOKEN_MGR
    assert found.detail == 'Lexical error at line 1, column 11.  Encountered: <EOF> after prefix "/b testing" ' \
                           '(in lexical state 2)'


def test_other_syntax_errors():
    assert error('"abc').detail.startswith("Lexical error at line 1, column 5.  Encountered: <EOF>")
    assert error("foo\\").java_class == TOKEN_MGR
    unexpected = error("a )")
    assert unexpected.detail.startswith('Encountered " ")" ") "" at line 1, column 3.\nWas expecting one of:\n')
    assert error("a^").detail == 'Encountered "<EOF>" at line 1, column 2.\nWas expecting:\n    <NUMBER> ...\n    '
    assert error("(a").detail.startswith('Encountered "<EOF>" at line 1, column 2.')
    assert '")" ...' in error("(a").detail


# Property-based: random queries built from Lucene's pieces parse, and arbitrary text either parses or fails
# with a LuceneSyntaxError (never another exception).

words = st.text(alphabet="abcxyz", min_size=1, max_size=5)
leaves = st.one_of(
    words,
    words.map(lambda w: w + "*"),
    words.map(lambda w: w[:1] + "?" + w[1:]),
    st.tuples(words, st.sampled_from(["~", "~1", "~2"])).map("".join),
    st.lists(words, min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
    st.tuples(words, words).map(lambda p: f"[{p[0]} TO {p[1]}]"),
    st.tuples(st.sampled_from(["name", "bio"]), words).map(lambda p: f"{p[0]}:{p[1]}"),
)


def queries(depth=2):
    if depth == 0:
        return leaves
    inner = queries(depth - 1)
    clause = st.tuples(st.sampled_from(["", "+", "-", "NOT "]), st.one_of(leaves, inner.map(lambda q: f"({q})")))
    return st.lists(st.tuples(st.sampled_from([" ", " AND ", " OR "]), clause), min_size=1, max_size=3).map(
        lambda parts: "".join((conj if i else "") + mod + body for i, (conj, (mod, body)) in enumerate(parts)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries())
def test_generated_queries_parse(text):
    assert isinstance(lucene.parse(text), Group)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='ab :()"[]{}~^*?+-!\\/&|TOAND0.5', max_size=20))
def test_any_text_parses_or_fails_with_lucenes_error(text):
    try:
        lucene.parse(text)
    except LuceneSyntaxError as found:
        assert found.java_class in (PARSE, TOKEN_MGR)
        assert found.detail.startswith(("Encountered", "Lexical error"))
