"""A raw Bolt client for tests that must send what no driver would: handshakes, chunks and messages, byte by byte.

Uses graphplex's own PackStream; what comes back is read with a deadline, so a server that hangs fails the test
instead of hanging it."""
from __future__ import annotations

import socket
import struct
import time

from graphplex.bolt.packstream import Structure, pack, unpack

MAGIC = b"\x60\x60\xB0\x17"
HELLO, LOGON, GOODBYE, RESET, RUN, PULL, LOGOFF = 0x01, 0x6A, 0x02, 0x0F, 0x10, 0x3F, 0x6B
SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F


def proposal(major: int, minor: int) -> bytes:
    """A handshake offering exactly one version."""
    return bytes((0, 0, minor, major)) + b"\x00" * 12


def chunked(body: bytes) -> bytes:
    """A message's bytes as chunks of at most 65,535 bytes and the end marker."""
    out = bytearray()
    for start in range(0, len(body), 0xFFFF):
        piece = body[start:start + 0xFFFF]
        out += struct.pack(">H", len(piece)) + piece
    return bytes(out + b"\x00\x00")


def message(tag: int, *fields) -> bytes:
    return chunked(pack(Structure(tag, tuple(fields))))


class Closed(Exception):
    """The server closed the connection."""


class Wire:
    """One raw connection; `receive` returns the next message, raising Closed when the server closed."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buffer = b""

    def handshake(self, version: tuple[int, int] = (5, 4)) -> None:
        self.sock.sendall(MAGIC + proposal(*version))
        assert self._exactly(4) == bytes((0, 0, version[1], version[0]))

    def login(self, version: tuple[int, int] = (5, 4)) -> None:
        """Handshake, HELLO and (from 5.1) LOGON without credentials, each answered by SUCCESS."""
        self.handshake(version)
        auth = {"scheme": "none"}
        if version >= (5, 1):
            self.send(message(HELLO, {"user_agent": "wire/1.0"}) + message(LOGON, auth))
            replies = [self.receive(), self.receive()]
        else:
            self.send(message(HELLO, {"user_agent": "wire/1.0", **auth}))
            replies = [self.receive()]
        assert all(r.tag == SUCCESS for r in replies), replies

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def receive(self) -> Structure:
        data = b""
        while True:
            (length,) = struct.unpack(">H", self._exactly(2))
            if length == 0:
                if data:
                    return unpack(data)
                continue
            data += self._exactly(length)

    def closed_within(self, seconds: float) -> bool:
        """Whether the server closes the connection within `seconds` (whatever it sends before is skipped)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                if not self.sock.recv(65536):
                    return True
            except TimeoutError:
                return False
            except OSError:
                return True
        return False

    def _exactly(self, size: int) -> bytes:
        self.sock.settimeout(self.timeout)
        while len(self.buffer) < size:
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                raise Closed()
            self.buffer += data
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    def close(self) -> None:
        self.sock.close()
