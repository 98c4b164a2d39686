"""What Memgraph's clients still met (issue 16), through Memgraph's own client (pymgclient over Bolt 4.x) and the
neo4j driver against `graphplex serve`: an index beside a uniqueness constraint, Memgraph's words for a violated
constraint, UTC named as Memgraph names it (`Etc/UTC`), and the default database reached as `memgraph`."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from mgclient_support import fetch

mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")
neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")


def test_an_index_beside_a_uniqueness_constraint(cursor):
    fetch(cursor, "CREATE INDEX ON :User(id);")
    fetch(cursor, "CREATE CONSTRAINT ON (n:User) ASSERT n.id IS UNIQUE;")
    assert fetch(cursor, "SHOW INDEX INFO;") == [
        {"index type": "label+property", "label": "User", "property": "id", "count": 0}]
    assert fetch(cursor, "SHOW CONSTRAINT INFO;") == [
        {"constraint type": "unique", "label": "User", "properties": ["id"], "data_type": ""}]


def test_a_violation_in_memgraphs_words(cursor):
    fetch(cursor, "CREATE CONSTRAINT ON (n:User) ASSERT n.id IS UNIQUE;")
    fetch(cursor, "CREATE (:User {id: 1});")
    with pytest.raises(mgclient.DatabaseError, match=r"^Unable to commit due to unique constraint violation on "
                                                     r":User\(id\)$"):
        fetch(cursor, "CREATE (:User {id: 1});")


@pytest.mark.parametrize("query, parameters", [
    ("RETURN datetime('2024-04-21T14:15:16Z') AS value", {}),
    ("RETURN $dt AS value", {"dt": dt.datetime(2024, 4, 21, 14, 15, 16, tzinfo=zoneinfo.ZoneInfo("UTC"))}),
    ("RETURN $dt AS value", {"dt": dt.datetime(2024, 4, 21, 14, 15, 16, tzinfo=dt.timezone.utc)}),
])
def test_utc_as_memgraph_names_it(cursor, query, parameters):
    cursor.execute(query, parameters)
    value = cursor.fetchall()[0][0]
    assert isinstance(value.tzinfo, zoneinfo.ZoneInfo) and value.tzinfo.key == "Etc/UTC"
    assert value.replace(tzinfo=None) == dt.datetime(2024, 4, 21, 14, 15, 16)


def test_utc_from_pytz_as_memgraph_names_it(cursor):
    pytz = pytest.importorskip("pytz")
    cursor.execute("RETURN $dt AS value", {"dt": pytz.utc.localize(dt.datetime(2024, 4, 21, 14, 15, 16))})
    assert str(cursor.fetchall()[0][0].tzinfo) == "Etc/UTC"


def test_neo4js_clients_keep_neo4js_utc(served):
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{served}", auth=("neo4j", "unused")) as driver:
        records, _, _ = driver.execute_query("RETURN datetime('2024-04-21T14:15:16Z') AS value")
    assert records[0]["value"].tzinfo.utcoffset(None) == dt.timedelta(0)
    assert not isinstance(records[0]["value"].tzinfo, zoneinfo.ZoneInfo)


def test_the_neo4j_driver_reaches_the_default_database_as_memgraph(served):
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{served}", auth=("neo4j", "unused")) as driver:
        driver.execute_query("CREATE (:Here)", database_="memgraph")
        records, _, _ = driver.execute_query("MATCH (n:Here) RETURN count(n) AS n", database_="neo4j")
    assert records[0]["n"] == 1
