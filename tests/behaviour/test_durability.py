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

from dbms import DBMS
from dbms.errors import DatabaseError


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
    from dbms import DBMS
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
