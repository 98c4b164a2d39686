"""Threads against one storage: no committed write is lost and snapshots stay consistent under load, on both
engines (the `engine` fixture; READ_COMMITTED skipped on disk, which refuses it by design)."""
import random
import threading
import time

import pytest

from graphplex.databases.errors import TransientError

ACCOUNTS = 20
START = 100


def make_bank(engine, level="SNAPSHOT_ISOLATION"):
    storage = engine(isolation_level=level, lock_acquisition_timeout=5.0)
    txn = storage.begin()
    accounts = [txn.create_vertex(["Account"], {"no": i, "balance": START}).gid for i in range(ACCOUNTS)]
    txn.commit()
    return storage, accounts


def transfer(storage, accounts, rng):
    """Moves money between two accounts, retrying transient failures as `execute_write` will."""
    a, b = rng.sample(accounts, 2)
    for attempt in range(200):
        txn = storage.begin()
        try:
            for gid, delta in ((a, -1), (b, 1)):
                account = txn.vertex(gid)
                txn.lock(account)
                txn.set_property(account, "balance", txn.property(account, "balance") + delta)
            txn.commit()
            return
        except TransientError:
            txn.rollback()
            time.sleep(rng.random() * 0.0005 * min(attempt + 1, 20))
    raise AssertionError("transfer never succeeded")


def audit(storage):
    txn = storage.begin()
    total = sum(txn.property(v, "balance") for v in txn.vertices_with_label("Account"))
    txn.commit()
    return total


def run_bank(engine, level, threads, transfers):
    storage, accounts = make_bank(engine, level)
    totals, errors = [], []

    def worker(seed):
        rng = random.Random(seed)
        try:
            for _ in range(transfers):
                transfer(storage, accounts, rng)
        except BaseException as error:  # reported below
            errors.append(error)

    def auditor():
        while any(t.is_alive() for t in workers):
            totals.append(audit(storage))

    workers = [threading.Thread(target=worker, args=(seed,)) for seed in range(threads)]
    for t in workers:
        t.start()
    watcher = threading.Thread(target=auditor)
    watcher.start()
    for t in workers:
        t.join()
    watcher.join()
    assert not errors, errors
    if level == "SNAPSHOT_ISOLATION":
        assert set(totals) <= {ACCOUNTS * START}, "a snapshot saw a half-done transfer"
    assert audit(storage) == ACCOUNTS * START
    assert not storage.active_transactions()
    if engine.memory:
        assert all(v.head.older is None for v in storage.vertices.values()), "old versions were not collected"
    else:
        assert storage.locks == {}
    return storage


@pytest.mark.parametrize("level", ["SNAPSHOT_ISOLATION", "READ_COMMITTED"])
def test_transfers_lose_nothing(engine, level):
    run_bank(engine, level, threads=4, transfers=100)


@pytest.mark.slow
@pytest.mark.parametrize("level", ["SNAPSHOT_ISOLATION", "READ_COMMITTED"])
def test_transfers_lose_nothing_under_long_load(engine, level):
    run_bank(engine, level, threads=8, transfers=2000)
