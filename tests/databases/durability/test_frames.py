"""Frames: a frame comes back as written; any damage to it is caught, its header's included; and after a damaged
frame the next whole one is found wherever it lies, whatever the bytes between."""
import os
import struct

import pytest

from graphplex.databases.durability.frames import FRAME, DamagedFrame, next_intact_frame, pack_frame, read_frame

PAYLOADS = {
    "random": lambda size: os.urandom(size),
    "zero-heavy": lambda size: b"".join(struct.pack("<qq", i, i % 3) for i in range(size // 16 + 1))[:size],
    "text": lambda size: (b"graphplex " * (size // 10 + 1))[:size],
}


def frames(payloads: list[bytes]) -> tuple[bytes, list[int]]:
    data = b"".join(pack_frame(payload, number) for number, payload in enumerate(payloads))
    starts = [0]
    for payload in payloads:
        starts.append(starts[-1] + FRAME.size + len(payload))
    return data, starts


def test_a_frame_comes_back_and_every_single_bit_of_it_is_checked():
    frame = pack_frame(b"payload", 3)
    assert read_frame(frame, 0, 3) == (b"payload", len(frame))
    for position in range(len(frame)):
        for bit in range(8):
            damaged = bytearray(frame)
            damaged[position] ^= 1 << bit
            with pytest.raises(DamagedFrame):
                read_frame(bytes(damaged), 0, 3)
    with pytest.raises(DamagedFrame, match="record number 3 where 4 was expected"):
        read_frame(frame, 0, 4)
    with pytest.raises(DamagedFrame, match="record header checksum mismatch"):
        read_frame(bytes(FRAME.size + 1), 0, 0)


@pytest.mark.parametrize("kind", PAYLOADS)
@pytest.mark.parametrize("size", [1, 100, 300_000])
def test_the_next_whole_frame_is_found_after_damaged_ones(kind, size):
    payloads = [PAYLOADS[kind](size) for _ in range(3)] + [b"\x01last"]
    data, starts = frames(payloads)
    for damaged_frames in (1, 2):  # the first frame's header damaged, and the second frame too
        damaged = bytearray(data)
        for number in range(damaged_frames):
            damaged[starts[number] + 1] ^= 0x40
        assert next_intact_frame(bytes(damaged), 0, 1) == starts[damaged_frames]
    assert next_intact_frame(data[:starts[3]] + data[starts[3]:-1], starts[2] + 1, 3) is None, "a torn last frame"
    assert next_intact_frame(data + bytes(4096), starts[3] + 1, 4) is None, "zeros are no frame"
