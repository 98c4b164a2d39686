"""The statement router: one table keyed by the statement's AST class, shared by every door."""
import inspect

import pytest

from graphplex import DBMS
from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import _ADMINISTRATION, _DATABASE_MANAGEMENT, _TRANSACTION
from graphplex.errors import TransactionError
from graphplex.routing import GRAPH, ROUTES, route_for


def _statement_classes(kinds):
    return [cls for cls in vars(ast).values()
            if inspect.isclass(cls) and issubclass(cls, kinds)]


@pytest.mark.parametrize("kind", _statement_classes(_ADMINISTRATION + _TRANSACTION + _DATABASE_MANAGEMENT),
                         ids=lambda cls: cls.__name__)
def test_every_statement_that_is_not_a_graph_statement_has_its_entry(kind):
    assert any(base in ROUTES for base in kind.__mro__), f"{kind.__name__} has no route"


def test_graph_statements_take_the_graph_route():
    with DBMS.in_memory() as dbms:
        for text in ("MATCH (n) RETURN n", "EXPLAIN CREATE (:A)", "CREATE INDEX FOR (n:A) ON (n.k)"):
            assert route_for(dbms.parse(text)[0]) is GRAPH


def test_an_administration_command_takes_its_own_route():
    with DBMS.in_memory() as dbms:
        assert route_for(dbms.parse("SHOW USERS")[0]) is ROUTES[ast.ShowUsers]


def _refusals_of_begin(dbms):
    messages = []
    with dbms.session() as session:
        session.run("BEGIN")
        with pytest.raises(TransactionError) as caught:
            session.run("BEGIN")
        messages.append((caught.value.code, caught.value.message))
        session.run("ROLLBACK")
        tx = session.begin_transaction()
        with pytest.raises(TransactionError) as caught:
            tx.run("BEGIN")
        tx.rollback()
        messages.append((caught.value.code, caught.value.message))
    with dbms.database().begin_tx() as tx, pytest.raises(TransactionError) as caught:
        tx.execute("BEGIN")
    messages.append((caught.value.code, caught.value.message))
    return messages


def test_begin_inside_a_transaction_is_refused_alike_by_every_door():
    with DBMS.in_memory() as dbms:
        assert set(_refusals_of_begin(dbms)) == {
            ("Neo.ClientError.Transaction.TransactionStartFailed", "Nested transactions are not supported.")}


def test_setting_the_isolation_level_inside_a_transaction_is_refused_alike_by_every_door():
    text = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"
    expected = ("Neo.ClientError.Transaction.ForbiddenDueToTransactionType",
                "Isolation level cannot be modified in multicommand transactions.")
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("BEGIN")
        with pytest.raises(TransactionError) as in_statement_transaction:
            session.run(text)
        session.run("ROLLBACK")
        tx = session.begin_transaction()
        with pytest.raises(TransactionError) as in_explicit:
            tx.run(text)
        tx.rollback()
    for caught in (in_statement_transaction, in_explicit):
        assert (caught.value.code, caught.value.message) == expected
