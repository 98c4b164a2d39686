"""The durable files carry their kind and format version: temporal and spatial values survive a reopen through
the public API, the files name no Python module, and a file of a newer version (or another kind) is refused with
an error that names the file and the version."""
import datetime as dt
import io
import struct

import pytest

from graphplex import DBMS
from graphplex.cli.main import main
from graphplex.databases import Database
from graphplex.databases.durability.log import LOG_NAME
from graphplex.databases.durability.records import DISK_STORE, DUMP, FILE_HEADER, LOG, SNAPSHOT
from graphplex.databases.durability.snapshot import SNAPSHOT_NAME
from graphplex.databases.storage.disk.store import FILE_NAME, connect
from graphplex.errors import DatabaseError, Neo4jError

VALUES = ("CREATE (:V {d: date('2020-02-29'), lt: localtime('12:34:56.123456789'), "
          "t: time('01:02:03.000000007+05:45'), ldt: localdatetime('1999-12-31T23:59:59.999999999'), "
          "dto: datetime('2020-06-01T10:00:00.000000001-03:30'), "
          "dtz: datetime('2021-10-31T02:30:00.5+01:00[Europe/Stockholm]'), "
          "dur: duration('P1Y2M3DT4H5M6.000000007S'), p2: point({x: 1.5, y: -2.5}), "
          "p3: point({longitude: 12.5, latitude: 56.25, height: 100.0}), big: 9223372036854775807, "
          "f: 0.1, s: 'grüße', l: [date('2020-01-01'), date('2020-01-02')], b: true})")
READ = "MATCH (v:V) RETURN v {.*} AS v"


def read_values(session) -> dict:
    return session.run(READ).single()["v"]


@pytest.mark.parametrize("checkpoint", [False, True], ids=["from the log", "from a snapshot"])
def test_temporal_and_spatial_values_survive_a_reopen(tmp_path, checkpoint):
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        session.run(VALUES).consume()
        written = read_values(session)
        if checkpoint:
            session.run("CREATE SNAPSHOT").consume()
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        again = read_values(session)
    assert again == written
    assert again["lt"].nanosecond == 123456789 and again["ldt"].nanosecond == 999999999
    assert again["dtz"].tzinfo.key == "Europe/Stockholm" and again["dtz"].utcoffset() == dt.timedelta(hours=1)
    assert again["t"].utcoffset() == dt.timedelta(hours=5, minutes=45) and again["t"].nanosecond == 7


def test_the_files_name_no_python_module(tmp_path):
    db = Database("neo4j", directory=str(tmp_path))
    db.execute(VALUES).consume()
    log = (tmp_path / LOG_NAME).read_bytes()
    db.close()  # a checkpoint: the snapshot holds the values now
    for data in (log, (tmp_path / SNAPSHOT_NAME).read_bytes()):
        for name in (b"graphplex", b"temporal_values", b"datetime", b"zoneinfo", b"values", b"builtins"):
            assert name not in data
        assert b"Europe/Stockholm" in data


def newer(path, offset: int = 0, version: int = 7) -> None:
    """Rewrites the version in the header at `offset` of `path` as one this code does not read."""
    data = bytearray(path.read_bytes())
    struct.pack_into("<H", data, offset + 8, version)
    path.write_bytes(bytes(data))


def test_a_log_or_snapshot_of_a_newer_version_is_refused_naming_file_and_version(tmp_path):
    db = Database("neo4j", directory=str(tmp_path))
    db.execute("CREATE (:A)").consume()
    db.close(checkpoint=False)
    log = tmp_path / LOG_NAME
    assert log.read_bytes().startswith(LOG.header)
    newer(log)
    with pytest.raises(DatabaseError) as caught:
        Database("neo4j", directory=str(tmp_path))
    assert str(log) in caught.value.message and "format version 7" in caught.value.message
    assert f"reads version {LOG.version} only (the file is newer)" in caught.value.message

    log.unlink()
    db = Database("neo4j", directory=str(tmp_path))
    db.execute("CREATE (:A)").consume()
    db.close()
    snapshot = tmp_path / SNAPSHOT_NAME
    assert snapshot.read_bytes().startswith(SNAPSHOT.header)
    newer(snapshot)
    with pytest.raises(DatabaseError) as caught:
        Database("neo4j", directory=str(tmp_path))
    assert str(snapshot) in caught.value.message and "format version 7" in caught.value.message
    assert caught.value.code.startswith("Neo.DatabaseError.")


