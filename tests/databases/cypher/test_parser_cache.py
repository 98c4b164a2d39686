"""The parser is pickled whole into the user's cache and shared by every thread of a process: what comes back
from the cache must parse exactly as a parser built from the grammar, a bad cache must never stop parsing, and
threads starting together must not each load a parser or compile the same scanner."""
import os
import pickle
import threading
import time

import pytest
from lark.parsers.lalr_analysis import Reduce, Shift

from graphplex.databases.cypher import parser, parser_cache
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
] + [f"{command} TO `role`" for commands in BUILT_IN_COMMANDS.values() for command in commands]


@pytest.fixture(scope="module")
def built():
    """A parser built straight from the grammar, never cached."""
    return parser_cache.build(parser.GRAMMAR.read_text(encoding="utf-8"))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHPLEX_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_cached_parser_parses_as_the_grammar_does(built):
    cached = parser._parser()
    for text in STATEMENTS:
        assert cached.parse(text, start="start") == built.parse(text, start="start"), text


def test_a_parser_comes_back_from_the_cache_whole(cache_dir, monkeypatch, built):
    grammar = parser.GRAMMAR.read_text(encoding="utf-8")
    path = parser_cache.cache_file(parser_cache.cache_key(grammar))
    monkeypatch.setattr(parser_cache, "build", lambda text: built)
    parser_cache.load(parser.GRAMMAR)
    assert path.parent == cache_dir and path.exists()
    assert not path.stat().st_mode & 0o077

    def no_build(text):
        raise AssertionError("the cache was not used")
    monkeypatch.setattr(parser_cache, "build", no_build)
    loaded = parser_cache.load(parser.GRAMMAR)
    assert loaded is not built
    for text in STATEMENTS:
        assert loaded.parse(text, start="start") == built.parse(text, start="start"), text
    actions = {action for state in loaded.parser.parser._parse_table.states.values() for action, _ in state.values()}
    assert actions == {Shift, Reduce}   # by identity: the LALR parser compares actions with `is`


def test_a_changed_grammar_or_lark_has_another_cache_key(monkeypatch):
    grammar = parser.GRAMMAR.read_text(encoding="utf-8")
    key = parser_cache.cache_key(grammar)
    assert parser_cache.cache_key(grammar + "\n// changed\n") != key
    monkeypatch.setattr(parser_cache.lark, "__version__", "0.0.1")
    assert parser_cache.cache_key(grammar) != key


def test_a_corrupt_cache_file_is_rebuilt(cache_dir, monkeypatch):
    grammar = parser.GRAMMAR.read_text(encoding="utf-8")
    key = parser_cache.cache_key(grammar)
    path = parser_cache.cache_file(key)
    path.parent.mkdir(parents=True)
    path.write_bytes(key.encode("ascii") + b"\n" + b"not a pickle")
    os.chmod(path, 0o600)
    monkeypatch.setattr(parser_cache, "build", lambda text: "rebuilt")
    assert parser_cache.load(parser.GRAMMAR) == "rebuilt"
    assert pickle.loads(path.read_bytes().split(b"\n", 1)[1]) == "rebuilt"


def test_a_cache_file_others_may_write_is_not_trusted(cache_dir, monkeypatch):
    monkeypatch.setattr(parser_cache, "build", lambda text: "trusted")
    parser_cache.load(parser.GRAMMAR)
    path = parser_cache.cache_file(parser_cache.cache_key(parser.GRAMMAR.read_text(encoding="utf-8")))
    os.chmod(path, 0o666)
    monkeypatch.setattr(parser_cache, "build", lambda text: "rebuilt")
    assert parser_cache.load(parser.GRAMMAR) == "rebuilt"


def test_without_a_usable_cache_directory_the_parser_is_built(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("GRAPHPLEX_CACHE_DIR", str(blocker / "cache"))   # cannot be created, even by root
    monkeypatch.setattr(parser_cache, "build", lambda text: "built in memory")
    assert parser_cache.load(parser.GRAMMAR) == "built in memory"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="the fallback directory is named by user id (POSIX)")
def test_a_home_that_cannot_be_written_falls_back_to_the_temporary_directory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.delenv("GRAPHPLEX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    monkeypatch.setattr(parser_cache.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(parser_cache, "build", lambda text: "built")
    assert parser_cache.load(parser.GRAMMAR) == "built"
    key = parser_cache.cache_key(parser.GRAMMAR.read_text(encoding="utf-8"))
    fallback = parser_cache.cache_files(key)[-1]
    assert fallback.parent == tmp_path / "tmp" / f"graphplex-{os.getuid()}" and fallback.exists()
    monkeypatch.setattr(parser_cache, "build", lambda text: "built again")
    assert parser_cache.load(parser.GRAMMAR) == "built"   # read back from the fallback
    os.chmod(fallback.parent, 0o777)   # a shared directory others may write is not trusted
    assert parser_cache.load(parser.GRAMMAR) == "built again"


def test_eight_threads_starting_together_share_one_parser(monkeypatch):
    shared = parser._parser()
    loads = []

    def slow_load(path):
        loads.append(threading.get_ident())
        time.sleep(0.05)   # widen the window in which the other threads arrive
        return shared
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
    assert {id(found) for found, _ in results} == {id(shared)}
    assert len({statement for _, statement in results}) == 1


def test_threads_compile_a_parser_states_scanner_once(monkeypatch):
    lexer = next(basic for basic in parser._parser().parser.lexer.lexers.values() if basic._scanner is None)
    real_build = type(lexer)._build_scanner
    builds = []

    def slow_build(self):
        builds.append(self)
        time.sleep(0.05)
        return real_build(self)
    monkeypatch.setattr(type(lexer), "_build_scanner", slow_build)
    barrier = threading.Barrier(8)
    scanners = []

    def work():
        barrier.wait()
        scanners.append(lexer.scanner)
    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and len({id(scanner) for scanner in scanners}) == 1
