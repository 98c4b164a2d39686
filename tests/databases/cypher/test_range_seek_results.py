"""Range and prefix seeks answer exactly what a label scan and a filter answer: on values of every kind (numbers,
strings, NaN, booleans, lists, temporal values, missing), with bounds of every kind (null, NaN, lists, mixed), with
the transaction's own uncommitted writes and deletes, and in a snapshot that a later commit does not change; in
memory and on disk."""
import datetime as dt
import math

import pytest

from graphplex.databases import Database

VALUES = [-3, 0, 1, 1.0, 1.5, 2, 7, 10, 2 ** 60, -0.5, float("nan"), float("inf"), "", "a", "ab", "abc", "b", "B",
          "é", True, False, [1, 2], ["a"], dt.date(2020, 1, 1), dt.date(2021, 6, 1)]
BOUNDS = [None, 0, 1, 1.0, 1.5, 7, -1, float("nan"), float("inf"), "", "a", "ab", "b", True, [1], dt.date(2020, 6, 1)]
PREDICATES = ["n.k > $x", "n.k >= $x", "n.k < $x", "n.k <= $x", "$x < n.k", "$x >= n.k",
              "n.k >= $x AND n.k < $y", "n.k > $x AND n.k <= $y AND n.k <> 7", "n.k STARTS WITH $x",
              "n.k > $x AND n.k > $y"]
MODES = ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"]


def _database(mode: str, directory, index: bool, values=VALUES) -> Database:
    db = Database(storage_mode=mode, directory=str(directory)) if mode.startswith("ON_DISK") else Database()
    if index:
        db.execute("CREATE INDEX seek_k FOR (n:N) ON (n.k)").consume()
    db.execute("UNWIND range(0, size($values) - 1) AS i CREATE (:N {i: i, k: $values[i]})",
               {"values": values}).consume()
    db.execute("CREATE (:N {i: -1}), (:M {i: -2, k: 1})").consume()
    return db


@pytest.fixture(scope="module", params=MODES)
def databases(request, tmp_path_factory):
    return (_database(request.param, tmp_path_factory.mktemp("indexed"), True),
            _database(request.param, tmp_path_factory.mktemp("plain"), False))


def _ids(db, predicate, x=None, y=None, transaction=None):
    query = f"MATCH (n:N) WHERE {predicate} RETURN n.i ORDER BY n.i"
    return [row[0] for row in db.execute(query, {"x": x, "y": y}, transaction=transaction)]


def _plan(db, predicate) -> str:
    return str(db.execute(f"EXPLAIN MATCH (n:N) WHERE {predicate} RETURN n.i", {"x": 1, "y": 2}).plan_description())


@pytest.mark.parametrize("predicate", PREDICATES)
def test_a_seek_answers_what_the_scan_answers(databases, predicate):
    indexed, plain = databases
    assert "NodeIndexSeekByRange" in _plan(indexed, predicate)
    assert "NodeIndexSeekByRange" not in _plan(plain, predicate)
    for x in BOUNDS:
        for y in (BOUNDS if "$y" in predicate else [None]):
            assert _ids(indexed, predicate, x, y) == _ids(plain, predicate, x, y), (predicate, x, y)


def test_a_number_range_never_returns_strings_nor_nan(databases):
    indexed, _ = databases
    found = [VALUES[i] for i in _ids(indexed, "n.k >= $x", -math.inf)]
    assert found and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in found)
    assert not any(isinstance(v, float) and math.isnan(v) for v in found)


def test_explain_details_the_bounds_as_neo4j_does(databases):
    indexed, _ = databases
    assert "RANGE INDEX n:N(k) WHERE k >= $x AND k < $y" in _plan(indexed, "n.k >= $x AND $y > n.k")
    assert "RANGE INDEX n:N(k) WHERE k STARTS WITH $x" in _plan(indexed, "n.k STARTS WITH $x")


@pytest.mark.parametrize("mode", MODES)
def test_own_writes_and_deletes_are_seen_by_the_seek(mode, tmp_path):
    db = _database(mode, tmp_path, True, values=list(range(10)))
    txn = db.begin()
    for statement in ("MATCH (n:N {k: 7}) DELETE n", "MATCH (n:N {k: 2}) SET n.k = 100",
                      "MATCH (n:N {k: 8}) SET n.k = 'eight'", "CREATE (:N {i: 99, k: 6.5})"):
        db.execute(statement, transaction=txn).consume()
    assert _ids(db, "n.k > $x", 5, transaction=txn) == [2, 6, 9, 99]
    assert _ids(db, "n.k STARTS WITH $x", "ei", transaction=txn) == [8]
    assert _ids(db, "n.k > $x", 5) == [6, 7, 8, 9]
    txn.rollback()


@pytest.mark.parametrize("mode", MODES)
def test_a_snapshot_seek_does_not_see_a_later_commit(mode, tmp_path):
    db = _database(mode, tmp_path, True, values=list(range(10)))
    reader = db.begin()
    before = _ids(db, "n.k >= $x", 5, transaction=reader)
    db.execute("CREATE (:N {i: 1000, k: 6})").consume()
    db.execute("MATCH (n:N {k: 7}) DELETE n").consume()
    assert _ids(db, "n.k >= $x", 5, transaction=reader) == before == [5, 6, 7, 8, 9]
    assert _ids(db, "n.k >= $x", 5) == [5, 6, 8, 9, 1000]
    reader.rollback()
