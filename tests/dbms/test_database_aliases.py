"""Database aliases and composite databases through the public API, against Neo4j 5.26's behaviour: CREATE,
ALTER, DROP and SHOW ALIAS; SHOW DATABASES; sessions, `USE`, transactions and privileges through an alias;
composite databases and their constituents. Remote aliases appear only through the commands that need no
connection (their password is stored encrypted, never in clear)."""
from __future__ import annotations

import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphplex import DBMS
from graphplex.errors import Neo4jError
from graphplex.types import Duration

ADMIN = ("neo4j", "admin-pw")
RITA = ("rita", "rita-pw-1")
REMOTE = "CREATE ALIAS {name} FOR DATABASE far AT 'neo4j://127.0.0.1:1' USER bob PASSWORD '{password}' " \
         "DRIVER {{ssl_enforced: false}}"


def run(dbms: DBMS, query: str, database: str = "system", auth=None, **parameters) -> list[dict]:
    with dbms.session(database, auth=auth) as session:
        return [record.data() for record in session.run(query, parameters)]


def fails(dbms: DBMS, query: str, database: str = "system", auth=None, **parameters) -> Neo4jError:
    with pytest.raises(Neo4jError) as caught:
        run(dbms, query, database, auth, **parameters)
    return caught.value


def aliases(dbms: DBMS, columns: str = "name, database") -> list[dict]:
    return run(dbms, f"SHOW ALIASES FOR DATABASE YIELD {columns}")


@pytest.fixture
def dbms():
    """An in-memory DBMS with a database `movies` (one node) and an alias `films` for it."""
    with DBMS.in_memory() as instance:
        run(instance, "CREATE DATABASE movies")
        run(instance, "CREATE ALIAS films FOR DATABASE movies")
        run(instance, "CREATE (:Movie {title: 'Alien'})", "movies")
        yield instance


@pytest.fixture
def composite(dbms):
    """`dbms` with a composite database `comp` whose constituents `comp.m` and `comp.n` name movies and neo4j."""
    run(dbms, "CREATE COMPOSITE DATABASE comp")
    run(dbms, "CREATE ALIAS comp.m FOR DATABASE movies")
    run(dbms, "CREATE ALIAS comp.n FOR DATABASE neo4j")
    return dbms


# --- CREATE / DROP / ALTER ALIAS ---------------------------------------------------------------------------

def test_create_alias_if_not_exists_and_or_replace(dbms):
    run(dbms, "CREATE ALIAS films IF NOT EXISTS FOR DATABASE neo4j")
    assert aliases(dbms) == [{"name": "films", "database": "movies"}]
    run(dbms, "CREATE OR REPLACE ALIAS films FOR DATABASE neo4j PROPERTIES {kept: false}")
    assert aliases(dbms, "name, database, properties") == [
        {"name": "films", "database": "neo4j", "properties": {"kept": False}}]
    run(dbms, "CREATE OR REPLACE ALIAS pictures FOR DATABASE movies")
    assert [row["name"] for row in aliases(dbms)] == ["films", "pictures"]


@pytest.mark.parametrize("command, kind, name", [
    ("CREATE OR REPLACE ALIAS pictures IF NOT EXISTS FOR DATABASE movies", "database alias", "pictures"),
    ("CREATE OR REPLACE ALIAS $name IF NOT EXISTS FOR DATABASE movies", "database alias", "$name"),
    ("CREATE OR REPLACE COMPOSITE DATABASE library IF NOT EXISTS", "composite database", "library"),
    ("CREATE OR REPLACE DATABASE library IF NOT EXISTS", "database", "library"),
    ("CREATE OR REPLACE USER $name IF NOT EXISTS SET PASSWORD 'secret-pw'", "user", "$name"),   # the same rule
    ("CREATE OR REPLACE ROLE `my role` IF NOT EXISTS", "role", "my role"),
])
def test_or_replace_and_if_not_exists_do_not_combine(dbms, command, kind, name):
    error = fails(dbms, command, name="pictures")
    assert error.code == "Neo.ClientError.Statement.SyntaxError"
    assert error.message == f"Failed to create the specified {kind} '{name}': cannot have both `OR REPLACE` and " \
                            "`IF NOT EXISTS`."
    assert aliases(dbms) == [{"name": "films", "database": "movies"}]
    assert [row["name"] for row in run(dbms, "SHOW DATABASES YIELD name")] == ["movies", "neo4j", "system"]


def test_alias_names_clash_with_aliases_and_databases(dbms):
    error = fails(dbms, "CREATE ALIAS films FOR DATABASE neo4j")
    assert error.code == "Neo.ClientError.Database.ExistingDatabaseFound"
    assert error.message == "Failed to create the specified database alias 'films': Database name or alias already " \
                            "exists."
    error = fails(dbms, "CREATE ALIAS movies FOR DATABASE neo4j")
    assert error.code == "Neo.ClientError.Database.ExistingDatabaseFound"
    assert error.message == "Failed to create the specified database alias 'movies': Database exists with that name."
    error = fails(dbms, "CREATE OR REPLACE ALIAS movies FOR DATABASE neo4j")
    assert error.message.endswith("Database exists with that name.")
    error = fails(dbms, "CREATE DATABASE films")
    assert error.code == "Neo.ClientError.Database.ExistingDatabaseFound"
    assert error.message == "Failed to create the specified database 'films': Database name or alias already exists."
    assert aliases(dbms) == [{"name": "films", "database": "movies"}]


def test_alias_names_are_case_insensitive(dbms):
    run(dbms, "CREATE ALIAS Pictures FOR DATABASE MOVIES")
    assert run(dbms, "SHOW ALIAS PICTURES FOR DATABASE YIELD name, database") == [
        {"name": "pictures", "database": "movies"}]
    assert run(dbms, "MATCH (n) RETURN count(n) AS n", "PicTures") == [{"n": 1}]


