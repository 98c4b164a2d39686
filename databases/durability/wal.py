"""The write-ahead log: one framed record per committed transaction, appended before the commit is visible.

A frame is `length (4 bytes) | crc32 (4 bytes) | payload`. Reading stops cleanly at a torn tail (a partial
last frame, expected after a crash); a checksum failure before the last frame is corruption."""
from __future__ import annotations

import os
import struct
import threading
import zlib
from pathlib import Path
from typing import Iterator

from databases.errors import DatabaseError

HEADER = struct.Struct("<II")
# fdatasync skips metadata that does not matter for reading the data back (as SQLite and PostgreSQL do).
_sync = getattr(os, "fdatasync", os.fsync)
DURABILITY_MODES = ("fsync", "flush", "none")


class WalWriter:
    """Appends frames; `durability` is "fsync" (synced before commit returns), "flush" (written, not synced:
    an OS crash can lose the last commits) or "none" (no log: a restart loses everything since open)."""

    def __init__(self, path: Path, durability: str = "fsync") -> None:
        if durability not in DURABILITY_MODES:
            raise ValueError(f"durability must be one of {DURABILITY_MODES}")
        self.path = path
        self.durability = durability
        self._file = open(path, "ab", buffering=0) if durability != "none" else None
        self._size = os.fstat(self._file.fileno()).st_size if self._file is not None else 0
        self._written = 0
        self._synced = 0
        self._sync_lock = threading.Lock()
        self._broken: DatabaseError | None = None

    def append(self, payload: bytes):
        """Writes a frame (under the commit lock). With "fsync", returns the function that waits until the frame
        is synced: concurrent committers share one sync (group commit). A write that fails (a full disk) is cut
        off the file again, so the log stays whole and the transaction is simply not committed."""
        if self._file is None:
            return None
        if self._broken is not None:
            raise self._broken
        frame = HEADER.pack(len(payload), zlib.crc32(payload)) + payload
        try:
            written = self._file.write(frame)
            problem = None if written == len(frame) else f"only {written} of {len(frame)} bytes were written"
        except OSError as error:
            problem = error.strerror or str(error)
        if problem is not None:
            self._cut_back()
            raise DatabaseError(f"Could not write the transaction log {self.path} ({problem}; is the disk full?). "
                                "The transaction was not committed.",
                                "Neo.DatabaseError.Transaction.TransactionCommitFailed")
        self._size += written
        self._written += written
        if self.durability != "fsync":
            return None
        position = self._written
        return lambda: self.sync_to(position)

    def _cut_back(self) -> None:
        """Removes a partly written frame; if even that fails, the log refuses every later append."""
        try:
            self._file.truncate(self._size)
        except OSError as error:
            self._broken = DatabaseError(
                f"The transaction log {self.path} may end with a partial record that could not be removed "
                f"({error.strerror or error}); no further commits are accepted: reopen the database.",
                "Neo.DatabaseError.Transaction.TransactionCommitFailed")

    def sync_to(self, position: int) -> None:
        """Returns once the log is synced at least up to `position`; one sync serves every frame written before."""
        if self._synced >= position:
            return
        with self._sync_lock:
            if self._synced >= position:
                return
            target = self._written
            _sync(self._file.fileno())
            self._synced = target

    def close(self) -> None:
        """Syncs what was written (commits may still be waiting for it) and closes the file."""
        if self._file is not None:
            with self._sync_lock:
                if self.durability != "none":
                    _sync(self._file.fileno())
                self._synced = self._written
                self._file.close()
                self._file = None


def read_frames(path: Path) -> Iterator[bytes]:
    """The payloads of a log, in order. A torn last frame is cut off the file; corruption raises."""
    if not path.exists():
        return
    data = path.read_bytes()
    offset = 0
    size = len(data)
    while offset < size:
        if offset + HEADER.size > size:
            _truncate(path, offset)
            return
        length, checksum = HEADER.unpack_from(data, offset)
        end = offset + HEADER.size + length
        if end > size:
            _truncate(path, offset)
            return
        payload = data[offset + HEADER.size:end]
        if zlib.crc32(payload) != checksum:
            if end == size:
                _truncate(path, offset)
                return
            raise DatabaseError(f"The transaction log {path} is corrupted at offset {offset}: checksum mismatch. "
                                "The database was not opened and its files were left untouched.",
                                "Neo.DatabaseError.General.UnknownError")
        yield payload
        offset = end


def _truncate(path: Path, offset: int) -> None:
    with open(path, "r+b") as file:
        file.truncate(offset)
        os.fsync(file.fileno())
