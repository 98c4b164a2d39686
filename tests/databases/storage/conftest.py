"""The storage conformance fixture: tests that take `engine` run once against each storage engine."""
import itertools

import pytest

from graphplex.databases.storage import IsolationLevel, Storage
from graphplex.databases.storage.disk.storage import DiskStorage

DISK_LEVELS_SKIP = ("ON_DISK_TRANSACTIONAL offers SNAPSHOT_ISOLATION only, by design: the engine refuses {} "
                    "(as Memgraph's on-disk storage does)")


class Engine:
    """Makes storages of one engine (`name`: "memory" or "disk", the latter in a temporary directory) and closes
    them after the test. Asking the disk engine for another isolation level than snapshot skips the test."""

    def __init__(self, name: str, directory) -> None:
        self.name = name
        self.memory = name == "memory"
        self._directory = directory
        self._numbers = itertools.count()
        self._made: list = []

    def __call__(self, isolation_level: str = "SNAPSHOT_ISOLATION", lock_acquisition_timeout: float = 60.0):
        level = IsolationLevel.parse(isolation_level)
        if self.memory:
            storage = Storage(isolation_level=level, lock_acquisition_timeout=lock_acquisition_timeout)
        else:
            if level is not IsolationLevel.SNAPSHOT_ISOLATION:
                pytest.skip(DISK_LEVELS_SKIP.format(level.value))
            storage = DiskStorage(self._directory / f"disk{next(self._numbers)}", "conformance",
                                  lock_acquisition_timeout)
        self._made.append(storage)
        return storage

    def close(self) -> None:
        for storage in self._made:
            for txn in storage.active_transactions():
                if txn.is_open:
                    txn.rollback()
            storage.close()


@pytest.fixture(params=["memory", "disk"])
def engine(request, tmp_path):
    """A maker of storages of each engine in turn: `engine()`, `engine("READ_COMMITTED", 0.05)`."""
    maker = Engine(request.param, tmp_path)
    yield maker
    maker.close()
