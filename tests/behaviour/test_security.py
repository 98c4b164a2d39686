"""Users, roles, privileges and authentication through the public API (`DBMS(auth_enabled=True)`)."""
from __future__ import annotations

import threading
import time

import pytest

from behaviour_support import ADMIN_PASSWORD
from graphplex import DBMS
from graphplex.errors import AuthError, ClientError, Forbidden, Neo4jError


@pytest.fixture
def secure():
    """conftest's `secure`, with a lock-out of 0.3 s so the lock-out tests wait it out quickly."""
    instance = DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD, auth_lock_time=0.3)
    yield instance
    instance.close()


def user(secure, admin, name: str, *roles: str, password: str = "pw-1"):
    """Creates a user with `roles` (no password change required) and returns a session of theirs."""
    admin.run(f"CREATE USER {name} SET PASSWORD '{password}' CHANGE NOT REQUIRED").consume()
    for role in roles:
        admin.run(f"GRANT ROLE {role} TO {name}").consume()
    return secure.session(auth=(name, password))


def forbidden(session, query: str, **parameters) -> str:
    with pytest.raises(Forbidden) as caught:
        session.run(query, **parameters).consume()
    assert caught.value.code == "Neo.ClientError.Security.Forbidden"
    return caught.value.message


# --- authentication -------------------------------------------------------------------------------------------

def test_without_auth_every_session_is_the_administrator():
    with DBMS.in_memory() as dbms, dbms.session() as session:
        assert session.run("SHOW CURRENT USER YIELD user").value() == ["neo4j"]
        session.run("CREATE USER someone SET PASSWORD 'x'").consume()


@pytest.mark.parametrize("auth", [None, ("neo4j", "wrong"), ("nobody", "wrong"), ("neo4j",), 42])
def test_bad_credentials_say_nothing_about_the_user(secure, auth):
    with pytest.raises(AuthError) as caught:
        secure.session(auth=auth)
    assert caught.value.code == "Neo.ClientError.Security.Unauthorized"
    assert caught.value.message == "The client is unauthorized due to authentication failure."


def test_credentials_in_the_drivers_shapes(secure):
    class BasicAuth:
        scheme, principal, credentials = "basic", "neo4j", ADMIN_PASSWORD
    for auth in (("neo4j", ADMIN_PASSWORD), {"scheme": "basic", "principal": "neo4j", "credentials": ADMIN_PASSWORD},
                 BasicAuth()):
        with secure.session(auth=auth) as session:
            assert session.run("SHOW CURRENT USER YIELD user").value() == ["neo4j"]


def test_repeated_failures_are_rate_limited_for_a_while(secure):
    for _ in range(3):
        with pytest.raises(AuthError):
            secure.session(auth=("neo4j", "wrong"))
    with pytest.raises(Neo4jError) as caught:
        secure.session(auth=("neo4j", ADMIN_PASSWORD))
    assert caught.value.code == "Neo.ClientError.Security.AuthenticationRateLimit"
    time.sleep(0.35)
    secure.session(auth=("neo4j", ADMIN_PASSWORD)).close()


def test_a_suspended_user_cannot_log_in(secure, admin):
    user(secure, admin, "sam").close()
    admin.run("ALTER USER sam SET STATUS SUSPENDED").consume()
    with pytest.raises(AuthError):
        secure.session(auth=("sam", "pw-1"))
    admin.run("ALTER USER sam SET STATUS ACTIVE").consume()
    secure.session(auth=("sam", "pw-1")).close()


def test_a_required_password_change_comes_first(secure, admin):
    admin.run("CREATE USER newbie SET PASSWORD 'first'").consume()
    session = secure.session(auth=("newbie", "first"))
    with pytest.raises(Neo4jError) as caught:
        session.run("RETURN 1").consume()
    assert caught.value.code == "Neo.ClientError.Security.CredentialsExpired"
    with pytest.raises(ClientError) as caught:
        session.run("ALTER CURRENT USER SET PASSWORD FROM 'wrong' TO 'second'").consume()
    assert "Invalid principal or credentials" in caught.value.message
    session.run("ALTER CURRENT USER SET PASSWORD FROM 'first' TO 'second'").consume()
    assert session.run("RETURN 1 AS one").single()["one"] == 1
    with pytest.raises(AuthError):
        secure.session(auth=("newbie", "first"))
    secure.session(auth=("newbie", "second")).close()


