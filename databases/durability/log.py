"""A database's transaction log: recovery when the database opens, one appended record per commit after."""
from __future__ import annotations

from pathlib import Path

from databases.durability.codec import decode, encode
from databases.durability.redo import redo_record
from databases.durability.wal import WalWriter, read_frames
from databases.errors import DatabaseError
from databases.storage import Storage, Transaction

LOG_NAME = "transactions.log"


class TransactionLog:
    """Binds a storage to its log in `directory`: replays what is there, then logs every commit before it
    becomes visible (the storage's publish hook)."""

    def __init__(self, storage: Storage, directory: Path, durability: str = "fsync") -> None:
        self.storage = storage
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / LOG_NAME
        self.recover()
        self.writer = WalWriter(self.path, durability)
        storage.add_publish_hook(self._append)

    def recover(self) -> int:
        """Replays every whole record of the log; returns how many."""
        count = 0
        for offset, payload in enumerate(read_frames(self.path)):
            try:
                commit_ts, operations = decode(payload)
            except Exception as error:  # a record that checks out but does not decode is corruption too
                raise DatabaseError(f"The transaction log {self.path} holds an unreadable record (number {offset}): "
                                    f"{error}", "Neo.DatabaseError.General.UnknownError") from error
            self.storage.replay(commit_ts, operations)
            count += 1
        return count

    def _append(self, txn: Transaction, commit_ts: int) -> None:
        self.writer.append(encode(redo_record(txn, commit_ts)))

    def close(self) -> None:
        self.writer.close()
