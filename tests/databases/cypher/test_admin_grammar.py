"""The statements the coordinator executes parse into their AST and are classified for it: transaction control,
transaction management, storage, database administration, users, roles and privileges."""
import pytest

from graphplex.databases import Database
from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import ADMINISTRATION, TRANSACTION_CONTROL, classify
from graphplex.databases.cypher.parser import parse
from graphplex.databases.errors import CypherSyntaxError, Neo4jError


@pytest.mark.parametrize("text, expected", [
    ("BEGIN", ast.TransactionControl("BEGIN")),
    ("commit transaction", ast.TransactionControl("COMMIT")),
    ("ROLLBACK", ast.TransactionControl("ROLLBACK")),
    ("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED", ast.SetIsolationLevel("SESSION", "READ_UNCOMMITTED")),
    ("SET NEXT TRANSACTION ISOLATION LEVEL SNAPSHOT ISOLATION", ast.SetIsolationLevel("NEXT", "SNAPSHOT_ISOLATION")),
    ("STORAGE MODE IN_MEMORY_ANALYTICAL", ast.SetStorageMode("IN_MEMORY_ANALYTICAL")),
    ("SHOW STORAGE INFO ON DATABASE foo", ast.ShowStorageInfo("foo", False)),
    ("SHOW STORAGE INFO ON CURRENT DATABASE", ast.ShowStorageInfo(None, True)),
    ("CREATE SNAPSHOT", ast.CreateSnapshot()),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-3', $more",
     ast.TerminateTransactions(ids=(ast.Literal("neo4j-transaction-3"), ast.Parameter("more")))),
    ("CREATE DATABASE foo IF NOT EXISTS WAIT", ast.CreateDatabase("foo", True, False, None, True)),
    ("CREATE OR REPLACE DATABASE `my-db`", ast.CreateDatabase("my-db", False, True)),
    ("DROP DATABASE foo IF EXISTS DUMP DATA", ast.DropDatabase("foo", True, True)),
    ("START DATABASE $name", ast.StartDatabase(ast.Parameter("name"))),
    ("ALTER DATABASE foo SET ACCESS READ WRITE", ast.AlterDatabase("foo", "READ WRITE")),
    ("SHOW DEFAULT DATABASE", ast.ShowDatabases(scope="DEFAULT")),
    ("DROP USER bob IF EXISTS", ast.DropUser("bob", True)),
    ("RENAME ROLE a IF EXISTS TO b", ast.RenameRole("a", "b", True)),
    ("GRANT ROLES reader, editor TO alice", ast.GrantRoles(("reader", "editor"), ("alice",))),
])
def test_statement_parses_to(text, expected):
    assert parse(text) == expected


def test_show_transactions_with_tail():
    statement = parse("SHOW TRANSACTIONS 'a' YIELD transactionId AS id, username WHERE username = 'neo4j' RETURN id")
    assert isinstance(statement, ast.ShowTransactions)
    assert statement.ids == (ast.Literal("a"),)
    assert statement.yield_items == (("transactionId", "id"), ("username", "username"))
    assert statement.return_clause is not None


def test_create_user_settings():
    statement = parse("CREATE USER alice IF NOT EXISTS SET PLAINTEXT PASSWORD 'pw' CHANGE NOT REQUIRED "
                      "SET STATUS SUSPENDED SET HOME DATABASE foo")
    assert statement == ast.CreateUser("alice", ast.UserSettings("pw", False, False, "SUSPENDED", "foo"), True)


@pytest.mark.parametrize("text, name, scope, extra", [
    ("GRANT TRAVERSE ON GRAPH * NODES Person TO r", "TRAVERSE", "GRAPH", {"segment": "NODES", "labels": ("Person",)}),
    ("DENY READ {secret} ON GRAPH neo4j RELATIONSHIPS * TO r", "READ", "GRAPH",
     {"properties": ("secret",), "targets": ("neo4j",), "segment": "RELATIONSHIPS"}),
    ("GRANT SET LABEL A, B ON GRAPH * TO r", "SET LABEL", "GRAPH", {"qualifier": ("A", "B")}),
    ("GRANT CONSTRAINT ON DATABASE * TO r", "CONSTRAINT MANAGEMENT", "DATABASE", {}),
    ("GRANT TERMINATE TRANSACTIONS (alice, bob) ON DATABASES * TO r", "TERMINATE TRANSACTION", "DATABASE",
     {"qualifier": ("alice", "bob")}),
    ("GRANT ALL PRIVILEGES ON DATABASE foo TO r", "ALL DATABASE PRIVILEGES", "DATABASE", {"targets": ("foo",)}),
    ("GRANT USER MANAGEMENT ON DBMS TO r", "USER MANAGEMENT", "DBMS", {}),
    ("GRANT LOAD ON ALL DATA TO PUBLIC", "LOAD", "LOAD", {}),
])
def test_privileges_are_named_as_neo4j_names_them(text, name, scope, extra):
    command = parse(text)
    assert isinstance(command, ast.PrivilegeCommand)
    assert (command.privilege.name, command.privilege.scope) == (name, scope)
    for field, value in extra.items():
        assert getattr(command.privilege, field) == value


def test_revoke_keeps_its_kind():
    command = parse("REVOKE DENY WRITE ON GRAPH * FROM r")
    assert (command.action, command.revoke_kind, command.privilege.name) == ("REVOKE", "DENY", "WRITE")


@pytest.mark.parametrize("text", ["GRANT FLY ON DBMS TO r", "GRANT TRAVERSE ON DBMS TO r",
                                  "GRANT ACCESS TO r"])
def test_unknown_privileges_are_syntax_errors(text):
    with pytest.raises(CypherSyntaxError):
        parse(text)


@pytest.mark.parametrize("text, category, database", [
    ("CREATE DATABASE x", ADMINISTRATION, "system"),
    ("SHOW USERS", ADMINISTRATION, "system"),
    ("GRANT ROLE reader TO alice", ADMINISTRATION, "system"),
    ("BEGIN", TRANSACTION_CONTROL, None),
    ("SHOW TRANSACTIONS", TRANSACTION_CONTROL, None),
])
def test_classification(text, category, database):
    info = classify(parse(text))
    assert (info.category, info.database) == (category, database)


@pytest.mark.parametrize("text", ["BEGIN", "SHOW TRANSACTIONS", "CREATE DATABASE x", "SHOW USERS",
                                  "GRANT ROLE reader TO alice"])
def test_a_bare_database_refuses_coordinator_statements_clearly(text):
    with pytest.raises(Neo4jError) as caught:
        list(Database().execute(text))
    assert caught.value.code.startswith("Neo.ClientError.")


def test_keywords_still_serve_as_names():
    result = Database().execute("WITH 1 AS database, 2 AS user, 3 AS status RETURN database + user + status AS s")
    assert list(result) == [(6,)]


@pytest.mark.parametrize("text, inner", [
    ("USE foo CREATE INDEX FOR (n:A) ON (n.x)", ast.CreateIndex),
    ("USE foo DROP CONSTRAINT c IF EXISTS", ast.DropConstraint),
    ("USE foo SHOW INDEXES", ast.ShowSchema),
])
def test_use_prefixes_schema_commands(text, inner):
    statement = parse(text)
    assert isinstance(statement, ast.UseSchema) and statement.graph == "foo"
    assert isinstance(statement.statement, inner)
    assert classify(statement).database == "foo"


def test_use_before_a_query_is_still_a_clause():
    statement = parse("USE foo CREATE (n)")
    assert isinstance(statement, ast.Query)
    assert statement.parts[0].clauses[0] == ast.Use("foo")
