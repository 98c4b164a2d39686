"""A Bolt message fuzzer (issue 14): after a real handshake and login, random and mutated PackStream messages.

Every message is answered by SUCCESS, RECORDs, IGNORED or a FAILURE whose code is a `Neo.*` code other than the
internal error's, or the connection is closed after a FAILURE (or after bytes that are not a message); the server
logs no internal error, never hangs and keeps serving; bytes that are not whole messages end in a close. Bounded in
the default run; `slow` runs 3,000 sequences (GRAPHPLEX_BOLT_FUZZ sets another number)."""
from __future__ import annotations

import logging
import os
import socket

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")

from bolt_wire import FAILURE, GOODBYE, IGNORED, RECORD, SUCCESS, Closed, Wire, chunked  # noqa: E402
from graphplex import DBMS  # noqa: E402
from graphplex.bolt import BoltServer  # noqa: E402
from graphplex.bolt.packstream import Structure, pack  # noqa: E402

DEFAULT_EXAMPLES = 120
SLOW_EXAMPLES = 3000
VERSIONS = [(5, 4), (5, 2), (5, 0), (4, 4), (4, 1)]
MESSAGE_TAGS = [0x01, 0x02, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x2F, 0x3F, 0x54, 0x66, 0x6A, 0x6B]
VALUE_TAGS = [0x44, 0x45, 0x46, 0x49, 0x4E, 0x50, 0x52, 0x54, 0x58, 0x59, 0x64, 0x66, 0x69, 0x72, 0x74]
QUERIES = ["RETURN $p AS p", "UNWIND range(1, 3) AS i RETURN i", "CREATE (n:Fuzz {v: $p}) RETURN n",
           "MATCH (n:Fuzz) RETURN n LIMIT 3", "BEGIN", "COMMIT", "ROLLBACK", "SHOW TRANSACTIONS", "RETURN 1",
           "MATCH p = (a)-[r]->(b) RETURN p LIMIT 1", "RETURN date($p) AS d", "RETURN [$p, {k: $p}] AS x"]
EXTRA_KEYS = ["db", "mode", "bookmarks", "tx_timeout", "tx_metadata", "imp_user", "n", "qid", "scheme", "principal",
              "credentials", "user_agent", "patch_bolt", "routing", "address", "notifications_minimum_severity"]


def _values():
    scalars = st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 63 - 1) | st.floats() | \
        st.text(max_size=12) | st.binary(max_size=12) | st.sampled_from(["neo4j", "system", "r", "w", "basic", "none"])

    def extend(inner):
        structure = st.builds(lambda tag, fields: Structure(tag, tuple(fields)),
                              st.sampled_from(VALUE_TAGS) | st.integers(0, 255), st.lists(inner, max_size=4))
        keys = st.sampled_from(EXTRA_KEYS) | st.text(max_size=6)
        return st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4) | structure
    return st.recursive(scalars, extend, max_leaves=12)


VALUES = _values()
EXTRA = st.dictionaries(st.sampled_from(EXTRA_KEYS), VALUES | st.integers(-2, 1000), max_size=4)
RUN = st.tuples(st.just(0x10), st.tuples(st.sampled_from(QUERIES) | st.text(max_size=30),
                                         st.dictionaries(st.just("p"), VALUES, max_size=1), EXTRA))
SHAPED = st.tuples(st.sampled_from([0x11, 0x2F, 0x3F, 0x66, 0x6A, 0x6B, 0x0F, 0x12, 0x13, 0x54]),
                   st.lists(EXTRA | VALUES, max_size=3).map(tuple))
ANY = st.tuples(st.sampled_from(MESSAGE_TAGS) | st.integers(0, 255), st.lists(VALUES, max_size=4).map(tuple))
MESSAGES = (RUN | SHAPED | ANY).map(lambda pair: Structure(pair[0], pair[1]))


