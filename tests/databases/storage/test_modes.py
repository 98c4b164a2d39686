"""Storage modes on one database: IN_MEMORY_ANALYTICAL (no isolation, no log, snapshots on demand and on close)
and the rules for switching."""
import threading
import time

import pytest

from graphplex.databases import Database
from graphplex.databases.errors import ClientError
from graphplex.databases.storage import StorageMode

ANALYTICAL = "IN_MEMORY_ANALYTICAL"
TRANSACTIONAL = "IN_MEMORY_TRANSACTIONAL"


def count(db: Database, query: str = "MATCH (n) RETURN count(n)", transaction=None) -> int:
    return list(db.execute(query, transaction=transaction))[0][0]


def test_analytical_writes_are_seen_at_once_by_every_transaction():
    db = Database(storage_mode=ANALYTICAL)
    writer, reader = db.begin(), db.begin("SNAPSHOT_ISOLATION")
    db.execute("CREATE (:Item)", transaction=writer).consume()
    assert count(db, transaction=reader) == 1, "uncommitted writes are visible: there is no isolation"
    assert reader.isolation.value == "READ_UNCOMMITTED"
    writer.commit()
    reader.commit()


def test_a_failing_analytical_statement_still_leaves_nothing():
    db = Database(storage_mode=ANALYTICAL)
    with pytest.raises(ClientError):
        db.execute("UNWIND [1, 0] AS x CREATE (:Item {v: 1 / x})").consume()
    assert count(db) == 0


def test_switching_waits_for_no_open_transaction():
    db = Database()
    open_txn = db.begin()
    with pytest.raises(ClientError) as caught:
        db.set_storage_mode(ANALYTICAL)
    assert "1 active transaction" in caught.value.message
    open_txn.rollback()
    db.set_storage_mode(ANALYTICAL)
    assert db.storage_mode == ANALYTICAL
    assert db.begin().isolation.value == "READ_UNCOMMITTED"


def test_transactions_wait_while_the_mode_is_being_switched():
    db = Database()
    began = []

    def slow_switch_step():
        time.sleep(0.2)
        began.append(("switch done", time.monotonic()))

    def other():
        time.sleep(0.05)
        db.begin().rollback()
        began.append(("other began", time.monotonic()))

    thread = threading.Thread(target=other)
    thread.start()
    db.storage.switch_mode(StorageMode.IN_MEMORY_ANALYTICAL, slow_switch_step)
    thread.join()
    assert [event for event, _ in began] == ["switch done", "other began"]


@pytest.mark.parametrize("mode", ["ON_DISK", "MEMORY", ""])
def test_unknown_modes_are_refused(mode):
    with pytest.raises(ClientError) as caught:
        Database().set_storage_mode(mode)
    assert caught.value.code == "Neo.ClientError.General.InvalidArguments"


def log_size(directory) -> int:
    path = directory / "transactions.log"
    return path.stat().st_size if path.exists() else 0


def test_analytical_commits_are_not_logged_but_a_snapshot_keeps_them(tmp_path):
    db = Database(directory=str(tmp_path), storage_mode=ANALYTICAL)
    before = log_size(tmp_path)
    db.execute("UNWIND range(1, 100) AS i CREATE (:Item {i: i})").consume()
    assert log_size(tmp_path) == before
    lost = Database(directory=str(tmp_path))  # a crash now: nothing of the analytical load was logged
    assert count(lost) == 0
    path = db.create_snapshot()
    assert path.endswith("snapshot")
    assert count(Database(directory=str(tmp_path))) == 100


def test_a_clean_close_in_analytical_mode_writes_a_snapshot(tmp_path):
    db = Database(directory=str(tmp_path), storage_mode=ANALYTICAL)
    db.execute("CREATE (:Item)").consume()
    db.close()
    assert count(Database(directory=str(tmp_path), storage_mode=ANALYTICAL)) == 1


def test_leaving_analytical_mode_makes_its_writes_durable_before_logging_resumes(tmp_path):
    db = Database(directory=str(tmp_path), storage_mode=ANALYTICAL)
    db.execute("CREATE (:Item {k: 1})").consume()
    db.set_storage_mode(TRANSACTIONAL)
    # a logged commit that needs the analytical node: replaying it on top of the snapshot must find it
    db.execute("MATCH (i:Item {k: 1}) CREATE (i)-[:NEXT]->(:Item {k: 2})").consume()
    recovered = Database(directory=str(tmp_path))  # a crash: no close, no checkpoint
    assert count(recovered, "MATCH (:Item {k: 1})-[:NEXT]->(:Item {k: 2}) RETURN count(*)") == 1


def test_create_snapshot_needs_files():
    with pytest.raises(ClientError) as caught:
        Database().create_snapshot()
    assert "nowhere to write a snapshot" in caught.value.message


def test_storage_info_reports_mode_level_and_counts(tmp_path):
    db = Database(directory=str(tmp_path))
    db.execute("CREATE (:A)-[:T]->(:B), (:C)").consume()
    info = db.storage_info()
    assert info["storage_mode"] == TRANSACTIONAL
    assert info["storage_isolation_level"] == "SNAPSHOT_ISOLATION"
    assert (info["vertex_count"], info["edge_count"]) == (3, 1)
    assert info["average_degree"] == pytest.approx(2 / 3, abs=1e-4)
    assert info["disk_usage"] > 0
    db.set_storage_mode(ANALYTICAL)
    assert db.storage_info()["storage_isolation_level"] == "READ_UNCOMMITTED"
