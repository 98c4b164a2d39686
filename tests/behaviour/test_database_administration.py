"""Database administration: CREATE / DROP / START / STOP / ALTER DATABASE and SHOW DATABASES, executed
transactionally against `system`. (SEMANTICS.md; reference notes §9.)"""
from __future__ import annotations

import datetime as dt
import time

import pytest

from behaviour_support import count, database_names
from graphplex.errors import ClientError, Neo4jError, TransientError

DEFAULT_COLUMNS = ["name", "type", "aliases", "access", "address", "role", "writer", "requestedStatus",
                   "currentStatus", "statusMessage", "default", "home", "constituents"]
EXTRA_COLUMNS = ["databaseID", "serverID", "currentPrimariesCount", "currentSecondariesCount",
                 "requestedPrimariesCount", "requestedSecondariesCount", "creationTime", "lastStartTime",
                 "lastStopTime", "store", "lastCommittedTxn", "replicationLag", "options"]


def show(session, name: str) -> dict:
    return session.run("SHOW DATABASE $name", name=name).single(strict=True).data()


# --- a fresh DBMS -------------------------------------------------------------------------------------------------


def test_a_new_dbms_has_system_and_the_default_database(dbms):
    assert database_names(dbms) == ["neo4j", "system"]


def test_the_default_database_setting_names_the_default_database():
    from graphplex import DBMS
    with DBMS.in_memory(default_database="movies") as other:
        assert database_names(other) == ["movies", "system"]
        with other.session() as s:
            assert s.run("RETURN 1").consume().database == "movies"
            assert s.run("SHOW DEFAULT DATABASE YIELD name").value() == ["movies"]


# --- CREATE DATABASE ----------------------------------------------------------------------------------------------


def test_create_database_makes_a_usable_empty_database(dbms, session):
    summary = session.run("CREATE DATABASE shop").consume()
    assert summary.counters.system_updates == 1
    assert summary.counters.contains_system_updates
    assert not summary.counters.contains_updates
    assert "shop" in database_names(dbms)
    with dbms.session(database="shop") as s:
        assert s.run("MATCH (n) RETURN count(n) AS c").single()["c"] == 0
        s.run("CREATE (:Item)").consume()
    assert count(dbms, "Item", "shop") == 1
    assert count(dbms, "Item") == 0


def test_create_database_takes_the_name_from_a_parameter(dbms, session):
    session.run("CREATE DATABASE $name", name="fromparam").consume()
    assert "fromparam" in database_names(dbms)


def test_database_names_are_case_insensitive(dbms, session):
    session.run("CREATE DATABASE MixedCase").consume()
    assert "mixedcase" in database_names(dbms)
    with dbms.session(database="MIXEDCASE") as s:
        s.run("CREATE (:Cased)").consume()
    assert count(dbms, "Cased", "mixedcase") == 1
    assert session.run("USE mixedCASE MATCH (n:Cased) RETURN count(n) AS c").single()["c"] == 1


def test_create_existing_database_fails_with_existing_database_found(session):
    session.run("CREATE DATABASE shop").consume()
    with pytest.raises(ClientError) as caught:
        session.run("CREATE DATABASE shop").consume()
    assert caught.value.code == "Neo.ClientError.Database.ExistingDatabaseFound"
    assert caught.value.message == "Failed to create the specified database 'shop': Database name or alias already exists."


def test_create_database_if_not_exists_on_an_existing_database_does_nothing(dbms, session):
    session.run("CREATE DATABASE shop").consume()
    dbms.session(database="shop").run("CREATE (:Kept)").consume()
    summary = session.run("CREATE DATABASE shop IF NOT EXISTS").consume()
    assert summary.counters.system_updates == 0
    assert count(dbms, "Kept", "shop") == 1


def test_create_database_if_not_exists_creates_a_missing_database(dbms, session):
    session.run("CREATE DATABASE shop IF NOT EXISTS").consume()
    assert "shop" in database_names(dbms)


def test_create_or_replace_database_replaces_it_with_an_empty_one(dbms, session):
    session.run("CREATE DATABASE shop").consume()
    dbms.session(database="shop").run("CREATE (:Old)").consume()
    session.run("CREATE OR REPLACE DATABASE shop").consume()
    assert "shop" in database_names(dbms)
    assert count(dbms, "Old", "shop") == 0


def test_create_or_replace_database_creates_a_missing_database(dbms, session):
    session.run("CREATE OR REPLACE DATABASE shop").consume()
    assert "shop" in database_names(dbms)


# --- DROP DATABASE ------------------------------------------------------------------------------------------------