def test_without_an_initial_password_the_admin_starts_with_neo4j_and_must_change_it():
    with DBMS.in_memory(auth_enabled=True) as dbms, dbms.session(auth=("neo4j", "neo4j")) as session:
        with pytest.raises(Neo4jError) as caught:
            session.run("SHOW USERS").consume()
        assert caught.value.code == "Neo.ClientError.Security.CredentialsExpired"
        session.run("ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO 'better'").consume()
        assert session.run("SHOW USERS YIELD user").value() == ["neo4j"]


def test_passwords_never_reach_the_disk_or_the_output(tmp_path):
    passwords = ["initial-Secret-1", "alice-Secret-2", "alice-Secret-3", "bob-Secret-4"]
    with DBMS.open(tmp_path, auth_enabled=True, initial_password=passwords[0]) as dbms, \
            dbms.session(auth=("neo4j", passwords[0])) as session:
        session.run("CREATE USER alice SET PASSWORD $p CHANGE NOT REQUIRED", p=passwords[1]).consume()
        session.run("ALTER USER alice SET PASSWORD $p", p=passwords[2]).consume()
        session.run("CREATE USER bob SET PLAINTEXT PASSWORD $p", p=passwords[3]).consume()
        shown = str(session.run("SHOW USERS").data()) + str(session.run("SHOW PRIVILEGES AS COMMANDS").data())
        with pytest.raises(ClientError) as caught:
            session.run("CREATE USER alice SET PASSWORD $p", p=passwords[1]).consume()
        shown += caught.value.message
    for password in passwords:
        assert password not in shown
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for password in passwords:
            assert password.encode() not in data, f"{password} found in {path}"
    with DBMS.open(tmp_path, auth_enabled=True) as dbms:
        dbms.session(auth=("alice", passwords[2])).close()
        with pytest.raises(AuthError):
            dbms.session(auth=("alice", passwords[1]))


def test_encrypted_passwords_are_taken_as_hashes(secure, admin):
    from graphplex.system_db.security.passwords import hash_password
    admin.run("CREATE USER eve SET ENCRYPTED PASSWORD $h CHANGE NOT REQUIRED", h=hash_password("eve-pw")).consume()
    secure.session(auth=("eve", "eve-pw")).close()
    with pytest.raises(ClientError) as caught:
        admin.run("CREATE USER mallory SET ENCRYPTED PASSWORD 'not-a-hash'").consume()
    assert "Incorrect format of encrypted password" in caught.value.message


# --- users and roles --------------------------------------------------------------------------------------------

def test_user_commands_and_their_messages(secure, admin):
    admin.run("CREATE USER carl SET PASSWORD 'x' SET HOME DATABASE neo4j").consume()
    with pytest.raises(ClientError) as caught:
        admin.run("CREATE USER carl SET PASSWORD 'y'").consume()
    assert caught.value.message == "Failed to create the specified user 'carl': User already exists."
    admin.run("CREATE USER carl IF NOT EXISTS SET PASSWORD 'y'").consume()
    rows = {r["user"]: r for r in admin.run("SHOW USERS").data()}
    assert rows["carl"] == {"user": "carl", "roles": ["PUBLIC"], "passwordChangeRequired": True,
                            "suspended": False, "home": "neo4j"}
    assert rows["neo4j"]["roles"] == ["PUBLIC", "admin"]
    admin.run("RENAME USER carl TO carla").consume()
    with pytest.raises(ClientError) as caught:
        admin.run("DROP USER carl").consume()
    assert caught.value.message == "Failed to delete the specified user 'carl': User does not exist."
    admin.run("DROP USER carl IF EXISTS").consume()
    with pytest.raises(ClientError) as caught:
        admin.run("DROP USER neo4j").consume()
    assert "Deleting yourself is not allowed" in caught.value.message
    admin.run("DROP USER carla").consume()
    assert admin.run("SHOW USERS YIELD user").value() == ["neo4j"]


