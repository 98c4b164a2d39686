"""Concurrency histories (issue 14): several sessions run random list-append transactions at one isolation level,
and tests/history_checker.py checks the recorded history for every anomaly that level must exclude (Adya's G0,
G1a-c, G-single, G-nonadjacent, lost updates, …; the table is in the checker's docstring).

Each key is a node `(:K {k, v})` whose `v` is a list; an append is `SET n.v = n.v + $x` with a value no other
operation appends, a read returns `n.v`. A transaction that meets a TransientError (a write-write conflict under
snapshot isolation, a deadlock under the lock-waiting levels) or that the workload rolls back on purpose is
recorded as aborted. The final value of every key, read after all sessions ended, gives each key's version order.
Histories run at each level in memory and at SNAPSHOT_ISOLATION on disk (the only level the disk engine offers),
and over several databases (one writer database per transaction), where each database alone must be snapshot
isolated.

The checker is tested first, on hand-made histories: each anomaly is found at every level that excludes it and
tolerated at the levels that allow it, so it cannot pass everything silently."""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

import pytest

from graphplex import DBMS
from graphplex.errors import TransientError
from history_checker import APPEND, EXCLUDED, READ, Txn, check, restrict

LEVELS = ("READ_UNCOMMITTED", "READ_COMMITTED", "SNAPSHOT_ISOLATION")
MODES = {"memory": "IN_MEMORY_TRANSACTIONAL", "disk": "ON_DISK_TRANSACTIONAL"}


def a(key, value):
    return (APPEND, key, value)


def r(key, values):
    return (READ, key, values)


# The checker on hand-made histories ---------------------------------------------------------------------------

def _flagged_exactly_where_excluded(name: str, history: list[Txn], final: dict | None, **options) -> None:
    for level in LEVELS:
        report = check(history, level, final, **options)
        if name in EXCLUDED[level]:
            assert name in report.names(), f"{level} must exclude {name}:\n{report}"
        else:
            assert report.valid, f"{level} allows {name}:\n{report}"


ANOMALIES = {
    "G0": (  # two writers interleave on x and y: a cycle of write dependencies
        [Txn(1, [a("x", 1), a("y", 10)]), Txn(2, [a("x", 2), a("y", 20)])],
        {"x": [1, 2], "y": [20, 10]}),
    "G1a": (
        [Txn(1, [a("x", 1)], committed=False), Txn(2, [r("x", [1])])],
        {"x": []}),
    "G1b": (
        [Txn(1, [a("x", 1), a("x", 2)]), Txn(2, [r("x", [1])])],
        {"x": [1, 2]}),
    "G1c": (  # each reads what the other wrote
        [Txn(1, [a("x", 1), r("y", [2])]), Txn(2, [a("y", 2), r("x", [1])])],
        {"x": [1], "y": [2]}),
    "G-single": (  # read skew: T2 sees T1's y but not its x
        [Txn(1, [a("x", 1), a("y", 1)]), Txn(2, [r("x", []), r("y", [1])])],
        {"x": [1], "y": [1]}),
    "G-nonadjacent": (  # T1 -rw-> T2 -wr-> T3 -rw-> T4 -wr-> T1
        [Txn(1, [r("a", []), r("d", [4])]), Txn(2, [a("a", 1), a("b", 2)]),
         Txn(3, [r("b", [2]), r("c", [])]), Txn(4, [a("c", 3), a("d", 4)])],
        {"a": [1], "b": [2], "c": [3], "d": [4]}),
    "lost-update": (
        [Txn(1, [r("x", []), a("x", 1)]), Txn(2, [r("x", []), a("x", 2)])],
        {"x": [1, 2]}),
    "non-repeatable-read": (
        [Txn(1, [r("x", []), r("x", [2])]), Txn(2, [a("x", 2)])],
        {"x": [2]}),
    "lost-append": (
        [Txn(1, [a("x", 1)]), Txn(2, [a("x", 2)])],
        {"x": [2]}),
    "aborted-write-survived": (
        [Txn(1, [a("x", 1)], committed=False)],
        {"x": [1]}),
    "duplicate-append": (
        [Txn(1, [a("x", 1)])],
        {"x": [1, 1]}),
    "garbage-read": (
        [Txn(1, [r("x", [99])])],
        {"x": []}),
    "incompatible-order": (
        [Txn(1, [a("x", 1)]), Txn(2, [a("x", 2)]), Txn(3, [r("x", [2])])],
        {"x": [1, 2]}),
    "internal": (  # does not see its own append
        [Txn(1, [a("x", 1), r("x", [])])],
        {"x": [1]}),
}


