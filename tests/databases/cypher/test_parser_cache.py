"""The parser runs lark's tables without lark (`lalr`), from a cache of plain data (`parser_cache`).

What it builds must be what lark builds from the grammar: the same trees (with the same positions) and the same
errors, with the same expected and accepted terminals, checked on fixed statements and on hypothesis' mutations
of them. A bad cache must never stop parsing, threads starting together must share one parser and compile each
expression once, and a process that finds the tables cached neither imports lark nor keeps thousands of objects
for the garbage collector to walk."""
import json
import marshal
import os
import subprocess
import sys
import threading
import time

import lark
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from graphplex.databases.cypher import lalr, parser, parser_cache, parser_tables
from graphplex.system_db.security.rules import BUILT_IN_COMMANDS

STATEMENTS = [
    "RETURN 1",
    "MATCH (n:Person {name: $name})-[r:KNOWS*1..3]->(m) WHERE n.age > 30 AND NOT m:Robot RETURN m.name AS name "
    "ORDER BY name DESC SKIP 1 LIMIT 10",
    "UNWIND range(1, 10) AS i WITH i WHERE i % 2 = 0 RETURN collect(i), [x IN range(1, i) | x ^ 2]",
    "MERGE (a:A {id: 1}) ON CREATE SET a.created = timestamp() ON MATCH SET a += {seen: true} RETURN a",
    "CALL { MATCH (n) RETURN count(n) AS c } RETURN c, CASE WHEN c > 1 THEN 'many' ELSE 'few' END",
    "CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)",
    "CREATE USER alice SET PASSWORD 'secret' CHANGE NOT REQUIRED",
    "SHOW TRANSACTIONS YIELD transactionId, currentQuery WHERE currentQuery CONTAINS 'MATCH' RETURN *",
    "MATCH p = shortestPath((a)-[*]-(b)) RETURN nodes(p), reduce(s = 0, x IN [1, 2] | s + x)",
    "match (n) where n.name =~ 'A.*' return n.name + ' ' + toString(n.age) as label limit 1",
    "MATCH (a)<-[:R]-(b)<--(c)--(d)-->(e)<-->(f) RETURN 0x1F, 0o17, 1.5e3, .5, $`odd name`, `quoted``name`",
    "USE other CREATE INDEX FOR (n:L) ON (n.p)",
    "RETURN 1 // a comment\n/* and a block\ncomment */ AS x",
] + [f"{command} TO `role`" for commands in BUILT_IN_COMMANDS.values() for command in commands]

# Spellings that exercise the lexer's corners: keywords in any case, letters `re` folds onto ASCII ones, a
# keyword that is only the start of a name, quotes and comments left open, characters no terminal takes.
NOISE = ["MATCH", "return", "ReTuRn", "AS", "IN", "ıN", "ſet", "ALL", "allShortestPaths", "WHERE", "CALL", "YIELD",
         "SHOW", "CREATE", "USE", "--", "-[", "]->", "<--", "..", "*", "(", ")", "[", "]", "{", "}", ",", ":", "'",
         "\"", "`", "/*", "//", "\n", "$", "#", "é", "日本", "1", "0x", "1.5", "returnx", " ", "|", "="]


@pytest.fixture(scope="module")
def reference():
    """lark's own parser of the grammar, with the options the tables are built with."""
    return lark.Lark(parser.GRAMMAR.read_text(encoding="utf-8"), **parser_tables.OPTIONS)


@pytest.fixture(scope="module")
def built():
    """The tables built from the grammar by lark, without any cache."""
    return parser_cache.build(parser.GRAMMAR.read_text(encoding="utf-8"))


