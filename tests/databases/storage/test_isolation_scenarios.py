"""The shared isolation scenarios (Hermitage's anomalies and graph-specific cases), driven through the storage API.

`../shared/isolation` holds the scenarios (`scenarios.json`) and the runner that plays them (`runner.py`): each
session runs in its own thread, so a write that waits for another transaction's lock is noticed, and every step's
outcome is checked against what the isolation level promises (SCENARIOS.md explains each one). Neither is copied
into the project: both are loaded from there at test time, and the tests skip when the directory is absent.

There is no Cypher engine yet, so the adapter below translates each of the few Cypher texts the scenarios use into
storage calls (`QUERIES`), the way an executor would run them: MATCH by label and property, filter, then write.
A text not in the table raises, so a new scenario query fails loudly instead of being guessed at.
"""
from __future__ import annotations

from typing import Callable

import pytest

from graphplex.databases.errors import Neo4jError
from graphplex.databases.storage import OUT, StorageTransaction as Transaction
from isolation_support import ABSENT, SessionAdapter, load_runner, run_and_check, scenario_params



# ----------------------------------------------------------------------------------------------------------------
# The scenarios' Cypher texts, run through the storage API


Rows = list[dict]


def _by_id(txn: Transaction, id_: object) -> list:
    """`MATCH (n:Test {id: $id})`."""
    return list(txn.vertices_by_property("Test", "id", id_))


def _all(txn: Transaction, label: str) -> list:
    """`MATCH (n:Label)`."""
    return list(txn.vertices_with_label(label))


def _where_value(txn: Transaction, predicate: Callable[[object], bool]) -> list:
    """`MATCH (n:Test) WHERE <predicate on n.value>`; a null value never satisfies a predicate (Cypher's null)."""
    matched = []
    for vertex in _all(txn, "Test"):
        value = txn.property(vertex, "value")
        if value is not None and predicate(value):
            matched.append(vertex)
    return matched


def _id_value_rows(txn: Transaction, vertices: list, order_by_id: bool = False) -> Rows:
    """`RETURN n.id AS id, n.value AS value [ORDER BY id]` (nulls last, as Cypher sorts them)."""
    rows = [{"id": txn.property(v, "id"), "value": txn.property(v, "value")} for v in vertices]
    if order_by_id:
        rows.sort(key=lambda row: (row["id"] is None, row["id"] if row["id"] is not None else 0))
    return rows


def _set_all(txn: Transaction, vertices: list, key: str, value: object, name: str = "updated") -> Rows:
    """`SET n.key = value RETURN count(*) AS updated` over the matched vertices."""
    for vertex in vertices:
        txn.set_property(vertex, key, value)
    return [{name: len(vertices)}]


def _add_to_value(txn: Transaction, vertices: list, delta: object) -> Rows:
    """`SET n.value = n.value + delta RETURN count(*) AS updated`.

    The right-hand side reads the property being written, so (as Neo4j does for such a direct dependency) the node
    is write-locked *before* its value is read: under READ_COMMITTED a waiting increment then reads the value the
    lock holder committed, and never loses its update. A node gone once the lock is obtained is no longer a row."""
    updated = 0
    for vertex in vertices:
        if not txn.lock(vertex):
            continue
        current = txn.property(vertex, "value")
        txn.set_property(vertex, "value", None if current is None or delta is None else current + delta)
        updated += 1
    return [{"updated": updated}]


def _detach_delete(txn: Transaction, vertices: list) -> Rows:
    """`DETACH DELETE n RETURN count(*) AS deleted`."""
    for vertex in vertices:
        txn.delete_vertex(vertex, detach=True)
    return [{"deleted": len(vertices)}]


def _pairs(txn: Transaction) -> list[tuple]:
    """`MATCH (a:Test {id: 1}), (b:Test {id: 2})`: the cartesian product of both patterns."""
    return [(a, b) for a in _by_id(txn, 1) for b in _by_id(txn, 2)]


def _create_rel(txn: Transaction, props: dict | None) -> Rows:
    """`... CREATE (a)-[:R props]->(b) RETURN count(*) AS created`."""
    pairs = _pairs(txn)
    for a, b in pairs:
        txn.create_edge(a, b, "R", props)
    return [{"created": len(pairs)}]


