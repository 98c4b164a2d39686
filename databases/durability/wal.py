"""The write-ahead log: one frame (`frames`) per committed transaction, appended before the commit is visible.

The file starts with the log's header (magic and format version, `records.LOG`), written together with the
first frame, so an empty log is an empty file; frames are numbered from 0 along the file.

Recovery reads a log with `LogFile`, which tells a torn tail from damage by what follows: a frame that cannot be
read is the tail a crash cut short, and is cut off, only when no whole frame follows it anywhere in the file.
With a whole frame after it, cutting would silently drop that commit and every later one, so the log is refused,
naming the file and the offset, and nothing is changed. The frame header's checksum is what makes this work: a
damaged length is caught rather than followed to the wrong place."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterator

from graphplex.databases.durability.frames import DamagedFrame, next_intact_frame, pack_frame, read_frame
from graphplex.databases.durability.records import LOG, check_header, damaged
from graphplex.databases.errors import DatabaseError

# fdatasync skips metadata that does not matter for reading the data back (as SQLite and PostgreSQL do).
_sync = getattr(os, "fdatasync", os.fsync)
DURABILITY_MODES = ("fsync", "flush", "none")
PREALLOCATION = 4 * 1024 * 1024  # bytes the log grows by at a time


class WalWriter:
    """Appends frames; `durability` is "fsync" (synced before commit returns), "flush" (written, not synced:
    an OS crash can lose the last commits) or "none" (no log: a restart loses everything since open).

    The file is preallocated in chunks and frames are written into the allocated space: a sync then has no file
    size to record, which makes it much cheaper (as SQLite's reused WAL file). The unused space reads as zeros,
    which no frame is; a clean close cuts the file back to its last frame.

    The writer continues the log at `end`, with frame `number`: where recovery found the whole frames to end."""

    def __init__(self, path: Path, durability: str = "fsync", end: int = 0, number: int = 0) -> None:
        if durability not in DURABILITY_MODES:
            raise ValueError(f"durability must be one of {DURABILITY_MODES}")
        self.path = path
        self.durability = durability
        self._fd: int | None = None
        self.size = 0
        self.number = number
        self._allocated = 0
        if durability != "none":
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            self.size = end
            os.ftruncate(self._fd, end)  # the space frames are written into must read as zeros
            self._allocated = end
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
        frame = pack_frame(payload, self.number)
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
        self.number += 1
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
        """Zeroes a partly written frame (zeros end the log there); if even that fails, the log refuses every
        later append."""
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


class LogFile:
    """One log file as recovery reads it, changing nothing: `records` yields its payloads in order, each with
    its frame's offset; after them, `end` is where its whole frames end, `number` how many there are, and
    `torn_at` where a damaged tail starts (None when only zeros, or nothing, follow the frames). `cut` then
    removes what follows the whole frames."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.end = 0
        self.number = 0
        self.torn_at: int | None = None
        self._size = 0

    def records(self) -> Iterator[tuple[int, bytes]]:
        """(offset, payload) of each whole frame; refuses a damaged frame that a whole frame follows."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        self._size = offset = len(data)
        if data:
            offset = self._first_frame(data)
        while offset < len(data):
            try:
                payload, end = read_frame(data, offset, self.number)
            except DamagedFrame as damage:
                self._tail(data, damage)
                return
            yield offset, payload
            self.number += 1
            self.end = offset = end

    def _first_frame(self, data: bytes) -> int:
        """Where the frames start. A header a crash cut short (what was written is right, the rest zeros) with no
        whole frame after it is a torn first write: the log holds nothing. Any other header is checked."""
        header = LOG.header
        written = data[:len(header)]
        if written != header and all(byte in (0, right) for byte, right in zip(written, header)):
            if next_intact_frame(data, 0, 0) is None:
                self.torn_at = 0 if data.strip(b"\0") else None
                return len(data)
        return check_header(LOG, self.path, data)

    def _tail(self, data: bytes, damage: DamagedFrame) -> None:
        following = next_intact_frame(data, damage.resume, self.number + 1)
        if following is not None:
            raise damaged(LOG, self.path, damage.offset,
                          f"{damage.detail}; a whole record follows at offset {following}, so this is no torn tail "
                          "and cutting the log here would lose the commits from there on")
        if data[damage.offset:].strip(b"\0"):
            self.torn_at = damage.offset

    def cut(self) -> None:
        """Removes a torn tail, or the unused space a crash leaves, after the whole frames."""
        if self._size > self.end:
            with open(self.path, "r+b") as file:
                file.truncate(self.end)
                os.fsync(file.fileno())