@pytest.mark.parametrize("target, code, message", [
    ("nowhere", "Neo.ClientError.Database.DatabaseNotFound",
     "Failed to create the specified database alias 'other': Database 'nowhere' does not exist."),
    ("comp", "Neo.ClientError.Statement.ArgumentError",
     "Failed to create the specified database alias 'other': Database 'comp' is composite."),
    ("system", "Neo.ClientError.Statement.ArgumentError", None),
])
def test_create_alias_refuses_a_bad_target(composite, target, code, message):
    error = fails(composite, f"CREATE ALIAS other FOR DATABASE {target}")
    assert error.code == code
    assert message is None or error.message == message
    assert "other" not in [row["name"] for row in aliases(composite)]


@pytest.mark.parametrize("name", ["systemfilms", "_films"])
def test_reserved_alias_names_are_refused(dbms, name):
    assert fails(dbms, f"CREATE ALIAS {name} FOR DATABASE movies").code == "Neo.ClientError.Statement.ArgumentError"


def test_drop_alias_and_if_exists(dbms):
    error = fails(dbms, "DROP ALIAS nothing FOR DATABASE")
    assert error.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert "'nothing'" in error.message
    run(dbms, "DROP ALIAS nothing IF EXISTS FOR DATABASE")
    run(dbms, "DROP ALIAS films FOR DATABASE")
    assert aliases(dbms) == []
    assert fails(dbms, "MATCH (n) RETURN n", "films").code == "Neo.ClientError.Database.DatabaseNotFound"
    assert run(dbms, "MATCH (n) RETURN count(n) AS n", "movies") == [{"n": 1}]   # the target is untouched


def test_alter_alias_target_and_properties(dbms):
    run(dbms, "ALTER ALIAS films SET DATABASE TARGET neo4j")
    assert run(dbms, "MATCH (n) RETURN count(n) AS n", "films") == [{"n": 0}]
    run(dbms, "ALTER ALIAS films SET DATABASE PROPERTIES {genre: 'sf', year: 1979}")
    assert aliases(dbms, "name, database, properties") == [
        {"name": "films", "database": "neo4j", "properties": {"genre": "sf", "year": 1979}}]
    error = fails(dbms, "ALTER ALIAS films SET DATABASE TARGET nowhere")
    assert error.code == "Neo.ClientError.Database.DatabaseNotFound"
    assert error.message == "Failed to alter the specified database alias 'films': Database 'nowhere' does not exist."
    error = fails(dbms, "ALTER ALIAS nothing SET DATABASE TARGET movies")
    assert error.code == "Neo.ClientError.Database.DatabaseNotFound"
    run(dbms, "ALTER ALIAS nothing IF EXISTS SET DATABASE TARGET movies")
    assert aliases(dbms) == [{"name": "films", "database": "neo4j"}]


@pytest.mark.parametrize("change", ["USER bob", "PASSWORD 'secret'", "DRIVER {ssl_enforced: false}",
                                    "TARGET far AT 'neo4j+s://example.com'"])
def test_a_local_alias_cannot_become_remote(dbms, change):
    error = fails(dbms, f"ALTER ALIAS films SET DATABASE {change}")
    assert error.code == "Neo.ClientError.Statement.ArgumentError"
    assert error.message == "Failed to alter the specified database alias 'films': alter a local alias to a remote " \
                            "alias is not supported."
    assert aliases(dbms, "name, database, location") == [
        {"name": "films", "database": "movies", "location": "local"}]


def test_property_keys_are_shown_lower_cased(dbms):
    run(dbms, "CREATE ALIAS `motion pictures` FOR DATABASE movies PROPERTIES {nameContainsSpace: true}")
    run(dbms, "ALTER ALIAS films SET DATABASE PROPERTIES $props", props={"treeVersion": 2})
    assert aliases(dbms, "name, properties") == [{"name": "films", "properties": {"treeversion": 2}},
                                                 {"name": "motion pictures", "properties": {"namecontainsspace": True}}]


def test_parameters_name_aliases_and_targets(dbms):
    run(dbms, "CREATE ALIAS $name FOR DATABASE $target PROPERTIES $props", name="Pictures", target="movies",
        props={"k": 1})
    run(dbms, "ALTER ALIAS $name SET DATABASE TARGET $target", name="pictures", target="neo4j")
    assert run(dbms, "SHOW ALIAS $name FOR DATABASE YIELD name, database, properties", name="pictures") == [
        {"name": "pictures", "database": "neo4j", "properties": {"k": 1}}]
    run(dbms, "DROP ALIAS $name FOR DATABASE", name="pictures")
    assert [row["name"] for row in aliases(dbms)] == ["films"]


# --- remote aliases: the commands alone -------------------------------------------------------------------

def test_remote_alias_needs_a_secure_scheme_unless_ssl_is_not_enforced(dbms):
    error = fails(dbms, "CREATE ALIAS far FOR DATABASE x AT 'neo4j://127.0.0.1:1' USER bob PASSWORD 'p'")
    assert error.code == "Neo.ClientError.Statement.ArgumentError"
    assert error.message.startswith("The provided url 'neo4j://127.0.0.1:1' is not a secure scheme.")
    error = fails(dbms, "CREATE ALIAS far FOR DATABASE x AT 'http://127.0.0.1:1' USER bob PASSWORD 'p' "
                        "DRIVER {ssl_enforced: false}")
    assert error.message.startswith("The provided url 'http://127.0.0.1:1' has an invalid scheme.")
    run(dbms, REMOTE.format(name="far", password="p"))
    assert run(dbms, "SHOW ALIAS far FOR DATABASE") == [
        {"name": "far", "composite": None, "database": "far", "location": "remote", "url": "neo4j://127.0.0.1:1",
         "user": "bob"}]


