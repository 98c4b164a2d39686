"""Maps as property values (issue 16): a session of Memgraph's dialect stores them (nested, and as the elements of
a list) and any list (mixed, nested, with nulls) as Memgraph does; a Neo4j session refuses them with Neo4j's TypeError, and still reads one a Memgraph
client wrote. They survive a restart in every storage mode; equality follows Cypher's rules, and maps are never
ordered by range predicates (Cypher's comparison of two maps is null)."""
from __future__ import annotations

import pytest

from graphplex import DBMS
from graphplex.errors import CypherTypeError, Neo4jError

NESTED = {"b": 1, "c": "x", "d": {"e": [1, 2], "f": None}, "g": [{"h": 1}, {"h": 2.5}]}
STORAGE_MODES = ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"]


@pytest.fixture
def memgraph(dbms):
    with dbms.session(dialect="memgraph") as session:
        yield session


def value(session, query: str, **parameters) -> object:
    return session.run(query, parameters).single()[0]


def test_a_memgraph_session_stores_nested_maps_and_lists_of_maps(memgraph):
    memgraph.run("CREATE (:L {a: $a})", a=NESTED).consume()
    assert value(memgraph, "MATCH (n:L) RETURN n.a") == NESTED
    assert value(memgraph, "MATCH (n:L) RETURN n.a.d.e") == [1, 2]
    assert value(memgraph, "MATCH (n:L) RETURN n.a.g[1].h") == 2.5


def test_set_writes_a_map_on_nodes_and_relationships(memgraph):
    memgraph.run("CREATE (:L)-[:R]->(:L)").consume()
    summary = memgraph.run("MATCH (n:L)-[r:R]->() SET n.m = {k: [1, 2]}, r.m = {k: 'v'}").consume()
    assert summary.counters.properties_set == 2
    assert value(memgraph, "MATCH (n:L)-[r:R]->() RETURN [n.m, r.m]") == [{"k": [1, 2]}, {"k": "v"}]
    memgraph.run("MATCH (n:L) SET n += {p: {q: 1}}").consume()
    assert value(memgraph, "MATCH (n:L)-[:R]->() RETURN n.p.q") == 1


def test_a_neo4j_session_refuses_a_map_and_writes_nothing(dbms, session):
    with pytest.raises(CypherTypeError) as raised:
        session.run("CREATE (:L {a: {b: 1}})").consume()
    assert raised.value.code == "Neo.ClientError.Statement.TypeError"
    assert "Property values can only be of primitive types or arrays thereof" in raised.value.message
    with pytest.raises(CypherTypeError):
        session.run("CREATE (n:L) SET n.a = [{b: 1}]").consume()
    assert value(session, "MATCH (n) RETURN count(n)") == 0


def test_a_neo4j_session_reads_a_map_a_memgraph_session_wrote(dbms, memgraph, session):
    memgraph.run("CREATE (:L {a: $a})", a=NESTED).consume()
    assert value(session, "MATCH (n:L) RETURN n.a") == NESTED
    assert value(session, "MATCH (n:L) RETURN properties(n)") == {"a": NESTED}


def test_values_memgraph_still_refuses(memgraph):
    for query in ("CREATE (n:L) SET n.a = {b: n}", "CREATE (n:L) SET n.a = [1, n]"):
        with pytest.raises(CypherTypeError):
            memgraph.run(query).consume()
    assert value(memgraph, "MATCH (n) RETURN count(n)") == 0


MIXED = [1, "a", None, [2, {"k": [3, None]}], {"b": 1}]


def test_a_memgraph_session_stores_mixed_nested_lists_with_nulls_and_a_neo4j_session_does_not(memgraph, session):
    """Memgraph keeps any list as a property value (mixed, nested, with nulls); Neo4j only homogeneous lists of
    scalars."""
    memgraph.run("CREATE INDEX ON :L(p)").consume()
    memgraph.run("CREATE (:L {p: $p}), (:L {p: [1]})", p=MIXED).consume()
    assert value(memgraph, "MATCH (n:L) WHERE n.p = $p RETURN n.p", p=MIXED) == MIXED
    assert value(session, "MATCH (n:L) WHERE n.p[3][1].k[0] = 3 RETURN count(n)") == 1
    with pytest.raises(CypherTypeError):
        session.run("CREATE (:L {p: [1, 'a']})").consume()


