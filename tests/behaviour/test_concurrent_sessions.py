"""Concurrent sessions: money transfers with `execute_write` in two databases while readers sum balances across
both in one DBMS transaction. Under the default snapshot isolation no reader ever sees a partial transfer, no
update is lost, and write-write conflicts are retried away by `execute_write`."""
from __future__ import annotations

import random
import threading
import time
from collections import defaultdict

import pytest

BANKS = ("bankone", "banktwo")
ACCOUNTS = 6
INITIAL = 1000
WRITERS = 4
TRANSFERS_PER_WRITER = 40
READERS = 2


@pytest.fixture
def banks(dbms):
    with dbms.session() as s:
        for bank in BANKS:
            s.run(f"CREATE DATABASE {bank}").consume()
            s.run(f"USE {bank} UNWIND range(1, $n) AS i CREATE (:Account {{id: i, balance: $initial}})",
                  n=ACCOUNTS, initial=INITIAL).consume()
    return BANKS


def _transfer(tx, bank: str, source: int, target: int, amount: int) -> None:
    # two statements, so that a reader seeing a partial transfer would see money missing
    tx.run(f"USE {bank} MATCH (a:Account {{id: $id}}) SET a.balance = a.balance - $amount",
           id=source, amount=amount).consume()
    time.sleep(0.0005)  # widens the window in which other transactions interleave
    tx.run(f"USE {bank} MATCH (a:Account {{id: $id}}) SET a.balance = a.balance + $amount",
           id=target, amount=amount).consume()


def _totals(tx) -> dict[str, int]:
    return {bank: tx.run(f"USE {bank} MATCH (a:Account) RETURN sum(a.balance) AS total").single()["total"]
            for bank in BANKS}


def test_concurrent_transfers_in_two_databases_never_change_the_totals(dbms, banks):
    errors: list[BaseException] = []
    ledger: list[tuple[str, int, int, int]] = []
    ledger_lock = threading.Lock()
    observed: list[dict[str, int]] = []
    writers_done = threading.Event()

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            with dbms.session() as s:
                for _ in range(TRANSFERS_PER_WRITER):
                    bank = rng.choice(BANKS)
                    source, target = rng.sample(range(1, ACCOUNTS + 1), 2)
                    amount = rng.randint(1, 50)
                    s.execute_write(_transfer, bank, source, target, amount)
                    with ledger_lock:
                        ledger.append((bank, source, target, amount))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    def reader() -> None:
        try:
            with dbms.session(default_access_mode="READ") as s:
                while not writers_done.is_set():
                    observed.append(s.execute_read(_totals))
                observed.append(s.execute_read(_totals))
        except BaseException as error:
            errors.append(error)

    readers = [threading.Thread(target=reader) for _ in range(READERS)]
    writers = [threading.Thread(target=writer, args=(seed,)) for seed in range(WRITERS)]
    start = time.monotonic()
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=60)
    writers_done.set()
    for thread in readers:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in readers + writers), "threads still running after 60 s"
    assert not errors, errors
    assert time.monotonic() - start < 30

    assert len(ledger) == WRITERS * TRANSFERS_PER_WRITER
    assert observed, "the readers never completed a read"
    wrong = [totals for totals in observed if totals != {bank: ACCOUNTS * INITIAL for bank in BANKS}]
    assert not wrong, f"{len(wrong)} of {len(observed)} reads saw changed totals, e.g. {wrong[:3]}"

    expected: dict[tuple[str, int], int] = defaultdict(lambda: INITIAL)
    for bank, source, target, amount in ledger:
        expected[(bank, source)] -= amount
        expected[(bank, target)] += amount
    with dbms.session() as s:
        for bank in BANKS:
            rows = s.run(f"USE {bank} MATCH (a:Account) RETURN a.id AS id, a.balance AS balance ORDER BY id").data()
            assert {row["id"]: row["balance"] for row in rows} == \
                {i: expected[(bank, i)] for i in range(1, ACCOUNTS + 1)}, f"lost or doubled updates in {bank}"


def _read_modify_write(tx) -> None:
    value = tx.run("MATCH (c:Counter) RETURN c.v AS v").single()["v"]
    time.sleep(0.0002)  # widens the window in which other transactions interleave
    tx.run("MATCH (c:Counter) SET c.v = $v", v=value + 1).consume()


def test_concurrent_read_modify_write_increments_lose_no_update(dbms, session):
    session.run("CREATE (:Counter {v: 0})").consume()
    errors: list[BaseException] = []
    per_thread = 25

    def increment() -> None:
        try:
            with dbms.session() as s:
                for _ in range(per_thread):
                    s.execute_write(_read_modify_write)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=increment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert session.run("MATCH (c:Counter) RETURN c.v AS v").single()["v"] == 4 * per_thread
