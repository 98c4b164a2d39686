"""Frames: how every record of a log, snapshot or dump is stored, and how a damaged one is found.

A frame is `length (u32) | number (u32) | payload crc32 (u32) | header crc32 (u32) | payload`. The header has its
own checksum (over its first twelve bytes) because a length is used before the payload can be checked: a damaged
length, believed, sends the reader past or into the later records, and the damage then looks like a torn write.
The number counts the frames of a file from 0, so a frame out of place (a block written twice, or left from
elsewhere) is damage too. An empty payload is never written: a header of zeros is never a frame.

Whether a damaged frame may be cut (a torn tail) or must be refused depends on what follows it: the readers ask
`next_intact_frame` whether a whole, numbered frame lies anywhere after it."""
from __future__ import annotations

import re
import struct
import zlib
from typing import Iterator

FRAME = struct.Struct("<IIII")
_CHECKED = 12  # header bytes the header checksum covers: length, number and payload checksum
_CHECKED_PART, _HEADER_CHECKSUM = struct.Struct("<III"), struct.Struct("<I")


class DamagedFrame(Exception):
    """The frame at `offset` cannot be read; `resume` is where a later frame can start (past the frame when its
    header checks out, for its length is then known; else the frame's own offset)."""

    def __init__(self, offset: int, detail: str, resume: int) -> None:
        super().__init__(detail)
        self.offset = offset
        self.detail = detail
        self.resume = resume


def pack_frame(payload: bytes, number: int) -> bytes:
    """The frame of `payload` as the `number`-th frame of its file."""
    head = _CHECKED_PART.pack(len(payload), number, zlib.crc32(payload))
    return b"".join((head, _HEADER_CHECKSUM.pack(zlib.crc32(head)), payload))


def read_frame(data: bytes, offset: int, number: int) -> tuple[bytes, int]:
    """The payload of frame `number` at `offset` of `data`, and where the frame ends; raises `DamagedFrame`."""
    if offset + FRAME.size <= len(data):
        length, found, checksum, header_checksum = FRAME.unpack_from(data, offset)
        end = offset + FRAME.size + length
        if (zlib.crc32(data[offset:offset + _CHECKED]) == header_checksum and found == number and length
                and end <= len(data)):
            payload = data[offset + FRAME.size:end]
            if zlib.crc32(payload) == checksum:
                return payload, end
    raise _damage(data, offset, number)


def _damage(data: bytes, offset: int, number: int) -> DamagedFrame:
    """What is wrong with the frame at `offset` (off the hot path: recovery reads every frame)."""
    if offset + FRAME.size > len(data):
        return DamagedFrame(offset, "a record header cut short", offset)
    length, found, checksum, header_checksum = FRAME.unpack_from(data, offset)
    end = offset + FRAME.size + length
    if zlib.crc32(data[offset:offset + _CHECKED]) != header_checksum:
        return DamagedFrame(offset, "record header checksum mismatch", offset)
    if found != number:
        return DamagedFrame(offset, f"record number {found} where {number} was expected", offset)
    if length == 0:
        return DamagedFrame(offset, "an empty record", end)
    if end > len(data):
        return DamagedFrame(offset, f"a record of {length} bytes runs past the end of the file", end)
    return DamagedFrame(offset, "record checksum mismatch", end)


def next_intact_frame(data: bytes, start: int, number: int) -> int | None:
    """The offset of the first whole frame at or after `start` numbered `number` or later; None when there is
    none. Any offset up to the last byte that is not zero (a frame always holds one) may hold it; this runs only
    on a damaged frame, and from where that frame's own bytes end when its header is whole."""
    view = memoryview(data)
    size = len(data)
    limit = min(len(data.rstrip(b"\0")), size - FRAME.size)
    unpack, crc32 = FRAME.unpack_from, zlib.crc32
    for offset in _candidates(data, start, limit, number):
        length, found, checksum, header_checksum = unpack(data, offset)
        if (found >= number and 0 < length <= size - offset - FRAME.size
                and crc32(view[offset:offset + _CHECKED]) == header_checksum
                and crc32(view[offset + FRAME.size:offset + FRAME.size + length]) == checksum):
            return offset
    return None


def _candidates(data: bytes, start: int, limit: int, number: int) -> Iterator[int]:
    """The offsets from `start` to `limit` whose header bytes can be a frame's, found by `re` rather than tried one
    by one in Python (a torn record of megabytes is scanned): a length that fits in the rest of the file, and a
    number the rest of the file can reach (a frame takes 17 bytes at least), leave their high bytes zero."""
    rest = len(data) - start
    highest = number + rest // (FRAME.size + 1)
    zero = {3} if rest < 1 << 24 else set()
    zero |= {6, 7} if highest < 1 << 16 else {7} if highest < 1 << 24 else set()
    if not zero:
        yield from range(start, limit)
        return
    header = b"".join(b"\x00" if at in zero else b"." for at in range(max(zero) + 1))
    for match in re.compile(b"(?s)(?=" + header + b")").finditer(data, start):
        if match.start() >= limit:
            return
        yield match.start()


__all__ = ["FRAME", "DamagedFrame", "pack_frame", "read_frame", "next_intact_frame"]
