"""The db.* procedures on a database used on its own: what they answer and what needs a DBMS."""
from __future__ import annotations

import pytest

from graphplex.databases import Database
from graphplex.databases.errors import ClientError


def test_a_database_on_its_own_answers_what_it_knows_and_refuses_the_rest():
    database = Database("solo")
    assert list(database.execute("CALL db.ping()")) == [(True,)]
    assert list(database.execute("CALL db.info()")) == [(database.storage.database_id, "solo", None)]
    with pytest.raises(ClientError) as caught:
        list(database.execute("CALL tx.getMetaData()"))
    assert caught.value.code == "Neo.ClientError.Procedure.ProcedureCallFailed"
    database.close()