def test_role_commands(secure, admin):
    admin.run("CREATE ROLE analyst AS COPY OF reader").consume()
    commands = admin.run("SHOW ROLE analyst PRIVILEGES AS COMMANDS YIELD command").value()
    assert "GRANT MATCH {*} ON GRAPH * NODE * TO `analyst`" in commands
    user(secure, admin, "ana", "analyst").close()
    with pytest.raises(ClientError) as caught:
        admin.run("CREATE ROLE analyst").consume()
    assert caught.value.message == "Failed to create the specified role 'analyst': Role already exists."
    populated = admin.run("SHOW POPULATED ROLES YIELD role").value()
    assert populated == ["PUBLIC", "admin", "analyst"]
    members = admin.run("SHOW ROLES WITH USERS YIELD role, member WHERE role = 'analyst'").data()
    assert members == [{"role": "analyst", "member": "ana"}]
    with pytest.raises(ClientError) as caught:
        admin.run("DROP ROLE PUBLIC").consume()
    assert "reserved role" in caught.value.message
    with pytest.raises(ClientError) as caught:
        admin.run("GRANT ROLE nosuch TO ana").consume()
    assert caught.value.message == "Failed to grant role 'nosuch' to user 'ana': Role does not exist."
    admin.run("RENAME ROLE analyst TO analysts").consume()
    assert admin.run("SHOW USERS YIELD user, roles WHERE user = 'ana'").single()["roles"] == ["PUBLIC", "analysts"]
    admin.run("REVOKE ROLE analysts FROM ana").consume()
    admin.run("DROP ROLE analysts").consume()
    assert "analysts" not in admin.run("SHOW ROLES YIELD role").value()


def test_built_in_roles_have_neo4j_privileges(admin):
    commands = admin.run("SHOW ROLE architect PRIVILEGES AS COMMANDS YIELD command").value()
    assert sorted(commands) == sorted([
        "GRANT ACCESS ON DATABASE * TO `architect`", "GRANT MATCH {*} ON GRAPH * NODE * TO `architect`",
        "GRANT MATCH {*} ON GRAPH * RELATIONSHIP * TO `architect`", "GRANT SHOW CONSTRAINT ON DATABASE * TO `architect`",
        "GRANT SHOW INDEX ON DATABASE * TO `architect`", "GRANT WRITE ON GRAPH * TO `architect`",
        "GRANT NAME MANAGEMENT ON DATABASE * TO `architect`", "GRANT INDEX MANAGEMENT ON DATABASE * TO `architect`",
        "GRANT CONSTRAINT MANAGEMENT ON DATABASE * TO `architect`"])
    public = admin.run("SHOW ROLE PUBLIC PRIVILEGES YIELD access, action, graph, segment").data()
    assert {"access": "GRANTED", "action": "access", "graph": "HOME", "segment": "database"} in public
    revoke = admin.run("SHOW ROLE reader PRIVILEGES AS REVOKE COMMANDS YIELD command").value()
    assert "REVOKE GRANT ACCESS ON DATABASE * FROM `reader`" in revoke


# --- what each role may do ------------------------------------------------------------------------------------

def test_each_built_in_role_can_do_what_neo4j_lets_it(secure, admin):
    admin.run("CREATE (:Person {name: 'Ann'})").consume()
    reader = user(secure, admin, "r", "reader")
    editor = user(secure, admin, "e", "editor")
    publisher = user(secure, admin, "p", "publisher")
    architect = user(secure, admin, "a", "architect")
    assert reader.run("MATCH (p:Person) RETURN p.name").value() == ["Ann"]
    assert forbidden(reader, "CREATE (:Person)") == \
        "Write operations are not allowed for user 'r' with roles [PUBLIC, reader]."
    editor.run("CREATE (:Person {name: 'Ed'})").consume()
    assert forbidden(editor, "CREATE (:Robot)").startswith("Creating new node label is not allowed for user 'e'")
    publisher.run("CREATE (:Robot)").consume()
    assert forbidden(publisher, "CREATE INDEX FOR (p:Person) ON (p.name)") == \
        "Schema operations are not allowed for user 'p' with roles [PUBLIC, publisher]."
    architect.run("CREATE INDEX person_name FOR (p:Person) ON (p.name)").consume()
    assert forbidden(architect, "CREATE USER x SET PASSWORD 'y'").startswith("Permission denied for CREATE USER.")
    assert admin.run("MATCH (n) RETURN count(n)").single()[0] == 3