def test_equality_follows_cypher_and_comparison_of_maps_is_null(memgraph):
    memgraph.run("CREATE (:L {a: {b: 1, c: 'x'}}), (:L {a: {b: 2}}), (:L {a: 3})").consume()
    assert value(memgraph, "MATCH (n:L) WHERE n.a = {c: 'x', b: 1.0} RETURN count(n)") == 1
    assert value(memgraph, "MATCH (n:L {a: {b: 2}}) RETURN count(n)") == 1
    assert value(memgraph, "MATCH (n:L) WHERE n.a > {b: 0} RETURN count(n)") == 0
    ordered = value(memgraph, "MATCH (n:L) WITH n ORDER BY n.a RETURN collect(n.a)")
    assert ordered[-1] == 3 and len(ordered) == 3


def test_an_index_finds_maps_by_equality_and_never_by_range(memgraph):
    memgraph.run("CREATE INDEX ON :L(a)").consume()
    memgraph.run("CREATE (:L {a: {b: 1}}), (:L {a: {b: 2}}), (:L {a: 5})").consume()
    assert value(memgraph, "MATCH (n:L {a: {b: 1}}) RETURN count(n)") == 1
    assert value(memgraph, "MATCH (n:L) WHERE n.a = $m RETURN count(n)", m={"b": 2}) == 1
    assert value(memgraph, "MATCH (n:L) WHERE n.a >= $m RETURN count(n)", m={"b": 0}) == 0
    assert value(memgraph, "MATCH (n:L) WHERE n.a > 1 RETURN count(n)") == 1
    profile = memgraph.run("PROFILE MATCH (n:L) WHERE n.a = $m RETURN n", m={"b": 2}).values()
    assert ["* ScanAllByLabelProperties (n :L {a})", 1] in [row[:2] for row in profile]


@pytest.mark.parametrize("storage_mode", STORAGE_MODES)
def test_maps_survive_a_restart(tmp_path, storage_mode):
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms:
        with dbms.session(dialect="memgraph") as memgraph:
            memgraph.run("CREATE INDEX ON :L(a)").consume()
            memgraph.run("CREATE (:L {a: $a})-[:R {m: $a}]->(:L {a: [{x: 1}], b: $b})", a=NESTED, b=MIXED).consume()
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session() as session:
        assert value(session, "MATCH (n:L)-[r:R]->(o) RETURN [n.a, r.m, o.a, o.b]") == \
            [NESTED, NESTED, [{"x": 1}], MIXED]
        assert value(session, "MATCH (n:L) WHERE n.a = $a RETURN count(n)", a=NESTED) == 1


def test_maps_survive_the_log_and_a_snapshot(tmp_path):
    with DBMS.open(tmp_path / "dbms") as dbms, dbms.session(dialect="memgraph") as memgraph:
        memgraph.run("CREATE (:L {a: $a})", a=NESTED).consume()
        memgraph.run("CALL db.checkpoint()").consume()
        memgraph.run("CREATE (:M {a: $a})", a=NESTED).consume()
    with DBMS.open(tmp_path / "dbms") as dbms, dbms.session() as session:
        assert value(session, "MATCH (n) RETURN collect(n.a)") == [NESTED, NESTED]


def test_a_map_counts_what_it_holds_against_the_memory_limit():
    big = {"outer": {"text": "x" * 3_000_000}}
    with DBMS.in_memory(transaction_memory_max=2_000_000) as dbms, dbms.session(dialect="memgraph") as memgraph:
        with pytest.raises(Neo4jError) as caught:
            memgraph.run("CREATE (:L {m: $m})", m=big).consume()
        assert caught.value.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
        assert value(memgraph, "MATCH (n) RETURN count(n)") == 0
