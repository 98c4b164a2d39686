"""`constraint_checking`: uniqueness and key constraints fail the statement that breaks them ("statement", the
default, as Neo4j does), or only the commit ("commit", Memgraph's way); existence and type constraints are checked
at commit in both modes. A statement that fails ends its transaction as every failed statement does."""
from __future__ import annotations

import threading

import pytest

from graphplex import DBMS
from graphplex.errors import ClientError, ConstraintError, TransactionError

from behaviour_support import count

ROGER = "Node(0) already exists with label `Person` and property `name` = 'Roger'"
STORAGE_MODES = ["IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL", "ON_DISK_TRANSACTIONAL"]


def open_dbms(**settings) -> DBMS:
    dbms = DBMS.in_memory(**settings)
    with dbms.session() as s:
        s.run("CREATE CONSTRAINT person_name FOR (p:Person) REQUIRE p.name IS UNIQUE").consume()
    return dbms


@pytest.fixture(params=STORAGE_MODES)
def statement_dbms(request):
    with open_dbms(storage_mode=request.param) as dbms:
        yield dbms


@pytest.fixture
def commit_dbms():
    with open_dbms(constraint_checking="commit") as dbms:
        yield dbms


def test_the_statement_that_breaks_uniqueness_fails_in_an_explicit_transaction(statement_dbms):
    with statement_dbms.session() as s:
        tx = s.begin_transaction()
        tx.run("CREATE (:Person {name: 'Roger'})").consume()
        with pytest.raises(ConstraintError) as caught:
            tx.run("CREATE (:Person {name: 'Roger'})").consume()
        assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
        assert caught.value.message == ROGER
        # As in Neo4j, a failed statement marks its transaction for rollback: nothing of it is committed.
        with pytest.raises(TransactionError):
            tx.run("RETURN 1").consume()
        tx.rollback()
    assert count(statement_dbms, "Person") == 0


def test_commit_mode_defers_the_check_to_the_commit(commit_dbms):
    with commit_dbms.session() as s:
        tx = s.begin_transaction()
        tx.run("CREATE (:Person {name: 'Roger'})").consume()
        tx.run("CREATE (:Person {name: 'Roger'})").consume()
        with pytest.raises(ConstraintError) as caught:
            tx.commit()
        assert caught.value.message.endswith("already exists with label `Person` and property `name` = 'Roger'")
    assert count(commit_dbms, "Person") == 0


def test_committed_duplicates_fail_the_statement(statement_dbms):
    with statement_dbms.session() as s:
        s.run("CREATE (:Person {name: 'Roger'})").consume()
        tx = s.begin_transaction()
        tx.run("CREATE (:Person {name: 'Anna'})").consume()
        with pytest.raises(ConstraintError) as caught:
            tx.run("MATCH (p:Person {name: 'Anna'}) SET p.name = 'Roger'").consume()
        assert caught.value.message == ROGER
        tx.rollback()
        tx = s.begin_transaction()
        tx.run("CREATE (:Human {name: 'Roger'})").consume()
        with pytest.raises(ConstraintError):
            tx.run("MATCH (h:Human) SET h:Person").consume()
        tx.rollback()
    assert count(statement_dbms, "Person") == 1


def test_a_value_freed_by_an_earlier_statement_can_be_taken(statement_dbms):
    with statement_dbms.session() as s:
        s.run("CREATE (:Person {name: 'Roger'})").consume()
        tx = s.begin_transaction()
        tx.run("MATCH (p:Person {name: 'Roger'}) SET p.name = 'Rog'").consume()
        tx.run("CREATE (:Person {name: 'Roger'})").consume()
        tx.run("MATCH (p:Person {name: 'Rog'}) DELETE p").consume()
        tx.run("CREATE (:Person {name: 'Rog'})").consume()
        tx.commit()
        assert s.run("MATCH (p:Person) RETURN p.name ORDER BY p.name").value() == ["Rog", "Roger"]


def test_relationship_uniqueness_and_keys_are_checked_at_the_statement(statement_dbms):
    with statement_dbms.session() as s:
        s.run("CREATE CONSTRAINT seq FOR ()-[r:SEQUEL_OF]-() REQUIRE r.order IS UNIQUE").consume()
        s.run("CREATE CONSTRAINT actor FOR (a:Actor) REQUIRE (a.first, a.last) IS NODE KEY").consume()
        tx = s.begin_transaction()
        tx.run("CREATE ()-[:SEQUEL_OF {order: 1}]->()").consume()
        with pytest.raises(ConstraintError) as caught:
            tx.run("CREATE ()-[:SEQUEL_OF {order: 1}]->()").consume()
        assert caught.value.message.startswith("Relationship(")
        assert caught.value.message.endswith("already exists with type `SEQUEL_OF` and property `order` = 1")
        tx.rollback()
        tx = s.begin_transaction()
        tx.run("CREATE (:Actor {first: 'Keanu', last: 'Reeves'})").consume()
        with pytest.raises(ConstraintError) as caught:
            tx.run("CREATE (:Actor {first: 'Keanu', last: 'Reeves'})").consume()
        assert caught.value.message.endswith(
            "already exists with label `Actor` and properties `first` = 'Keanu', `last` = 'Reeves'")
        tx.rollback()