def test_database_access(secure, admin):
    admin.run("CREATE DATABASE other").consume()
    nobody = user(secure, admin, "nobody")
    assert nobody.run("RETURN 1 AS one").single()["one"] == 1, "PUBLIC may access the home database"
    assert forbidden(nobody, "USE other RETURN 1") == \
        "Database access is not allowed for user 'nobody' with roles [PUBLIC]."
    admin.run("CREATE ROLE others").consume()
    admin.run("GRANT ACCESS ON DATABASE other TO others").consume()
    admin.run("GRANT ROLE others TO nobody").consume()
    assert nobody.run("USE other RETURN 1 AS one").single()["one"] == 1
    admin.run("DENY ACCESS ON DATABASE other TO others").consume()
    forbidden(nobody, "USE other RETURN 1")
    assert nobody.run("SHOW DATABASES YIELD name").value() == ["neo4j", "system"]


def test_a_home_database_is_where_sessions_go(secure, admin):
    admin.run("CREATE DATABASE homed").consume()
    admin.run("USE homed CREATE (:Here)").consume()
    admin.run("CREATE USER h SET PASSWORD 'pw' CHANGE NOT REQUIRED SET HOME DATABASE homed").consume()
    admin.run("GRANT ROLE reader TO h").consume()
    with secure.session(auth=("h", "pw")) as session:
        assert session.run("MATCH (n:Here) RETURN count(n)").single()[0] == 1


def test_traverse_and_read_filter_what_a_query_sees(secure, admin):
    admin.run("CREATE (:Person {name: 'Ann', salary: 10})-[:KNOWS {since: 2000}]->(:Secret {name: 'Spy'}), "
              "(:Person {name: 'Bob', salary: 20})").consume()
    admin.run("CREATE ROLE limited").consume()
    admin.run("GRANT TRAVERSE ON GRAPH * NODES Person TO limited").consume()
    admin.run("GRANT READ {name} ON GRAPH * NODES Person TO limited").consume()
    admin.run("GRANT MATCH {*} ON GRAPH * RELATIONSHIPS * TO limited").consume()
    session = user(secure, admin, "lim", "limited")
    rows = session.run("MATCH (n) RETURN n.name AS name, n.salary AS salary ORDER BY name").data()
    assert rows == [{"name": "Ann", "salary": None}, {"name": "Bob", "salary": None}]
    assert session.run("MATCH ()-[r:KNOWS]->() RETURN count(r)").single()[0] == 0, \
        "a relationship to a node the user may not traverse is invisible"
    admin.run("GRANT TRAVERSE ON GRAPH * NODES Secret TO limited").consume()
    assert session.run("MATCH (:Person)-[r:KNOWS]->(s) RETURN r.since, s.name").values() == [[2000, None]]
    admin.run("DENY TRAVERSE ON GRAPH * NODES Secret TO limited").consume()
    assert session.run("MATCH (n) RETURN count(n)").single()[0] == 2, "DENY wins over GRANT"


