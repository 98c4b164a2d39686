"""Column scans (`cypher.columnar`, `storage.columns`) answer every transaction as the row path does.

The columns hold a label's committed state as of one commit; each rule below is one way a reader's view can differ
from it (its own writes, an older snapshot, uncommitted writes it may see, a restricted user, another engine) and
what the reader must see then: exactly what the row path (`columnar.ENABLED = False`) shows it.
"""
from __future__ import annotations

import threading

import pytest

from graphplex import DBMS
from graphplex.databases import Database
from graphplex.databases.cypher import columnar

NODES = 400
# Statements of each shape the column path takes: filter, projection, aggregation by keys.
STATEMENTS = (
    "MATCH (n:P) WHERE n.age >= 30 RETURN n.id AS id",
    "MATCH (n:P) WHERE n.age % 7 = 1 RETURN n.id AS id, n.age * 2 AS double",
    "MATCH (n:P) RETURN n.age % 5 AS k, count(*) AS c, sum(n.age) AS s, min(n.name) AS low, max(n.age) AS high",
    "MATCH (n:P) WHERE n.name STARTS WITH 'p1' RETURN count(*) AS c, avg(n.score) AS mean",
)


def _rows(records) -> list:
    return sorted((tuple(record) for record in records), key=repr)


def both_paths(run) -> tuple:
    """`run()`'s answer with the column path on, then off."""
    answers = []
    for enabled in (True, False):
        columnar.ENABLED = enabled
        try:
            answers.append(run())
        finally:
            columnar.ENABLED = True
    return tuple(answers)


def populate(execute) -> None:
    execute(f"UNWIND range(0, {NODES - 1}) AS i "
            "CREATE (:P {id: i, age: i % 60, name: 'p' + toString(i), score: i / 4.0})")


def database_answers(db: Database, txn=None) -> list:
    return [_rows(db.execute(text, transaction=txn)) for text in STATEMENTS]


def assert_same_in(db: Database, txn) -> list:
    by_columns, by_rows = both_paths(lambda: database_answers(db, txn))
    assert by_columns == by_rows
    return by_columns


@pytest.fixture
def db() -> Database:
    database = Database()
    populate(lambda text: database.execute(text).consume())
    database.execute("MATCH (n:P) RETURN count(n.age)").consume()  # builds the columns
    return database


def _write(db: Database, text: str, txn=None) -> None:
    db.execute(text, transaction=txn).consume()


# --- own writes and rollback ----------------------------------------------------------------------------------------

OWN_WRITES = (
    "CREATE (:P {id: 1000, age: 33, name: 'p1000', score: 1.5})",
    "MATCH (n:P) WHERE n.id % 10 = 0 SET n.age = n.age + 100",
    "MATCH (n:P) WHERE n.id % 10 = 1 REMOVE n:P SET n:Q",
    "MATCH (n:P) WHERE n.id % 10 = 2 DETACH DELETE n",
    "MATCH (n:Q) WHERE n.id = 11 SET n:P",
    "MATCH (n:P) WHERE n.id % 10 = 3 SET n.name = null",
)


def test_own_writes_count_as_the_row_path_counts_them(db):
    before = assert_same_in(db, None)
    txn = db.begin()
    for text in OWN_WRITES:
        _write(db, text, txn)
    within = assert_same_in(db, txn)
    assert within != before
    assert _rows(db.execute("MATCH (n:P) WHERE n.id = 1000 RETURN n.id", transaction=txn)) == [(1000,)]
    txn.rollback()
    assert assert_same_in(db, None) == before, "a rollback leaves the committed answers"


def test_committed_writes_then_a_new_reader(db):
    before = assert_same_in(db, None)
    for text in OWN_WRITES:
        _write(db, text)
    after = assert_same_in(db, None)
    assert after != before


def test_detach_delete_of_scanned_nodes(db):
    _write(db, "MATCH (a:P {id: 5}), (b:P {id: 6}) CREATE (a)-[:R]->(b)")
    txn = db.begin()
    _write(db, "MATCH (n:P) WHERE n.age < 10 DETACH DELETE n", txn)
    assert assert_same_in(db, txn)[2] == assert_same_in(db, txn)[2]
    assert _rows(db.execute("MATCH (n:P) WHERE n.age < 10 RETURN count(*)", transaction=txn)) == [(0,)]
    txn.commit()
    assert _rows(db.execute("MATCH (n:P) WHERE n.age < 10 RETURN count(*)")) == [(0,)]
    assert_same_in(db, None)