@pytest.mark.parametrize("url", ["neo4j+s://[::1", "neo4j+s://example.com:port", "neo4j+s://example.com:99999",
                                 "neo4j+s://"])
def test_a_malformed_remote_url_is_refused(dbms, url):
    for command in [f"CREATE ALIAS far FOR DATABASE x AT '{url}' USER bob PASSWORD 'p'",
                    f"CREATE OR REPLACE ALIAS films FOR DATABASE x AT '{url}' USER bob PASSWORD 'p'"]:
        error = fails(dbms, command)
        assert error.code == "Neo.ClientError.Statement.ArgumentError", error.message
    run(dbms, "CREATE ALIAS far FOR DATABASE x AT 'neo4j+s://example.com' USER bob PASSWORD 'p'")
    error = fails(dbms, f"ALTER ALIAS far SET DATABASE TARGET y AT '{url}'")
    assert error.code == "Neo.ClientError.Statement.ArgumentError", error.message
    assert aliases(dbms, "name, database, url") == [
        {"name": "far", "database": "x", "url": "neo4j+s://example.com"},
        {"name": "films", "database": "movies", "url": None}]


def test_remote_alias_names_clash_with_local_ones(dbms):
    error = fails(dbms, REMOTE.format(name="films", password="p"))
    assert error.code == "Neo.ClientError.Database.ExistingDatabaseFound"
    run(dbms, REMOTE.format(name="films", password="p").replace("CREATE ALIAS films", "CREATE ALIAS films IF NOT "
                                                                                       "EXISTS"))
    assert aliases(dbms, "name, location") == [{"name": "films", "location": "local"}]


def test_remote_alias_parameters_and_shown_driver_settings(dbms):
    run(dbms, "CREATE ALIAS far FOR DATABASE $db AT $url USER $user PASSWORD $password DRIVER $driver "
              "PROPERTIES {team: 'ops'}", db="north", url="neo4j://127.0.0.1:1", user="bob", password="pw",
        driver={"ssl_enforced": False, "connection_pool_max_size": 7})
    run(dbms, "ALTER ALIAS far SET DATABASE DRIVER {ssl_enforced: false, connection_timeout: duration({seconds: 5}), "
              "connection_max_lifetime: duration({minutes: 2}), logging_level: 'info'}")
    rows = run(dbms, "SHOW ALIAS far FOR DATABASE YIELD *")
    assert rows == [{"name": "far", "composite": None, "database": "north", "location": "remote",
                     "url": "neo4j://127.0.0.1:1", "user": "bob",
                     "driver": {"ssl_enforced": False, "connection_timeout": Duration(seconds=5),
                                "connection_max_lifetime": Duration(seconds=120), "logging_level": "INFO"},
                     "properties": {"team": "ops"}}]
    assert isinstance(rows[0]["driver"]["connection_timeout"], Duration)
    run(dbms, "ALTER ALIAS far SET DATABASE USER alice PASSWORD $password", password="new")
    assert run(dbms, "SHOW ALIAS far FOR DATABASE YIELD user, driver") == [
        {"user": "alice", "driver": rows[0]["driver"]}]
    run(dbms, "ALTER ALIAS far SET DATABASE TARGET south AT 'neo4j+s://example.com' DRIVER {}")
    assert run(dbms, "SHOW ALIAS far FOR DATABASE YIELD database, url, driver") == [
        {"database": "south", "url": "neo4j+s://example.com", "driver": {}}]
    error = fails(dbms, "ALTER ALIAS far SET DATABASE TARGET movies")
    assert error.message == "Failed to alter the specified database alias 'far': url needs to be defined to alter a " \
                            "remote alias target."


@pytest.mark.parametrize("driver", [
    "{connection_timeout: 'soon'}", "{connection_timeout: -1}", "{connection_timeout: duration({seconds: -5})}",
    "{ssl_enforced: 'no'}", "{connection_pool_max_size: 1.5}", "{logging_level: 'loud'}", "{bogus: 1}",
])
def test_bad_driver_settings_are_refused(dbms, driver):
    settings_ = driver.replace("{", "{ssl_enforced: false, ", 1) if "ssl_enforced" not in driver else driver
    error = fails(dbms, "CREATE ALIAS far FOR DATABASE x AT 'neo4j://127.0.0.1:1' USER bob PASSWORD 'p' "
                        f"DRIVER {settings_}")
    assert error.code == "Neo.ClientError.Statement.ArgumentError"
    assert [row["name"] for row in aliases(dbms)] == ["films"]


def test_show_aliases_never_shows_a_password(dbms):
    run(dbms, REMOTE.format(name="far", password="Sup3r-Secret"))
    rows = run(dbms, "SHOW ALIASES FOR DATABASE YIELD *")
    assert "Sup3r-Secret" not in repr(rows)
    assert all("password" not in row for row in rows)


