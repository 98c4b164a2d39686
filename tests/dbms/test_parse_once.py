"""A statement is parsed once per DBMS: the DBMS's cache of parsed statements feeds every door (sessions, explicit
transactions, the embedded API), and a database's plan cache re-plans from the AST after a schema change."""
import sys

import pytest

from graphplex.databases.cypher import parser


@pytest.fixture
def parses(monkeypatch):
    """Counts parses of each text, wherever the parser's `parse` was imported."""
    counted: list[str] = []
    original = parser.parse

    def counting(text):
        counted.append(text)
        return original(text)
    for module in list(sys.modules.values()):
        if getattr(module, "parse", None) is original and module.__name__.startswith("graphplex"):
            monkeypatch.setattr(module, "parse", counting)
    return counted


def test_a_new_statement_run_in_a_session_is_parsed_once(dbms, parses):
    with dbms.session() as session:
        session.run("CREATE (:Once {n: 1})").consume()
        session.run("CREATE (:Once {n: 1})").consume()
    assert parses.count("CREATE (:Once {n: 1})") == 1


def test_a_new_statement_in_an_explicit_transaction_is_parsed_once(dbms, parses):
    with dbms.session() as session, session.begin_transaction() as tx:
        tx.run("MATCH (n:Explicit) RETURN count(n) AS c").consume()
    assert parses.count("MATCH (n:Explicit) RETURN count(n) AS c") == 1


def test_a_new_statement_through_the_embedded_api_is_parsed_once(dbms, parses):
    with dbms.database().begin_tx() as tx:
        tx.failure()
        tx.execute("MATCH (n:Embedded) RETURN n").consume()
    assert parses.count("MATCH (n:Embedded) RETURN n") == 1


def test_a_statement_is_not_parsed_again_after_a_schema_change(dbms, parses):
    text = "MATCH (n:Indexed {k: 1}) RETURN n"
    with dbms.session() as session:
        session.run(text).consume()
        session.run("CREATE INDEX FOR (n:Indexed) ON (n.k)").consume()
        assert session.run(text).data() == []
    assert parses.count(text) == 1


def test_the_cache_of_parsed_statements_is_shared_by_threads(dbms):
    import threading

    errors = []

    def work(worker):
        try:
            with dbms.session() as session:
                for i in range(300):
                    session.run(f"RETURN {worker * 1000 + i % 50} AS v").consume()
        except Exception as error:  # noqa: BLE001 - any failure of a thread fails the test
            errors.append(error)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
