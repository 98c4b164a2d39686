"""Composite databases' `CALL { USE constituent … }` subqueries (issue 20): each runs on its constituent, in the
DBMS transaction's child there, with the variables it imports as parameters; the statement around them reads no
graph. Local constituents here; a remote one in the last test (a second `graphplex serve`)."""
from __future__ import annotations

import pytest

from graphplex import DBMS
from graphplex.errors import Neo4jError


@pytest.fixture
def dbms():
    with DBMS.in_memory() as instance, instance.session() as admin:
        for statement in ("CREATE COMPOSITE DATABASE shop", "CREATE DATABASE europe", "CREATE DATABASE america",
                          "CREATE ALIAS shop.eu FOR DATABASE europe", "CREATE ALIAS shop.us FOR DATABASE america"):
            admin.run(statement).consume()
        with instance.session(database="europe") as eu, instance.session(database="america") as us:
            eu.run("UNWIND range(1, 3) AS i CREATE (:Order {id: i, total: i * 10})").consume()
            us.run("UNWIND range(1, 2) AS i CREATE (:Order {id: 100 + i, total: i * 7})").consume()
        yield instance


def _rows(dbms, text: str, **parameters) -> list[dict]:
    with dbms.session(database="shop") as session:
        return session.run(text, parameters).data()


def test_each_subquery_runs_on_its_constituent(dbms):
    rows = _rows(dbms, "CALL { USE shop.eu MATCH (o:Order) RETURN sum(o.total) AS eu } "
                       "CALL { USE shop.us MATCH (o:Order) RETURN sum(o.total) AS us } RETURN eu, us, eu + us AS all")
    assert rows == [{"eu": 60, "us": 21, "all": 81}]


def test_imported_variables_reach_the_constituent_as_parameters(dbms):
    rows = _rows(dbms, "UNWIND [2, 3] AS wanted CALL (wanted) { USE shop.eu MATCH (o:Order {id: wanted}) "
                       "RETURN o.total AS total } RETURN wanted, total ORDER BY wanted")
    assert rows == [{"wanted": 2, "total": 20}, {"wanted": 3, "total": 30}]
    assert _rows(dbms, "WITH $min AS min CALL (*) { USE shop.us MATCH (o:Order) WHERE o.id > min "
                       "RETURN count(o) AS n } RETURN n", min=101) == [{"n": 1}]


def test_nodes_of_a_constituent_come_back_with_their_properties(dbms):
    rows = _rows(dbms, "CALL { USE shop.us MATCH (o:Order) RETURN o } RETURN o.id AS id, o ORDER BY id")
    assert [row["id"] for row in rows] == [101, 102]
    assert rows[0]["o"].labels == {"Order"} and rows[0]["o"]["total"] == 7


def test_a_subquery_writes_its_constituent_and_a_second_written_constituent_is_refused(dbms):
    with dbms.session(database="shop") as session:
        tx = session.begin_transaction()
        tx.run("CALL { USE shop.eu CREATE (o:Order {id: 4}) RETURN o.id AS id } RETURN id").consume()
        with pytest.raises(Neo4jError) as refusal:
            tx.run("CALL { USE shop.us CREATE (o:Order {id: 4}) RETURN o.id AS id } RETURN id").consume()
        tx.rollback()
    assert refusal.value.code == "Neo.ClientError.Statement.AccessMode"
    assert refusal.value.message.endswith("Attempted write to america, currently writing to europe")
    with dbms.session(database="europe") as eu:
        assert eu.run("MATCH (o:Order {id: 4}) RETURN count(o) AS n").single()["n"] == 0
    _rows(dbms, "CALL { USE shop.eu CREATE (o:Order {id: 5}) RETURN o.id AS id } RETURN id")
    with dbms.session(database="europe") as eu:
        assert eu.run("MATCH (o:Order {id: 5}) RETURN count(o) AS n").single()["n"] == 1


@pytest.mark.parametrize("text, message", [
    ("MATCH (n) CALL { USE shop.eu RETURN 1 AS x } RETURN x", "Graph access operations are not supported"),
    ("CALL { USE shop MATCH (n) RETURN n } RETURN n", "Graph access operations are not supported"),
    ("CALL { USE neo4j MATCH (n) RETURN n } RETURN n", "access is allowed only to its constituents"),
    ("CALL { USE shop.eu MATCH (o) RETURN o.id AS id UNION USE shop.us MATCH (o) RETURN o.id AS id } RETURN id",
     "UNION parts USE different graphs"),
])
def test_what_a_composite_refuses(dbms, text, message):
    with pytest.raises(Neo4jError) as refusal:
        _rows(dbms, text)
    assert message in refusal.value.message


