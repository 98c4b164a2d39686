"""`storage.columns`: a label's property columns as of one commit, the commit hook noting changed nodes, and which
transactions may scan them (and which nodes each must read row by row)."""
from __future__ import annotations

import math
import threading

import pytest

from graphplex.databases.storage import columns
from graphplex.databases.storage.columns import ColumnStore, build_column, column_scan
from graphplex.databases.storage.storage import Storage

ROWS = 300


# --- build_column -----------------------------------------------------------------------------------------------------

def test_a_column_of_integers_knows_its_largest_magnitude():
    column = build_column([3, None, -7, 0])
    assert column.kind == "int"
    assert column.values.tolist() == [3, 0, -7, 0]
    assert column.nulls.tolist() == [False, True, False, False]
    assert column.bound == 7


def test_the_smallest_integer_has_a_magnitude_beyond_int64():
    assert build_column([-(1 << 63), (1 << 63) - 1]).bound == 1 << 63


@pytest.mark.parametrize("values, kind", [
    ([1.5, None, math.nan, -0.0, math.inf], "float"),
    (["a", None, ""], "str"),
    ([True, None, False], "bool"),
    ([None, None], "null"),
    ([], "null"),
])
def test_one_kind_per_column(values, kind):
    column = build_column(values)
    assert column.kind == kind
    assert len(column.values) == len(column.nulls) == len(values)
    assert column.nulls.tolist() == [value is None for value in values]


def test_floats_keep_nan_and_the_sign_of_zero():
    column = build_column([math.nan, -0.0])
    assert math.isnan(column.values[0]) and math.copysign(1.0, column.values[1]) == -1.0


@pytest.mark.parametrize("values", [[1, 1.0], [True, 1], ["1", 1], [[1], None], [1, None, "a"]])
def test_mixed_or_unsupported_values_give_no_column(values):
    assert build_column(values) is None


# --- the store --------------------------------------------------------------------------------------------------------

@pytest.fixture
def storage() -> Storage:
    store = Storage()
    txn = store.begin()
    for index in range(ROWS):
        txn.create_vertex(("L",), {"i": index, "s": str(index % 3)})
    txn.commit()
    return store


def _scan(storage: Storage, txn):
    return storage.columns.scan(txn, "L")


def _by_id(storage: Storage, index: int):
    return next(vertex for vertex in storage.vertices.values() if vertex.head.props.get("i") == index)


def _commit(storage: Storage, write) -> None:
    txn = storage.begin()
    write(txn)
    txn.commit()


def test_a_fresh_reader_takes_every_node_from_the_columns(storage):
    txn = storage.begin()
    scan = _scan(storage, txn)
    assert scan.size == ROWS and scan.usable.all() and scan.delta == []
    assert scan.column("i").values.tolist() == list(range(ROWS))
    assert scan.column("missing").kind == "null"
    txn.rollback()


def test_small_labels_are_scanned_row_by_row(storage, monkeypatch):
    txn = storage.begin()
    assert storage.columns.scan(txn, "Nothing") is None
    monkeypatch.setattr(columns, "MIN_COLUMN_ROWS", ROWS + 1)
    assert _scan(storage, txn) is None
    txn.rollback()


def test_a_restricted_reader_is_scanned_row_by_row(storage):
    txn = storage.begin()
    txn.read_filter = lambda view, entity, version: version
    assert _scan(storage, txn) is None
    txn.rollback()


def test_column_scan_asks_the_transactions_storage():
    class Elsewhere:
        storage = object()  # an engine without columns (the on-disk one)
    assert column_scan(Elsewhere(), "L") is None


def test_own_writes_are_read_row_by_row(storage):
    txn = storage.begin()
    _scan(storage, txn)
    changed, relabelled = _by_id(storage, 5), _by_id(storage, 6)
    txn.set_property(changed, "i", -5)
    txn.remove_labels(relabelled, ("L",))
    created = txn.create_vertex(("L",), {"i": 1000})
    scan = _scan(storage, txn)
    assert set(scan.delta) == {changed, relabelled, created}
    positions = scan.columns.positions()
    assert not scan.usable[positions[changed]] and not scan.usable[positions[relabelled]]
    assert scan.usable.sum() == ROWS - 2
    assert scan.column("i").values[positions[changed]] == 5, "the columns keep the committed value"
    txn.rollback()


@pytest.mark.parametrize("change", ["property", "label removed", "deleted", "label added", "created"])
def test_a_commit_after_the_build_sends_its_nodes_row_by_row(storage, change):
    reader = storage.begin()
    _scan(storage, reader)
    target = _by_id(storage, 9)
    writes = {
        "property": lambda txn: txn.set_property(target, "s", "x"),
        "label removed": lambda txn: txn.remove_labels(target, ("L",)),
        "deleted": lambda txn: txn.delete_vertex(target, detach=True),
        "label added": lambda txn: txn.add_labels(target, ("M",)),
        "created": lambda txn: txn.create_vertex(("L",), {"i": 2000}),
    }
    _commit(storage, writes[change])
    later = storage.begin()
    scan = _scan(storage, later)
    if change == "created":
        assert len(scan.delta) == 1 and scan.usable.all()
    else:
        assert scan.delta == [target]
        assert not scan.usable[scan.columns.positions()[target]]
    reader.rollback()
    later.rollback()