def test_durable_aliases_keep_the_password_encrypted_and_survive_a_reopen(tmp_path):
    key = tmp_path / "aliases.key"
    with DBMS.open(tmp_path) as dbms:
        run(dbms, "CREATE ALIAS films FOR DATABASE neo4j PROPERTIES {p: 1}")
        run(dbms, "CREATE COMPOSITE DATABASE comp")
        run(dbms, "CREATE ALIAS comp.n FOR DATABASE neo4j")
        run(dbms, "CREATE (:Kept)", "films")
        assert not key.exists()   # local aliases need no key
        run(dbms, REMOTE.format(name="far", password="Sup3r-Secret-Pw"))
        assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
        run(dbms, "ALTER ALIAS far SET DATABASE PASSWORD 'An0ther-Secret'")
        shown = aliases(dbms, "*")
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert b"Sup3r-Secret-Pw" not in data and b"An0ther-Secret" not in data, path
    with DBMS.open(tmp_path) as dbms:
        assert aliases(dbms, "*") == shown
        assert run(dbms, "MATCH (n:Kept) RETURN count(n) AS n", "films") == [{"n": 1}]
        assert run(dbms, "USE comp.n MATCH (n:Kept) RETURN count(n) AS n", "comp") == [{"n": 1}]


# --- SHOW ALIASES and SHOW DATABASES ---------------------------------------------------------------------

def test_show_aliases_columns_filters_and_where(composite):
    with composite.session("system") as session:
        result = session.run("SHOW ALIASES FOR DATABASE")
        assert result.keys() == ["name", "composite", "database", "location", "url", "user"]
        rows = [record.data() for record in result]
        assert session.run("SHOW ALIASES FOR DATABASE YIELD *").keys() == [
            "name", "composite", "database", "location", "url", "user", "driver", "properties"]
    assert rows == [
        {"name": "comp.m", "composite": "comp", "database": "movies", "location": "local", "url": None, "user": None},
        {"name": "comp.n", "composite": "comp", "database": "neo4j", "location": "local", "url": None, "user": None},
        {"name": "films", "composite": None, "database": "movies", "location": "local", "url": None, "user": None}]
    assert run(composite, "SHOW ALIAS films FOR DATABASE YIELD *") == [
        {"name": "films", "composite": None, "database": "movies", "location": "local", "url": None, "user": None,
         "driver": None, "properties": {}}]
    assert run(composite, "SHOW ALIASES FOR DATABASES WHERE database = 'movies'") == [rows[0], rows[2]]
    assert run(composite, "SHOW ALIAS nothing FOR DATABASE") == []


def test_show_databases_lists_aliases_composites_and_constituents(composite):
    run(composite, REMOTE.format(name="far", password="p"))
    rows = {row["name"]: row for row in run(
        composite, "SHOW DATABASES YIELD name, type, aliases, access, role, writer, constituents")}
    assert rows["movies"] == {"name": "movies", "type": "standard", "aliases": ["comp.m", "films"],
                              "access": "read-write", "role": "primary", "writer": True, "constituents": []}
    assert rows["neo4j"]["aliases"] == ["comp.n"]   # a remote alias is in no aliases column
    assert rows["comp"] == {"name": "comp", "type": "composite", "aliases": [], "access": "read-only", "role": None,
                            "writer": False, "constituents": ["comp.m", "comp.n"]}
    assert rows["system"]["type"] == "system"
    assert set(rows) == {"comp", "movies", "neo4j", "system"}


def test_show_database_of_an_alias_is_its_targets_row(dbms):
    assert run(dbms, "SHOW DATABASE films YIELD name, aliases") == [{"name": "movies", "aliases": ["films"]}]


# --- using an alias ---------------------------------------------------------------------------------------

def test_a_session_on_an_alias_reads_and_writes_its_target(dbms):
    run(dbms, "CREATE (:Movie {title: 'Heat'})", "films")
    assert run(dbms, "MATCH (m:Movie) RETURN m.title AS t ORDER BY t", "movies") == [{"t": "Alien"}, {"t": "Heat"}]
    assert run(dbms, "USE films MATCH (m:Movie) RETURN count(m) AS n") == [{"n": 2}]
    assert run(dbms, "USE films MATCH (m:Movie) RETURN count(m) AS n", "neo4j") == [{"n": 2}]


def test_writes_through_the_alias_and_the_target_are_one_database(dbms):
    with dbms.session("films") as session:
        with session.begin_transaction() as tx:
            tx.run("CREATE (:Movie {title: 'Heat'})").consume()
            tx.run("USE movies CREATE (:Movie {title: 'Ran'})").consume()
            tx.run("USE films MATCH (m:Movie) SET m.seen = true").consume()
            tx.commit()
        bookmarks = session.last_bookmarks()
    with dbms.session("movies", bookmarks=bookmarks) as session:
        assert session.run("MATCH (m:Movie {seen: true}) RETURN count(m) AS n").single()["n"] == 3
    with dbms.session("movies") as session:
        session.run("CREATE (:Movie {title: 'Up'})").consume()
        target_bookmarks = session.last_bookmarks()
    with dbms.session("films", bookmarks=target_bookmarks) as session:
        assert session.run("MATCH (m:Movie) RETURN count(m) AS n").single()["n"] == 4


def test_the_official_driver_reaches_an_alias(dbms, driver):
    with driver.session(database="films") as session:
        session.run("CREATE (:Movie {title: 'Heat'})").consume()
        assert session.run("MATCH (m:Movie) RETURN count(m) AS n").single()["n"] == 2
        bookmarks = session.last_bookmarks()
    with driver.session(database="movies", bookmarks=bookmarks) as session:
        assert session.run("MATCH (m:Movie) RETURN count(m) AS n").single()["n"] == 2


# --- privileges -------------------------------------------------------------------------------------------

@pytest.fixture
def secure():
    """An authenticating DBMS: `movies` (one node), its alias `films`, and user rita of role `r`, no privileges."""
    with DBMS.in_memory(auth_enabled=True, initial_password="admin-pw") as instance:
        for command in ["CREATE DATABASE movies", "CREATE ALIAS films FOR DATABASE movies",
                        "CREATE USER rita SET PASSWORD 'rita-pw-1' CHANGE NOT REQUIRED", "CREATE ROLE r",
                        "GRANT ROLE r TO rita"]:
            run(instance, command, auth=ADMIN)
        run(instance, "CREATE (:Movie)", "movies", auth=ADMIN)
        yield instance