def test_drop_database_removes_it(dbms, session, other_db):
    session.run("DROP DATABASE other").consume()
    assert "other" not in database_names(dbms)
    with pytest.raises(ClientError) as caught:
        session.run("USE other MATCH (n) RETURN n").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"


def test_drop_missing_database_fails_with_database_not_found(session):
    with pytest.raises(ClientError) as caught:
        session.run("DROP DATABASE missing").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert caught.value.message == "Failed to delete the specified database 'missing': Database does not exist."


def test_drop_database_if_exists_on_a_missing_database_does_nothing(session):
    summary = session.run("DROP DATABASE missing IF EXISTS").consume()
    assert summary.counters.system_updates == 0


def test_a_dropped_and_recreated_database_starts_empty(dbms, session, other_db):
    dbms.session(database="other").run("CREATE (:Old)").consume()
    session.run("DROP DATABASE other").consume()
    session.run("CREATE DATABASE other").consume()
    assert count(dbms, "Old", "other") == 0


def test_a_session_on_a_dropped_database_fails_with_database_not_found(dbms, session, other_db):
    with dbms.session(database="other") as s:
        s.run("RETURN 1").consume()
        session.run("DROP DATABASE other").consume()
        with pytest.raises(ClientError) as caught:
            s.run("RETURN 1").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert caught.value.message == "Database does not exist. Database name: 'other'."


def test_the_system_database_cannot_be_dropped(dbms, session):
    with pytest.raises(ClientError):
        session.run("DROP DATABASE system").consume()
    assert "system" in database_names(dbms)


def test_creating_and_dropping_a_database_is_fast(dbms, session):
    start = time.perf_counter()
    for _ in range(200):
        session.run("CREATE DATABASE cycle").consume()
        session.run("DROP DATABASE cycle").consume()
    elapsed = time.perf_counter() - start
    assert elapsed < 3.0, f"200 create+drop cycles took {elapsed:.2f} s"
    assert database_names(dbms) == ["neo4j", "system"]


# --- STOP / START -------------------------------------------------------------------------------------------------


def test_a_stopped_database_refuses_queries_with_database_unavailable(dbms, session, other_db):
    session.run("STOP DATABASE other").consume()
    with dbms.session(database="other") as s:
        with pytest.raises(TransientError) as caught:
            s.run("MATCH (n) RETURN n").consume()
    assert caught.value.code == "Neo.TransientError.General.DatabaseUnavailable"
    assert caught.value.message == "Database 'other' is unavailable."


def test_a_stopped_database_shows_offline(session, other_db):
    session.run("STOP DATABASE other").consume()
    row = show(session, "other")
    assert (row["requestedStatus"], row["currentStatus"]) == ("offline", "offline")


def test_start_database_brings_a_stopped_database_back_with_its_data(dbms, session, other_db):
    dbms.session(database="other").run("CREATE (:Durable)").consume()
    session.run("STOP DATABASE other").consume()
    session.run("START DATABASE other").consume()
    row = show(session, "other")
    assert (row["requestedStatus"], row["currentStatus"]) == ("online", "online")
    assert count(dbms, "Durable", "other") == 1


def test_stop_missing_database_fails_with_database_not_found(session):
    with pytest.raises(ClientError) as caught:
        session.run("STOP DATABASE missing").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert caught.value.message == "Failed to stop the specified database 'missing': Database does not exist."


def test_stopping_or_starting_twice_changes_nothing(session, other_db):
    session.run("STOP DATABASE other").consume()
    assert session.run("STOP DATABASE other").consume().counters.system_updates == 0
    session.run("START DATABASE other").consume()
    assert session.run("START DATABASE other").consume().counters.system_updates == 0


# --- ALTER DATABASE SET ACCESS --------------------------------------------------------------------------------------


def test_read_only_database_refuses_writes_clearly(dbms, session, other_db):
    session.run("ALTER DATABASE other SET ACCESS READ ONLY").consume()
    with dbms.session(database="other") as s:
        with pytest.raises(ClientError) as caught:
            s.run("CREATE (:Refused)").consume()
    assert caught.value.code == "Neo.ClientError.General.WriteOnReadOnlyAccessDatabase"
    assert "other" in caught.value.message
    assert count(dbms, "Refused", "other") == 0


def test_read_only_database_refuses_schema_commands(dbms, session, other_db):
    session.run("ALTER DATABASE other SET ACCESS READ ONLY").consume()
    with dbms.session(database="other") as s:
        with pytest.raises(ClientError) as caught:
            s.run("CREATE INDEX FOR (n:P) ON (n.x)").consume()
    assert caught.value.code == "Neo.ClientError.General.WriteOnReadOnlyAccessDatabase"


