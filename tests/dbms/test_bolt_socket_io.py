"""The Bolt server's socket handling (issue 18: a non-blocking socket, each wait one poll with its deadline, replies
encoded straight into the output): long replies are cut into chunks, a client that stops reading is dropped after
the idle timeout, and a client that leaves while its statement runs still has it terminated."""
from __future__ import annotations

import time

from bolt_wire import PULL, RECORD, RUN, SUCCESS, Wire, message
from graphplex.bolt import BoltServer


def _until(condition, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_reply_longer_than_a_chunk_arrives_whole_after_the_replies_before_it(server):
    wire = Wire(server.port)
    wire.login()
    wire.send(message(RUN, "RETURN 1 AS one", {}, {}) + message(PULL, {"n": -1})
              + message(RUN, "RETURN $text AS text", {"text": "ab" * 100_000}, {}) + message(PULL, {"n": -1}))
    replies = [wire.receive() for _ in range(6)]
    assert [r.tag for r in replies] == [SUCCESS, RECORD, SUCCESS] * 2
    assert replies[1].fields == ([1],) and replies[4].fields == (["ab" * 100_000],)


def test_a_client_that_stops_reading_is_dropped_after_the_idle_timeout(dbms):
    with BoltServer(dbms, port=0, idle_timeout=1.0) as server:
        wire = Wire(server.port)
        wire.login()
        wire.send(message(RUN, "UNWIND range(1, 3000) AS i RETURN $text + i AS t", {"text": "x" * 5000}, {})
                  + message(PULL, {"n": -1}))  # 15 MB: more than the sockets' buffers take
        time.sleep(0.3)
        assert server.admission.open == 1  # writing, blocked by the client
        assert _until(lambda: server.admission.open == 0, within=10.0)
        wire.close()


def test_pipelined_messages_are_answered_in_order_after_a_wait(server):
    wire = Wire(server.port)
    wire.login()
    for value in range(5):  # a whole batch, then half a message, then its rest after a pause
        data = message(RUN, "RETURN $v AS v", {"v": value}, {}) + message(PULL, {"n": -1})
        wire.send(data[:7])
        time.sleep(0.05)
        wire.send(data[7:])
        assert [r.fields for r in (wire.receive() for _ in range(3))][1] == ([value],)
