"""The transaction log of one database: what commits survives a reopen, what did not commit does not, a torn
tail is cut off, and corruption refuses to open naming the file and offset."""
import datetime as dt

import pytest

from graphplex.databases import Database
from graphplex.databases.durability.log import LOG_NAME, ROTATED_NAME
from graphplex.databases.durability.records import FILE_HEADER
from graphplex.databases.durability.snapshot import SNAPSHOT_NAME
from graphplex.databases.errors import DatabaseError
from graphplex.databases.values import Duration, Point


def reopen(directory):
    return Database("neo4j", directory=str(directory))


def rows(db, query):
    return list(db.execute(query))


def test_committed_graph_schema_and_ids_survive_a_reopen(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE CONSTRAINT FOR (p:P) REQUIRE p.id IS UNIQUE")
    rows(db, "CREATE (a:P {id: 1, when: date('2020-01-02'), at: datetime('2020-01-02T03:04:05.123456789+01:00'), "
             "d: duration('P1DT2H'), where: point({x: 1.0, y: 2.0}), tags: ['a', 'b'], ok: true, w: 1.5})"
             "-[:K {since: 2020}]->(b:P:Q {id: 2})")
    rows(db, "MATCH (b:P {id: 2}) SET b.name = 'Bob' REMOVE b:Q")
    before = rows(db, "MATCH (a)-[r]->(b) RETURN a, r, b")
    db.close()

    again = reopen(tmp_path)
    after = rows(again, "MATCH (a)-[r]->(b) RETURN a, r, b")
    assert [tuple(x.element_id for x in row) for row in after] == [tuple(x.element_id for x in row) for row in before]
    a, r, b = after[0]
    assert dict(a)["when"] == dt.date(2020, 1, 2) and dict(a)["d"] == Duration(0, 1, 7200, 0)
    assert dict(a)["where"] == Point(7203, 1.0, 2.0) and dict(a)["tags"] == ["a", "b"]
    assert getattr(dict(a)["at"], "nanosecond", None) == 123456789
    assert dict(b) == {"id": 2, "name": "Bob"} and b.labels == {"P"}
    assert dict(r) == {"since": 2020}
    with pytest.raises(Exception) as caught:
        rows(again, "CREATE (:P {id: 1})")
    assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"


@pytest.mark.parametrize("checkpoint", [False, True], ids=["from the log", "from a snapshot"])
def test_values_in_named_time_zones_survive_a_reopen(tmp_path, checkpoint):
    db = reopen(tmp_path)
    rows(db, "CREATE (:T {at: datetime({year: 2020, month: 3, day: 1, hour: 12, timezone: 'Europe/Stockholm'}), "
             "t: time({hour: 1, timezone: '+02:00'})})")
    expected = rows(db, "MATCH (t:T) RETURN t.at, t.t")
    db.close(checkpoint=checkpoint)
    assert rows(reopen(tmp_path), "MATCH (t:T) RETURN t.at, t.t") == expected


def test_deletes_survive_and_new_ids_are_never_reused(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE (:A), (:B)")
    rows(db, "MATCH (b:B) DELETE b")
    db.close()
    again = reopen(tmp_path)
    assert rows(again, "MATCH (n) RETURN labels(n)") == [(["A"],)]
    assert rows(again, "CREATE (n:C) RETURN id(n)") == [(2,)]


def test_rolled_back_and_failed_transactions_leave_nothing(tmp_path):
    db = reopen(tmp_path)
    txn = db.begin()
    rows_ = list(db.execute("CREATE (:Lost)", transaction=txn))
    assert rows_ == []
    txn.rollback()
    with pytest.raises(Exception):
        rows(db, "UNWIND [1, 0] AS x CREATE (:Half {v: 1 / x})")
    db.close()
    assert rows(reopen(tmp_path), "MATCH (n) RETURN count(n)") == [(0,)]


def test_a_torn_last_record_is_cut_off(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE (:Kept)")
    db.close(checkpoint=False)
    log = tmp_path / LOG_NAME
    size = log.stat().st_size
    with open(log, "ab") as file:
        file.write(b"\x40\x00\x00\x00\x01\x02")  # a header promising 64 bytes, then the crash
    again = reopen(tmp_path)
    assert rows(again, "MATCH (n:Kept) RETURN count(n)") == [(1,)]
    assert log.stat().st_size == size
    rows(again, "CREATE (:After)")
    again.close(checkpoint=False)
    assert rows(reopen(tmp_path), "MATCH (n) RETURN count(n)") == [(2,)]


def test_the_log_is_preallocated_and_a_crash_leaves_only_unused_space(tmp_path):
    db = reopen(tmp_path)
    for i in range(3):
        rows(db, f"CREATE (:Kept {{i: {i}}})")
    log = tmp_path / LOG_NAME
    written = db.log.writer.size
    assert log.stat().st_size > written, "the file is allocated ahead of the frames"
    data = log.read_bytes()
    assert not data[written:].strip(b"\0")
    crashed = tmp_path.parent / "crashed"  # the files as a crash leaves them: frames, then zeros
    crashed.mkdir()
    for path in tmp_path.iterdir():
        (crashed / path.name).write_bytes(path.read_bytes())
    assert rows(reopen(crashed), "MATCH (n:Kept) RETURN count(n)") == [(3,)]
    db.close(checkpoint=False)
    assert log.stat().st_size == written, "a clean close cuts the unused space off"


def test_a_torn_frame_before_unused_space_is_cut_off_but_a_damaged_one_is_not(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE (:Kept)")
    rows(db, "CREATE (:Torn)")
    db.close(checkpoint=False)
    log = tmp_path / LOG_NAME
    data = bytearray(log.read_bytes())
    last = len(data) - 3
    data[last] ^= 0xFF
    log.write_bytes(bytes(data) + bytes(4096))  # the last frame half on disk, then preallocated zeros
    assert rows(reopen(tmp_path), "MATCH (n) RETURN labels(n)") == [(["Kept"],)]
    db = reopen(tmp_path)
    rows(db, "CREATE (:A)")
    rows(db, "CREATE (:B)")
    db.close(checkpoint=False)
    data = bytearray(log.read_bytes())
    data[FILE_HEADER.size + 12] ^= 0xFF  # inside the first frame, with frames after it
    log.write_bytes(bytes(data) + bytes(4096))
    with pytest.raises(DatabaseError):
        reopen(tmp_path)


def test_a_damaged_record_before_the_end_refuses_to_open(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE (:First)")
    rows(db, "CREATE (:Second)")
    db.close(checkpoint=False)
    log = tmp_path / LOG_NAME
    data = bytearray(log.read_bytes())
    data[FILE_HEADER.size + 12] ^= 0xFF
    log.write_bytes(bytes(data))
    with pytest.raises(DatabaseError) as caught:
        reopen(tmp_path)
    assert str(log) in caught.value.message and f"offset {FILE_HEADER.size}" in caught.value.message
    assert log.read_bytes() == bytes(data), "the files are left untouched"


def test_a_checkpoint_truncates_the_log_and_recovery_starts_from_the_snapshot(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE INDEX FOR (n:P) ON (n.id)")
    rows(db, "UNWIND range(1, 50) AS i CREATE (:P {id: i})")
    db.log.checkpoint()
    assert (tmp_path / LOG_NAME).stat().st_size == 0 and (tmp_path / SNAPSHOT_NAME).exists()
    rows(db, "MATCH (p:P {id: 1}) DELETE p")
    rows(db, "CREATE (:P {id: 99})")
    db.close(checkpoint=False)
    again = reopen(tmp_path)
    assert rows(again, "MATCH (p:P) RETURN count(p), max(p.id)") == [(50, 99)]
    assert again.storage.indexes.find("NODE", "P", ("id",)) is not None


def test_checkpoints_run_while_transactions_write(tmp_path):
    import threading

    db = reopen(tmp_path)
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            rows(db, f"CREATE (:W {{i: {i}}})")
            i += 1
    thread = threading.Thread(target=writer)
    thread.start()
    for _ in range(5):
        db.log.checkpoint()
    stop.set()
    thread.join()
    expected = rows(db, "MATCH (w:W) RETURN count(w)")
    db.close(checkpoint=False)
    assert rows(reopen(tmp_path), "MATCH (w:W) RETURN count(w)") == expected


def test_a_crash_in_the_middle_of_a_checkpoint_loses_nothing(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE (:A)")
    db.log.checkpoint()
    rows(db, "CREATE (:B)")
    db.close(checkpoint=False)
    # the log was rotated, then the process died before the new snapshot replaced the old one
    (tmp_path / LOG_NAME).replace(tmp_path / ROTATED_NAME)
    assert rows(reopen(tmp_path), "MATCH (n) RETURN labels(n)[0] AS l ORDER BY l") == [("A",), ("B",)]


def test_a_damaged_snapshot_refuses_to_open(tmp_path):
    db = reopen(tmp_path)
    rows(db, "CREATE (:A)")
    db.close()
    snapshot = tmp_path / SNAPSHOT_NAME
    snapshot.write_bytes(snapshot.read_bytes()[:-3])
    with pytest.raises(DatabaseError) as caught:
        reopen(tmp_path)
    assert str(snapshot) in caught.value.message


def test_group_commit_keeps_every_commit_and_uniqueness(tmp_path):
    import threading

    db = reopen(tmp_path)
    rows(db, "CREATE CONSTRAINT FOR (u:U) REQUIRE u.k IS UNIQUE")
    outcomes = []

    def work(thread):
        for i in range(40):
            try:
                rows(db, "CREATE (:E {t: $t, i: $i})".replace("$t", str(thread)).replace("$i", str(i)))
                rows(db, f"CREATE (:U {{k: {i}}})")
                outcomes.append(True)
            except Exception as error:
                assert error.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
                outcomes.append(False)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(True) == 40, "each unique value was created exactly once"
    db.close(checkpoint=False)
    again = reopen(tmp_path)
    assert rows(again, "MATCH (e:E) RETURN count(e)") == [(240,)]
    assert rows(again, "MATCH (u:U) RETURN count(DISTINCT u.k), count(u)") == [(40, 40)]
