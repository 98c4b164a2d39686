"""Storage modes through the public API: `STORAGE MODE …`, `SHOW STORAGE INFO`, `CREATE SNAPSHOT`, and the
`storage_mode` setting."""
import pytest

from graphplex import DBMS
from graphplex.errors import ClientError, Neo4jError


def info(session, query="SHOW STORAGE INFO ON CURRENT DATABASE") -> dict:
    result = session.run(query)
    assert result.keys() == ["storage info", "value"]
    return {record["storage info"]: record["value"] for record in result}


def test_storage_mode_statement_switches_the_session_database(dbms, session, other_db):
    session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
    assert info(session)["storage_mode"] == "IN_MEMORY_ANALYTICAL"
    assert info(session, "SHOW STORAGE INFO ON DATABASE other")["storage_mode"] == "IN_MEMORY_TRANSACTIONAL"
    stores = {r["name"]: r["store"] for r in session.run("SHOW DATABASES YIELD name, store")}
    assert stores["neo4j"] == "IN_MEMORY_ANALYTICAL" and stores["other"] == "IN_MEMORY_TRANSACTIONAL"


def test_analytical_mode_has_no_isolation(dbms, session):
    session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
    with dbms.session() as writer_session, writer_session.begin_transaction() as writer:
        writer.run("CREATE (:Seen)").consume()
        assert session.run("MATCH (n:Seen) RETURN count(n) AS c").single()["c"] == 1
        writer.rollback()
    assert session.run("MATCH (n:Seen) RETURN count(n) AS c").single()["c"] == 0


def test_isolation_level_cannot_change_in_analytical_mode(session):
    session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
    with pytest.raises(ClientError) as caught:
        session.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
    assert caught.value.message.startswith("Isolation level cannot be modified when storage mode is set to "
                                           "IN_MEMORY_ANALYTICAL.")


def test_switching_is_refused_while_a_transaction_is_open(dbms, session):
    with dbms.session() as other, other.begin_transaction() as tx:
        tx.run("MATCH (n) RETURN count(n)").consume()
        with pytest.raises(ClientError) as caught:
            session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
        assert "active transaction" in caught.value.message
    session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()


@pytest.mark.parametrize("statement, message", [
    ("STORAGE MODE IN_MEMORY_ANALYTICAL", "Storage mode cannot be modified in multicommand transactions."),
    ("CREATE SNAPSHOT", "Snapshot cannot be created in multicommand transactions."),
])
def test_not_in_an_explicit_transaction(session, statement, message):
    tx = session.begin_transaction()
    with pytest.raises(Neo4jError) as caught:
        tx.run(statement)
    assert caught.value.code == "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"
    assert caught.value.message == message
    tx.rollback()


def test_unknown_mode_is_refused(session):
    with pytest.raises(ClientError) as caught:
        session.run("STORAGE MODE IN_MEMORY_FAST").consume()
    assert caught.value.code == "Neo.ClientError.General.InvalidArguments"
    assert info(session)["storage_mode"] == "IN_MEMORY_TRANSACTIONAL"


def test_on_disk_needs_an_empty_database(session):
    session.run("CREATE (:Item)").consume()
    with pytest.raises(ClientError) as caught:
        session.run("STORAGE MODE ON_DISK_TRANSACTIONAL").consume()
    assert "only while the database is empty" in caught.value.message
    session.run("MATCH (n) DETACH DELETE n").consume()
    session.run("STORAGE MODE ON_DISK_TRANSACTIONAL").consume()
    rows = info(session)
    assert (rows["storage_mode"], rows["storage_isolation_level"]) == ("ON_DISK_TRANSACTIONAL", "SNAPSHOT_ISOLATION")
    session.run("CREATE (:Item {v: 1})-[:NEXT]->(:Item {v: 2})").consume()
    assert session.run("MATCH (:Item {v: 1})-[:NEXT]->(b) RETURN b.v AS v").single()["v"] == 2
    with pytest.raises(ClientError) as caught:
        session.run("STORAGE MODE IN_MEMORY_TRANSACTIONAL").consume()
    assert "only while the database is empty" in caught.value.message


