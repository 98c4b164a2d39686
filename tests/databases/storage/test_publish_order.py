"""Commits that wait for a log sync are published in timestamp order; one with nobody before it publishes at once."""
import threading

from graphplex.databases.storage import Storage


def _slow_first_sync(storage: Storage) -> threading.Event:
    """A publish hook whose first commit's sync waits for the returned event; later syncs return at once."""
    release = threading.Event()
    calls = []

    def hook(txn, commit_ts):
        calls.append(commit_ts)
        return release.wait if len(calls) == 1 else (lambda: None)
    storage.add_publish_hook(hook)
    return release


def _create(storage: Storage, label: str, done: list) -> None:
    txn = storage.begin()
    txn.create_vertex([label])
    done.append((label, txn.commit(), storage.last_commit_ts))


def test_a_later_commit_waits_for_an_earlier_one_still_syncing():
    storage = Storage()
    release = _slow_first_sync(storage)
    done: list = []
    first = threading.Thread(target=_create, args=(storage, "First", done))
    first.start()
    while storage.reserved_ts < 1:  # the first commit has its timestamp and waits for its sync
        threading.Event().wait(0.001)
    second = threading.Thread(target=_create, args=(storage, "Second", done))
    second.start()
    while storage.reserved_ts < 2:
        threading.Event().wait(0.001)
    second.join(0.05)
    assert second.is_alive() and storage.last_commit_ts == 0  # synced, but not visible before the first
    release.set()
    first.join(5)
    second.join(5)
    assert [(label, ts) for label, ts, _ in done] == [("First", 1), ("Second", 2)]
    assert [visible for _, _, visible in done] == [1, 2]
    assert storage._awaiting == 0


def test_a_reader_waiting_for_a_commit_is_woken_by_its_publication():
    storage = Storage()
    release = _slow_first_sync(storage)
    done: list = []
    writer = threading.Thread(target=_create, args=(storage, "Late", done))
    writer.start()
    while storage.reserved_ts < 1:
        threading.Event().wait(0.001)
    seen = []
    reader = threading.Thread(target=lambda: (storage.wait_published(1), seen.append(storage.last_commit_ts)))
    reader.start()
    reader.join(0.05)
    assert reader.is_alive() and not seen
    release.set()
    writer.join(5)
    reader.join(5)
    assert seen == [1] and storage._awaiting == 0


def test_a_lone_committer_publishes_without_waiting():
    storage = Storage()
    storage.add_publish_hook(lambda txn, commit_ts: (lambda: None))
    done: list = []
    for label in ("A", "B", "C"):
        _create(storage, label, done)
    assert [ts for _, ts, _ in done] == [1, 2, 3] and storage.last_commit_ts == 3
    reader = storage.begin()
    assert sorted(next(iter(reader.view(v).labels)) for v in reader.vertices()) == ["A", "B", "C"]