def test_labels_added_and_removed_by_commits_between_scans(db):
    answers = [assert_same_in(db, None)]
    _write(db, "MATCH (n:P) WHERE n.id < 50 REMOVE n:P")
    answers.append(assert_same_in(db, None))
    _write(db, "MATCH (n) WHERE n.id < 25 AND NOT n:P SET n:P")
    answers.append(assert_same_in(db, None))
    _write(db, "UNWIND range(1, 300) AS i CREATE (:Other {id: i})")
    _write(db, "MATCH (n:Other) SET n:P, n.age = 1")  # more changed than the columns' rebuild share
    answers.append(assert_same_in(db, None))
    assert _rows(db.execute("MATCH (n:P) WHERE n.age = 1 RETURN count(*)"))[0][0] > 300
    assert len({repr(answer) for answer in answers}) == len(answers)


# --- isolation levels -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("changed", [10, 200], ids=["few-changes", "columns-rebuilt"])
def test_a_snapshot_does_not_see_a_later_commit(db, changed):
    reader = db.begin("SNAPSHOT_ISOLATION")
    seen = assert_same_in(db, reader)
    _write(db, f"MATCH (n:P) WHERE n.id < {changed} SET n.age = 1000, n.name = 'x' "
               "WITH count(*) AS c CREATE (:P {id: -1, age: 5, name: 'new', score: 0.0})")
    fresh = db.begin("SNAPSHOT_ISOLATION")
    db.execute("MATCH (n:P) RETURN count(n.age)", transaction=fresh).consume()  # may rebuild the columns
    assert assert_same_in(db, reader) == seen
    assert assert_same_in(db, fresh) != seen
    reader.rollback()
    fresh.rollback()


def test_read_committed_sees_each_commit(db):
    reader = db.begin("READ_COMMITTED")
    seen = assert_same_in(db, reader)
    _write(db, "MATCH (n:P) WHERE n.id < 100 SET n.age = n.age + 1")
    now = assert_same_in(db, reader)
    assert now != seen
    assert now == assert_same_in(db, None)
    reader.rollback()


def test_read_uncommitted_sees_an_open_transaction(db):
    writer = db.begin()
    _write(db, "MATCH (n:P) WHERE n.id < 100 SET n.age = 500 CREATE (:P {id: 2000, age: 500, name: 'w'})", writer)
    reader = db.begin("READ_UNCOMMITTED")
    dirty = assert_same_in(db, reader)
    assert dirty == assert_same_in(db, writer)
    assert dirty != assert_same_in(db, None)
    writer.rollback()
    assert assert_same_in(db, reader) == assert_same_in(db, None)
    reader.rollback()


def test_in_memory_analytical_mode():
    db = Database(storage_mode="IN_MEMORY_ANALYTICAL")
    populate(lambda text: db.execute(text).consume())
    before = assert_same_in(db, None)
    writer = db.begin()
    _write(db, "MATCH (n:P) WHERE n.id % 3 = 0 SET n.age = -1 WITH count(*) AS c MATCH (m:P {id: 7}) DELETE m",
           writer)
    reader = db.begin()
    assert assert_same_in(db, reader) == assert_same_in(db, writer) != before
    writer.commit()
    reader.rollback()
    _write(db, "MATCH (n:P) WHERE n.id % 3 = 1 REMOVE n:P")
    assert assert_same_in(db, None) != before


def test_on_disk_engine_gives_the_same_answers(db):
    disk = Database(storage_mode="ON_DISK_TRANSACTIONAL")
    try:
        populate(lambda text: disk.execute(text).consume())
        assert assert_same_in(disk, None) == assert_same_in(db, None)
        txn, own = disk.begin(), db.begin()
        for text in OWN_WRITES:
            _write(disk, text, txn)
            _write(db, text, own)
        assert assert_same_in(disk, txn) == assert_same_in(db, own)
        txn.rollback()
        own.rollback()
    finally:
        disk.close()


# --- a restricted user ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def secure():
    with DBMS.in_memory(auth_enabled=True, initial_password="secret-pw") as dbms:
        with dbms.session(auth=("neo4j", "secret-pw")) as admin:
            populate(lambda text: admin.run(text).consume())
            admin.run("MATCH (n:P) WHERE n.id % 9 = 0 SET n:Hidden").consume()
            for command in ("CREATE ROLE partial", "GRANT MATCH {*} ON GRAPH * NODES * TO partial",
                            "DENY READ {age} ON GRAPH * NODES P TO partial",
                            "DENY TRAVERSE ON GRAPH * NODES Hidden TO partial",
                            "CREATE USER viewer SET PASSWORD 'viewer-pw' CHANGE NOT REQUIRED",
                            "GRANT ROLE partial TO viewer"):
                admin.run(command).consume()
        yield dbms


