"""A point read over Bolt costs one round trip (issue 18): the replies to messages a client pipelines (the driver
sends RUN and PULL in one write) leave in one write, the disconnect monitor is not woken by every message, and the
PackStream decoder gives what the encoder wrote and refuses every cut of it with a Request.Invalid."""
from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings, strategies as st

from bolt_wire import PULL, RECORD, RUN, SUCCESS, Wire, message
from graphplex.bolt import BoltServer
from graphplex.bolt import server as bolt_server
from graphplex.bolt.disconnects import POLL_INTERVAL
from graphplex.bolt.packstream import Structure, pack, unpack
from graphplex.databases.errors import ClientError


def test_the_replies_to_a_pipelined_run_and_pull_leave_in_one_write(dbms, monkeypatch):
    writes: list[int] = []
    send = bolt_server._Handler._sendall

    def counted(handler, data):
        writes.append(len(data))
        send(handler, data)
    monkeypatch.setattr(bolt_server._Handler, "_sendall", counted)
    with BoltServer(dbms, port=0) as server:
        wire = Wire(server.port)
        wire.login()
        writes.clear()
        wire.send(message(RUN, "UNWIND [1, 2] AS x RETURN x", {}, {}) + message(PULL, {"n": -1}))
        replies = [wire.receive() for _ in range(4)]
    assert [r.tag for r in replies] == [SUCCESS, RECORD, RECORD, SUCCESS]
    assert len(writes) == 1


def test_a_reply_is_sent_before_the_server_waits_for_the_next_message(server):
    wire = Wire(server.port)
    wire.login()
    for value in range(3):  # RUN alone, then PULL alone: each is answered while the client waits
        wire.send(message(RUN, "RETURN $v AS v", {"v": value}, {}))
        assert wire.receive().tag == SUCCESS
        wire.send(message(PULL, {"n": -1}))
        assert [wire.receive().fields for _ in range(2)][0] == ([value],)


class _CountingCondition(threading.Condition):
    notified = 0

    def notify(self, n: int = 1) -> None:
        _CountingCondition.notified += 1
        super().notify(n)


def test_quick_messages_do_not_wake_the_disconnect_monitor_each(dbms):
    with BoltServer(dbms, port=0) as server:
        server.disconnects._condition = _CountingCondition(threading.Lock())
        wire = Wire(server.port)
        wire.login()
        for value in range(200):
            wire.send(message(RUN, "RETURN $v AS v", {"v": value}, {}) + message(PULL, {"n": -1}))
            assert [wire.receive().tag for _ in range(3)] == [SUCCESS, RECORD, SUCCESS]
        # 400 messages; the monitor is woken at most about once a poll interval (the run takes ~a second or less)
        assert _CountingCondition.notified < 40 + 400 * POLL_INTERVAL


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 63 - 1) | st.floats(allow_nan=False) |
    st.text(max_size=300) | st.binary(max_size=300),
    lambda inner: st.lists(inner, max_size=20) | st.dictionaries(st.text(max_size=8), inner, max_size=20) |
    st.builds(lambda tag, fields: Structure(tag, tuple(fields)), st.integers(0, 255), st.lists(inner, max_size=5)),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_packstream_decodes_what_it_encodes_and_refuses_every_cut(value):
    data = pack(value)
    assert unpack(data) == value
    for end in range(len(data) - 1, -1, -max(1, len(data) // 16)):
        with pytest.raises(ClientError) as refused:
            unpack(data[:end])
        assert refused.value.code == "Neo.ClientError.Request.Invalid"
    with pytest.raises(ClientError):
        unpack(data + b"\x00")
