"""Memgraph's `QUERY MEMORY LIMIT n KB|MB` / `QUERY MEMORY UNLIMITED` and `PROCEDURE MEMORY …` through the public
API: the clause tightens the transaction's memory limit for one statement (or one procedure's calls)."""
from __future__ import annotations

from typing import Iterator, TypedDict

import pytest

from behaviour_support import count
from graphplex import DBMS, ProcedureContext
from graphplex.errors import Neo4jError

OUT_OF_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
CREATE_MANY = "UNWIND range(1, 1000) AS i CREATE (:Bulk {i: i, text: 'some text'})"


class Made(TypedDict):
    made: int


@pytest.fixture
def dbms():
    with DBMS.in_memory() as instance:
        @instance.procedure("bulk.make", mode="WRITE")
        def make(ctx: ProcedureContext, amount: int) -> Iterator[Made]:
            """Creates `amount` Bulk nodes in the calling transaction."""
            ctx.run("UNWIND range(1, $amount) AS i CREATE (:Bulk {i: i})", amount=amount)
            yield {"made": amount}
        yield instance


def test_a_query_over_its_memory_limit_fails_and_changes_nothing(dbms):
    with dbms.session() as session, pytest.raises(Neo4jError) as caught:
        session.run(f"{CREATE_MANY} QUERY MEMORY LIMIT 10 KB").consume()
    assert caught.value.code == OUT_OF_MEMORY
    assert caught.value.message.startswith("The allocation of an extra ")
    assert caught.value.message.endswith("QUERY MEMORY LIMIT threshold reached")
    assert count(dbms, "Bulk") == 0


def test_a_memgraph_session_fails_with_memgraph_s_message(dbms):
    with dbms.session(dialect="memgraph") as session, pytest.raises(Neo4jError) as caught:
        session.run(f"{CREATE_MANY} QUERY MEMORY LIMIT 10 KB").consume()
    assert caught.value.code == OUT_OF_MEMORY  # Memgraph's form is for its Bolt clients only
    assert caught.value.message.startswith("Memory limit exceeded! Attempting to allocate a chunk of ")
    assert caught.value.message.endswith("while the maximum allowed size for allocation is set to 10.00KiB.")
    assert count(dbms, "Bulk") == 0


def test_the_same_query_unlimited_or_under_a_larger_limit_succeeds(dbms):
    with dbms.session() as session:
        session.run(f"{CREATE_MANY} QUERY MEMORY UNLIMITED").consume()
        session.run(f"{CREATE_MANY} QUERY MEMORY LIMIT 2 MB").consume()
    assert count(dbms, "Bulk") == 2000


def test_a_failing_limited_statement_fails_its_explicit_transaction(dbms):
    with dbms.session() as session:
        transaction = session.begin_transaction()
        transaction.run("CREATE (:Bulk {i: 0})").consume()
        with pytest.raises(Neo4jError):
            transaction.run(f"{CREATE_MANY} QUERY MEMORY LIMIT 10 KB").consume()
        with pytest.raises(Neo4jError):
            transaction.commit()
    assert count(dbms, "Bulk") == 0


def test_the_limit_counts_only_what_its_statement_uses(dbms):
    with dbms.session() as session, session.begin_transaction() as transaction:
        transaction.run(CREATE_MANY).consume()
        transaction.run("CREATE (:Bulk {i: 0}) QUERY MEMORY LIMIT 1 KB").consume()
        transaction.commit()
    assert count(dbms, "Bulk") == 1001


def test_working_memory_counts_against_the_query_limit(dbms):
    with dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("UNWIND range(1, 100000) AS i RETURN size(collect(i)) QUERY MEMORY LIMIT 100 KB").consume()
        assert caught.value.code == OUT_OF_MEMORY
        assert session.run("UNWIND range(1, 100000) AS i RETURN size(collect(i)) AS n QUERY MEMORY LIMIT 10 MB"
                           ).single()["n"] == 100000


def test_unlimited_keeps_the_transaction_memory_limit():
    with DBMS.in_memory(transaction_memory_max=50_000) as dbms, dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run(f"{CREATE_MANY} QUERY MEMORY UNLIMITED").consume()
        assert "db.memory.transaction.max threshold reached" in caught.value.message
        assert count(dbms, "Bulk") == 0


def test_a_procedure_over_its_memory_limit_fails_and_changes_nothing(dbms):
    with dbms.session() as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("CALL bulk.make(1000) PROCEDURE MEMORY LIMIT 10 KB YIELD made RETURN made").consume()
        assert caught.value.code == OUT_OF_MEMORY
        assert "PROCEDURE MEMORY LIMIT threshold reached" in caught.value.message
        assert count(dbms, "Bulk") == 0
        assert session.run("CALL bulk.make(1000) PROCEDURE MEMORY UNLIMITED YIELD made RETURN made").value() == [1000]
        assert session.run("CALL bulk.make(10) PROCEDURE MEMORY LIMIT 1 MB YIELD made RETURN made").value() == [10]
    assert count(dbms, "Bulk") == 1010


def test_the_clause_words_remain_names(dbms):
    with dbms.session() as session:
        row = session.run("WITH 1 AS query, 2 AS memory, 3 AS unlimited, 4 AS kb, 5 AS mb "
                          "RETURN query + memory + unlimited + kb + mb AS total QUERY MEMORY LIMIT 1 MB").single()
    assert row["total"] == 15
