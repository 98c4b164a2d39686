"""What a Memgraph client reads of a summary over Bolt 4.x (`BoltConnection`, its HELLO sending pymgclient's user
agent): Memgraph's statistics (seven integer counters) and notifications of four strings, as mgconsole reads them;
any other client keeps Neo4j's."""
import pytest

from graphplex import DBMS
from graphplex.bolt.connection import HELLO, PULL, RUN, SUCCESS, BoltConnection, ServerOptions
from graphplex.bolt.packstream import Structure


@pytest.fixture
def dbms():
    with DBMS.in_memory() as instance:
        yield instance


def summary_of(dbms, user_agent: str, query: str) -> dict:
    connection = BoltConnection(dbms, (4, 4), "bolt-1", "127.0.0.1:1", ServerOptions(), "127.0.0.1:7687")
    connection.handle(Structure(HELLO, ({"user_agent": user_agent, "scheme": "none"},)))
    connection.handle(Structure(RUN, (query, {}, {})))
    *_, done = connection.handle(Structure(PULL, ({"n": -1},)))
    connection.close()
    assert done.tag == SUCCESS
    return done.fields[0]


def test_memgraph_s_statistics_are_its_seven_counters(dbms):
    assert summary_of(dbms, "mgclient/1.7.0", "CREATE (:A {v: 1})")["stats"] == {
        "nodes-created": 1, "nodes-deleted": 0, "relationships-created": 0, "relationships-deleted": 0,
        "labels-added": 1, "labels-removed": 0, "properties-set": 1}
    assert "stats" not in summary_of(dbms, "mgclient/1.7.0", "CREATE INDEX ON :A(v)")
    assert summary_of(dbms, "neo4j-python/5.28", "CREATE (:A {v: 2})")["stats"] == {
        "nodes-created": 1, "labels-added": 1, "properties-set": 1, "contains-updates": True}


def test_memgraph_s_notifications_are_four_strings(dbms):
    with dbms.session() as session:
        session.run("CREATE (:A), (:B)").consume()
    query = "MATCH (a:A), (b:B) RETURN a, b"   # a cartesian product: Neo4j's notice, with a position
    [notice] = summary_of(dbms, "mg/1.4.0", query)["notifications"]
    assert set(notice) == {"severity", "code", "title", "description"}
    assert all(isinstance(value, str) for value in notice.values()) and notice["severity"] == "INFO"
    [neo4j_notice] = summary_of(dbms, "neo4j-python/5.28", query)["notifications"]
    assert neo4j_notice["severity"] == "INFORMATION" and "position" in neo4j_notice