def test_a_restricted_user_sees_what_the_row_path_shows(secure):
    def answers():
        with secure.session(auth=("viewer", "viewer-pw")) as session:
            return [_rows(session.run(text)) for text in STATEMENTS]
    by_columns, by_rows = both_paths(answers)
    assert by_columns == by_rows
    with secure.session(auth=("neo4j", "secret-pw")) as admin:
        assert by_rows != [_rows(admin.run(text)) for text in STATEMENTS]
    assert by_rows[0] == [], "age is denied: no node's age passes the WHERE"


def test_a_before_commit_trigger_scans_its_transactions_writes():
    def seen() -> list:
        with DBMS.in_memory() as dbms, dbms.session() as session:
            populate(lambda text: session.run(text).consume())
            session.run("MATCH (n:P) RETURN count(n.age)").consume()
            session.run("CREATE TRIGGER probe ON () CREATE BEFORE COMMIT EXECUTE MATCH (n:P) WHERE n.age > 30 "
                        "WITH count(*) AS c, sum(n.age) AS t CREATE (:Seen {c: c, t: t})").consume()
            session.run("UNWIND range(1, 10) AS i CREATE (:P {id: 1000 + i, age: 50})").consume()
            session.run("MATCH (n:P) WHERE n.id < 20 SET n.age = 99 CREATE (:Tmp)").consume()
            return session.run("MATCH (s:Seen) RETURN s.c, s.t ORDER BY s.c").values()
    by_columns, by_rows = both_paths(seen)
    assert by_columns == by_rows and len(by_rows) == 2


# --- concurrency ----------------------------------------------------------------------------------------------------

def test_concurrent_writers_and_a_reader_comparing_both_paths(db):
    stop = threading.Event()
    errors: list = []

    def writer(offset: int) -> None:
        step = 0
        while not stop.is_set():
            step += 1
            txn = db.begin()
            try:
                _write(db, f"MATCH (n:P) WHERE n.id % 13 = {(offset + step) % 13} "
                           f"SET n.age = n.age + 1 REMOVE n:Q", txn)
                _write(db, f"CREATE (:P {{id: {10_000 * (offset + 1) + step}, age: {step % 60}, name: 'c'}})", txn)
                if step % 4 == 0:
                    _write(db, f"MATCH (n:P) WHERE n.id = {10_000 * (offset + 1) + step - 1} DETACH DELETE n", txn)
                txn.rollback() if step % 5 == 0 else txn.commit()
            except Exception as error:  # a write conflict between the writers: the next round goes on
                if getattr(error, "code", "").startswith("Neo.TransientError"):
                    txn.rollback()
                    continue
                errors.append(error)
                return

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in range(2)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(6):
            reader = db.begin()
            first = assert_same_in(db, reader)
            assert assert_same_in(db, reader) == first, "a snapshot answers the same twice"
            reader.rollback()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors
    assert_same_in(db, None)


# --- EXPLAIN and PROFILE ----------------------------------------------------------------------------------------------

def _timeless(description: object) -> object:
    """A plan description without its times (which differ from run to run)."""
    if isinstance(description, dict):
        return {key: _timeless(value) for key, value in description.items() if key.lower() != "time"}
    if isinstance(description, list):
        return [_timeless(item) for item in description]
    return description


def test_explain_and_profile_are_unchanged():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        populate(lambda text: session.run(text).consume())
        for text in STATEMENTS:
            def described(prefix: str) -> str:
                summary = session.run(f"{prefix} {text}").consume()
                return repr(_timeless(summary.plan if prefix == "EXPLAIN" else summary.profile))
            plans = both_paths(lambda: described("EXPLAIN"))
            profiles = both_paths(lambda: described("PROFILE"))
            assert plans[0] == plans[1]
            assert profiles[0] == profiles[1]
            assert "NodeByLabelScan" in plans[0] and "dbHits" in profiles[0]


# --- writes after the scan that the row path's lazy WHERE sees ------------------------------------------------------

@pytest.mark.parametrize("writes", [
    "CALL { WITH n MATCH (m:P {id: n.id + 1}) SET m.age = 1 }",
    "CALL { WITH n MATCH (m:P {id: n.id + 1}) SET m.age = 1 } IN TRANSACTIONS OF 5 ROWS",
    "MATCH (m:P {id: n.id + 1}) CALL apoc.create.setProperty(m, 'age', 1) YIELD node",
], ids=["call-subquery", "in-transactions", "writing-procedure"])
def test_later_writes_are_seen_by_the_scan_as_the_row_path_sees_them(writes):
    def run() -> tuple:
        db = Database()
        db.execute("UNWIND range(0, 299) AS i CREATE (:P {id: i, age: 0})").consume()
        db.execute("MATCH (n:P) RETURN count(n.age)").consume()
        answer = _rows(db.execute(f"MATCH (n:P) WHERE n.age = 0 {writes} RETURN count(*) AS c"))
        return answer, _rows(db.execute("MATCH (n:P) RETURN n.age AS age, count(*) AS c"))
    by_columns, by_rows = both_paths(run)
    assert by_columns == by_rows


