"""ON_DISK_TRANSACTIONAL through the storage API and Cypher: snapshot reads, conflicts, commits that survive a
crash, constraints checked against the newest committed state, and memory that stays bounded while loading."""
import subprocess
import sys
import textwrap
import threading

import pytest

from graphplex.databases import Database
from graphplex.databases.cypher.plan_description import operators_of
from graphplex.databases.errors import ClientError, ConstraintError, DatabaseError, Neo4jError, TransientError

DISK = "ON_DISK_TRANSACTIONAL"


@pytest.fixture
def db(tmp_path):
    database = Database(directory=str(tmp_path), storage_mode=DISK)
    yield database
    database.close()


def values(db, query, params=None, transaction=None):
    return [row[0] if len(row) == 1 else row for row in db.execute(query, params, transaction=transaction)]


def test_a_snapshot_sees_neither_later_commits_nor_uncommitted_writes(db):
    db.execute("CREATE (:Item {v: 1})").consume()
    reader = db.begin()
    assert values(db, "MATCH (i:Item) RETURN i.v", transaction=reader) == [1]
    writer = db.begin()
    db.execute("MATCH (i:Item) SET i.v = 2 CREATE (:Item {v: 3})", transaction=writer).consume()
    assert values(db, "MATCH (i:Item) RETURN i.v ORDER BY i.v", transaction=writer) == [2, 3]
    assert values(db, "MATCH (i:Item) RETURN i.v", transaction=reader) == [1]
    writer.commit()
    assert values(db, "MATCH (i:Item) RETURN i.v", transaction=reader) == [1]
    reader.commit()
    assert values(db, "MATCH (i:Item) RETURN i.v ORDER BY i.v") == [2, 3]


@pytest.mark.parametrize("first_commits", [False, True], ids=["concurrent writer", "committed after snapshot"])
def test_write_write_conflicts_fail_at_once(db, first_commits):
    db.execute("CREATE (:Item {v: 1})").consume()
    first, second = db.begin(), db.begin()
    db.execute("MATCH (i:Item) SET i.v = 2", transaction=first).consume()
    if first_commits:
        first.commit()
    with pytest.raises(TransientError) as caught:
        db.execute("MATCH (i:Item) SET i.v = 3", transaction=second).consume()
    assert caught.value.code == "Neo.TransientError.Transaction.Outdated"
    second.rollback()
    if not first_commits:
        first.commit()
    assert values(db, "MATCH (i:Item) RETURN i.v") == [2]


def test_only_snapshot_isolation(db):
    with pytest.raises(ClientError) as caught:
        db.begin("READ_COMMITTED")
    assert caught.value.message == "Snapshot isolation level is the only supported isolation level for disk storage."
    with pytest.raises(ClientError):
        Database(storage_mode=DISK, isolation_level="READ_COMMITTED")


def test_a_failing_statement_and_a_rollback_leave_nothing(db):
    with pytest.raises(Neo4jError):
        db.execute("UNWIND [1, 0] AS x CREATE (:Item {v: 1 / x})").consume()
    txn = db.begin()
    db.execute("CREATE (:Item)", transaction=txn).consume()
    txn.rollback()
    assert values(db, "MATCH (n) RETURN count(n)") == [0]