def test_privileges_of_the_target_apply_through_the_alias(secure):
    error = fails(secure, "MATCH (n) RETURN count(n) AS n", "films", auth=RITA)
    assert error.code == "Neo.ClientError.Security.Forbidden"
    assert fails(secure, "USE films MATCH (n) RETURN n", "neo4j", auth=RITA).code == \
        "Neo.ClientError.Security.Forbidden"
    run(secure, "GRANT ACCESS ON DATABASE movies TO r", auth=ADMIN)
    assert run(secure, "MATCH (n) RETURN count(n) AS n", "films", auth=RITA) == [{"n": 0}]   # no MATCH yet
    run(secure, "GRANT MATCH {*} ON GRAPH movies TO r", auth=ADMIN)
    assert run(secure, "MATCH (n) RETURN count(n) AS n", "films", auth=RITA) == [{"n": 1}]
    assert fails(secure, "CREATE (:Movie)", "films", auth=RITA).code == "Neo.ClientError.Security.Forbidden"


def test_privileges_granted_on_an_alias_are_the_targets(secure):
    run(secure, "GRANT ACCESS ON DATABASE films TO r", auth=ADMIN)
    run(secure, "GRANT MATCH {*} ON GRAPH films TO r", auth=ADMIN)
    shown = run(secure, "SHOW ROLE r PRIVILEGES YIELD action, graph", auth=ADMIN)
    assert {(row["action"], row["graph"]) for row in shown} == {("access", "movies"), ("match", "movies")}
    assert run(secure, "MATCH (n) RETURN count(n) AS n", "movies", auth=RITA) == [{"n": 1}]
    assert run(secure, "MATCH (n) RETURN count(n) AS n", "films", auth=RITA) == [{"n": 1}]
    run(secure, "REVOKE MATCH {*} ON GRAPH films FROM r", auth=ADMIN)
    assert run(secure, "MATCH (n) RETURN count(n) AS n", "films", auth=RITA) == [{"n": 0}]
    run(secure, "DENY ACCESS ON DATABASE films TO r", auth=ADMIN)
    assert fails(secure, "RETURN 1", "movies", auth=RITA).code == "Neo.ClientError.Security.Forbidden"


def test_access_is_granted_on_a_remote_alias_itself(secure):
    run(secure, REMOTE.format(name="far", password="p"), auth=ADMIN)
    run(secure, "GRANT ACCESS ON DATABASE far TO r", auth=ADMIN)
    assert run(secure, "SHOW ROLE r PRIVILEGES YIELD action, graph", auth=ADMIN) == [
        {"action": "access", "graph": "far"}]
    assert fails(secure, "GRANT ACCESS ON DATABASE nowhere TO r", auth=ADMIN).code == \
        "Neo.ClientError.Database.DatabaseNotFound"


def test_show_aliases_hides_targets_the_user_cannot_access(secure):
    run(secure, "CREATE ALIAS home FOR DATABASE neo4j", auth=ADMIN)
    run(secure, "GRANT SHOW ALIAS ON DBMS TO r", auth=ADMIN)
    shown = "SHOW ALIASES FOR DATABASE YIELD name, database"
    assert run(secure, shown, auth=RITA) == [{"name": "films", "database": None},   # no ACCESS on movies
                                             {"name": "home", "database": "neo4j"}]   # PUBLIC's ACCESS
    assert run(secure, "SHOW ALIASES FOR DATABASE WHERE database IS NULL", auth=RITA) == [
        {"name": "films", "composite": None, "database": None, "location": "local", "url": None, "user": None}]
    run(secure, "GRANT CREATE DATABASE ON DBMS TO r", auth=ADMIN)   # who manages databases sees every target
    assert run(secure, shown, auth=RITA) == [{"name": "films", "database": "movies"},
                                             {"name": "home", "database": "neo4j"}]
    run(secure, "REVOKE CREATE DATABASE ON DBMS FROM r", auth=ADMIN)
    run(secure, "GRANT ACCESS ON DATABASE movies TO r", auth=ADMIN)
    assert run(secure, shown, auth=RITA)[0] == {"name": "films", "database": "movies"}


def test_a_home_database_may_be_an_alias(secure):
    run(secure, "ALTER USER rita SET HOME DATABASE films", auth=ADMIN)
    run(secure, "GRANT ACCESS ON HOME DATABASE TO r", auth=ADMIN)
    run(secure, "GRANT MATCH {*} ON HOME GRAPH TO r", auth=ADMIN)
    with secure.session(auth=RITA) as session:
        assert session.run("MATCH (n) RETURN count(n) AS n").single()["n"] == 1
    assert run(secure, "SHOW HOME DATABASE YIELD name", auth=RITA) == [{"name": "movies"}]
    assert run(secure, "SHOW USERS YIELD user, home WHERE user = 'rita'", auth=ADMIN) == [
        {"user": "rita", "home": "films"}]