def test_a_rolled_back_write_changes_nothing(storage):
    reader = storage.begin()
    _scan(storage, reader)
    txn = storage.begin()
    txn.set_property(_by_id(storage, 3), "i", 99)
    txn.rollback()
    assert _scan(storage, reader).delta == []
    reader.rollback()


def test_a_dirty_reader_also_reads_other_open_transactions_writes(storage):
    writer = storage.begin()
    target = _by_id(storage, 4)
    writer.set_property(target, "i", 44)
    dirty, clean = storage.begin("READ_UNCOMMITTED"), storage.begin("READ_COMMITTED")
    assert _scan(storage, dirty).delta == [target]
    assert _scan(storage, clean).delta == []
    for txn in (writer, dirty, clean):
        txn.rollback()


def test_many_changes_rebuild_the_columns_and_older_snapshots_read_row_by_row(storage):
    old = storage.begin()
    first = _scan(storage, old).columns
    assert first.built_ts <= old.read_ts

    def many(txn):
        for index in range(100):
            txn.set_property(_by_id(storage, index), "i", -index)
    _commit(storage, many)
    new = storage.begin()
    rebuilt = _scan(storage, new)
    assert rebuilt.columns is not first and rebuilt.delta == []
    assert rebuilt.column("i").values[:3].tolist() == [0, -1, -2]
    assert _scan(storage, old) is None, "a snapshot older than the columns reads row by row"
    old.rollback()
    new.rollback()


def test_a_scan_during_a_build_waits_for_the_columns_or_reads_row_by_row(storage):
    """Found by the concurrent behaviour test: a build published the columns before filling them, and a scan meanwhile
    took them empty (AttributeError on `present`)."""
    filling, release = threading.Event(), threading.Event()
    original = columns.LabelColumns.fill

    def slow_fill(self):
        filling.set()
        release.wait(5)
        original(self)
    columns.LabelColumns.fill = slow_fill
    builder = storage.begin()
    thread = threading.Thread(target=lambda: _scan(storage, builder))
    try:
        thread.start()
        assert filling.wait(5)
        reader = storage.begin()
        writer = storage.begin()
        writer.set_property(_by_id(storage, 1), "i", -1)  # the reader's delta is another's write: none here
        timer = threading.Timer(0.2, release.set)  # the fill ends while the reader's scan waits (or has returned)
        timer.start()
        scan = _scan(storage, reader)
        timer.join()
        assert scan is None or (scan.usable is not None and len(scan.columns.props) == ROWS)
        writer.rollback()
        reader.rollback()
    finally:
        release.set()
        thread.join()
        columns.LabelColumns.fill = original
        builder.rollback()


def test_a_store_without_columns_built_notes_nothing(storage):
    store: ColumnStore = storage.columns
    _commit(storage, lambda txn: txn.set_property(_by_id(storage, 2), "i", 7))
    assert store._labels == {}


def test_an_integer_beyond_64_bits_gives_no_column():
    assert build_column([1 << 63, 1]) is None


# --- what the store holds on to, and when it rebuilds (review of the session's change) -------------------------------

def test_columns_made_stale_by_commits_are_let_go(storage):
    txn = storage.begin()
    built = _scan(storage, txn).columns
    txn.rollback()
    for _ in range(100):  # nodes created and deleted: the storage frees them, the columns must not keep them
        _commit(storage, lambda t: t.delete_vertex(t.create_vertex(("L",), {"i": -1})))
    assert built.stale
    assert storage.columns._labels.get("L") is not built


def test_a_count_does_not_rebuild_after_a_commit(storage):
    txn = storage.begin()
    built = _scan(storage, txn).columns
    txn.rollback()
    _commit(storage, lambda t: t.set_property(_by_id(storage, 5), "i", 500))
    txn = storage.begin()
    assert storage.columns.scan(txn, "L").columns is built  # counts take the changed node row by row
    assert storage.columns.scan(txn, "L", fresh=True).columns is not built  # an order-dependent answer rebuilds
    txn.rollback()


def test_an_older_snapshot_does_not_rebuild_columns_it_could_not_use(storage):
    old = storage.begin()
    built = _scan(storage, old).columns
    _commit(storage, lambda t: t.set_property(_by_id(storage, 5), "i", 500))
    assert storage.columns.scan(old, "L", fresh=True).columns is built
    assert storage.columns._labels["L"] is built
    old.rollback()


def test_a_node_written_under_another_label_is_not_read_by_the_scan(storage):
    txn = storage.begin()
    _scan(storage, txn)
    txn.create_vertex(("Other",), {"i": 1})
    assert _scan(storage, txn).delta == []
    txn.rollback()
