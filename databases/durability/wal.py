"""The write-ahead log: one framed record per committed transaction, appended before the commit is visible.

The file starts with the log's header (magic and format version, `records.LOG`), written together with the
first frame, so an empty log is an empty file. A frame is `length (4 bytes) | crc32 (4 bytes) | payload`.
Reading stops cleanly at a torn tail (a partial last frame, expected after a crash); a checksum failure before
the last frame is corruption."""
from __future__ import annotations

import os
import threading
import zlib
from pathlib import Path
from typing import Iterator

from graphplex.databases.durability.records import FRAME, LOG, check_header
from graphplex.databases.errors import DatabaseError

# fdatasync skips metadata that does not matter for reading the data back (as SQLite and PostgreSQL do).
_sync = getattr(os, "fdatasync", os.fsync)
DURABILITY_MODES = ("fsync", "flush", "none")
PREALLOCATION = 4 * 1024 * 1024  # bytes the log grows by at a time


class WalWriter:
    """Appends frames; `durability` is "fsync" (synced before commit returns), "flush" (written, not synced:
    an OS crash can lose the last commits) or "none" (no log: a restart loses everything since open).

    The file is preallocated in chunks and frames are written into the allocated space: a sync then has no file
    size to record, which makes it much cheaper (as SQLite's reused WAL file). A zero-length header marks the end
    of the log; a clean close cuts the file back to its last frame."""

    def __init__(self, path: Path, durability: str = "fsync") -> None:
        if durability not in DURABILITY_MODES:
            raise ValueError(f"durability must be one of {DURABILITY_MODES}")
        self.path = path
        self.durability = durability
        self._fd: int | None = None
        self.size = 0
        self._allocated = 0
        if durability != "none":
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            self.size = _logical_end(self._fd)
            os.ftruncate(self._fd, self.size)
            self._allocated = self.size
        self._written = 0
        self._synced = 0
        self._sync_lock = threading.Lock()
        self._broken: DatabaseError | None = None

    def append(self, payload: bytes):
        """Writes a frame (under the commit lock). With "fsync", returns the function that waits until the frame
        is synced: concurrent committers share one sync (group commit). A frame that cannot be written (a full
        disk) leaves the log whole, and the transaction is simply not committed."""
        if self._fd is None:
            return None
        if self._broken is not None:
            raise self._broken
        frame = FRAME.pack(len(payload), zlib.crc32(payload)) + payload
        if self.size == 0:
            frame = LOG.header + frame
        try:
            self._reserve(len(frame))
            written = os.pwrite(self._fd, frame, self.size)
            problem = None if written == len(frame) else f"only {written} of {len(frame)} bytes were written"
        except OSError as error:
            written, problem = 0, error.strerror or str(error)
        if problem is not None:
            self._erase(written)
            raise DatabaseError(f"Could not write the transaction log {self.path} ({problem}; is the disk full?). "
                                "The transaction was not committed.",
                                "Neo.DatabaseError.Transaction.TransactionCommitFailed")
        self.size += written
        self._written += written
        if self.durability != "fsync":
            return None
        position = self._written
        return lambda: self.sync_to(position)

    def _reserve(self, size: int) -> None:
        """Allocates room for `size` more bytes; a full disk fails here, before anything is written."""
        if self.size + size <= self._allocated:
            return
        grow = max(PREALLOCATION, self.size + size - self._allocated)
        os.posix_fallocate(self._fd, self._allocated, grow)
        self._allocated += grow

    def _erase(self, written: int) -> None:
        """Zeroes a partly written frame (the zero header ends the log there); if even that fails, the log
        refuses every later append."""
        if written == 0:
            return
        try:
            os.pwrite(self._fd, bytes(written), self.size)
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
            _sync(self._fd)
            self._synced = target

    def close(self) -> None:
        """Syncs what was written (commits may still be waiting for it), cuts the unused preallocated space off
        and closes the file."""
        if self._fd is not None:
            with self._sync_lock:
                os.ftruncate(self._fd, self.size)
                if self.durability != "none":
                    _sync(self._fd)
                self._synced = self._written
                os.close(self._fd)
                self._fd = None


def _logical_end(fd: int) -> int:
    """Where the frames of a (recovered) log end: at the first zero-length header, or the end of the file."""
    size = os.fstat(fd).st_size
    header = LOG.header
    if os.pread(fd, len(header), 0) != header:
        return 0  # an empty log (recovery has refused any other header)
    offset = len(header)
    while offset + FRAME.size <= size:
        length, _ = FRAME.unpack(os.pread(fd, FRAME.size, offset))
        if length == 0 or offset + FRAME.size + length > size:
            break
        offset += FRAME.size + length
    return offset


def read_frames(path: Path) -> Iterator[bytes]:
    """The payloads of a log, in order. A torn last frame is cut off the file; corruption raises."""
    if not path.exists():
        return
    data = path.read_bytes()
    header = LOG.header
    used = data[:len(header)].rstrip(b"\0")
    if len(used) < len(header) and header.startswith(used) and not data[len(header):].strip(b"\0"):
        # Nothing, or the start of the header before zeros: the first frame (written with the header) was torn.
        if used:
            _truncate(path, 0)
        return
    offset = check_header(LOG, path, data)
    size = len(data)
    while offset < size:
        if offset + FRAME.size > size:
            _truncate(path, offset)
            return
        length, checksum = FRAME.unpack_from(data, offset)
        if length == 0:  # the unused, preallocated rest of the log
            return
        end = offset + FRAME.size + length
        if end > size:
            _truncate(path, offset)
            return
        payload = data[offset + FRAME.size:end]
        if zlib.crc32(payload) != checksum:
            if not data[end:].strip(b"\0"):  # nothing but unused space after it: a torn last frame
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