def test_alias_commands_need_their_privileges(secure):
    for command, privilege in [("SHOW ALIASES FOR DATABASE", "SHOW ALIAS"),
                               ("CREATE ALIAS pics FOR DATABASE movies", "CREATE ALIAS"),
                               ("ALTER ALIAS films SET DATABASE PROPERTIES {a: 1}", "ALTER ALIAS"),
                               ("DROP ALIAS films FOR DATABASE", "DROP ALIAS")]:
        error = fails(secure, command, auth=RITA)
        assert error.code == "Neo.ClientError.Security.Forbidden"
        assert f"does not have the {privilege} privilege" in error.message
    run(secure, "GRANT SHOW ALIAS ON DBMS TO r", auth=ADMIN)
    assert [row["name"] for row in run(secure, "SHOW ALIASES FOR DATABASE", auth=RITA)] == ["films"]
    assert fails(secure, "CREATE ALIAS pics FOR DATABASE movies", auth=RITA).code == \
        "Neo.ClientError.Security.Forbidden"
    run(secure, "GRANT ALIAS MANAGEMENT ON DBMS TO r", auth=ADMIN)
    run(secure, "CREATE ALIAS pics FOR DATABASE movies", auth=RITA)
    run(secure, "DROP ALIAS films FOR DATABASE", auth=RITA)
    assert [row["name"] for row in run(secure, "SHOW ALIASES FOR DATABASE", auth=RITA)] == ["pics"]


def test_cascade_aliases_needs_the_drop_alias_privilege(secure):
    run(secure, "CREATE COMPOSITE DATABASE comp", auth=ADMIN)
    run(secure, "CREATE ALIAS comp.m FOR DATABASE movies", auth=ADMIN)
    run(secure, "GRANT DROP DATABASE ON DBMS TO r", auth=ADMIN)
    run(secure, "GRANT DROP COMPOSITE DATABASE ON DBMS TO r", auth=ADMIN)
    for command in ["DROP DATABASE movies CASCADE ALIASES", "DROP COMPOSITE DATABASE comp CASCADE ALIASES"]:
        error = fails(secure, command, auth=RITA)
        assert error.code == "Neo.ClientError.Security.Forbidden"
        assert "does not have the DROP ALIAS privilege" in error.message
    assert [row["name"] for row in run(secure, "SHOW ALIASES FOR DATABASE", auth=ADMIN)] == ["comp.m", "films"]
    run(secure, "GRANT DROP ALIAS ON DBMS TO r", auth=ADMIN)
    run(secure, "DROP COMPOSITE DATABASE comp CASCADE ALIASES", auth=RITA)
    run(secure, "DROP DATABASE movies CASCADE ALIASES", auth=RITA)
    assert run(secure, "SHOW ALIASES FOR DATABASE", auth=ADMIN) == []


# --- dropping what aliases name ---------------------------------------------------------------------------

def test_drop_database_with_aliases_is_refused_unless_cascade(composite):
    run(composite, "CREATE ALIAS pictures FOR DATABASE movies")
    error = fails(composite, "DROP DATABASE movies")
    assert error.code == "Neo.ClientError.Database.ExistingAliasFound"
    assert error.message == "Failed to delete the specified database 'movies': Database has one or more aliases. " \
                            "Drop the aliases: ['comp.m', 'films', 'pictures'] before dropping the database."
    assert fails(composite, "DROP DATABASE movies RESTRICT").code == "Neo.ClientError.Database.ExistingAliasFound"
    assert run(composite, "MATCH (n) RETURN count(n) AS n", "movies") == [{"n": 1}]
    run(composite, "DROP DATABASE movies CASCADE ALIASES")
    assert aliases(composite) == [{"name": "comp.n", "database": "neo4j"}]
    assert [row["name"] for row in run(composite, "SHOW DATABASES YIELD name")] == ["comp", "neo4j", "system"]


def test_a_remote_alias_does_not_keep_a_database_from_being_dropped(dbms):
    run(dbms, "DROP ALIAS films FOR DATABASE")
    run(dbms, "CREATE ALIAS far FOR DATABASE movies AT 'neo4j+s://example.com' USER bob PASSWORD 'p'")
    run(dbms, "DROP DATABASE movies")
    assert aliases(dbms) == [{"name": "far", "database": "movies"}]


def test_drop_composite_database_with_constituents_is_refused_unless_cascade(composite):
    error = fails(composite, "DROP COMPOSITE DATABASE comp")
    assert error.code == "Neo.ClientError.Database.ExistingAliasFound"
    assert error.message == "Failed to delete the specified composite database 'comp': Composite database has one " \
                            "or more constituent aliases. Drop the aliases: ['comp.m', 'comp.n'] before dropping " \
                            "the database."
    run(composite, "DROP COMPOSITE DATABASE comp CASCADE ALIASES")
    assert aliases(composite) == [{"name": "films", "database": "movies"}]
    assert run(composite, "MATCH (n) RETURN count(n) AS n", "movies") == [{"n": 1}]


def test_alter_refuses_a_composite_and_drop_composite_a_standard_database(composite):
    error = fails(composite, "ALTER DATABASE comp SET ACCESS READ ONLY")
    assert error.code == "Neo.ClientError.Statement.UnsupportedAdministrationCommand"
    assert "Composite databases cannot be altered" in error.message
    assert "is not a composite database" in fails(composite, "DROP COMPOSITE DATABASE movies").message
    assert [row["name"] for row in run(composite, "SHOW DATABASES YIELD name")] == \
        ["comp", "movies", "neo4j", "system"]


def test_drop_database_drops_a_composite_too(composite):
    """Neo4j 5: "Both standard databases and composite databases can be deleted using this command"."""
    run(composite, "DROP DATABASE comp CASCADE ALIASES")
    assert [row["name"] for row in run(composite, "SHOW DATABASES YIELD name")] == ["movies", "neo4j", "system"]


# --- composite databases ----------------------------------------------------------------------------------