def test_fine_grained_write_privileges(secure, admin):
    admin.run("CREATE (:Doc {title: 'a'}), (:Note {text: 'n'})").consume()
    admin.run("CREATE ROLE docs").consume()
    for command in ("GRANT MATCH {*} ON GRAPH * NODES * TO docs", "GRANT CREATE ON GRAPH * NODES Doc TO docs",
                    "GRANT SET PROPERTY {title} ON GRAPH * NODES Doc TO docs",
                    "GRANT DELETE ON GRAPH * NODES Doc TO docs"):
        admin.run(command).consume()
    session = user(secure, admin, "writer", "docs")
    session.run("CREATE (:Doc {title: 'b'})").consume()
    session.run("MATCH (d:Doc {title: 'b'}) SET d.title = 'c'").consume()
    assert forbidden(session, "CREATE (:Note)").startswith("Create node with labels 'Note' is not allowed for user "
                                                           "'writer' with roles [PUBLIC, docs].")
    assert forbidden(session, "MATCH (d:Doc) SET d.rank = 1").startswith("Set property for property 'rank'")
    assert forbidden(session, "MATCH (n:Note) DELETE n").startswith("Delete node with labels 'Note'")
    assert forbidden(session, "MATCH (d:Doc) SET d:Note").startswith("Set label for label 'Note'")
    session.run("MATCH (d:Doc {title: 'c'}) DELETE d").consume()
    assert admin.run("MATCH (d:Doc) RETURN d.title").value() == ["a"]
    admin.run("REVOKE GRANT DELETE ON GRAPH * NODES Doc FROM docs").consume()
    forbidden(session, "MATCH (d:Doc) DELETE d")
    assert admin.run("MATCH (n) RETURN count(n)").single()[0] == 2, "a refused write leaves nothing"


def test_load_csv_needs_the_load_privilege(tmp_path):
    (tmp_path / "import").mkdir()
    (tmp_path / "import" / "rows.csv").write_text("a\n1\n")
    with DBMS.open(tmp_path, auth_enabled=True, initial_password=ADMIN_PASSWORD) as dbms, \
            dbms.session(auth=("neo4j", ADMIN_PASSWORD)) as admin:
        session = user(dbms, admin, "loader", "reader")
        query = "LOAD CSV WITH HEADERS FROM 'file:///rows.csv' AS row RETURN row.a AS a"
        assert session.run(query).value() == ["1"]
        admin.run("CREATE ROLE noload").consume()
        admin.run("DENY LOAD ON ALL DATA TO noload").consume()
        admin.run("GRANT ROLE noload TO loader").consume()
        forbidden(session, query)


def test_procedures_need_execute_and_see_only_what_the_user_may_traverse(secure, admin):
    admin.run("CREATE (:Public), (:Hidden)").consume()
    admin.run("CREATE ROLE partial").consume()
    admin.run("GRANT ACCESS ON DATABASE * TO partial").consume()
    admin.run("GRANT MATCH {*} ON GRAPH * NODES Public TO partial").consume()
    session = user(secure, admin, "proc", "partial")
    assert session.run("CALL db.labels() YIELD label RETURN label").value() == ["Public"]
    admin.run("DENY EXECUTE PROCEDURE db.* ON DBMS TO partial").consume()
    assert forbidden(session, "CALL db.labels()").startswith("Executing procedure is not allowed for user 'proc'")
    assert session.run("CALL dbms.components() YIELD name RETURN name").value() == ["Neo4j Kernel"]


def test_all_database_privileges(secure, admin):
    admin.run("CREATE ROLE dba").consume()
    admin.run("GRANT ALL ON DATABASE * TO dba").consume()
    session = user(secure, admin, "dba1", "dba")
    session.run("CREATE INDEX FOR (n:Any) ON (n.x)").consume()
    assert "all_database" not in str(admin.run("SHOW ROLE dba PRIVILEGES").data())
    assert admin.run("SHOW ROLE dba PRIVILEGES YIELD action").value() == ["database_actions"]


def test_transactions_of_others_need_the_transaction_privileges(secure, admin):
    watcher = user(secure, admin, "watcher", "reader")
    worker = user(secure, admin, "worker", "reader")
    busy = worker.begin_transaction()
    busy.run("MATCH (n) RETURN count(n)").consume()
    assert watcher.run("SHOW TRANSACTIONS YIELD username").value() == ["watcher"]
    ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, username WHERE username = 'worker'").value()
    assert len(ids) == 1
    assert watcher.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction not found."]
    admin.run("CREATE ROLE watchers").consume()
    admin.run("GRANT SHOW TRANSACTION (worker) ON DATABASE * TO watchers").consume()
    admin.run("GRANT ROLE watchers TO watcher").consume()
    assert sorted(watcher.run("SHOW TRANSACTIONS YIELD username").value()) == ["watcher", "worker"]
    assert watcher.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction not found."]
    assert admin.run("TERMINATE TRANSACTIONS $ids YIELD message", ids=ids).value() == ["Transaction terminated."]
    with pytest.raises(Neo4jError):
        busy.commit()