@pytest.mark.parametrize("name", sorted(ANOMALIES))
def test_the_checker_finds_each_anomaly_at_the_levels_that_exclude_it(name):
    history, final = ANOMALIES[name]
    _flagged_exactly_where_excluded(name, history, final)


def test_a_read_of_the_own_version_must_be_a_prefix_of_the_version_order_too():
    history = [Txn(1, [a("x", 1)]), Txn(2, [a("x", 2), r("x", [2])])]
    _flagged_exactly_where_excluded("incompatible-order", history, {"x": [1, 2]})


def test_a_stale_read_after_a_commit_returned_is_g_single_realtime():
    history = [Txn(1, [a("x", 1)], start=0.0, end=1.0), Txn(2, [r("x", [])], start=2.0, end=3.0)]
    _flagged_exactly_where_excluded("G-single-realtime", history, {"x": [1]})
    assert check(history, "SNAPSHOT_ISOLATION", {"x": [1]}, realtime=False).valid


def test_a_later_transaction_ordered_before_an_earlier_commit_is_g0_realtime():
    history = [Txn(1, [a("x", 1)], start=0.0, end=1.0), Txn(2, [a("x", 2)], start=2.0, end=3.0)]
    _flagged_exactly_where_excluded("G0-realtime", history, {"x": [2, 1]})


def test_write_skew_is_allowed_under_snapshot_isolation():
    history = [Txn(1, [r("x", []), r("y", []), a("x", 1)]), Txn(2, [r("x", []), r("y", []), a("y", 2)])]
    report = check(history, "SNAPSHOT_ISOLATION", {"x": [1], "y": [2]})
    assert report.valid, report
    assert report.edges["rw"] == 2


def test_reads_of_versions_whose_writers_committed_pass_at_every_level():
    concurrent = [Txn(1, [a("x", 1), a("x", 2)]), Txn(2, [r("x", [1, 2]), a("y", 3)]), Txn(3, [r("y", [3])])]
    for level in LEVELS:
        assert check(concurrent, level, {"x": [1, 2], "y": [3]}).valid


def test_a_serializable_history_passes_at_every_level_with_inferred_or_final_versions():
    history = [
        Txn(1, [a("x", 1), r("x", [1]), a("y", 2)], start=0.0, end=1.0),
        Txn(2, [r("x", [1]), a("x", 3), r("x", [1, 3]), r("y", [2])], start=1.5, end=2.0),
        Txn(3, [a("y", 4)], committed=False, start=1.6, end=1.7),
        Txn(4, [r("y", [2]), r("x", [1, 3]), a("y", 5), r("y", [2, 5])], start=2.5, end=3.0),
        Txn(5, [r("x", [1, 3]), r("y", [2, 5])], start=3.5, end=4.0),
    ]
    for level in LEVELS:
        for final in ({"x": [1, 3], "y": [2, 5]}, None):
            report = check(history, level, final)
            assert report.valid, report
            assert (report.committed, report.aborted, report.operations) == (4, 1, 14)


def test_the_checker_reports_a_readable_cycle():
    history, final = ANOMALIES["G-nonadjacent"]
    (anomaly,) = check(history, "SNAPSHOT_ISOLATION", final).anomalies
    assert anomaly.name == "G-nonadjacent" and set(anomaly.txns) == {1, 2, 3, 4}
    assert str(anomaly).count("-rw(") == 2 and str(anomaly).count("-wr(") == 2


def test_the_checker_refuses_a_history_that_appends_a_value_twice_or_an_unknown_level():
    with pytest.raises(ValueError):
        check([Txn(1, [a("x", 1)]), Txn(2, [a("x", 1)])], "READ_COMMITTED")
    with pytest.raises(ValueError):
        check([], "SERIALIZABLE")


# The workload ---------------------------------------------------------------------------------------------------