@st.composite
def _mutated(draw) -> bytes:
    """A message's bytes with a byte changed, some cut off or some inserted (framed whole, so it is read)."""
    body = bytearray(pack(draw(MESSAGES)))
    kind = draw(st.sampled_from(["flip", "cut", "insert"]))
    at = draw(st.integers(0, len(body) - 1))
    if kind == "flip":
        body[at] = draw(st.integers(0, 255))
    elif kind == "cut":
        del body[at:]
    else:
        body[at:at] = draw(st.binary(min_size=1, max_size=4))
    return bytes(body) or b"\x00"


STEPS = st.lists(MESSAGES | _mutated(), min_size=1, max_size=6)


def _bytes(step: Structure | bytes) -> bytes:
    return step if isinstance(step, bytes) else pack(step)


# What follows a login when it is not whole messages: random bytes, or messages cut anywhere.
UNFRAMED = st.binary(max_size=300) | st.tuples(
    st.lists(MESSAGES | _mutated(), max_size=3).map(lambda steps: b"".join(chunked(_bytes(s)) for s in steps)),
    st.binary(max_size=8)).map(b"".join)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def fuzzed():
    errors = _Errors()
    logger = logging.getLogger("graphplex.bolt")
    logger.addHandler(errors)
    with DBMS.in_memory(transaction_timeout=5.0) as dbms, \
            BoltServer(dbms, port=0, handshake_timeout=5.0, auth_timeout=5.0, idle_timeout=5.0) as server:
        yield server, errors
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "x")) as driver:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1, "still serving"
    logger.removeHandler(errors)
    assert not errors.records, [r.getMessage() for r in errors.records]


def _exchange(port: int, version: tuple[int, int], steps: list) -> None:
    wire = Wire(port, timeout=10.0)
    try:
        wire.login(version)
        for step in steps:
            try:
                wire.send(chunked(_bytes(step)))
                _answer(wire)
            except (Closed, BrokenPipeError, ConnectionResetError):
                # The server closes after a FAILURE it sent (checked by `_answer`) or after bytes no message has.
                return
            except (TimeoutError, socket.timeout):
                pytest.fail(f"no answer within 10 s to {step!r}")
            if isinstance(step, Structure) and step.tag == GOODBYE:
                pytest.fail("GOODBYE was answered")
    finally:
        wire.close()


def _answer(wire: Wire) -> Structure:
    """The responses to one message, checked: RECORDs then a SUCCESS, an IGNORED or a FAILURE with a Neo.* code."""
    while True:
        response = wire.receive()
        assert isinstance(response, Structure), response
        if response.tag == RECORD:
            continue
        assert response.tag in (SUCCESS, IGNORED, FAILURE), response
        if response.tag == FAILURE:
            code = response.fields[0]["code"]
            assert code.startswith("Neo.") and code != "Neo.DatabaseError.General.UnknownError", response
        return response


def _unframed(port: int, version: tuple[int, int], data: bytes) -> None:
    """Bytes straight after login, framed or not, then end of input: answers are checked, and the server closes."""
    wire = Wire(port, timeout=10.0)
    try:
        wire.login(version)
        try:
            wire.send(data)
            wire.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server closed already (after a FAILURE it sent); what it sent is checked below
        while True:
            try:
                _answer(wire)
            except Closed:
                return
            except (TimeoutError, socket.timeout):
                pytest.fail(f"the server neither answered nor closed after {data!r}")
    finally:
        wire.close()


def _fuzz(examples: int):
    @settings(max_examples=examples, deadline=None, derandomize=examples == DEFAULT_EXAMPLES,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(version=st.sampled_from(VERSIONS), steps=STEPS, unframed=st.none() | UNFRAMED)
    def run(fuzzed, version, steps, unframed):
        server, errors = fuzzed
        if unframed is None:
            _exchange(server.port, version, steps)
        else:
            _unframed(server.port, version, unframed)
        assert not errors.records, [r.getMessage() for r in errors.records]
    return run


test_bolt_messages_fuzzed = _fuzz(DEFAULT_EXAMPLES)
test_bolt_messages_fuzzed_long = pytest.mark.slow(_fuzz(int(os.environ.get("GRAPHPLEX_BOLT_FUZZ", SLOW_EXAMPLES))))
