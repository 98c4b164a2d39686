"""A database's durable state: a snapshot and the transaction log after it.

Opening recovers (the newest snapshot, then every logged commit after it); each commit is then logged before it
becomes visible (the storage's publish hook). A checkpoint rotates the log under the commit lock, writes a
snapshot while transactions keep running, and then drops the rotated log: a crash at any moment leaves either
the old snapshot and both logs, or the new snapshot (and records it already holds are skipped on replay)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from graphplex.databases.durability.frames import FRAME, pack_frame
from graphplex.databases.durability.records import LOG, commit_record, damaged, decode_commit
from graphplex.databases.durability.snapshot import SNAPSHOT_NAME, read_snapshot, write_snapshot
from graphplex.databases.durability.wal import LogFile, WalWriter
from graphplex.databases.errors import DatabaseError
from graphplex.databases.storage import Storage, StorageMode, Transaction

LOG_NAME = "transactions.log"
ROTATED_NAME = "transactions.log.old"
CHECKPOINT_BYTES = 64 * 1024 * 1024


class TransactionLog:
    """Binds a storage to its snapshot and log in `directory`."""

    def __init__(self, storage: Storage, directory: Path, durability: str = "fsync",
                 checkpoint_bytes: int = CHECKPOINT_BYTES) -> None:
        self.storage = storage
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / LOG_NAME
        self.durability = durability
        self.checkpoint_bytes = checkpoint_bytes
        self._checkpointing = threading.Lock()
        self.last_checkpoint_error: Exception | None = None
        recovered = self.recover()
        self.writer = WalWriter(self.path, durability, recovered.end, recovered.number)
        self._logged_bytes = self.writer.size
        storage.add_publish_hook(self._append)

    def recover(self) -> LogFile:
        """Loads the snapshot and replays every later whole record of the logs (the rotated one, then the log);
        returns the log as read, for the writer to continue. Files change only once all of them have been read:
        then torn tails are cut. The rotated log goes before the log, so a damaged tail of it with commits in the
        log after it is damage, not a torn tail."""
        snapshot = read_snapshot(self.directory)
        replayed = 0
        entity_keys = True
        if snapshot is not None:
            replayed, operations = snapshot
            # A snapshot ending with its property-key tokens (before the next ids) was written by a graphplex that
            # logs every commit's new keys: no key needs taking from the entities, here or in the logs after it.
            entity_keys = all(operation[0] != "K" for operation in operations[-2:])
            self.storage.replay(replayed, operations, entity_keys)
        logs = LogFile(self.directory / ROTATED_NAME), LogFile(self.path)
        for log in logs:
            for offset, payload in log.records():
                try:
                    commit_ts, operations = decode_commit(payload)
                except Exception as error:  # a record that checks out but does not decode is corruption too
                    detail = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
                    raise damaged(LOG, log.path, offset, f"an unreadable record: {detail}") from error
                if commit_ts > replayed:
                    self.storage.replay(commit_ts, operations, entity_keys)
                    replayed = commit_ts
        rotated, current = logs
        if rotated.torn_at is not None and current.number:
            raise damaged(LOG, rotated.path, rotated.torn_at, f"its last record; {current.path} holds commits after "
                          "it, so this is no torn tail")
        for log in logs:
            log.cut()
        return current

    def _append(self, txn: Transaction, commit_ts: int):
        if self.durability == "none" or self.storage.mode is StorageMode.IN_MEMORY_ANALYTICAL:
            return None  # nothing is logged (analytical commits: only snapshots keep them)
        payload = commit_record(txn, commit_ts)
        durable = self.writer.append(payload)
        self._logged_bytes += len(payload) + FRAME.size
        if self._logged_bytes > self.checkpoint_bytes and not self._checkpointing.locked():
            threading.Thread(target=self._background_checkpoint, name="graphplex-checkpoint", daemon=True).start()
        return durable

    @property
    def snapshot_path(self) -> Path:
        return self.directory / SNAPSHOT_NAME

    def disk_usage(self) -> int:
        """Bytes the database's files take."""
        total = 0
        for path in self.directory.iterdir():
            try:
                total += path.stat().st_size if path.is_file() else 0
            except FileNotFoundError:  # a checkpoint replaced it meanwhile
                pass
        return total

    def checkpoint(self) -> int | None:
        """Writes a snapshot and truncates the log before it; returns the snapshot's timestamp."""
        if self.durability == "none":
            return None
        with self._checkpointing:
            with self.storage.commit_lock:
                self.writer.close()
                end, number = self.writer.size, self.writer.number  # where the log goes on if it stays
                try:
                    self._rotate()
                    end, number = 0, 0
                finally:
                    self.writer = WalWriter(self.path, self.durability, end, number)
                    self._logged_bytes = self.writer.size
                rotated_up_to = self.storage.reserved_ts
            # The snapshot must hold every commit of the rotated log, also those still waiting to be published.
            self.storage.wait_published(rotated_up_to)
            ts = write_snapshot(self.storage, self.directory)
            (self.directory / ROTATED_NAME).unlink(missing_ok=True)
            return ts

    def _rotate(self) -> None:
        """Moves the log aside for the snapshot being written. A rotated log left by a checkpoint that failed
        (a full disk) still holds commits no snapshot has: the log's records are appended to it, never written
        over it, renumbered to go on from its last frame."""
        rotated = self.directory / ROTATED_NAME
        if not self.path.exists():
            return
        if not rotated.exists():
            self.path.replace(rotated)
            return
        old = LogFile(rotated)
        for _ in old.records():
            pass
        data = b"".join(pack_frame(payload, old.number + number)
                        for number, (_, payload) in enumerate(LogFile(self.path).records()))
        if old.end == 0:
            data = LOG.header + data
        try:
            with open(rotated, "r+b") as target:
                target.seek(old.end)
                target.write(data)
                target.truncate()
                target.flush()
                os.fsync(target.fileno())
        except OSError as error:
            try:
                os.truncate(rotated, old.end)
            except OSError:
                pass  # a partial copy: the next checkpoint writes over it; a reopen before that refuses it
            reason = error.strerror or str(error)
            raise DatabaseError(f"Could not start a checkpoint: appending to {rotated} failed ({reason}; is the "
                                "disk full?). Nothing was lost: the logs are kept.",
                                "Neo.DatabaseError.General.UnknownError") from error
        self.path.unlink()

    def _background_checkpoint(self) -> None:
        """A checkpoint started by the size policy; a failure (a full disk) is kept for SHOW STORAGE INFO and the
        log simply grows until a later checkpoint succeeds."""
        try:
            self.checkpoint()
            self.last_checkpoint_error = None
        except Exception as error:  # nothing is lost: the old snapshot and the logs are all still there
            self.last_checkpoint_error = error

    def close(self, checkpoint: bool = True) -> None:
        """Closes the log, after a checkpoint when asked (a clean close leaves a short log to replay)."""
        try:
            if checkpoint:
                self.checkpoint()
        finally:
            self.writer.close()
