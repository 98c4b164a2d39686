"""Memgraph's nested-property indexes (issue 16): `CREATE INDEX ON :L(a.b)` indexes the value at the path `a.b`
inside the map values of `a` (composite `:L(a.b, c)` too), `DROP INDEX ON :L(a.b)` drops it, SHOW INDEX INFO lists
the dotted path, and the planner seeks it for `WHERE n.a.b = value` (only there: an inline map compares the whole
map, as in Memgraph). It follows writes of the map, and survives a restart in every storage mode."""
from __future__ import annotations

import pytest

from graphplex import DBMS
from graphplex.errors import CypherSyntaxError

STORAGE_MODES = ["IN_MEMORY_TRANSACTIONAL", "ON_DISK_TRANSACTIONAL"]
SEEK = "MATCH (n:Project) WHERE n.delivery.status.due = $due RETURN n.name AS name ORDER BY name"
# The index seek as a Memgraph session's EXPLAIN and PROFILE show it.
SEEK_OPERATOR = "* ScanAllByLabelProperties (n :Project {delivery.status.due})"


@pytest.fixture
def memgraph(dbms):
    with dbms.session(dialect="memgraph") as session:
        yield session


def run(session, *queries: str) -> None:
    for query in queries:
        session.run(query).consume()


def names(session, query: str = SEEK, **parameters) -> list:
    return [record["name"] for record in session.run(query, parameters or {"due": 1})]


def info(session) -> list[tuple]:
    return [(r["index type"], r["label"], r["property"], r["count"]) for r in session.run("SHOW INDEX INFO")]


def operators(session, query: str, **parameters) -> list[str]:
    """The operators of an EXPLAIN or PROFILE as a Memgraph session reads them: its first column's rows."""
    return [record[0].strip() for record in session.run(query, parameters)]


def create_projects(session) -> None:
    run(session, "CREATE (:Project {name: 'a', delivery: {status: {due: 1, milestone: 'v1'}}}), "
                 "(:Project {name: 'b', delivery: {status: {due: 2}}}), (:Project {name: 'c', delivery: 3}), "
                 "(:Project {name: 'd'})")


def test_show_index_info_lists_the_dotted_path_and_counts_what_has_it(memgraph):
    create_projects(memgraph)
    assert memgraph.run("CREATE INDEX ON :Project(delivery.status.due)").consume().counters.indexes_added == 1
    run(memgraph, "CREATE INDEX ON :Project(delivery.status.due, name)")
    assert info(memgraph) == [("label+property", "Project", "delivery.status.due", 2),
                              ("label+property", "Project", ["delivery.status.due", "name"], 2)]
    assert memgraph.run("DROP INDEX ON :Project(delivery.status.due)").consume().counters.indexes_removed == 1
    run(memgraph, "DROP INDEX ON :Project(delivery.status.due, name)")
    assert info(memgraph) == []


def test_the_planner_seeks_the_index_for_the_nested_equality(memgraph):
    create_projects(memgraph)
    run(memgraph, "CREATE INDEX ON :Project(delivery.status.due)")
    assert names(memgraph) == ["a"] and names(memgraph, due=2.0) == ["b"]
    assert SEEK_OPERATOR in operators(memgraph, "PROFILE " + SEEK, due=1)
    assert SEEK_OPERATOR in operators(memgraph, "EXPLAIN MATCH (n:Project) WHERE 2 = n.delivery.status.due RETURN n")


def test_an_inline_map_compares_the_whole_map_and_scans(memgraph):
    create_projects(memgraph)
    run(memgraph, "CREATE INDEX ON :Project(delivery.status.due)")
    query = "MATCH (n:Project {delivery: {status: {due: 2}}}) RETURN n.name AS name"
    assert names(memgraph, query) == ["b"]
    assert not any("ScanAllByLabelProperties" in op for op in operators(memgraph, "EXPLAIN " + query))


def test_the_index_follows_writes_of_the_map(memgraph):
    create_projects(memgraph)
    run(memgraph, "CREATE INDEX ON :Project(delivery.status.due)",
        "MATCH (n:Project {name: 'b'}) SET n.delivery = {status: {due: 1}}",
        "MATCH (n:Project {name: 'a'}) SET n += {delivery: {status: {}}}")
    assert names(memgraph) == ["b"]
    with memgraph.begin_transaction() as tx:
        tx.run("MATCH (n:Project {name: 'd'}) SET n.delivery = {status: {due: 1}}").consume()
        assert [r["name"] for r in tx.run(SEEK, due=1)] == ["b", "d"]
        tx.rollback()
    assert names(memgraph) == ["b"]


def test_a_property_and_one_nested_in_it_cannot_share_an_index_nor_an_edge_index_nest(memgraph):
    for query in ("CREATE INDEX ON :Person(name, name.surname)", "CREATE INDEX ON :Person(a.b, a.b)"):
        with pytest.raises(CypherSyntaxError, match="Properties cannot be repeated in a composite index."):
            memgraph.run(query).consume()
    with pytest.raises(CypherSyntaxError, match="Nested properties are not supported for edge indices."):
        memgraph.run("CREATE EDGE INDEX ON :KNOWS(a.b)").consume()
    run(memgraph, "CREATE INDEX ON :Person(name.first, name.surname)")
    assert info(memgraph) == [("label+property", "Person", ["name.first", "name.surname"], 0)]


@pytest.mark.parametrize("storage_mode", STORAGE_MODES)
def test_a_nested_index_survives_a_restart_and_serves_seeks(tmp_path, storage_mode):
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session(dialect="memgraph") as s:
        create_projects(s)
        run(s, "CREATE INDEX ON :Project(delivery.status.due)")
        with s.begin_transaction() as tx:
            tx.run("CREATE (:Project {name: 'e', delivery: {status: {due: 1}}})").consume()
            assert [r["name"] for r in tx.run(SEEK, due=1)] == ["a", "e"]
            tx.commit()
    with DBMS.open(tmp_path / "dbms", storage_mode=storage_mode) as dbms, dbms.session(dialect="memgraph") as s:
        assert info(s) == [("label+property", "Project", "delivery.status.due", 3)]
        assert names(s) == ["a", "e"]
        assert SEEK_OPERATOR in operators(s, "EXPLAIN " + SEEK, due=1)