@pytest.mark.parametrize("name", [LOG_NAME, SNAPSHOT_NAME])
def test_a_log_or_snapshot_of_format_version_1_is_refused_as_older(tmp_path, name):
    db = Database("neo4j", directory=str(tmp_path))
    db.execute("CREATE (:A)").consume()
    db.close(checkpoint=name == SNAPSHOT_NAME)
    path = tmp_path / name
    newer(path, version=1)  # version 1 framed records without numbers and header checksums
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        Database("neo4j", directory=str(tmp_path))
    assert str(path) in caught.value.message and "format version 1;" in caught.value.message
    assert "an older format: there is no migration" in caught.value.message
    assert path.read_bytes() == before


def test_a_file_of_another_kind_is_refused(tmp_path):
    db = Database("neo4j", directory=str(tmp_path))
    db.execute("CREATE (:A)").consume()
    db.close()
    snapshot = tmp_path / SNAPSHOT_NAME
    snapshot.write_bytes(LOG.header + snapshot.read_bytes()[FILE_HEADER.size:])
    with pytest.raises(DatabaseError) as caught:
        Database("neo4j", directory=str(tmp_path))
    assert str(snapshot) in caught.value.message and "not a graphplex snapshot" in caught.value.message


def test_a_dump_of_a_newer_version_is_refused_naming_file_and_version(tmp_path):
    data = str(tmp_path / "data")
    with DBMS.open(data) as dbms, dbms.session() as session:
        session.run(VALUES).consume()
        written = read_values(session)
    dump = tmp_path / "neo4j.dump"
    assert main(["dump", "--data-dir", data, "neo4j", str(dump)], io.StringIO(), io.StringIO()) == 0
    assert dump.read_bytes().startswith(DUMP.header) and b"graphplex" not in dump.read_bytes()
    assert main(["load", "--data-dir", data, "copy", str(dump)], io.StringIO(), io.StringIO()) == 0
    with DBMS.open(data) as dbms, dbms.session(database="copy") as session:
        assert read_values(session) == written
    newer(dump)
    err = io.StringIO()
    assert main(["load", "--data-dir", data, "other", str(dump)], io.StringIO(), err) != 0
    assert str(dump) in err.getvalue() and "format version 7" in err.getvalue()
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(DUMP.header + dump.read_bytes()[FILE_HEADER.size:-13])  # the end record is lost
    err = io.StringIO()
    assert main(["load", "--data-dir", data, "other", str(truncated)], io.StringIO(), err) != 0
    assert str(truncated) in err.getvalue() and "is damaged" in err.getvalue()


def test_a_disk_store_of_a_newer_version_is_refused(tmp_path):
    db = Database("neo4j", directory=str(tmp_path), storage_mode="ON_DISK_TRANSACTIONAL")
    db.execute(VALUES).consume()
    written = list(db.execute(READ))
    db.close()
    again = Database("neo4j", directory=str(tmp_path), storage_mode="ON_DISK_TRANSACTIONAL")
    assert list(again.execute(READ)) == written
    again.close()
    connection = connect(tmp_path / FILE_NAME, "fsync")
    header = bytearray(DISK_STORE.header)
    struct.pack_into("<H", header, 8, 7)
    connection.execute("UPDATE meta SET value = ? WHERE key = 'format'", (bytes(header),))
    connection.close()
    with pytest.raises(Neo4jError) as caught:
        Database("neo4j", directory=str(tmp_path), storage_mode="ON_DISK_TRANSACTIONAL")
    assert str(tmp_path / FILE_NAME) in caught.value.message and "format version 7" in caught.value.message


def test_a_log_torn_within_its_header_opens_empty(tmp_path):
    (tmp_path / LOG_NAME).write_bytes(LOG.header[:5] + bytes(4096))  # the first write cut short, then unused space
    db = Database("neo4j", directory=str(tmp_path))
    assert list(db.execute("MATCH (n) RETURN count(n)")) == [(0,)]
    db.execute("CREATE (:After)").consume()
    db.close(checkpoint=False)
    assert (tmp_path / LOG_NAME).read_bytes().startswith(LOG.header)
    assert list(Database("neo4j", directory=str(tmp_path)).execute("MATCH (n:After) RETURN count(n)")) == [(1,)]
