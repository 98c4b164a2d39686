"""A durable DBMS (`DBMS.open(path)`): commits survive a reopen and a crash, the directory is locked, and a damaged
database does not take the others down."""
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from graphplex import DBMS
from graphplex.errors import DatabaseError, Neo4jError


def test_databases_and_their_data_survive_a_reopen(tmp_path):
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        session.run("CREATE DATABASE other").consume()
        session.run("USE other CREATE (:X {v: 1})").consume()
        session.run("CREATE (:Y)").consume()
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        assert sorted(dbms.database_names()) == ["neo4j", "other", "system"]
        assert session.run("USE other MATCH (x:X) RETURN x.v").value() == [1]
        assert session.run("MATCH (y:Y) RETURN count(y)").single()[0] == 1
        session.run("DROP DATABASE other").consume()
    with DBMS.open(tmp_path) as dbms:
        assert sorted(dbms.database_names()) == ["neo4j", "system"]
    assert len(os.listdir(tmp_path / "databases")) == 1, "a dropped database's files are removed"


def test_a_second_open_of_the_same_directory_fails_clearly(tmp_path):
    with DBMS.open(tmp_path):
        with pytest.raises(DatabaseError) as caught:
            DBMS.open(tmp_path)
        assert "in use by another process" in caught.value.message


def test_a_damaged_database_stays_closed_and_the_others_work(tmp_path):
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        session.run("CREATE DATABASE fragile").consume()
        for i in range(2):
            session.run("USE fragile CREATE (:N {i: $i})", i=i).consume()
        uuid = dbms.entry("fragile").uuid
    log = tmp_path / "databases" / uuid / "snapshot"  # a clean close leaves a snapshot and an empty log
    data = bytearray(log.read_bytes())
    data[10] ^= 0xFF
    log.write_bytes(bytes(data))
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        with pytest.raises(DatabaseError) as caught:
            session.run("USE fragile MATCH (n) RETURN n").consume()
        assert str(log) in caught.value.message
        session.run("CREATE (:StillWorks)").consume()
        assert session.run("MATCH (n:StillWorks) RETURN count(n)").single()[0] == 1


WRITER = textwrap.dedent("""
    import sys
    from graphplex import DBMS
    dbms = DBMS.open(sys.argv[1])
    session = dbms.session()
    i = int(sys.argv[2])
    while True:
        session.run("CREATE (:Pair {i: $i}), (:Pair {i: $i})", i=i).consume()
        print(i, flush=True)
        i += 1
""")


def crash_once(directory, start: int) -> tuple[int, int]:
    """Runs a writer, kills it with SIGKILL at a random moment, returns (acknowledged, next start)."""
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(directory), str(start)],
                               stdout=subprocess.PIPE, text=True)
    time.sleep(random.uniform(0.3, 0.8))
    process.send_signal(signal.SIGKILL)
    output, _ = process.communicate()
    acknowledged = [int(line) for line in output.split()]
    return (max(acknowledged) if acknowledged else start - 1), (max(acknowledged, default=start) + 1000)


def check_after_crash(directory, acknowledged: set[int]) -> None:
    with DBMS.open(directory) as dbms, dbms.session() as session:
        counts = dict(session.run("MATCH (p:Pair) RETURN p.i AS i, count(*) AS c").values())
    assert all(count == 2 for count in counts.values()), "no transaction is partially present"
    assert acknowledged <= set(counts), "every acknowledged commit is present"


def crash_loop(tmp_path, iterations: int) -> None:
    random.seed(iterations)
    acknowledged: set[int] = set()
    start = 0
    for _ in range(iterations):
        last, next_start = crash_once(tmp_path, start)
        acknowledged.update(range(start, last + 1))
        check_after_crash(tmp_path, acknowledged)
        start = next_start


def test_sigkill_during_writes_loses_no_acknowledged_commit(tmp_path):
    crash_loop(tmp_path, iterations=3)


@pytest.mark.slow
def test_many_crashes_lose_no_acknowledged_commit(tmp_path):
    crash_loop(tmp_path, iterations=25)


FULL_DISK = textwrap.dedent("""
    import json, os, resource, signal, sys
    from graphplex import DBMS
    from graphplex.errors import Neo4jError

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    dbms = DBMS.open(sys.argv[1])
    session = dbms.session()
    session.run("CREATE (:Item {i: -1})").consume()
    committed, failures = [], []

    def write(i):
        try:
            session.run("CREATE (:Item {i: $i, pad: $pad})", i=i, pad="x" * 300).consume()
            committed.append(i)
        except Neo4jError as error:
            failures.append([i, error.code, error.message])

    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    for i in range(400):
        write(i)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    for i in range(400, 420):          # room again: the log was left whole, commits go on
        write(i)
    snapshots = []
    for start in (420, 430):           # two failed snapshots in a row: the second must not lose the first's log
        resource.setrlimit(resource.RLIMIT_FSIZE, (4 * 1024, hard))
        try:
            session.run("CREATE SNAPSHOT").consume()
            snapshots.append("written")
        except Neo4jError as error:
            snapshots.append([error.code, error.message])
        resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
        for i in range(start, start + 10):
            write(i)
    print(json.dumps({"committed": committed, "failures": failures, "snapshots": snapshots}), flush=True)
    os._exit(0)  # no clean close: recovery must find exactly the committed transactions
""")


def test_a_full_disk_fails_commits_clearly_and_loses_nothing(tmp_path):
    import json

    output = subprocess.run([sys.executable, "-c", FULL_DISK, str(tmp_path)], capture_output=True, text=True,
                            timeout=120)
    assert output.returncode == 0, output.stderr
    report = json.loads(output.stdout)
    committed, failures = report["committed"], report["failures"]
    assert failures, "the file-size limit was reached"
    assert {code for _, code, _ in failures} == {"Neo.DatabaseError.Transaction.TransactionCommitFailed"}
    assert all("is the disk full?" in message for _, _, message in failures)
    assert set(range(400, 440)) <= set(committed), "commits succeed again once there is room"
    for code, message in report["snapshots"]:
        assert code == "Neo.DatabaseError.General.UnknownError"
        assert "is the disk full?" in message and ("snapshot" in message or "checkpoint" in message)
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        recovered = session.run("MATCH (i:Item) WHERE i.i >= 0 RETURN i.i AS i ORDER BY i").value()
    assert recovered == sorted(committed), "exactly the acknowledged commits, none of the failed ones"


def test_settings_from_graphplex_toml_beside_the_data(tmp_path):
    (tmp_path / "graphplex.toml").write_text('[dbms]\ndefault_database = "main"\nisolation_level = "READ_COMMITTED"\n')
    with DBMS.open(tmp_path) as dbms:
        assert dbms.settings.default_database == "main" and dbms.settings.isolation_level == "READ_COMMITTED"
        assert "main" in dbms.database_names()
    with DBMS.open(tmp_path, isolation_level="SNAPSHOT_ISOLATION") as dbms:
        assert dbms.settings.isolation_level == "SNAPSHOT_ISOLATION", "keyword arguments win over the file"
    (tmp_path / "graphplex.toml").write_text("no_such_setting = 1\n")
    with pytest.raises(Neo4jError) as caught:
        DBMS.open(tmp_path)
    assert "no_such_setting" in caught.value.message
    (tmp_path / "graphplex.toml").write_text("this is [not toml\n")
    with pytest.raises(Neo4jError) as caught:
        DBMS.open(tmp_path)
    assert "is not valid TOML" in caught.value.message