@pytest.fixture
def unshipped(tmp_path, monkeypatch):
    """As in a checkout whose grammar was edited: no shipped tables match it."""
    monkeypatch.setattr(parser_cache, "shipped_tables", lambda grammar_path: tmp_path / "absent.tables")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch, unshipped):
    monkeypatch.setenv("GRAPHPLEX_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def same_tree(ours, theirs) -> bool:
    """Equal shape, rule names, terminal types, texts and offsets, and equal spans where lark records one."""
    if isinstance(theirs, lark.Tree):
        if not isinstance(ours, lalr.Tree) or ours.data != theirs.data or len(ours.children) != len(theirs.children):
            return False
        if not theirs.meta.empty and (ours.meta.start_pos, ours.meta.end_pos) != (theirs.meta.start_pos,
                                                                                  theirs.meta.end_pos):
            return False
        return all(same_tree(a, b) for a, b in zip(ours.children, theirs.children))
    if isinstance(theirs, lark.Token):
        return (isinstance(ours, lalr.Token) and (ours.type, str(ours), ours.start_pos, ours.end_pos)
                == (theirs.type, str(theirs), theirs.start_pos, theirs.end_pos))
    return ours == theirs


def outcome(parse, errors, text: str, start: str):
    """The tree, or what the error says: its kind, the token and what was expected and accepted."""
    try:
        return "tree", parse(text, start=start)
    except errors as error:
        if hasattr(error, "token"):
            position = None if error.token.type == "$END" else error.token.start_pos
            return "token", (error.token.type, str(error.token), position, frozenset(error.expected),
                             frozenset(error.accepts or ()))
        return "characters", (error.pos_in_stream, frozenset(error.allowed))


def assert_parses_as_lark(reference, text: str) -> None:
    for start in parser_tables.START:
        ours = outcome(parser._parser().parse, lalr.UnexpectedInput, text, start)
        theirs = outcome(reference.parse, lark.UnexpectedInput, text, start)
        assert ours[0] == theirs[0], (text, start, ours, theirs)
        if ours[0] == "tree":
            assert same_tree(ours[1], theirs[1]), (text, start)
        else:
            assert ours[1] == theirs[1], (text, start)


def test_statements_parse_as_lark_parses_them(reference):
    for text in STATEMENTS:
        assert_parses_as_lark(reference, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.sampled_from(STATEMENTS), edits=st.lists(
    st.tuples(st.sampled_from(["delete", "insert", "swapcase", "cut"]), st.floats(0, 1), st.integers(1, 6),
              st.sampled_from(NOISE)), min_size=1, max_size=3))
def test_mutated_statements_parse_or_fail_as_lark_does(reference, text, edits):
    for kind, where, length, noise in edits:
        at = int(where * len(text))
        if kind == "delete":
            text = text[:at] + text[at + length:]
        elif kind == "insert":
            text = text[:at] + noise + text[at:]
        elif kind == "swapcase":
            text = text[:at] + text[at:at + length].swapcase() + text[at + length:]
        else:
            text = text[:at]
    assert_parses_as_lark(reference, text)


def test_what_a_prefix_accepts_is_what_lark_says(reference):
    for probe in ["", "MATCH ", "RETURN 1 + ", "RETURN 1 AND ", "WITH 1 AS ", "UNWIND [1] AS x ", "RETURN 1 ",
                  "RETURN 1 AS x ", "CREATE USER "]:
        interactive = reference.parse_interactive(probe, start="start")
        interactive.exhaust_lexer()
        assert parser._parser().accepts_after(probe) == frozenset(interactive.accepts()), probe


def test_the_shipped_tables_are_the_grammars(built):
    grammar = parser.GRAMMAR.read_text(encoding="utf-8")
    shipped = parser_cache._read_shipped(parser_cache.shipped_tables(parser.GRAMMAR), parser_cache.shipped_key(grammar))
    assert shipped is not None, "the grammar changed: run python -m graphplex.databases.cypher.build_tables"
    # lark numbers states in an order that varies between processes, so the tables are compared by what they do.
    for text in STATEMENTS + [text[:len(text) // 2] for text in STATEMENTS]:
        for start in parser_tables.START:
            assert (outcome(lalr.Parser(shipped).parse, lalr.UnexpectedInput, text, start)
                    == outcome(lalr.Parser(built).parse, lalr.UnexpectedInput, text, start)), text


def test_a_new_install_parses_at_once_with_the_shipped_tables(tmp_path):
    """An empty cache directory: nothing is built, nothing is written, lark is not imported."""
    script = ("import sys; from graphplex.databases.cypher import parser; parser.parse('RETURN 1');"
              "assert 'lark' not in sys.modules")
    subprocess.run([sys.executable, "-c", script], check=True, env={**os.environ, "GRAPHPLEX_CACHE_DIR": str(tmp_path)})
    assert list(tmp_path.iterdir()) == []


def test_tables_come_back_from_the_cache_whole(cache_dir, monkeypatch, built):
    tables = built
    monkeypatch.setattr(parser_cache, "build", lambda text: tables)
    parser_cache.load(parser.GRAMMAR)
    path = parser_cache.cache_file(parser_cache.cache_key(parser.GRAMMAR.read_text(encoding="utf-8")))
    assert path.parent == cache_dir and path.exists()
    assert not path.stat().st_mode & 0o077

    def no_build(text):
        raise AssertionError("the cache was not used")
    monkeypatch.setattr(parser_cache, "build", no_build)
    loaded = parser_cache.load(parser.GRAMMAR)
    assert loaded == tables and loaded is not tables
    for text in STATEMENTS:
        for start in parser_tables.START:
            assert (outcome(lalr.Parser(loaded).parse, lalr.UnexpectedInput, text, start)
                    == outcome(lalr.Parser(tables).parse, lalr.UnexpectedInput, text, start)), text


def test_a_changed_grammar_or_lark_has_another_cache_key(monkeypatch):
    grammar = parser.GRAMMAR.read_text(encoding="utf-8")
    key = parser_cache.cache_key(grammar)
    assert parser_cache.cache_key(grammar + "\n// changed\n") != key
    monkeypatch.setattr(parser_cache, "_lark_version", lambda: ("another lark", 1, 2))
    assert parser_cache.cache_key(grammar) != key


def test_a_corrupt_cache_file_is_rebuilt(cache_dir, monkeypatch):
    grammar = parser.GRAMMAR.read_text(encoding="utf-8")
    key = parser_cache.cache_key(grammar)
    path = parser_cache.cache_file(key)
    path.parent.mkdir(parents=True)
    for damaged in (b"not marshal data", marshal.dumps("not the tables"), marshal.dumps({"a": 1})[:-3]):
        path.write_bytes(key.encode("ascii") + b"\n" + damaged)
        os.chmod(path, 0o600)
        monkeypatch.setattr(parser_cache, "build", lambda text: {"rebuilt": True})
        assert parser_cache.load(parser.GRAMMAR) == {"rebuilt": True}
        assert marshal.loads(path.read_bytes().split(b"\n", 1)[1]) == {"rebuilt": True}


def test_a_cache_file_others_may_write_is_not_trusted(cache_dir, monkeypatch):
    monkeypatch.setattr(parser_cache, "build", lambda text: {"trusted": True})
    parser_cache.load(parser.GRAMMAR)
    path = parser_cache.cache_file(parser_cache.cache_key(parser.GRAMMAR.read_text(encoding="utf-8")))
    os.chmod(path, 0o666)
    monkeypatch.setattr(parser_cache, "build", lambda text: {"rebuilt": True})
    assert parser_cache.load(parser.GRAMMAR) == {"rebuilt": True}


def test_without_a_usable_cache_directory_the_tables_are_built(tmp_path, monkeypatch, unshipped):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("GRAPHPLEX_CACHE_DIR", str(blocker / "cache"))   # cannot be created, even by root
    monkeypatch.setattr(parser_cache, "build", lambda text: {"built": "in memory"})
    assert parser_cache.load(parser.GRAMMAR) == {"built": "in memory"}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="the fallback directory is named by user id (POSIX)")
def test_a_home_that_cannot_be_written_falls_back_to_the_temporary_directory(tmp_path, monkeypatch, unshipped):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.delenv("GRAPHPLEX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    monkeypatch.setattr(parser_cache.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(parser_cache, "build", lambda text: {"built": 1})
    assert parser_cache.load(parser.GRAMMAR) == {"built": 1}
    key = parser_cache.cache_key(parser.GRAMMAR.read_text(encoding="utf-8"))
    fallback = parser_cache.cache_files(key)[-1]
    assert fallback.parent == tmp_path / "tmp" / f"graphplex-{os.getuid()}" and fallback.exists()
    monkeypatch.setattr(parser_cache, "build", lambda text: {"built": 2})
    assert parser_cache.load(parser.GRAMMAR) == {"built": 1}   # read back from the fallback
    os.chmod(fallback.parent, 0o777)   # a shared directory others may write is not trusted
    assert parser_cache.load(parser.GRAMMAR) == {"built": 2}


def test_eight_threads_starting_together_share_one_parser(monkeypatch):
    tables = parser_cache.load(parser.GRAMMAR)
    loads = []

    def slow_load(path):
        loads.append(threading.get_ident())
        time.sleep(0.05)   # widen the window in which the other threads arrive
        return tables
    monkeypatch.setattr(parser, "_PARSER", [])
    monkeypatch.setattr(parser_cache, "load", slow_load)
    barrier = threading.Barrier(8)
    results = []

    def work():
        barrier.wait()
        results.append((parser._parser(), parser.parse("MATCH (n) RETURN n.x AS x")))
    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert len({id(found) for found, _ in results}) == 1
    assert len({statement for _, statement in results}) == 1


def test_threads_compile_a_parser_states_expressions_once(monkeypatch):
    fresh = lalr.Parser(parser_cache.load(parser.GRAMMAR))
    lexer = fresh.lexer_of_state[fresh.start_states["start"]]
    monkeypatch.setattr(lalr, "_COMPILED", {})
    real_compile = lalr.re.compile
    compiled = []

    def slow_compile(pattern, flags=0):
        compiled.append(pattern)
        time.sleep(0.01)
        return real_compile(pattern, flags)
    monkeypatch.setattr(lalr.re, "compile", slow_compile)
    barrier = threading.Barrier(8)
    seen = []

    def work():
        barrier.wait()
        seen.append(lexer.compiled(fresh.flags))
    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(found) for found in seen}) == 1
    assert len(compiled) == len(set(compiled)) and compiled


def test_a_process_with_cached_tables_neither_imports_lark_nor_keeps_the_tables_for_the_collector():
    parser._parser()   # the tables are in this user's cache now
    script = (
        "import gc, json, sys\n"
        "from graphplex.databases.cypher import parser\n"
        "before = len(gc.get_objects())\n"
        "parser.parse('MATCH (n:Person)-[:KNOWS]->(m) WHERE n.age > 30 RETURN m.name ORDER BY m.name LIMIT 3')\n"
        "gc.collect()\n"
        "print(json.dumps({'modules': sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'regex')),\n"
        "                  'objects': len(gc.get_objects()) - before}))\n")
    report = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                       check=True).stdout)
    assert report["modules"] == []
    assert report["objects"] < 3000   # lark's loaded parser was ~20,000 tracked objects