def test_constituents_are_reached_with_use_from_the_composite(composite):
    assert run(composite, "USE comp.m MATCH (m:Movie) RETURN m.title AS t", "comp") == [{"t": "Alien"}]
    assert run(composite, "USE comp.n MATCH (n) RETURN count(n) AS n", "comp") == [{"n": 0}]
    assert run(composite, "RETURN 1 + 2 AS x", "comp") == [{"x": 3}]
    assert run(composite, "USE comp UNWIND [1, 2] AS x RETURN sum(x) AS s", "comp") == [{"s": 3}]
    run(composite, "USE comp.n CREATE (:Fresh)", "comp")
    assert run(composite, "MATCH (n:Fresh) RETURN count(n) AS n", "neo4j") == [{"n": 1}]


def test_a_composite_answers_subqueries_over_values(composite):
    assert run(composite, "CALL { RETURN 1 AS y } RETURN y", "comp") == [{"y": 1}]
    assert run(composite, "UNWIND [1, 2] AS x CALL (x) { RETURN x * 2 AS y } RETURN sum(y) AS s", "comp") == \
        [{"s": 6}]
    error = fails(composite, "CALL { MATCH (n) RETURN n } RETURN n", "comp")
    assert error.message == "Graph access operations are not supported on composite databases."


def test_composite_refuses_graph_access_without_a_constituent(composite):
    for query in ["MATCH (n) RETURN n", "USE comp MATCH (n) RETURN n", "CREATE (:X)", "RETURN [(n)-->() | n] AS p"]:
        error = fails(composite, query, "comp")
        assert error.code == "Neo.ClientError.Statement.SemanticError"
        assert error.message == "Graph access operations are not supported on composite databases."


def test_composite_reaches_only_its_constituents(composite):
    error = fails(composite, "USE movies MATCH (n) RETURN n", "comp")
    assert error.code == "Neo.ClientError.Statement.SemanticError"
    assert error.message == "When connected to a composite database, access is allowed only to its constituents. " \
                            "Attempted to access 'movies' while connected to 'comp'"
    error = fails(composite, "USE comp.m MATCH (n) RETURN n", "neo4j")
    assert error.code == "Neo.ClientError.Statement.SemanticError"
    assert error.message == "Accessing a composite database and its constituents is only allowed when connected to " \
                            "it. Attempted to access 'comp.m' while connected to 'neo4j'"


def test_a_composite_transaction_writes_one_constituent(composite):
    with composite.session("comp") as session:
        with pytest.raises(Neo4jError) as caught:
            with session.begin_transaction() as tx:
                tx.run("USE comp.m CREATE (:A)").consume()
                tx.run("USE comp.n MATCH (n) RETURN count(n)").consume()
                tx.run("USE comp.n CREATE (:B)").consume()
        assert caught.value.code == "Neo.ClientError.Statement.AccessMode"
        assert caught.value.message.startswith("Writing to more than one database per transaction is not allowed.")
    assert run(composite, "MATCH (n:A) RETURN count(n) AS n", "movies") == [{"n": 0}]
    assert run(composite, "MATCH (n:B) RETURN count(n) AS n", "neo4j") == [{"n": 0}]
    with composite.session("comp") as session:   # reading several constituents and writing one is allowed
        with session.begin_transaction() as tx:
            tx.run("USE comp.m MATCH (n) RETURN count(n)").consume()
            tx.run("USE comp.n CREATE (:B)").consume()
            tx.commit()
    assert run(composite, "MATCH (n:B) RETURN count(n) AS n", "neo4j") == [{"n": 1}]


def test_a_failed_statement_on_a_constituent_changes_nothing(composite):
    error = fails(composite, "USE comp.m UNWIND [1, 0] AS i CREATE (:Q {v: 1 / i})", "comp")
    assert error.code == "Neo.ClientError.Statement.ArithmeticError"
    assert run(composite, "MATCH (n:Q) RETURN count(n) AS n", "movies") == [{"n": 0}]


def test_constituent_names(composite):
    run(composite, "CREATE ALIAS `comp`.`quoted name` FOR DATABASE movies")   # each part quoted on its own
    run(composite, "CREATE ALIAS elsewhere.part FOR DATABASE movies")   # no composite `elsewhere`: a plain alias
    run(composite, "CREATE ALIAS $name FOR DATABASE neo4j", name="comp.p")
    assert aliases(composite, "name, composite") == [
        {"name": "comp.m", "composite": "comp"}, {"name": "comp.n", "composite": "comp"},
        {"name": "comp.p", "composite": "comp"}, {"name": "comp.quoted name", "composite": "comp"},
        {"name": "elsewhere.part", "composite": None}, {"name": "films", "composite": None}]
    error = fails(composite, "CREATE ALIAS comp.m FOR DATABASE neo4j")
    assert error.code == "Neo.ClientError.Database.ExistingDatabaseFound"
    assert run(composite, "USE comp.`quoted name` MATCH (n) RETURN count(n) AS n", "comp") == [{"n": 1}]


# --- a model of the alias commands ------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "B", "movies"])
TARGETS = st.sampled_from(["neo4j", "movies", "books", "nowhere", "system"])
COMMANDS = st.one_of(
    st.tuples(st.just("create"), NAMES, TARGETS, st.sampled_from(["", "IF NOT EXISTS", "OR REPLACE"])),
    st.tuples(st.just("drop"), NAMES, st.booleans()),
    st.tuples(st.just("alter"), NAMES, st.one_of(st.none(), TARGETS), st.one_of(st.none(), st.integers(0, 3)),
              st.booleans()),
)
DATABASES = {"neo4j", "movies", "books", "system"}


def _target_fault(target: str) -> str | None:
    if target not in DATABASES:
        return "Neo.ClientError.Database.DatabaseNotFound"
    return "Neo.ClientError.Statement.ArgumentError" if target == "system" else None