def test_on_disk_allows_only_snapshot_isolation(session):
    session.run("STORAGE MODE ON_DISK_TRANSACTIONAL").consume()
    with pytest.raises(ClientError) as caught:
        session.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    assert caught.value.message == "Snapshot isolation level is the only supported isolation level for disk storage."
    session.run("SET SESSION TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION").consume()
    with pytest.raises(ClientError):
        DBMS.in_memory(storage_mode="ON_DISK_TRANSACTIONAL", isolation_level="READ_COMMITTED")


def test_storage_mode_setting_applies_to_new_databases():
    with DBMS.in_memory(storage_mode="IN_MEMORY_ANALYTICAL") as dbms, dbms.session() as session:
        session.run("CREATE DATABASE fresh").consume()
        assert info(session)["storage_mode"] == "IN_MEMORY_ANALYTICAL"
        assert info(session, "SHOW STORAGE INFO ON DATABASE fresh")["storage_mode"] == "IN_MEMORY_ANALYTICAL"
        assert info(session, "SHOW STORAGE INFO")["global_storage_mode"] == "IN_MEMORY_ANALYTICAL"


def test_show_storage_info_reports_counts_levels_and_memory(session):
    session.run("CREATE (:A)-[:T]->(:B)").consume()
    session.run("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    rows = info(session, "SHOW STORAGE INFO")
    assert rows["name"] == "neo4j"
    assert (rows["vertex_count"], rows["edge_count"], rows["average_degree"]) == (2, 1, 1.0)
    assert rows["global_isolation_level"] == "SNAPSHOT_ISOLATION"
    assert rows["session_isolation_level"] == "READ_COMMITTED"
    assert rows["memory_res"].endswith("iB") and rows["peak_memory_res"].endswith("iB")
    scoped = info(session)
    assert list(scoped)[:4] == ["name", "state", "database_uuid", "storage_mode"]
    assert scoped["health"] == "healthy" and scoped["state"] == "online"


def test_show_storage_info_of_a_missing_database(session):
    with pytest.raises(ClientError) as caught:
        session.run("SHOW STORAGE INFO ON DATABASE nowhere").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"


def test_create_snapshot_and_the_mode_survive_a_restart(tmp_path):
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        session.run("STORAGE MODE IN_MEMORY_ANALYTICAL").consume()
        session.run("UNWIND range(1, 10) AS i CREATE (:Item {i: i})").consume()
        path = session.run("CREATE SNAPSHOT").single()["path"]
        assert path.startswith(str(tmp_path))
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        assert info(session)["storage_mode"] == "IN_MEMORY_ANALYTICAL"
        assert session.run("MATCH (i:Item) RETURN count(i) AS c").single()["c"] == 10


def test_create_snapshot_in_memory_is_refused(session):
    with pytest.raises(ClientError) as caught:
        session.run("CREATE SNAPSHOT").consume()
    assert "nowhere to write a snapshot" in caught.value.message


def test_an_on_disk_dbms_keeps_its_graphs_in_sqlite(tmp_path):
    with DBMS.open(tmp_path, storage_mode="ON_DISK_TRANSACTIONAL") as dbms, dbms.session() as session:
        session.run("CREATE DATABASE other").consume()
        session.run("CREATE CONSTRAINT FOR (p:Person) REQUIRE p.id IS UNIQUE").consume()
        session.run("UNWIND range(1, 50) AS i CREATE (:Person {id: i})").consume()
        session.run("USE other CREATE (:Thing)").consume()
        uuid = dbms.entry("other").uuid
    assert (tmp_path / "databases" / uuid / "graph.sqlite").exists()
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        assert info(session)["storage_mode"] == "ON_DISK_TRANSACTIONAL"
        assert session.run("MATCH (p:Person) RETURN count(p) AS c").single()["c"] == 50
        with pytest.raises(Neo4jError) as caught:
            session.run("CREATE (:Person {id: 7})").consume()
        assert caught.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
        session.run("DROP DATABASE other").consume()
    assert not (tmp_path / "databases" / uuid).exists()


def test_an_in_memory_dbms_can_hold_on_disk_databases(tmp_path):
    with DBMS.in_memory(storage_mode="ON_DISK_TRANSACTIONAL") as dbms, dbms.session() as session:
        session.run("CREATE (:A)").consume()
        directory = dbms.databases["neo4j"].files_directory
        assert session.run("MATCH (a:A) RETURN count(a) AS c").single()["c"] == 1
    assert not __import__("os").path.exists(directory), "its scratch directory is removed on close"
