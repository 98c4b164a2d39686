"""The fixed cost of a statement (issue 18): what the per-statement path keeps or skips must not change a rule."""
import gc

import pytest

from graphplex import DBMS
from graphplex.databases import Database
from graphplex.databases.cypher import ast
from graphplex.databases.storage import IsolationLevel
from graphplex.errors import Neo4jError
from graphplex.routing import GRAPH, ROUTES, route_for


@pytest.fixture
def no_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _garbage_in_cycles(work) -> int:
    """How many objects `work` left that only the cyclic collector frees."""
    gc.collect()
    work()
    return gc.collect()


def test_a_session_statement_leaves_no_reference_cycle(no_cycle_collector):
    """Each statement's transaction, result and context are freed by reference counting: a cycle among them kept
    every statement's objects alive until the cyclic collector ran (about a tenth of a point read's time)."""
    with DBMS.in_memory() as dbms, dbms.session() as session:
        session.run("CREATE (:P {id: 1})").consume()

        def statements():
            for _ in range(30):
                assert [record[0] for record in session.run("MATCH (p:P {id: $id}) RETURN p.id", id=1)] == [1]
                session.run("RETURN 1").consume()
            session.run("RETURN 2").consume()  # lets go of the last result held by the session
        assert _garbage_in_cycles(statements) == 0


def test_a_read_only_storage_transaction_lets_go_of_itself(no_cycle_collector):
    db = Database()

    def reads():
        for _ in range(20):
            txn = db.begin()
            assert txn.info.txn is txn
            txn.commit()
            assert txn.info.txn is None
    assert _garbage_in_cycles(reads) == 0


def test_closed_results_of_a_long_explicit_transaction_are_forgotten():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        with session.begin_transaction() as tx:
            for value in range(50):
                assert tx.run("RETURN $v", v=value).single()[0] == value
            open_result = tx.run("UNWIND range(1, 3) AS x RETURN x")
            assert len(tx._txn._results) == 1
            assert [record[0] for record in open_result] == [1, 2, 3]


def test_results_not_read_still_run_at_commit_after_others_were_closed():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        with session.begin_transaction() as tx:
            tx.run("RETURN 1").consume()
            tx.run("CREATE (:Late)")  # never read: the commit runs it
            tx.run("RETURN 2").consume()
        assert session.run("MATCH (n:Late) RETURN count(n)").single()[0] == 1


def test_a_route_found_once_is_the_tables_answer_every_time():
    with DBMS.in_memory() as dbms:
        users = dbms.parse("SHOW USERS")[0]
        for _ in range(2):
            assert route_for(users) is ROUTES[ast.ShowUsers]
            assert route_for(dbms.parse("SHOW TRANSACTIONS")[0]) is ROUTES[ast.ShowTransactions]
            assert route_for(dbms.parse("MATCH (n) RETURN n")[0]) is GRAPH
            assert route_for(dbms.parse("PROFILE MATCH (n) RETURN n")[0]) is GRAPH


@pytest.mark.parametrize("spelling, level", [
    ("SNAPSHOT_ISOLATION", IsolationLevel.SNAPSHOT_ISOLATION), ("READ_COMMITTED", IsolationLevel.READ_COMMITTED),
    ("read uncommitted", IsolationLevel.READ_UNCOMMITTED), (" Snapshot Isolation ", IsolationLevel.SNAPSHOT_ISOLATION),
    (IsolationLevel.READ_COMMITTED, IsolationLevel.READ_COMMITTED)])
def test_every_spelling_of_an_isolation_level_is_taken(spelling, level):
    assert IsolationLevel.parse(spelling) is level


def test_an_unknown_isolation_level_is_still_refused():
    with pytest.raises(Exception) as caught:
        IsolationLevel.parse("SERIALIZABLE")
    assert caught.value.code == "Neo.ClientError.General.InvalidArguments"


@pytest.mark.parametrize("query, expected", [
    ("RETURN 1 AS a", [(1,)]), ("RETURN 1 AS a, 'x' AS b", [(1, "x")]), ("UNWIND [] AS x RETURN x", []),
    ("CREATE (:Q)", [])])
def test_records_of_one_and_several_columns(query, expected):
    assert list(Database().execute(query)) == expected


# --- privilege checks made once per statement and principal -----------------------------------------------------

ADMIN = "admin-pw-1"


@pytest.fixture
def secure():
    with DBMS.in_memory(auth_enabled=True, initial_password=ADMIN) as dbms:
        with dbms.session(auth=("neo4j", ADMIN)) as admin:
            admin.run("CREATE ROLE scribe").consume()
            admin.run("GRANT ACCESS ON DATABASE * TO scribe").consume()
            admin.run("GRANT MATCH {*} ON GRAPH * TO scribe").consume()
            admin.run("GRANT WRITE ON GRAPH * TO scribe").consume()
            admin.run("GRANT NAME MANAGEMENT ON DATABASE * TO scribe").consume()
            admin.run("GRANT CREATE INDEX ON DATABASE neo4j TO scribe").consume()
            admin.run("CREATE ROLE viewer").consume()
            admin.run("GRANT ACCESS ON DATABASE * TO viewer").consume()
            admin.run("GRANT MATCH {*} ON GRAPH * TO viewer").consume()
            for name, role in (("wanda", "scribe"), ("rita", "viewer")):
                admin.run(f"CREATE USER {name} SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
                admin.run(f"GRANT ROLE {role} TO {name}").consume()
        yield dbms


def _refused(session, query: str) -> None:
    with pytest.raises(Neo4jError) as caught:
        session.run(query).consume()
    assert caught.value.code == "Neo.ClientError.Security.Forbidden"


# The up-front check is the only one a schema command meets (a write would meet the write guard as well).
INDEX = "CREATE INDEX note_text IF NOT EXISTS FOR (n:Note) ON (n.text)"


def test_a_check_one_user_passed_is_still_made_for_another(secure):
    with secure.session(auth=("wanda", "pw-1")) as wanda, secure.session(auth=("rita", "pw-1")) as rita:
        for _ in range(3):
            wanda.run(INDEX).consume()
            _refused(rita, INDEX)


def test_a_check_passed_before_a_revoke_is_made_again_after_it(secure):
    with secure.session(auth=("wanda", "pw-1")) as wanda, secure.session(auth=("neo4j", ADMIN)) as admin:
        wanda.run(INDEX).consume()
        admin.run("REVOKE ROLE scribe FROM wanda").consume()
        admin.run("GRANT ROLE viewer TO wanda").consume()
        _refused(wanda, INDEX)
        admin.run("GRANT ROLE scribe TO wanda").consume()
        wanda.run(INDEX).consume()


def test_a_check_passed_on_one_database_is_made_again_on_another(secure):
    with secure.session(auth=("neo4j", ADMIN)) as admin:
        admin.run("CREATE DATABASE other").consume()
    with secure.session(auth=("wanda", "pw-1")) as wanda, \
            secure.session(auth=("wanda", "pw-1"), database="other") as elsewhere:
        wanda.run(INDEX).consume()
        _refused(elsewhere, INDEX)
        wanda.run(INDEX).consume()