@dataclass
class Workload:
    """How much to run: `threads` sessions, each running transactions for `seconds` (at most `transactions`), over
    `keys` keys in each of `databases`. A transaction appends to one database only (the DBMS allows one writer
    database per transaction) and reads from any."""
    threads: int = 4
    seconds: float = 1.2
    transactions: int = 400
    keys: int = 4
    max_ops: int = 5
    voluntary_aborts: float = 0.1
    implicit: float = 0.15
    pause: float = 0.002
    databases: tuple[str, ...] = ("neo4j",)


def _run_history(dbms, level: str, workload: Workload, seed: int) -> tuple[list[Txn], dict]:
    """Runs the workload in `dbms` and returns the history and the final value of every key, a key being
    (database, k)."""
    with dbms.session() as s:
        for database in workload.databases:
            s.run(f"USE {database} MATCH (n:K) DETACH DELETE n").consume()
            s.run(f"USE {database} UNWIND range(0, $n - 1) AS i CREATE (:K {{k: i, v: []}})",
                  n=workload.keys).consume()
    history: list[Txn] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    ids = iter(range(1, 10 ** 9))

    def process(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        values = iter(range(number * 10 ** 6, (number + 1) * 10 ** 6))
        deadline = time.monotonic() + workload.seconds
        try:
            with dbms.session() as session:
                for count in range(workload.transactions):
                    if time.monotonic() > deadline:
                        break
                    txn = _transaction(session, level, rng, values, workload, verify_level=count == 0)
                    with lock:
                        txn.id, txn.process = next(ids), number
                        history.append(txn)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=process, args=(n,)) for n in range(workload.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    final = {}
    with dbms.session() as s:
        for database in workload.databases:
            for row in s.run(f"USE {database} MATCH (n:K) RETURN n.k AS k, n.v AS v"):
                final[(database, row["k"])] = row["v"]
    return history, final


def _transaction(session, level: str, rng: random.Random, values, workload: Workload, verify_level: bool) -> Txn:
    """One random transaction, run and recorded: committed, or aborted by a TransientError or on purpose."""
    if not verify_level and rng.random() < workload.implicit:
        return _implicit_transaction(session, rng, values, workload)
    txn = Txn(0, [], committed=False, start=time.monotonic())
    writes_to = rng.choice(workload.databases)
    tx = session.begin_transaction(isolation_level=level)
    try:
        if verify_level:
            rows = tx.run("SHOW TRANSACTIONS YIELD transactionId, isolationLevel").data()
            assert {"transactionId": tx.id, "isolationLevel": level} in rows, rows
        for _ in range(rng.randint(1, workload.max_ops)):
            k, choice, database = rng.randrange(workload.keys), rng.random(), rng.choice(workload.databases)
            if choice < 0.5:
                value = next(values)
                txn.ops.append((APPEND, (writes_to, k), value))  # recorded first: an aborted append counts too
                tx.run(f"USE {writes_to} MATCH (n:K {{k: $k}}) SET n.v = n.v + $x", k=k, x=value).consume()
            elif choice < 0.85:
                read = tx.run(f"USE {database} MATCH (n:K {{k: $k}}) RETURN n.v AS v", k=k).single()["v"]
                txn.ops.append((READ, (database, k), list(read)))
            else:  # several keys in one statement
                ks = rng.sample(range(workload.keys), rng.randint(2, workload.keys))
                rows = {row["k"]: row["v"] for row in
                        tx.run(f"USE {database} MATCH (n:K) WHERE n.k IN $ks RETURN n.k AS k, n.v AS v", ks=ks)}
                txn.ops.extend((READ, (database, k), list(rows[k])) for k in ks)
            if rng.random() < 0.3:
                time.sleep(rng.random() * workload.pause)  # lets other sessions interleave mid-transaction
        if rng.random() < workload.voluntary_aborts:
            tx.rollback()
            return txn
        tx.commit()
        txn.committed, txn.end = True, time.monotonic()
    except TransientError:
        if not tx.closed():
            tx.rollback()
    return txn


def _implicit_transaction(session, rng: random.Random, values, workload: Workload) -> Txn:
    """One statement in an implicit transaction (at the DBMS's level): an append, or a read of every key of a
    database."""
    txn = Txn(0, [], committed=False, start=time.monotonic())
    database = rng.choice(workload.databases)
    try:
        if rng.random() < 0.5:
            key, value = (database, rng.randrange(workload.keys)), next(values)
            txn.ops.append((APPEND, key, value))
            session.run(f"USE {database} MATCH (n:K {{k: $k}}) SET n.v = n.v + $x", k=key[1], x=value).consume()
        else:
            rows = session.run(f"USE {database} MATCH (n:K) RETURN n.k AS k, n.v AS v").data()
            txn.ops.extend((READ, (database, row["k"]), list(row["v"])) for row in rows)
        txn.committed, txn.end = True, time.monotonic()
    except TransientError:
        pass
    return txn


def _open(mode: str, level: str):
    return DBMS.in_memory(storage_mode=MODES[mode], isolation_level=level, lock_acquisition_timeout=10.0)


VARIANTS = [pytest.param("memory", level, id=f"memory-{level}") for level in LEVELS]
VARIANTS.append(pytest.param("disk", "SNAPSHOT_ISOLATION", id="disk-SNAPSHOT_ISOLATION"))


def _run_and_check(mode: str, level: str, workload: Workload, histories: int) -> list:
    reports = []
    with _open(mode, level) as dbms:
        with dbms.session() as s:
            info = {row["storage info"]: row["value"] for row in s.run("SHOW STORAGE INFO")}
        assert (info["storage_mode"], info["global_isolation_level"]) == (MODES[mode], level)
        for seed in range(histories):
            history, final = _run_history(dbms, level, workload, seed)
            report = check(history, level, final)
            assert report.valid, f"history {seed}:\n{report}"
            assert report.committed >= workload.threads and report.edges["ww"] > 0, report
            reports.append(report)
    return reports


@pytest.mark.parametrize("mode, level", VARIANTS)
def test_random_histories_show_no_anomaly_the_level_excludes(mode, level):
    reports = _run_and_check(mode, level, Workload(), histories=1)
    if level != "READ_UNCOMMITTED":
        assert reports[0].edges["rw"] > 0 and reports[0].edges["wr"] > 0, reports[0]


@pytest.mark.slow
@pytest.mark.parametrize("mode, level", VARIANTS)
def test_many_longer_random_histories_show_no_anomaly_the_level_excludes(mode, level):
    _run_and_check(mode, level, Workload(threads=8, seconds=5.0, transactions=5000, keys=6), histories=1)
    _run_and_check(mode, level, Workload(threads=6, seconds=4.0, transactions=5000, keys=2, max_ops=8), histories=1)


def _check_databases(mode: str, workload: Workload, histories: int) -> None:
    """Histories over several databases: each database alone is snapshot isolated, and the whole keeps what
    READ_COMMITTED excludes (a DBMS transaction takes each database's snapshot when it first touches it — SEMANTICS.md
    "DBMS transactions" — so across databases read skew is possible; see the test after this one)."""
    with _open(mode, "SNAPSHOT_ISOLATION") as dbms:
        with dbms.session() as s:
            for database in workload.databases[1:]:
                s.run(f"CREATE DATABASE {database}").consume()
        for seed in range(histories):
            history, final = _run_history(dbms, "SNAPSHOT_ISOLATION", workload, seed)
            whole = check(history, "READ_COMMITTED", final)
            assert whole.valid, f"history {seed}, all databases:\n{whole}"
            assert whole.edges["wr"] > 0 and whole.edges["ww"] > 0, whole
            for database in workload.databases:
                alone = restrict(history, lambda key: key[0] == database)
                report = check(alone, "SNAPSHOT_ISOLATION", {k: v for k, v in final.items() if k[0] == database})
                assert report.valid, f"history {seed}, database {database}:\n{report}"


def test_random_histories_over_two_databases_are_snapshot_isolated_in_each():
    _check_databases("memory", Workload(seconds=1.0, databases=("neo4j", "other")), histories=1)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["memory", "disk"])
