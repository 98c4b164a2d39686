"""The db.* procedures on a database used on its own: Neo4j's names of stored value types, and what needs a DBMS."""
from __future__ import annotations

import datetime as dt

import pytest

from graphplex.databases import Database
from graphplex.databases.cypher.procedures_db import property_type
from graphplex.databases.errors import ClientError
from graphplex.databases.values import Duration, Point


@pytest.mark.parametrize(("value", "name"), [
    ("s", "String"), (1, "Long"), (1.5, "Double"), (True, "Boolean"),
    (dt.date(2020, 1, 2), "Date"), (dt.datetime(2020, 1, 2, tzinfo=dt.timezone.utc), "DateTime"),
    (dt.datetime(2020, 1, 2), "LocalDateTime"), (dt.time(1, 2, tzinfo=dt.timezone.utc), "Time"),
    (dt.time(1, 2), "LocalTime"), (Duration(months=1), "Duration"), (Point(7203, 1.0, 2.0), "Point"),
    (["a"], "StringArray"), ([1, 2], "LongArray"), ([1.0], "DoubleArray"), ([True], "BooleanArray"),
    ([dt.date(2020, 1, 2)], "DateArray"), ([], "StringArray"),
])
def test_property_types_have_neo4j_names(value, name):
    assert property_type(value) == name


def test_a_database_on_its_own_answers_what_it_knows_and_refuses_the_rest():
    database = Database("solo")
    assert list(database.execute("CALL db.ping()")) == [(True,)]
    assert list(database.execute("CALL db.info()")) == [(database.storage.database_id, "solo", None)]
    with pytest.raises(ClientError) as caught:
        list(database.execute("CALL tx.getMetaData()"))
    assert caught.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    database.close()