def test_a_grant_applies_to_the_next_transaction_of_a_logged_in_user(secure, admin):
    session = user(secure, admin, "late")
    admin.run("CREATE (:Thing)").consume()
    assert session.run("MATCH (n) RETURN count(n)").single()[0] == 0
    admin.run("GRANT ROLE reader TO late").consume()
    assert session.run("MATCH (n) RETURN count(n)").single()[0] == 1


def test_users_acting_at_once_keep_their_own_privileges(secure, admin):
    admin.run("UNWIND range(1, 20) AS i CREATE (:Item {i: i})").consume()
    reader = user(secure, admin, "reads", "reader")
    editor = user(secure, admin, "writes", "editor")
    failures: list = []

    def read():
        try:
            for _ in range(30):
                assert reader.run("MATCH (n:Item) RETURN count(n) >= 20").single()[0]
                with pytest.raises(Forbidden):
                    reader.run("CREATE (:Item {i: 0})").consume()
        except BaseException as error:  # reported below
            failures.append(error)

    def write():
        try:
            for i in range(30):
                editor.run("CREATE (:Item {i: $i})", i=100 + i).consume()
        except BaseException as error:
            failures.append(error)
    threads = [threading.Thread(target=read), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert admin.run("MATCH (n:Item) RETURN count(n)").single()[0] == 50


# --- GRANT / DENY / REVOKE against a reference model ------------------------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

NODE_LABELS = {"a": ("A",), "b": ("B",), "ab": ("A", "B"), "none": ()}
_OPERATIONS = st.lists(st.tuples(st.sampled_from(["GRANT", "DENY", "REVOKE", "REVOKE GRANT", "REVOKE DENY"]),
                                 st.sampled_from(["A", "B", "*"])), max_size=8)


def expected_visible(rules: set) -> set:
    """The reference: a node is traversable when some GRANT reaches one of its labels (or `*`) and no DENY does."""
    def reaches(label: str, labels: tuple) -> bool:
        return label == "*" or label in labels
    return {name for name, labels in NODE_LABELS.items()
            if any(access == "GRANT" and reaches(label, labels) for access, label in rules)
            and not any(access == "DENY" and reaches(label, labels) for access, label in rules)}


@pytest.fixture(scope="module")
def model_dbms():
    instance = DBMS.in_memory(auth_enabled=True, initial_password=ADMIN_PASSWORD)
    with instance.session(auth=("neo4j", ADMIN_PASSWORD)) as admin:
        admin.run("CREATE (:A {name: 'a'}), (:B {name: 'b'}), (:A:B {name: 'ab'}), ({name: 'none'})").consume()
        admin.run("CREATE USER subject SET PASSWORD 'pw' CHANGE NOT REQUIRED").consume()
    yield instance
    instance.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=_OPERATIONS)
def test_traverse_rules_agree_with_the_reference_model(model_dbms, operations):
    with model_dbms.session(auth=("neo4j", ADMIN_PASSWORD)) as admin:
        admin.run("DROP ROLE subjects IF EXISTS").consume()
        admin.run("CREATE ROLE subjects").consume()
        admin.run("GRANT ROLE subjects TO subject").consume()
        admin.run("GRANT READ {name} ON GRAPH * TO subjects").consume()
        rules: set = set()
        for action, label in operations:
            target = "*" if label == "*" else label
            if action in ("GRANT", "DENY"):
                admin.run(f"{action} TRAVERSE ON GRAPH * NODES {target} TO subjects").consume()
                rules.add((action, label))
            else:
                kinds = ("GRANT", "DENY") if action == "REVOKE" else (action.split()[1],)
                admin.run(f"{action} TRAVERSE ON GRAPH * NODES {target} FROM subjects").consume()
                rules -= {(kind, label) for kind in kinds}
    with model_dbms.session(auth=("subject", "pw")) as session:
        seen = set(session.run("MATCH (n) RETURN n.name").value())
    assert seen == expected_visible(rules), (operations, rules)