def _apply(model: dict, command: tuple) -> tuple[str, str | None]:
    """The statement for `command`, and the error code the model expects (None: it succeeds, and `model` has
    changed as the command says)."""
    kind, name = command[0], command[1]
    key = name.lower()
    if kind == "create":
        target, option = command[2], command[3]
        query = f"CREATE {'OR REPLACE ' if option == 'OR REPLACE' else ''}ALIAS {name} " \
                f"{'IF NOT EXISTS ' if option == 'IF NOT EXISTS' else ''}FOR DATABASE {target}"
        if key in DATABASES or (key in model and option != "OR REPLACE"):
            return query, None if option == "IF NOT EXISTS" else "Neo.ClientError.Database.ExistingDatabaseFound"
        fault = _target_fault(target)
        if fault is None:
            model[key] = (target, {})
        return query, fault
    if kind == "drop":
        if_exists = command[2]
        query = f"DROP ALIAS {name} {'IF EXISTS ' if if_exists else ''}FOR DATABASE"
        if key not in model:
            return query, None if if_exists else "Neo.ClientError.Database.DatabaseNotFound"
        del model[key]
        return query, None
    target, value, if_exists = command[2], command[3], command[4]
    changes = (f" TARGET {target}" if target is not None else "") + \
              (f" PROPERTIES {{v: {value}}}" if value is not None else "")
    if not changes:
        changes = " PROPERTIES {}"
    query = f"ALTER ALIAS {name} {'IF EXISTS ' if if_exists else ''}SET DATABASE{changes}"
    if key not in model:
        return query, None if if_exists else "Neo.ClientError.Database.DatabaseNotFound"
    old_target, old_properties = model[key]
    new_target = target if target is not None else old_target
    fault = _target_fault(new_target)
    if fault is None:
        model[key] = (new_target, {"v": value} if value is not None else {} if target is None else old_properties)
    return query, fault


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(COMMANDS, max_size=12))
def test_alias_commands_follow_a_model(commands):
    model: dict = {}
    with DBMS.in_memory() as dbms:
        run(dbms, "CREATE DATABASE movies")
        run(dbms, "CREATE DATABASE books")
        for command in commands:
            before = aliases(dbms, "name, database, properties")
            query, expected = _apply(model, command)
            if expected is None:
                run(dbms, query)
            else:
                assert fails(dbms, query).code == expected, query
                assert aliases(dbms, "name, database, properties") == before, query
            assert aliases(dbms, "name, database, properties") == [
                {"name": name, "database": target, "properties": properties}
                for name, (target, properties) in sorted(model.items())], query


# --- a composite database as a database of its own --------------------------------------------------------

def test_a_stopped_composite_is_unavailable(composite):
    run(composite, "STOP DATABASE comp")
    for query in ["RETURN 1 AS x", "USE comp.m MATCH (n) RETURN count(n) AS n"]:
        error = fails(composite, query, "comp")
        assert error.code == "Neo.TransientError.General.DatabaseUnavailable"
        assert error.message == "Database 'comp' is unavailable."
    run(composite, "START DATABASE comp")
    assert run(composite, "USE comp.m MATCH (n) RETURN count(n) AS n", "comp") == [{"n": 1}]


def test_a_composite_needs_access_on_itself_and_on_the_constituents_target(secure):
    run(secure, "CREATE COMPOSITE DATABASE comp", auth=ADMIN)
    run(secure, "CREATE ALIAS comp.m FOR DATABASE movies", auth=ADMIN)
    run(secure, "GRANT ACCESS ON DATABASE movies TO r", auth=ADMIN)
    run(secure, "GRANT MATCH {*} ON GRAPH movies TO r", auth=ADMIN)
    for query in ["RETURN 1 AS x", "USE comp.m MATCH (n) RETURN count(n) AS n"]:
        error = fails(secure, query, "comp", auth=RITA)
        assert error.code == "Neo.ClientError.Security.Forbidden"
        assert error.message.startswith("Database access is not allowed for user 'rita'")
    run(secure, "GRANT ACCESS ON DATABASE comp TO r", auth=ADMIN)
    assert run(secure, "USE comp.m MATCH (n) RETURN count(n) AS n", "comp", auth=RITA) == [{"n": 1}]
    run(secure, "REVOKE ACCESS ON DATABASE movies FROM r", auth=ADMIN)
    assert fails(secure, "USE comp.m MATCH (n) RETURN count(n) AS n", "comp", auth=RITA).code == \
        "Neo.ClientError.Security.Forbidden"


def test_show_transactions_on_a_composite(composite):
    rows = run(composite, "SHOW TRANSACTIONS YIELD database, currentQuery", "comp")
    assert {"database": "comp", "currentQuery": "SHOW TRANSACTIONS YIELD database, currentQuery"} in rows


def test_explain_of_a_graph_free_query_on_a_composite(composite):
    with composite.session("comp") as session:
        summary = session.run("EXPLAIN RETURN 1 AS x").consume()
        assert summary.plan is not None
        assert session.run("EXPLAIN USE comp.m MATCH (n) RETURN n").consume().plan is not None
    assert fails(composite, "EXPLAIN MATCH (n) RETURN n", "comp").message == \
        "Graph access operations are not supported on composite databases."


def test_profile_is_refused_on_a_composite(composite):
    for query in ["PROFILE USE comp.m MATCH (n) RETURN n", "PROFILE RETURN 1"]:
        error = fails(composite, query, "comp")
        assert error.code == "Neo.ClientError.Statement.SemanticError"
        assert error.message == "'PROFILE' is not supported on composite databases."
    with composite.session("movies") as session:   # the constituent's database itself profiles
        assert session.run("PROFILE MATCH (n) RETURN n").consume().profile is not None