def test_many_longer_random_histories_over_three_databases_are_snapshot_isolated_in_each(mode):
    _check_databases(mode, Workload(threads=8, seconds=5.0, transactions=5000, keys=3,
                                    databases=("neo4j", "second", "third")), histories=1)


def test_across_databases_one_dbms_transaction_is_not_one_snapshot(dbms, session, other_db):
    """The reader's snapshot of `other` is taken at its first statement there, after T1 and T2 committed: it sees
    T2's append but not T1's, which T2 had read — read skew (G-single) across databases, none in either alone."""
    for database in ("neo4j", other_db):
        session.run(f"USE {database} CREATE (:K {{v: []}})").consume()
    reader = dbms.session().begin_transaction()
    history = [Txn(3, [(READ, "x", reader.run("MATCH (n:K) RETURN n.v AS v").single()["v"])])]
    session.run("MATCH (n:K) SET n.v = n.v + [1]").consume()
    with dbms.session() as writer, writer.begin_transaction() as tx:
        history.append(Txn(2, [(READ, "x", tx.run("MATCH (n:K) RETURN n.v AS v").single()["v"])]))
        tx.run("USE other MATCH (n:K) SET n.v = n.v + [2]").consume()
    history[0].ops.append((READ, "y", reader.run("USE other MATCH (n:K) RETURN n.v AS v").single()["v"]))
    history[0].ops.append((READ, "x", reader.run("MATCH (n:K) RETURN n.v AS v").single()["v"]))
    reader.commit()
    history += [Txn(1, [(APPEND, "x", 1)])]
    history[1].ops.append((APPEND, "y", 2))
    assert [txn.ops for txn in history[:2]] == [[(READ, "x", []), (READ, "y", [2]), (READ, "x", [])],
                                                [(READ, "x", [1]), (APPEND, "y", 2)]]
    final = {"x": [1], "y": [2]}
    (anomaly,) = check(history, "SNAPSHOT_ISOLATION", final).anomalies
    assert anomaly.name == "G-single" and set(anomaly.txns) == {1, 2, 3}
    for key in final:
        assert check(restrict(history, lambda k: k == key), "SNAPSHOT_ISOLATION", {key: final[key]}).valid