def test_read_only_database_still_serves_reads(dbms, session, other_db):
    dbms.session(database="other").run("CREATE (:Kept)").consume()
    session.run("ALTER DATABASE other SET ACCESS READ ONLY").consume()
    assert count(dbms, "Kept", "other") == 1
    assert show(session, "other")["access"] == "read-only"


def test_read_only_database_refuses_writes_through_use(session, other_db):
    session.run("ALTER DATABASE other SET ACCESS READ ONLY").consume()
    with pytest.raises(ClientError) as caught:
        session.run("USE other CREATE (:Refused)").consume()
    assert caught.value.code == "Neo.ClientError.General.WriteOnReadOnlyAccessDatabase"


def test_set_access_read_write_allows_writes_again(dbms, session, other_db):
    session.run("ALTER DATABASE other SET ACCESS READ ONLY").consume()
    session.run("ALTER DATABASE other SET ACCESS READ WRITE").consume()
    assert show(session, "other")["access"] == "read-write"
    dbms.session(database="other").run("CREATE (:Allowed)").consume()
    assert count(dbms, "Allowed", "other") == 1


def test_alter_missing_database_fails_with_database_not_found(session):
    with pytest.raises(ClientError) as caught:
        session.run("ALTER DATABASE missing SET ACCESS READ ONLY").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"


# --- SHOW DATABASES -------------------------------------------------------------------------------------------------


def test_show_databases_has_neo4j_default_columns(session):
    result = session.run("SHOW DATABASES")
    assert result.keys() == DEFAULT_COLUMNS
    rows = {row["name"]: row for row in result.data()}
    assert set(rows) == {"neo4j", "system"}
    neo4j = rows["neo4j"]
    assert neo4j["type"] == "standard"
    assert neo4j["aliases"] == []
    assert neo4j["access"] == "read-write"
    assert isinstance(neo4j["address"], str) and neo4j["address"]
    assert neo4j["role"] == "primary"
    assert neo4j["writer"] is True
    assert (neo4j["requestedStatus"], neo4j["currentStatus"]) == ("online", "online")
    assert neo4j["statusMessage"] == ""
    assert (neo4j["default"], neo4j["home"]) == (True, True)
    assert neo4j["constituents"] == []
    assert rows["system"]["type"] == "system"
    assert (rows["system"]["default"], rows["system"]["home"]) == (False, False)


def test_show_databases_yield_star_adds_the_full_columns(session):
    result = session.run("SHOW DATABASES YIELD *")
    assert result.keys() == DEFAULT_COLUMNS + EXTRA_COLUMNS
    row = next(r for r in result.data() if r["name"] == "neo4j")
    assert isinstance(row["databaseID"], str) and row["databaseID"]
    assert isinstance(row["creationTime"], dt.datetime)


def test_show_databases_yield_where_return(session, other_db):
    session.run("ALTER DATABASE other SET ACCESS READ ONLY").consume()
    result = session.run("SHOW DATABASES YIELD name, access WHERE access = 'read-only' RETURN name AS db")
    assert result.keys() == ["db"]
    assert result.value() == ["other"]


def test_show_databases_yield_with_order_by(session, other_db):
    names = session.run("SHOW DATABASES YIELD name ORDER BY name DESC RETURN name").value()
    assert names == ["system", "other", "neo4j"]


def test_show_databases_where_without_yield(session, other_db):
    rows = session.run("SHOW DATABASES WHERE name = 'other'").data()
    assert [row["name"] for row in rows] == ["other"]


def test_show_database_name_shows_only_that_database(session, other_db):
    assert [row["name"] for row in session.run("SHOW DATABASE other").data()] == ["other"]


def test_show_default_database_omits_default_and_home_columns(session):
    result = session.run("SHOW DEFAULT DATABASE")
    assert result.keys() == [c for c in DEFAULT_COLUMNS if c not in ("default", "home")]
    assert result.value("name") == ["neo4j"]


def test_show_home_database_shows_the_default_database(session):
    result = session.run("SHOW HOME DATABASE")
    assert "home" not in result.keys()
    assert result.value("name") == ["neo4j"]


def test_show_databases_is_allowed_in_a_read_session(dbms):
    with dbms.session(default_access_mode="READ") as s:
        assert "neo4j" in s.run("SHOW DATABASES YIELD name RETURN name").value()


def test_administration_commands_are_refused_in_a_read_session(dbms):
    with dbms.session(default_access_mode="READ") as s:
        with pytest.raises(ClientError) as caught:
            s.run("CREATE DATABASE refused").consume()
    assert caught.value.code == "Neo.ClientError.Statement.AccessMode"
    assert "refused" not in database_names(dbms)


