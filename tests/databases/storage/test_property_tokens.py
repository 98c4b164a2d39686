"""The property-key token registry (`storage.tokens`) keeps its documented rule on both engines and through
recovery: after any sequence of committed and rolled-back transactions, the tokens are exactly the keys that
committed transactions gave a value (also those removed again, in the same transaction or later) or named in a
schema rule, in the order they were first written; a rolled-back transaction leaves none; a transaction sees its
own new keys."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from graphplex.databases.durability import TransactionLog
from graphplex.databases.storage import SchemaChange, Storage
from graphplex.databases.storage.disk.storage import DiskStorage

KEYS = st.sampled_from(["a", "b", "c", "d", "e", "f"])
VALUES = st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=2))
OPERATIONS = st.one_of(
    st.tuples(st.just("create"), st.dictionaries(KEYS, VALUES, max_size=3)),
    st.tuples(st.just("edge"), st.dictionaries(KEYS, VALUES, max_size=2)),
    st.tuples(st.just("set"), KEYS, VALUES),
    st.tuples(st.just("replace"), st.dictionaries(KEYS, VALUES, max_size=3)),
    st.tuples(st.just("merge"), st.dictionaries(KEYS, VALUES, max_size=3)),
    st.tuples(st.just("delete")),
    st.tuples(st.just("index"), KEYS),
)
TRANSACTIONS = st.lists(st.tuples(st.lists(OPERATIONS, min_size=1, max_size=5), st.booleans()),
                        min_size=1, max_size=6)


def _run(storage, operations: list, commit: bool, indexed: set[str]) -> dict:
    """Runs one transaction; returns the keys its commit made known by the rule, in the order written (empty when
    rolled back)."""
    txn = storage.begin()
    written: dict[str, None] = {}
    vertex = None
    for operation in operations:
        kind = operation[0]
        if kind in ("create", "edge"):
            props = operation[1]
            vertex = txn.create_vertex(["L"], props if kind == "create" else None)
            if kind == "edge":
                txn.create_edge(vertex, vertex, "R", props)
            written.update((key, None) for key, value in props.items() if value is not None)
        elif vertex is None:
            continue
        elif kind == "set":
            txn.set_property(vertex, operation[1], operation[2])
            if operation[2] is not None:
                written[operation[1]] = None
        elif kind in ("replace", "merge"):
            txn.set_properties(vertex, operation[1], replace=kind == "replace")
            written.update((key, None) for key, value in operation[1].items() if value is not None)
        elif kind == "delete":
            txn.delete_vertex(vertex, detach=True)
            vertex = None
    created: set[str] = set()
    for operation in operations:
        if operation[0] == "index" and operation[1] not in indexed | created:
            txn.change_schema(SchemaChange("create_index", f"i_{operation[1]}", "NODE", "L", (operation[1],)))
            created.add(operation[1])
            written[operation[1]] = None
    assert txn.new_property_keys() == tuple(key for key in written if key not in storage.property_keys), \
        "a transaction sees its own new keys, in the order written, before they are tokens"
    if commit:
        txn.commit()
        indexed |= created
        return written
    txn.rollback()
    return {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TRANSACTIONS)
def test_in_memory_tokens_are_the_committed_keys_and_recovery_rebuilds_them(transactions):
    directory = Path(tempfile.mkdtemp(prefix="tokens-"))
    try:
        storage = Storage()
        log = TransactionLog(storage, directory)
        expected: dict[str, None] = {}
        indexed: set[str] = set()
        for operations, commit in transactions:
            expected.update(_run(storage, operations, commit, indexed))
            assert storage.property_keys.names() == list(expected)
        log.close(checkpoint=False)
        replayed = Storage()
        TransactionLog(replayed, directory).close(checkpoint=True)  # recovered from the log, then a snapshot
        assert replayed.property_keys.names() == list(expected)
        from_snapshot = Storage()
        TransactionLog(from_snapshot, directory).close(checkpoint=False)
        assert from_snapshot.property_keys.names() == list(expected)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TRANSACTIONS)
def test_on_disk_tokens_are_the_committed_keys_and_survive_reopening(transactions):
    directory = Path(tempfile.mkdtemp(prefix="tokens-disk-"))
    try:
        storage = DiskStorage(directory, "tokens")
        expected: dict[str, None] = {}
        indexed: set[str] = set()
        for operations, commit in transactions:
            expected.update(_run(storage, operations, commit, indexed))
            assert storage.property_keys.names() == list(expected)
        storage.close()
        reopened = DiskStorage(directory, "tokens")
        assert reopened.property_keys.names() == list(expected)
        reopened.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_keys_removed_before_a_snapshot_stay_tokens_after_it(tmp_path):
    storage = Storage()
    log = TransactionLog(storage, tmp_path)
    txn = storage.begin()
    vertex = txn.create_vertex([], {"gone": 1, "kept": 2})
    txn.commit()
    txn = storage.begin()
    txn.set_property(vertex, "gone", None)
    txn.commit()
    log.checkpoint()  # the log is truncated: only the snapshot knows that `gone` was ever used
    log.close(checkpoint=False)
    recovered = Storage()
    TransactionLog(recovered, tmp_path).close(checkpoint=False)
    assert recovered.property_keys.names() == ["gone", "kept"]


def test_an_analytical_commit_reaches_the_snapshot_written_when_leaving_analytical_mode(tmp_path):
    from graphplex.databases.storage import StorageMode
    storage = Storage()
    log = TransactionLog(storage, tmp_path)
    storage.switch_mode(StorageMode.IN_MEMORY_ANALYTICAL)
    txn = storage.begin()
    txn.set_property(txn.create_vertex([], {"x": 1}), "x", None)
    txn.commit()
    storage.switch_mode(StorageMode.IN_MEMORY_TRANSACTIONAL, log.checkpoint)
    log.close(checkpoint=False)
    recovered = Storage()
    TransactionLog(recovered, tmp_path).close(checkpoint=False)
    assert recovered.property_keys.names() == ["x"]


def test_files_written_before_the_registry_give_the_keys_their_entities_hold(tmp_path):
    from graphplex.databases.durability.records import SNAPSHOT, write_graph_file
    from graphplex.databases.durability.snapshot import SNAPSHOT_NAME
    write_graph_file(SNAPSHOT, tmp_path / SNAPSHOT_NAME, 3,
                     [("V", 0, ["L"], {"old": 1}), ("V", 1, [], {}), ("E", 0, "R", 0, 1, {"since": 2}),
                      ("N", 2, 1)])
    recovered = Storage()
    TransactionLog(recovered, tmp_path).close(checkpoint=True)
    assert recovered.property_keys.names() == ["old", "since"]
    again = Storage()  # now from the snapshot just written, which carries its tokens
    TransactionLog(again, tmp_path).close(checkpoint=False)
    assert again.property_keys.names() == ["old", "since"]