def test_existence_and_type_constraints_stay_at_commit(statement_dbms):
    with statement_dbms.session() as s:
        s.run("CREATE CONSTRAINT author FOR (a:Author) REQUIRE a.name IS NOT NULL").consume()
        s.run("CREATE CONSTRAINT actor FOR (a:Actor) REQUIRE (a.first, a.last) IS NODE KEY").consume()
        tx = s.begin_transaction()
        tx.run("CREATE (a:Author)").consume()       # no name yet: allowed until the commit
        tx.run("CREATE (:Actor {first: 'Keanu'})").consume()
        tx.run("MATCH (a:Author) SET a.name = 'Woolf'").consume()
        tx.run("MATCH (a:Actor) SET a.last = 'Reeves'").consume()
        tx.commit()
        tx = s.begin_transaction()
        tx.run("CREATE (:Author)").consume()
        with pytest.raises(ConstraintError) as caught:
            tx.commit()
        assert caught.value.message.endswith("with label `Author` must have the property `name`")
    assert count(statement_dbms, "Author") == 1


def test_an_implicit_statement_that_breaks_uniqueness_leaves_nothing(statement_dbms):
    with statement_dbms.session() as s:
        with pytest.raises(ConstraintError):
            s.run("CREATE (:Person {name: 'Roger'}), (:Person {name: 'Roger'})").consume()
    assert count(statement_dbms, "Person") == 0


def test_two_transactions_cannot_see_each_others_value_so_the_commit_still_guards(statement_dbms):
    with statement_dbms.session() as first_session, statement_dbms.session() as second_session:
        first, second = first_session.begin_transaction(), second_session.begin_transaction()
        first.run("CREATE (:Person {name: 'Roger'})").consume()
        second.run("CREATE (:Person {name: 'Roger'})").consume()   # cannot see the other's uncommitted node
        first.commit()
        with pytest.raises(ConstraintError):
            second.commit()
    assert count(statement_dbms, "Person") == 1


def test_concurrent_writers_of_one_value_leave_exactly_one(statement_dbms):
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def writer() -> None:
        with statement_dbms.session() as s:
            barrier.wait()
            try:
                tx = s.begin_transaction()
                tx.run("CREATE (:Person {name: 'Roger'})").consume()
                tx.commit()
                outcomes.append("committed")
            except (ConstraintError, TransactionError, ClientError):
                outcomes.append("refused")
            except Exception as error:  # a transient conflict is a refusal too
                outcomes.append(type(error).__name__)
    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("committed") == 1
    assert count(statement_dbms, "Person") == 1


def test_the_setting_is_checked():
    with pytest.raises(ClientError) as caught:
        DBMS.in_memory(constraint_checking="eventually")
    assert caught.value.code == "Neo.ClientError.General.InvalidArguments"
    assert "constraint_checking" in caught.value.message


def test_a_database_created_with_the_option_overrides_the_dbms(statement_dbms):
    with statement_dbms.session() as s:
        s.run("CREATE DATABASE legacy OPTIONS {constraintChecking: 'commit'}").consume()
        s.run("CREATE DATABASE modern").consume()
        options = dict(s.run("SHOW DATABASES YIELD name, options RETURN name, options").values())
    # As in Neo4j, `options` shows the options the database was created with.
    assert options["legacy"]["constraintChecking"] == "commit"
    assert "constraintChecking" not in options["modern"]
    for name, deferred in (("legacy", True), ("modern", False)):
        with statement_dbms.session(database=name) as s:
            s.run("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.name IS UNIQUE").consume()
            tx = s.begin_transaction()
            tx.run("CREATE (:Person {name: 'Roger'})").consume()
            if deferred:
                tx.run("CREATE (:Person {name: 'Roger'})").consume()
                with pytest.raises(ConstraintError):
                    tx.commit()
            else:
                with pytest.raises(ConstraintError):
                    tx.run("CREATE (:Person {name: 'Roger'})").consume()
                tx.rollback()


def test_a_bad_option_value_is_refused(statement_dbms):
    with statement_dbms.session() as s:
        with pytest.raises(ClientError) as caught:
            s.run("CREATE DATABASE legacy OPTIONS {constraintChecking: 'later'}").consume()
    assert caught.value.code == "Neo.ClientError.Statement.ArgumentError"
    assert "constraintChecking" in caught.value.message


def test_the_driver_meets_its_constraint_error_at_the_statement():
    """What an OGM sees (neomodel maps this error to `UniqueProperty`): the second save in one transaction fails."""
    neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
    from graphplex.bolt import BoltServer

    with open_dbms() as dbms, BoltServer(dbms, port=0) as server, \
            neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "unused")) as driver:
        with driver.session() as session:
            tx = session.begin_transaction()
            assert len(list(tx.run("CREATE (p:Person {name: $name}) RETURN p", name="Roger"))) == 1
            with pytest.raises(neo4j.exceptions.ConstraintError) as caught:
                list(tx.run("CREATE (p:Person {name: $name}) RETURN p", name="Roger"))
            assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
            assert caught.value.message == ROGER
            tx.close()
        assert driver.execute_query("MATCH (p:Person) RETURN count(p) AS c").records[0]["c"] == 0


def test_the_settings_file_chooses_the_mode(tmp_path):
    (tmp_path / "graphplex.toml").write_text('constraint_checking = "commit"\n', encoding="utf-8")
    with DBMS.open(tmp_path) as dbms, dbms.session() as s:
        s.run("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.name IS UNIQUE").consume()
        tx = s.begin_transaction()
        tx.run("CREATE (:Person {name: 'Roger'})").consume()
        tx.run("CREATE (:Person {name: 'Roger'})").consume()   # deferred to the commit
        with pytest.raises(ConstraintError):
            tx.commit()