def _merge_rel(txn: Transaction) -> Rows:
    """`... MERGE (a)-[r:R]->(b) RETURN count(r) AS merged`.

    As Neo4j does for a relationship MERGE: lock both end nodes first, then look for an existing a-[:R]->b and
    create one only if there is none, so two concurrent MERGEs cannot both create."""
    merged = 0
    for a, b in _pairs(txn):
        if not txn.lock(a) or not txn.lock(b):
            continue  # an end node is gone once locked: the MATCH row no longer exists
        existing = [edge for edge, other in txn.expand(a, OUT, ["R"]) if other is b]
        if existing:
            merged += len(existing)
        else:
            txn.create_edge(a, b, "R")
            merged += 1
    return [{"merged": merged}]


def _count_rels(txn: Transaction) -> Rows:
    """`MATCH ()-[r]->() RETURN count(r) AS rels`: every visible relationship (a dangling one would count too)."""
    return [{"rels": sum(1 for _ in txn.edges())}]


def _create_test_pair(txn: Transaction) -> Rows:
    txn.create_vertex(["Test"], {"id": 1, "value": 10})
    txn.create_vertex(["Test"], {"id": 2, "value": 20})
    return []


def _create_test(txn: Transaction, params: dict) -> Rows:
    txn.create_vertex(["Test"], {"id": params["id"], "value": params["value"]})
    return []


QUERIES: dict[str, Callable[[Transaction, dict], Rows]] = {
    # creation
    "CREATE (:Test {id: 1, value: 10}), (:Test {id: 2, value: 20})":
        lambda txn, p: _create_test_pair(txn),
    "CREATE (:Test {id: $id, value: $value})":
        _create_test,
    "CREATE (:Other {value: 30})":
        lambda txn, p: (txn.create_vertex(["Other"], {"value": 30}), [])[1],
    # reads
    "MATCH (n:Test) RETURN n.id AS id, n.value AS value ORDER BY id":
        lambda txn, p: _id_value_rows(txn, _all(txn, "Test"), order_by_id=True),
    "MATCH (n:Test {id: 1}) RETURN n.id AS id, n.value AS value":
        lambda txn, p: _id_value_rows(txn, _by_id(txn, 1)),
    "MATCH (n:Test {id: 2}) RETURN n.id AS id, n.value AS value":
        lambda txn, p: _id_value_rows(txn, _by_id(txn, 2)),
    "MATCH (n:Test) WHERE n.value = 20 RETURN n.id AS id, n.value AS value ORDER BY id":
        lambda txn, p: _id_value_rows(txn, _where_value(txn, lambda v: v == 20), order_by_id=True),
    "MATCH (n:Test) WHERE n.value = 30 RETURN n.id AS id, n.value AS value ORDER BY id":
        lambda txn, p: _id_value_rows(txn, _where_value(txn, lambda v: v == 30), order_by_id=True),
    "MATCH (n:Test) WHERE n.value % 3 = 0 RETURN n.id AS id, n.value AS value ORDER BY id":
        lambda txn, p: _id_value_rows(txn, _where_value(txn, lambda v: v % 3 == 0), order_by_id=True),
    "MATCH (n:Test) WHERE n.value % 5 = 0 RETURN n.id AS id, n.value AS value ORDER BY id":
        lambda txn, p: _id_value_rows(txn, _where_value(txn, lambda v: v % 5 == 0), order_by_id=True),
    "MATCH (n:Test) WHERE n.id IN [1, 2] RETURN n.id AS id, n.value AS value ORDER BY id":
        lambda txn, p: _id_value_rows(
            txn, [v for v in _all(txn, "Test") if txn.property(v, "id") in (1, 2)], order_by_id=True),
    "MATCH (n:Test) RETURN count(n) AS count":
        lambda txn, p: [{"count": len(_all(txn, "Test"))}],
    "MATCH (o:Other) RETURN o.value AS value":
        lambda txn, p: [{"value": txn.property(o, "value")} for o in _all(txn, "Other")],
    "MATCH (n:Test {id: 1}) RETURN n.a AS a, n.b AS b":
        lambda txn, p: [{"a": txn.property(n, "a"), "b": txn.property(n, "b")} for n in _by_id(txn, 1)],
    "MATCH ()-[r]->() RETURN count(r) AS rels":
        lambda txn, p: _count_rels(txn),
    # property writes
    "MATCH (n:Test {id: $id}) SET n.value = $value RETURN count(*) AS updated":
        lambda txn, p: _set_all(txn, _by_id(txn, p["id"]), "value", p["value"]),
    "MATCH (n:Test {id: $id}) SET n.value = n.value + $delta RETURN count(*) AS updated":
        lambda txn, p: _add_to_value(txn, _by_id(txn, p["id"]), p["delta"]),
    "MATCH (n:Test) SET n.value = n.value + 10 RETURN count(*) AS updated":
        lambda txn, p: _add_to_value(txn, _all(txn, "Test"), 10),
    "MATCH (n:Test) WHERE n.value = 10 SET n.value = 12 RETURN count(*) AS updated":
        lambda txn, p: _set_all(txn, _where_value(txn, lambda v: v == 10), "value", 12),
    "MATCH (o:Other) SET o.value = 300 RETURN count(*) AS updated":
        lambda txn, p: _set_all(txn, _all(txn, "Other"), "value", 300),
    "MATCH (n:Test {id: 1}) SET n.a = 1 RETURN count(*) AS updated":
        lambda txn, p: _set_all(txn, _by_id(txn, 1), "a", 1),
    "MATCH (n:Test {id: 1}) SET n.b = 2 RETURN count(*) AS updated":
        lambda txn, p: _set_all(txn, _by_id(txn, 1), "b", 2),
    # deletes
    "MATCH (n:Test) WHERE n.value = 20 DETACH DELETE n RETURN count(*) AS deleted":
        lambda txn, p: _detach_delete(txn, _where_value(txn, lambda v: v == 20)),
    "MATCH (n:Test {id: 1}) DETACH DELETE n RETURN count(*) AS deleted":
        lambda txn, p: _detach_delete(txn, _by_id(txn, 1)),
    # relationships
    "MATCH (a:Test {id: 1}), (b:Test {id: 2}) CREATE (a)-[:R]->(b) RETURN count(*) AS created":
        lambda txn, p: _create_rel(txn, None),
    "MATCH (a:Test {id: 1}), (b:Test {id: 2}) CREATE (a)-[:R {by: $by}]->(b) RETURN count(*) AS created":
        lambda txn, p: _create_rel(txn, {"by": p["by"]}),
    "MATCH (a:Test {id: 1}), (b:Test {id: 2}) MERGE (a)-[r:R]->(b) RETURN count(r) AS merged":
        lambda txn, p: _merge_rel(txn),
}


