"""The declared bulk path (`graphplex import`, `dump`, `load`): a DBMS transaction like any other — its user's
privileges are checked, SHOW TRANSACTIONS lists it and its batches, TERMINATE stops it."""
import pytest

from graphplex import DBMS
from graphplex.errors import Forbidden, Neo4jError

from test_cli import cli


@pytest.fixture
def secure():
    with DBMS.in_memory(auth_enabled=True, initial_password="admin-pw") as dbms:
        with dbms.session(auth=("neo4j", "admin-pw")) as admin:
            admin.run("CREATE USER rita SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
            admin.run("GRANT ROLE reader TO rita").consume()
        yield dbms


def test_a_bulk_load_needs_a_write_privilege(secure):
    with pytest.raises(Forbidden) as caught:
        secure.bulk_transaction("neo4j", "graphplex load", auth=("rita", "pw-1"))
    assert caught.value.message.startswith("Write operations are not allowed for user 'rita'")
    assert secure.registry.all() == []


def test_a_bulk_read_needs_access_to_the_database(secure):
    with secure.session(auth=("neo4j", "admin-pw")) as admin:
        admin.run("CREATE DATABASE secret").consume()
        admin.run("CREATE USER paul SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
    with pytest.raises(Forbidden):
        secure.bulk_transaction("secret", "graphplex dump", auth=("paul", "pw-1"), write=False)
    assert secure.registry.all() == []


def test_show_transactions_lists_a_bulk_load_and_its_batch_and_terminate_stops_it():
    with DBMS.in_memory() as dbms, dbms.session() as observer:
        bulk = dbms.bulk_transaction("neo4j", "graphplex load")
        batch = bulk.new_batch("neo4j")
        batch.transaction.create_vertex(["Loaded"], {})
        rows = observer.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery, outerTransactionId "
                            "WHERE currentQuery = 'graphplex load' "
                            "RETURN transactionId, outerTransactionId ORDER BY transactionId").data()
        assert {row["outerTransactionId"] for row in rows} == {"", bulk.transaction_id("neo4j")}
        batch.commit()
        observer.run("TERMINATE TRANSACTIONS $id", id=bulk.transaction_id("neo4j")).consume()
        with pytest.raises(Neo4jError) as caught:
            bulk.new_batch("neo4j")
        assert caught.value.code == "Neo.ClientError.Transaction.Terminated"
        bulk.rollback()
        assert observer.run("MATCH (n:Loaded) RETURN count(n)").single()[0] == 1, "a committed batch stays"


def test_dump_runs_as_the_commands_user(tmp_path):
    data = str(tmp_path / "data")
    with DBMS.open(data, auth_enabled=True, initial_password="admin-pw") as dbms, \
            dbms.session(auth=("neo4j", "admin-pw")) as admin:
        admin.run("CREATE DATABASE secret").consume()
        admin.run("CREATE USER bob SET PASSWORD 'pw-1' CHANGE NOT REQUIRED").consume()
    dump = str(tmp_path / "secret.dump")
    code, _, err = cli("dump", "--data-dir", data, "--user", "bob", "--password", "pw-1", "secret", dump)
    assert code != 0 and "Neo.ClientError.Security.Forbidden" in err
    code, out, err = cli("dump", "--data-dir", data, "--user", "neo4j", "--password", "admin-pw", "secret", dump)
    assert (code, err) == (0, "") and "Dumped secret" in out


def test_a_bulk_load_is_not_cut_short_by_the_transaction_timeout():
    import time

    with DBMS.in_memory(transaction_timeout=0.1) as dbms:
        bulk = dbms.bulk_transaction("neo4j", "graphplex load")
        time.sleep(0.3)
        batch = bulk.new_batch("neo4j")
        batch.transaction.create_vertex(["Slow"], {})
        batch.commit()
        bulk.commit()
        with dbms.session() as session:
            assert session.run("MATCH (n:Slow) RETURN count(n)").single()[0] == 1


def test_a_bulk_load_is_not_held_to_the_memory_limit_of_a_transaction():
    with DBMS.in_memory(transaction_memory_max=20_000) as dbms:
        with dbms.session() as session, pytest.raises(Neo4jError):
            session.run("UNWIND range(1, 2000) AS i CREATE (:Big {i: i})").consume()
        bulk = dbms.bulk_transaction("neo4j", "graphplex load")
        batch = bulk.new_batch("neo4j")
        for i in range(2000):
            batch.transaction.create_vertex(["Big"], {"i": i})
        batch.commit()
        bulk.commit()
        with dbms.session() as session:
            assert session.run("MATCH (n:Big) RETURN count(n)").single()[0] == 2000
