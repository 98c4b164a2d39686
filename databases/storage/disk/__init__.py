"""ON_DISK_TRANSACTIONAL: the committed graph in SQLite, snapshot transactions over it."""
from graphplex.databases.storage.disk.storage import ONLY_SNAPSHOT_ISOLATION, DiskStorage
from graphplex.databases.storage.disk.store import FILE_NAME

# The files of an on-disk store (SQLite's write-ahead log and shared memory beside the database file).
DISK_FILES = (FILE_NAME, FILE_NAME + "-wal", FILE_NAME + "-shm")

__all__ = ["DiskStorage", "ONLY_SNAPSHOT_ISOLATION", "DISK_FILES"]