def test_commits_survive_a_crash_and_ids_are_never_reused(tmp_path):
    writer = textwrap.dedent("""
        import os, sys
        from graphplex.databases import Database
        db = Database(directory=sys.argv[1], storage_mode="ON_DISK_TRANSACTIONAL")
        db.execute("CREATE (a:A {v: 1})-[:R]->(b:B {v: 2})").consume()
        db.execute("MATCH (b:B) DETACH DELETE b").consume()
        txn = db.begin()
        db.execute("CREATE (:Uncommitted)", transaction=txn).consume()
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", writer, str(tmp_path)], check=True, timeout=60)
    db = Database(directory=str(tmp_path), storage_mode=DISK)
    assert values(db, "MATCH (n) RETURN labels(n)") == [["A"]]
    assert values(db, "MATCH ()-[r]->() RETURN count(r)") == [0]
    new_id = values(db, "CREATE (c:C) RETURN id(c)")[0]
    assert new_id >= 2, "the ids of the deleted node and of the uncommitted one are not handed out again"
    db.close()


def test_uniqueness_is_checked_against_the_newest_committed_state(db):
    db.execute("CREATE CONSTRAINT FOR (p:P) REQUIRE p.id IS UNIQUE").consume()
    db.execute("CREATE (:P {id: 1})").consume()
    with pytest.raises(ConstraintError) as caught:
        db.execute("CREATE (:P {id: 1})").consume()
    assert caught.value.message == "Node(0) already exists with label `P` and property `id` = 1"
    with pytest.raises(ConstraintError):
        db.execute("CREATE (:P {id: 2}), (:P {id: 2})").consume()
    first, second = db.begin(), db.begin()
    db.execute("CREATE (:P {id: 5})", transaction=first).consume()
    db.execute("CREATE (:P {id: 5})", transaction=second).consume()
    first.commit()
    with pytest.raises(ConstraintError):
        second.commit()
    db.execute("MATCH (p:P {id: 1}) SET p.id = 10").consume()
    db.execute("CREATE (:P {id: 1})").consume()
    assert values(db, "MATCH (p:P) RETURN p.id ORDER BY p.id") == [1, 5, 10]


def test_constraint_creation_fails_on_existing_duplicates(db):
    db.execute("CREATE (:P {id: 1}), (:P {id: 1})").consume()
    with pytest.raises(DatabaseError) as caught:
        db.execute("CREATE CONSTRAINT c FOR (p:P) REQUIRE p.id IS UNIQUE").consume()
    assert caught.value.code == "Neo.DatabaseError.Schema.ConstraintCreationFailed"
    assert values(db, "SHOW CONSTRAINTS YIELD name") == []


def test_indexes_find_committed_and_own_writes(db):
    db.execute("UNWIND range(1, 20) AS i CREATE (:P {id: i})").consume()
    db.execute("CREATE INDEX FOR (p:P) ON (p.id)").consume()
    txn = db.begin()
    db.execute("MATCH (p:P {id: 3}) SET p.id = 300", transaction=txn).consume()
    db.execute("CREATE (:P {id: 400})", transaction=txn).consume()
    assert values(db, "MATCH (p:P {id: 3}) RETURN count(p)", transaction=txn) == [0]
    assert values(db, "MATCH (p:P {id: 300}) RETURN count(p)", transaction=txn) == [1]
    assert values(db, "MATCH (p:P {id: 400}) RETURN count(p)", transaction=txn) == [1]
    txn.commit()
    plan = db.execute("EXPLAIN MATCH (p:P {id: 300}) RETURN p").plan_description()
    assert any("Seek" in operator["operatorType"] for operator in operators_of(plan)), plan
    assert values(db, "MATCH (p:P {id: 300}) RETURN count(p)") == [1]
    assert values(db, "MATCH (p:P) WHERE p.id >= 19 RETURN p.id ORDER BY p.id") == [19, 20, 300, 400]


def test_deleting_a_node_with_relationships_fails_at_commit(db):
    db.execute("CREATE (:A)-[:R]->(:B)").consume()
    with pytest.raises(ConstraintError) as caught:
        db.execute("MATCH (a:A) DELETE a").consume()
    assert "still has relationships" in caught.value.message
    db.execute("MATCH (a:A) DETACH DELETE a").consume()
    assert values(db, "MATCH (n) RETURN labels(n)") == [["B"]]


def test_a_relationship_created_meanwhile_stops_a_detach_delete(db):
    db.execute("CREATE (:A), (:B)").consume()
    deleter = db.begin()
    assert values(db, "MATCH (a:A) RETURN count(a)", transaction=deleter) == [1]
    db.execute("MATCH (a:A), (b:B) CREATE (a)-[:R]->(b)").consume()
    with pytest.raises(TransientError):
        db.execute("MATCH (a:A) DETACH DELETE a", transaction=deleter).consume()
    deleter.rollback()
    assert values(db, "MATCH (:A)-[r:R]->(:B) RETURN count(r)") == [1]


def test_concurrent_committers_keep_every_commit(db):
    def work(start):
        for i in range(start, start + 50):
            db.execute("CREATE (:N {i: $i})", {"i": i}).consume()
    threads = [threading.Thread(target=work, args=(n * 100,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert values(db, "MATCH (n:N) RETURN count(n)") == [200]


LOADER = textwrap.dedent("""
    import random, sys
    from graphplex.databases import Database

    def rss_mb():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 / 2 ** 20

    db = Database(directory=sys.argv[1], storage_mode="ON_DISK_TRANSACTIONAL", durability="flush")
    nodes, relationships = int(sys.argv[2]), int(sys.argv[3])
    txn = db.begin()
    for i in range(nodes):
        txn.create_vertex(("P",), {"id": i})
    txn.commit()
    rng = random.Random(7)
    marks = []
    for _ in range(relationships // 10_000):
        txn = db.begin()
        for _ in range(10_000):
            txn.create_edge(txn.vertex(rng.randrange(nodes)), txn.vertex(rng.randrange(nodes)), "K")
        txn.commit()
        marks.append(rss_mb())
    print(marks[0], marks[-1], db.storage.counts()[1])
""")


def load_and_measure(directory, nodes: int, relationships: int) -> tuple[float, float, int]:
    output = subprocess.run([sys.executable, "-c", LOADER, str(directory), str(nodes), str(relationships)],
                            capture_output=True, text=True, check=True, timeout=1800).stdout.split()
    return float(output[0]), float(output[1]), int(output[2])


def test_memory_stays_bounded_while_loading(tmp_path):
    first, last, stored = load_and_measure(tmp_path, 20_000, 100_000)
    assert stored == 100_000
    assert last - first < 20, f"resident memory grew from {first:.0f} to {last:.0f} MiB"


@pytest.mark.slow
def test_memory_stays_bounded_while_loading_millions_of_relationships(tmp_path):
    first, last, stored = load_and_measure(tmp_path, 100_000, 2_000_000)
    assert stored == 2_000_000
    assert last - first < 40, f"resident memory grew from {first:.0f} to {last:.0f} MiB"