# --- administration is transactional ---------------------------------------------------------------------------------


def test_create_database_in_a_rolled_back_transaction_leaves_no_database(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE DATABASE ghost").consume()
    tx.rollback()
    assert "ghost" not in database_names(dbms)
    with pytest.raises(ClientError) as caught:
        session.run("USE ghost RETURN 1").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"


def test_a_created_database_is_invisible_to_others_until_commit(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE DATABASE pending").consume()
    assert tx.run("SHOW DATABASES YIELD name WHERE name = 'pending' RETURN name").value() == ["pending"]
    assert "pending" not in database_names(dbms)
    with pytest.raises(ClientError) as caught:
        dbms.session(database="pending").run("RETURN 1").consume()
    assert caught.value.code == "Neo.ClientError.Database.DatabaseNotFound"
    tx.commit()
    assert "pending" in database_names(dbms)
    assert dbms.session(database="pending").run("RETURN 1 AS x").single()["x"] == 1


def test_drop_database_in_a_rolled_back_transaction_keeps_the_database_and_its_data(dbms, session, other_db):
    dbms.session(database="other").run("CREATE (:Kept)").consume()
    tx = session.begin_transaction()
    tx.run("DROP DATABASE other").consume()
    tx.rollback()
    assert "other" in database_names(dbms)
    assert count(dbms, "Kept", "other") == 1


def test_stop_database_in_a_rolled_back_transaction_keeps_it_online(dbms, session, other_db):
    with session.begin_transaction() as tx:
        tx.run("STOP DATABASE other").consume()
        tx.rollback()
    assert show(session, "other")["currentStatus"] == "online"
    assert count(dbms, "Anything", "other") == 0


def test_several_administration_commands_commit_together(dbms, session):
    with session.begin_transaction() as tx:
        tx.run("CREATE DATABASE first").consume()
        tx.run("CREATE DATABASE second").consume()
        tx.run("STOP DATABASE second").consume()
    assert {"first", "second"} <= set(database_names(dbms))
    assert show(session, "second")["currentStatus"] == "offline"


def test_a_failing_administration_command_rolls_back_the_earlier_ones(dbms, session):
    tx = session.begin_transaction()
    tx.run("CREATE DATABASE first").consume()
    with pytest.raises(ClientError):
        tx.run("DROP DATABASE missing").consume()
    tx.rollback()
    assert "first" not in database_names(dbms)


def test_concurrent_creation_of_the_same_database_leaves_exactly_one(dbms):
    first, second = dbms.session(), dbms.session()
    tx1, tx2 = first.begin_transaction(), second.begin_transaction()
    tx1.run("CREATE DATABASE dup").consume()
    failures = []
    try:
        tx2.run("CREATE DATABASE dup").consume()
    except Neo4jError as error:
        failures.append(error)
    tx1.commit()
    if not failures:
        try:
            tx2.commit()
        except Neo4jError as error:
            failures.append(error)
    else:
        tx2.rollback()
    assert database_names(dbms).count("dup") == 1
    assert failures, "the second CREATE DATABASE dup neither failed nor conflicted"


@pytest.mark.parametrize("command", ["DROP DATABASE other", "STOP DATABASE other"])
def test_dropping_or_stopping_a_database_ends_its_open_transactions(dbms, session, other_db, command):
    with dbms.session(database="other") as writer_session, dbms.session() as reader_session:
        writer = writer_session.begin_transaction()
        writer.run("CREATE (:Lost)").consume()
        reader = reader_session.begin_transaction()
        reader.run("USE other MATCH (n) RETURN count(n)").consume()
        session.run(command).consume()
        for tx in (writer, reader):
            with pytest.raises(TransientError) as caught:
                tx.commit()
            assert caught.value.code == "Neo.TransientError.Transaction.Terminated"
            assert "because of database shutdown" in caught.value.message
    if command.startswith("STOP"):
        session.run("START DATABASE other").consume()
        assert session.run("USE other MATCH (n:Lost) RETURN count(n)").single()[0] == 0


def test_a_global_isolation_level_survives_a_restart(tmp_path):
    from graphplex import DBMS
    with DBMS.open(tmp_path) as dbms, dbms.session() as session:
        session.run("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED").consume()
    with DBMS.open(tmp_path) as dbms:
        assert dbms.settings.isolation_level == "READ_COMMITTED"
    with DBMS.open(tmp_path, isolation_level="SNAPSHOT_ISOLATION") as dbms:
        assert dbms.settings.isolation_level == "SNAPSHOT_ISOLATION", "a setting passed to open wins"