class UnknownQuery(LookupError):
    """A scenario query this adapter has no translation for: add it to QUERIES."""


class StorageAdapter(SessionAdapter):
    """The runner's adapter contract over one storage of an engine (`make_storage`, the conformance fixture): a
    session is one open transaction at a time."""

    def __init__(self, make_storage, lock_acquisition_timeout: float = 60.0) -> None:
        self.make_storage = make_storage
        self.lock_acquisition_timeout = lock_acquisition_timeout
        super().__init__()

    def reset(self) -> None:
        """A fresh, empty graph; transactions of the previous scenario are forgotten."""
        self.storage = self.make_storage(lock_acquisition_timeout=self.lock_acquisition_timeout)
        self.sessions = {}

    def begin(self, session: str, level: str) -> None:
        previous = self.sessions.get(session)
        if previous is not None and previous.is_open:
            raise AssertionError(f"{session} already has an open transaction")
        self.sessions[session] = self.storage.begin(isolation_level=level)

    def run(self, session: str, query: str, params: dict) -> Rows:
        statement = QUERIES.get(query)
        if statement is None:
            raise UnknownQuery(f"no storage translation for the query {query!r}")
        txn = self.sessions[session]
        try:
            return statement(txn, params or {})
        except Neo4jError as error:
            # A failed statement fails its transaction (the storage marks write failures itself): only ROLLBACK
            # is accepted afterwards.
            if txn.is_open:
                txn.mark_failed(error)
            raise


# ----------------------------------------------------------------------------------------------------------------
# One test per scenario


@pytest.fixture(scope="module")
def runner():
    return load_runner()


@pytest.mark.parametrize("scenario", scenario_params())
def test_isolation_scenario(runner, scenario, engine):
    if scenario is None:
        pytest.skip(ABSENT)
    if not engine.memory and scenario["level"] != "SNAPSHOT_ISOLATION":
        engine(scenario["level"])  # skips: the disk engine refuses every level but snapshot isolation
    texts = list(scenario.get("setup") or []) + [s["query"] for s in scenario["steps"] if "query" in s]
    unknown = sorted({text for text in texts if text not in QUERIES})
    assert not unknown, "queries with no storage translation in QUERIES: " + "; ".join(map(repr, unknown))
    run_and_check(runner, StorageAdapter(engine), scenario)