def test_the_checker_catches_a_tampered_real_history():
    with _open("memory", "SNAPSHOT_ISOLATION") as dbms:
        history, final = _run_history(dbms, "SNAPSHOT_ISOLATION", Workload(seconds=0.5), seed=7)
    assert check(history, "SNAPSHOT_ISOLATION", final).valid
    key = max(final, key=lambda k: len(final[k]))
    shortened = {**final, key: final[key][:-1]}
    assert "lost-append" in check(history, "READ_UNCOMMITTED", shortened).names()
    writer = next(txn for txn in history if txn.committed and (APPEND, key, final[key][-1]) in txn.ops)
    writer.committed = False
    assert "aborted-write-survived" in check(history, "READ_UNCOMMITTED", final).names()


@pytest.mark.parametrize("level", ["READ_UNCOMMITTED", "READ_COMMITTED"])
def test_on_disk_storage_offers_snapshot_isolation_only(level):
    with _open("disk", "SNAPSHOT_ISOLATION") as dbms, dbms.session() as session:
        with pytest.raises(Exception) as caught:
            session.begin_transaction(isolation_level=level).run("RETURN 1").consume()
        assert "Snapshot isolation level is the only supported isolation level for disk storage" in str(caught.value)


@pytest.mark.parametrize("observed, stronger, signature", [
    ("READ_UNCOMMITTED", "READ_COMMITTED", {"G1a", "G1b"}),          # dirty reads
    ("READ_COMMITTED", "SNAPSHOT_ISOLATION", {"non-repeatable-read"}),
], ids=["READ_UNCOMMITTED-reads-dirty", "READ_COMMITTED-reads-unrepeatably"])
def test_the_workload_provokes_what_a_weaker_level_allows(observed, stronger, signature):
    """A history of the weaker level, judged by the stronger one, shows the anomaly that tells the levels apart: the
    level in effect is the weaker one, and the workload interleaves enough for the checker to have something to
    find (tried for a few seconds at most)."""
    deadline = time.monotonic() + 8.0
    with _open("memory", observed) as dbms:
        seed = 100
        while True:
            history, final = _run_history(dbms, observed, Workload(seconds=1.0), seed)
            assert check(history, observed, final).valid
            report = check(history, stronger, final)
            if report.names() & signature or time.monotonic() > deadline:
                break
            seed += 1
    assert report.names() & signature, f"no {signature} in the {observed} histories tried:\n{report}"
