"""A Bolt server that does no database work: it answers the point read of `bench/bolt_bench.py` (RUN then PULL) with
the replies graphplex sends, the name made from the id parameter. Driving it with the `neo4j` driver measures the
driver's own cost per round trip, the ceiling of any server read through that driver on this machine.

    python bench/bolt_canned_server.py   # prints "bolt://127.0.0.1:PORT", serves until killed
"""
from __future__ import annotations

import os
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from graphplex.bolt.packstream import Structure, pack, unpack  # noqa: E402

_LENGTH = struct.Struct(">H")
SUCCESS, RECORD = 0x70, 0x71
RUN, PULL, GOODBYE = 0x10, 0x3F, 0x02
# What graphplex answers a point read with on Bolt 5.7 (a status of successful completion, no notification).
_DONE = {"type": "r", "t_last": 0, "db": "neo4j", "has_more": False,
         "statuses": [{"gql_status": "00000", "status_description": "note: successful completion",
                       "diagnostic_record": {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/"}}]}


def _framed(message: Structure) -> bytes:
    body = pack(message)
    return _LENGTH.pack(len(body)) + body + b"\x00\x00"


def _messages(data: bytes) -> list[Structure]:
    """The whole messages in `data` (the driver writes whole messages at once; a point read's are one chunk)."""
    found, at = [], 0
    while at < len(data):
        (length,) = _LENGTH.unpack_from(data, at)
        found.append(unpack(data[at + 2:at + 2 + length]))
        at += length + 4
    return found


def _serve(sock: socket.socket) -> None:
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.recv(20)
    sock.sendall(b"\x00\x00\x07\x05")  # Bolt 5.7
    name = None
    while data := sock.recv(65536):
        out = bytearray()
        for message in _messages(data):
            if message.tag == GOODBYE:
                return
            if message.tag == RUN:
                name = f"p{message.fields[1].get('id')}"
                out += _framed(Structure(SUCCESS, ({"fields": ["name"], "t_first": 0},)))
            elif message.tag == PULL:
                out += _framed(Structure(RECORD, ([name],))) + _framed(Structure(SUCCESS, (_DONE,)))
            else:  # HELLO, LOGON and the like
                out += _framed(Structure(SUCCESS, ({"server": "Neo4j/5.26.0", "connection_id": "canned",
                                                     "hints": {}},)))
        sock.sendall(out)


def main() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"bolt://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=_serve, args=(sock,), daemon=True).start()


if __name__ == "__main__":
    main()