def test_no_subquery_of_a_composite_reads_the_system_graph(dbms):
    """The statement around the subqueries runs on the system database's engine: nothing may read its graph."""
    for text in ("CALL { USE system MATCH (u) RETURN u } RETURN u",
                 "CALL { USE shop MATCH (u:User) RETURN u.name AS name } RETURN name",
                 "CALL { MATCH (u) RETURN u } RETURN u"):
        with pytest.raises(Neo4jError):
            _rows(dbms, text)


def test_a_constituent_subquery_from_another_database_is_refused(dbms):
    with dbms.session() as session, pytest.raises(Neo4jError) as refusal:
        session.run("CALL { USE shop.eu RETURN 1 AS x } RETURN x").consume()
    assert refusal.value.code == "Neo.ClientError.Statement.SemanticError"


def test_a_remote_constituent(dbms, serve):
    port = serve(password="remote-secret-2")
    with dbms.session() as admin:
        admin.run(f"CREATE ALIAS shop.far FOR DATABASE neo4j AT 'bolt://127.0.0.1:{port}' USER neo4j "
                  "PASSWORD 'remote-secret-2' DRIVER {ssl_enforced: false}").consume()
    _rows(dbms, "CALL { USE shop.far CREATE (:Order {id: 900, total: 5}) RETURN 1 AS done } RETURN done")
    rows = _rows(dbms, "CALL { USE shop.far MATCH (o:Order) RETURN sum(o.total) AS far } "
                       "CALL { USE shop.eu MATCH (o:Order) RETURN sum(o.total) AS eu } RETURN far, eu")
    assert rows == [{"far": 5, "eu": 60}]


def test_nothing_run_inside_a_composite_statement_reaches_the_system_graph(dbms):
    """A composite's statement that reads no graph runs on an empty graph of its own: a statement a procedure or
    function runs inside it (APOC's cypher.run*) finds nothing, and may not write."""
    for text in ("RETURN apoc.cypher.runFirstColumnSingle('MATCH (u:User) RETURN u.credentials', {}) AS leak",
                 "RETURN apoc.cypher.runFirstColumnMany('MATCH (u) RETURN properties(u)', {}) AS leak"):
        leaked = _rows(dbms, text)[0]["leak"]
        assert not leaked
    with pytest.raises(Neo4jError):
        _rows(dbms, "CALL apoc.cypher.doIt('CREATE (:Planted) RETURN 1 AS x', {}) YIELD value RETURN value")


def test_a_composite_needs_access_and_must_be_online(dbms):
    with dbms.session() as admin:
        admin.run("STOP DATABASE shop").consume()
    with pytest.raises(Neo4jError) as unavailable:
        _rows(dbms, "RETURN 1 AS one")
    assert unavailable.value.code == "Neo.TransientError.General.DatabaseUnavailable"
    with dbms.session() as admin:
        admin.run("START DATABASE shop").consume()
    assert _rows(dbms, "RETURN 1 AS one") == [{"one": 1}]


def test_graph_names_and_by_name_reach_every_constituent(dbms):
    with dbms.session() as admin:
        admin.run("ALTER ALIAS shop.eu SET DATABASE PROPERTIES {region: 'EU'}").consume()
    rows = _rows(dbms, "UNWIND graph.names() AS g CALL (g) { USE graph.byName(g) MATCH (o:Order) "
                       "RETURN count(o) AS n } RETURN g, n, graph.propertiesByName(g).region AS region ORDER BY g")
    assert rows == [{"g": "shop.eu", "n": 3, "region": "EU"}, {"g": "shop.us", "n": 2, "region": None}]


@pytest.mark.parametrize("text, message", [
    ("RETURN graph.names() AS g", "graph.names() is only supported on composite databases."),
    ("CALL { USE graph.byName('europe') RETURN 1 AS x } RETURN x",
     "Dynamic graph references are supported only in composite databases."),
])
def test_graph_functions_elsewhere(dbms, text, message):
    with dbms.session(database="europe") as session, pytest.raises(Neo4jError) as refusal:
        session.run(text).consume()
    assert refusal.value.message == message


def test_the_summary_counts_what_constituent_subqueries_wrote(dbms):
    with dbms.session(database="shop") as session:
        counters = session.run("UNWIND [1, 2] AS i CALL (i) { USE shop.eu CREATE (:Order {id: 10 + i}) RETURN i AS j } "
                               "RETURN j").consume().counters
    assert (counters.nodes_created, counters.labels_added, counters.properties_set) == (2, 2, 2)