def test_later_writes_behind_an_eager_are_not_seen_on_either_path():
    def run() -> tuple:
        db = Database()
        db.execute("UNWIND range(0, 299) AS i CREATE (:P {id: i, age: 0})").consume()
        answer = _rows(db.execute("MATCH (n:P) WHERE n.age = 0 MATCH (m:P {id: n.id + 1}) SET m.age = 1 "
                                  "RETURN count(*) AS c"))
        return answer, _rows(db.execute("MATCH (n:P) RETURN n.age AS age, count(*) AS c"))
    by_columns, by_rows = both_paths(run)
    assert by_columns == by_rows == ([(299,)], [(0, 1), (1, 299)])


@pytest.mark.xfail(strict=True, reason="a result of the Database API is lazy: the column path evaluates its WHERE "
                                       "for every node on the first row taken, the row path node by node, so a "
                                       "write the same transaction makes before the rest is taken is seen only by "
                                       "the row path (299 more rows against 100); the DBMS session buffers the open "
                                       "result before the next statement, and both answer 300 there")
def test_a_write_between_the_rows_of_an_open_result_is_seen_as_the_row_path_sees_it():
    def run() -> tuple:
        db = Database()
        db.execute("UNWIND range(0, 299) AS i CREATE (:P {id: i, age: 0})").consume()
        txn = db.begin()
        result = iter(db.execute("MATCH (n:P) WHERE n.age = 0 RETURN n.id AS id", transaction=txn))
        first = next(result)
        db.execute("MATCH (n:P) WHERE n.id > 100 SET n.age = 1", transaction=txn).consume()
        rest = list(result)
        txn.rollback()
        return first, len(rest)
    by_columns, by_rows = both_paths(run)
    assert by_columns == by_rows


def test_a_session_buffers_an_open_result_before_the_next_statement_on_both_paths():
    def run() -> int:
        with DBMS.in_memory() as dbms, dbms.session() as session:
            session.run("UNWIND range(0, 299) AS i CREATE (:P {id: i, age: 0})").consume()
            with session.begin_transaction() as tx:
                result = tx.run("MATCH (n:P) WHERE n.age = 0 RETURN n.id AS id")
                result.peek()
                tx.run("MATCH (n:P) WHERE n.id > 100 SET n.age = 1").consume()
                rows = len(list(result))
                tx.rollback()
                return rows
    assert both_paths(run) == (300, 300)


# --- limits ---------------------------------------------------------------------------------------------------------

def test_a_query_memory_limit_counts_the_column_paths_groups():
    db = Database()
    db.execute("UNWIND range(0, 2999) AS i CREATE (:P {id: i, age: i % 7, name: 'abcdefghij' + toString(i)})"
               ).consume()

    def run() -> object:
        try:
            return len(list(db.execute("MATCH (n:P) WHERE n.age >= 0 RETURN n.name AS name, count(*) AS c "
                                       "QUERY MEMORY LIMIT 50 KB")))
        except Exception as error:  # the code is what both paths must agree on
            return getattr(error, "code", repr(error))
    by_columns, by_rows = both_paths(run)
    assert by_columns == by_rows


def test_a_query_memory_limit_counts_what_a_projection_keeps_on_both_paths():
    db = Database()
    db.execute("UNWIND range(0, 2999) AS i CREATE (:P {id: i, age: i % 7, name: 'abcdefghij' + toString(i)})"
               ).consume()

    def run(text: str) -> object:
        try:
            return len(list(db.execute(text)))
        except Exception as error:
            return getattr(error, "code", repr(error))
    for text in ("MATCH (n:P) WHERE n.age >= 0 RETURN n.name AS name QUERY MEMORY LIMIT 50 KB",
                 "MATCH (n:P) WHERE n.age >= 0 RETURN DISTINCT n.name AS name QUERY MEMORY LIMIT 50 KB",
                 "MATCH (n:P) WHERE n.age >= 0 RETURN n.name AS name ORDER BY name QUERY MEMORY LIMIT 50 KB"):
        by_columns, by_rows = both_paths(lambda: run(text))
        assert by_columns == by_rows, text
