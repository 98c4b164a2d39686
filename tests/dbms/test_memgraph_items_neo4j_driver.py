"""Issue 16's Memgraph items through the official neo4j driver, which Memgraph's documentation recommends to its
users, against `graphplex serve`: in the default dialect (`auto`: the driver speaks Neo4j's) and, where the dialect
decides the answer, with `--client-dialect memgraph`. The driver's `execute_query` runs a managed (explicit)
transaction, so what Memgraph allows only in an auto-commit transaction goes through `session.run`."""
from __future__ import annotations

import time

import pytest

from mgclient_support import fetch

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")

DIALECTS = [pytest.param((), id="auto"), pytest.param(("--client-dialect", "memgraph"), id="memgraph")]
MEMGRAPH_TRANSIENT = "Memgraph.TransientError.MemgraphError.MemgraphError"
NOT_IN_EXPLICIT = "Neo.ClientError.Transaction.ForbiddenDueToTransactionType"


def code_in(dialect: tuple[str, ...], neo4j_code: str) -> str:
    """The code the driver reads for a failure of `neo4j_code`: Neo4j's, or with Memgraph's dialect Memgraph's
    `Memgraph.<classification>.MemgraphError.MemgraphError` (its Bolt server names every failure so), which the
    driver raises as the classification's plain class (ClientError, not ConstraintError or Forbidden)."""
    return f"Memgraph.{neo4j_code.split('.')[1]}.MemgraphError.MemgraphError" if dialect else neo4j_code


def driver_to(port: int, auth: tuple[str, str] | None = None):
    """The neo4j driver to `graphplex serve` on `port`, as a Memgraph user would open it."""
    return neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=auth)


def run(driver, query: str, **parameters) -> list[dict]:
    """The rows of `query` in an auto-commit transaction (`session.run`), each as a dict."""
    with driver.session() as session:
        return [record.data() for record in session.run(query, parameters)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_memgraph_schema_statements_through_the_driver(serve, dialect):
    with driver_to(serve(*dialect)) as driver:
        for query in ("CREATE INDEX ON :Person(name, email)", "CREATE INDEX ON :Person(name)",
                      "CREATE INDEX ON :Person", "CREATE EDGE INDEX ON :KNOWS(since)",
                      "CREATE GLOBAL INDEX ON :(email)", "CREATE INDEX ON :Person(address.city)",
                      "CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE"):
            run(driver, query)
        driver.execute_query("CREATE (:Person {name: 'a', email: 'x', address: {city: 'Oslo'}})"
                             "-[:KNOWS {since: 2020}]->(:Person {name: 'b', email: 'y'})"
                             if dialect else
                             "CREATE (:Person {name: 'a', email: 'x'})-[:KNOWS {since: 2020}]->"
                             "(:Person {name: 'b', email: 'y'})")
        assert run(driver, "SHOW INDEX INFO") == [
            {"index type": "edge-type+property", "label": "KNOWS", "property": "since", "count": 1},
            {"index type": "label", "label": "Person", "property": None, "count": 2},
            {"index type": "label+property", "label": "Person", "property": "address.city",
             "count": 1 if dialect else 0},
            {"index type": "label+property", "label": "Person", "property": "name", "count": 2},
            {"index type": "label+property", "label": "Person", "property": ["name", "email"], "count": 2},
            {"index type": "vertex-property", "label": None, "property": "email", "count": 2},
        ]
        assert run(driver, "SHOW CONSTRAINT INFO") == [
            {"constraint type": "unique", "label": "Person", "properties": ["email"], "data_type": ""}]
        if dialect:
            assert run(driver, "MATCH (p:Person) WHERE p.address.city = 'Oslo' RETURN p.name AS name") == [
                {"name": "a"}]
        with pytest.raises(neo4j.exceptions.ClientError) as nested_edge:
            run(driver, "CREATE EDGE INDEX ON :KNOWS(a.b)")
        assert nested_edge.value.message.startswith("Nested properties are not supported for edge indices.")
        assert nested_edge.value.code == code_in(dialect, "Neo.ClientError.Statement.SyntaxError")
        with pytest.raises(neo4j.exceptions.ClientError) as violated:
            driver.execute_query("CREATE (:Person {name: 'c', email: 'x'})")
        assert violated.value.code == code_in(dialect, "Neo.ClientError.Schema.ConstraintValidationFailed")
        assert isinstance(violated.value, neo4j.exceptions.ConstraintError) is not bool(dialect)
        assert violated.value.message == (  # Memgraph's words for a Memgraph client
            "Unable to commit due to unique constraint violation on :Person(email)" if dialect else
            "Node(0) already exists with label `Person` and property `email` = 'x'")
        assert run(driver, "MATCH (p:Person) RETURN count(p) AS c") == [{"c": 2}]
        for query in ("DROP INDEX ON :Person(name)", "DROP INDEX ON :Person(name, email)", "DROP INDEX ON :Person",
                      "DROP EDGE INDEX ON :KNOWS(since)",
                      "DROP GLOBAL INDEX ON :(email)", "DROP INDEX ON :Person(address.city)",
                      "DROP CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE"):
            run(driver, query)
        assert run(driver, "SHOW INDEX INFO") == [] and run(driver, "SHOW CONSTRAINT INFO") == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_index_created_again_is_a_notification_the_driver_reads(serve, dialect):
    with driver_to(serve(*dialect)) as driver, driver.session() as session:
        session.run("CREATE INDEX ON :Person(name)").consume()
        summary = session.run("CREATE INDEX ON :Person(name)").consume()
        assert [(status.gql_status, status.classification) for status in summary.gql_status_objects][0] == (
            "00NA0", neo4j.NotificationClassification.SCHEMA)
        assert summary.metadata["statuses"][0]["neo4j_code"] == \
            "Neo.ClientNotification.Schema.IndexOrConstraintAlreadyExists"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_triggers_through_the_driver(serve, dialect):
    with driver_to(serve(*dialect)) as driver:
        run(driver, "CREATE TRIGGER stamp ON () CREATE BEFORE COMMIT EXECUTE "
                    "UNWIND createdVertices AS v SET v.stamped = true")
        run(driver, "CREATE TRIGGER changes ON () UPDATE AFTER COMMIT EXECUTE UNWIND setVertexProperties AS s "
                    "CREATE (:Change {key: s.key, old: s.old, new: s.new})")
        assert run(driver, "SHOW TRIGGERS") == [
            {"trigger name": "stamp", "statement": "UNWIND createdVertices AS v SET v.stamped = true",
             "privilege context": "DEFINER", "event type": "() CREATE", "phase": "BEFORE COMMIT", "owner": None},
            {"trigger name": "changes", "statement": "UNWIND setVertexProperties AS s CREATE (:Change {key: s.key, "
             "old: s.old, new: s.new})", "privilege context": "DEFINER", "event type": "() UPDATE",
             "phase": "AFTER COMMIT", "owner": None},
        ]
        driver.execute_query("CREATE (:P {n: 1})")
        assert driver.execute_query("MATCH (p:P) RETURN p.stamped AS s").records[0]["s"] is True
        driver.execute_query("MATCH (p:P) SET p.n = 2")
        changes = "MATCH (c:Change) RETURN c.key AS key, c.old AS old, c.new AS new"
        deadline = time.monotonic() + 10
        while not run(driver, changes) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run(driver, changes) == [{"key": "n", "old": 1, "new": 2}]
        with pytest.raises(neo4j.exceptions.ClientError, match="Trigger with the same name already exists"):
            run(driver, "CREATE TRIGGER stamp BEFORE COMMIT EXECUTE RETURN 1")
        run(driver, "DROP TRIGGER changes")
        run(driver, "DROP TRIGGER stamp")
        assert run(driver, "SHOW TRIGGERS") == []
        with pytest.raises(neo4j.exceptions.ClientError, match="Trigger with name 'stamp' doesn't exist"):
            run(driver, "DROP TRIGGER stamp")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_failing_before_commit_trigger_fails_the_driver_s_commit(serve, dialect):
    with driver_to(serve(*dialect)) as driver:
        run(driver, "CREATE TRIGGER strict ON () CREATE BEFORE COMMIT EXECUTE "
                    "UNWIND createdVertices AS v SET v.ratio = 1 / v.n")
        with driver.session() as session, session.begin_transaction() as tx:
            tx.run("CREATE (:P {n: 0})").consume()
            with pytest.raises(neo4j.exceptions.ClientError) as failed:
                tx.commit()
        assert failed.value.message.startswith("Trigger 'strict' caused the transaction to fail")
        assert failed.value.code == code_in(dialect, "Neo.ClientError.Statement.ArithmeticError")
        assert run(driver, "MATCH (p:P) RETURN count(p) AS c") == [{"c": 0}]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("statement", ["CREATE TRIGGER t BEFORE COMMIT EXECUTE RETURN 1", "SHOW TRIGGERS",
                                       "DROP TRIGGER t"])
def test_trigger_statements_are_refused_in_the_driver_s_explicit_transactions(serve, dialect, statement):
    with driver_to(serve(*dialect)) as driver:
        with driver.session() as session:
            tx = session.begin_transaction()
            with pytest.raises(neo4j.exceptions.ClientError) as refused:
                tx.run(statement).consume()
            tx.close()
        assert refused.value.code == code_in(dialect, NOT_IN_EXPLICIT)
        assert isinstance(refused.value, neo4j.exceptions.Forbidden) is not bool(dialect)
        assert refused.value.message.startswith("Managing triggers is not allowed in multicommand transactions")
        with pytest.raises(neo4j.exceptions.ClientError, match="Managing triggers is not allowed"):
            driver.execute_query(statement)
        assert run(driver, "SHOW TRIGGERS") == []


def other_users(driver, memgraph: bool) -> list[dict]:
    """The rows of SHOW TRANSACTIONS the driver's user sees of other users' transactions, with the id and user
    columns of the dialect."""
    user, key = ("username", "transaction_id") if memgraph else ("username", "transactionId")
    return [{"user": row[user], "id": row[key]} for row in run(driver, "SHOW TRANSACTIONS")
            if row[user] != "watcher"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_transaction_management_granted_denied_and_revoked_through_the_driver(serve, dialect):
    memgraph = bool(dialect)
    port = serve(*dialect, password="pw")
    with driver_to(port, ("neo4j", "pw")) as admin, driver_to(port, ("worker", "pw-1")) as worker_driver, \
            driver_to(port, ("watcher", "pw-1")) as watcher:
        for name in ("worker", "watcher"):
            run(admin, f"CREATE USER {name} SET PASSWORD 'pw-1' CHANGE NOT REQUIRED")
            run(admin, f"GRANT ROLE reader TO {name}")
        with worker_driver.session() as session:
            worker = session.begin_transaction()
            worker.run("MATCH (n) RETURN count(n)").consume()
            assert other_users(watcher, memgraph) == []

            run(admin, "GRANT TRANSACTION_MANAGEMENT TO watcher")
            victim, = other_users(watcher, memgraph)
            assert victim["user"] == "worker"
            run(admin, "DENY TRANSACTION_MANAGEMENT TO watcher")
            assert other_users(watcher, memgraph) == []
            run(admin, "GRANT TRANSACTION_MANAGEMENT TO watcher")
            run(admin, "REVOKE TRANSACTION_MANAGEMENT FROM watcher")
            assert other_users(watcher, memgraph) == []
            refused = run(watcher, "TERMINATE TRANSACTIONS $id", id=victim["id"])
            assert refused == ([{"transaction_id": victim["id"], "killed": False}] if memgraph else
                               [{"transactionId": victim["id"], "username": None,
                                 "message": "Transaction not found."}])
            worker.run("RETURN 1").consume()

            run(admin, "GRANT TRANSACTION_MANAGEMENT TO watcher")
            terminated = run(watcher, "TERMINATE TRANSACTIONS $id", id=victim["id"])
            assert terminated == ([{"transaction_id": victim["id"], "killed": True}] if memgraph else
                                  [{"transactionId": victim["id"], "username": "worker",
                                    "message": "Transaction terminated."}])
            with pytest.raises(neo4j.exceptions.Neo4jError) as stopped:
                worker.run("RETURN 2").consume()
            worker.close()
        if memgraph:
            assert (stopped.value.code, stopped.value.message) == (
                MEMGRAPH_TRANSIENT, "Transaction was asked to abort by another user.")
            assert isinstance(stopped.value, neo4j.exceptions.TransientError)
        else:
            assert stopped.value.code == "Neo.ClientError.Transaction.Terminated"


@pytest.mark.parametrize("dialect, code, message", [
    pytest.param((), "Neo.TransientError.General.MemoryPoolOutOfMemoryError", "QUERY MEMORY LIMIT threshold reached",
                 id="auto"),
    pytest.param(("--client-dialect", "memgraph"), MEMGRAPH_TRANSIENT, "Memory limit exceeded!", id="memgraph"),
])
def test_a_query_over_its_memory_limit_through_the_driver(serve, dialect, code, message):
    create = "UNWIND range(1, 1000) AS i CREATE (:Bulk {i: i})"
    with driver_to(serve(*dialect)) as driver:
        # session.run, not execute_query: the driver retries a TransientError in a managed transaction.
        with pytest.raises(neo4j.exceptions.TransientError) as exceeded:
            run(driver, f"{create} QUERY MEMORY LIMIT 10 KB")
        assert exceeded.value.code == code and message in exceeded.value.message
        assert exceeded.value.is_retryable()
        with driver.session() as session:
            tx = session.begin_transaction()
            with pytest.raises(neo4j.exceptions.TransientError) as in_explicit:
                tx.run(f"{create} QUERY MEMORY LIMIT 10 KB").consume()
            tx.close()
        assert in_explicit.value.code == code
        assert run(driver, "MATCH (n:Bulk) RETURN count(n) AS n") == [{"n": 0}]
        driver.execute_query(f"{create} QUERY MEMORY UNLIMITED")
        driver.execute_query(f"{create} QUERY MEMORY LIMIT 10 MB")
        assert run(driver, "MATCH (n:Bulk) RETURN count(n) AS n") == [{"n": 2000}]


NESTED = {"b": 1, "c": "x", "d": {"e": [1, 2]}, "g": [{"h": 1}, {"h": 2}], "n": None}
MIXED = [1, "a", None, [2, 3.5], {"k": True}]


@pytest.mark.parametrize("query", ["CREATE (:L {a: $nested})", "CREATE (:L {a: $mixed})",
                                   "CREATE (:L {a: {b: 1}})", "CREATE (:L {a: [1, 'a']})",
                                   "CREATE (n:L) SET n += {a: {b: 1}}"])
def test_a_neo4j_dialect_connection_may_not_store_maps_or_mixed_lists(serve, query):
    with driver_to(serve()) as driver:
        with pytest.raises(neo4j.exceptions.CypherTypeError) as refused:
            driver.execute_query(query, nested=NESTED, mixed=MIXED)
        assert refused.value.code == "Neo.ClientError.Statement.TypeError"
        assert "Property values can only be of primitive types or arrays thereof" in refused.value.message
        assert run(driver, "MATCH (n:L) RETURN count(n) AS c") == [{"c": 0}]


def test_a_memgraph_dialect_connection_stores_maps_and_mixed_lists_that_both_clients_read(serve):
    port = serve("--client-dialect", "memgraph")
    with driver_to(port) as driver:
        driver.execute_query("CREATE (:L {a: $nested, m: $mixed})", nested=NESTED, mixed=MIXED)
        run(driver, "MATCH (n:L) SET n.literal = {k: [1, 'two', {three: 3}]}")
        records = driver.execute_query("MATCH (n:L) RETURN n.a AS a, n.m AS m, n.literal AS literal, n").records
        assert (records[0]["a"], records[0]["m"], records[0]["literal"]) == (
            NESTED, MIXED, {"k": [1, "two", {"three": 3}]})
        assert dict(records[0]["n"]) == {"a": NESTED, "m": MIXED, "literal": {"k": [1, "two", {"three": 3}]}}
        assert run(driver, "MATCH (n:L) WHERE n.a.d = {e: [1, 2]} AND n.m[3] = [2, 3.5] RETURN n.a.g[1].h AS h"
                   ) == [{"h": 2}]
    mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")
    connection = mgclient.connect(host="127.0.0.1", port=port)
    connection.autocommit = True
    assert fetch(connection.cursor(), "MATCH (n:L) RETURN n.a AS a, n.m AS m") == [{"a": NESTED, "m": MIXED}]
    connection.close()


def test_the_driver_reads_maps_a_memgraph_client_stored_on_a_server_in_auto_mode(serve):
    port = serve()
    with driver_to(port) as driver:
        with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None,
                                        user_agent="mgclient/1.7.0") as memgraph_driver:
            memgraph_driver.execute_query("CREATE (:L {a: $nested, m: $mixed})", nested=NESTED, mixed=MIXED)
        assert driver.execute_query("MATCH (n:L) RETURN n.a AS a, n.m AS m").records[0].data() == {
            "a": NESTED, "m": MIXED}
        with pytest.raises(neo4j.exceptions.CypherTypeError):
            driver.execute_query("MATCH (n:L) SET n.copy = n.a")


MODULE = '''
from typing import Iterator, TypedDict


class Row(TypedDict):
    word: str


def register(module):
    @module.procedure("words.say")
    def say(ctx, word: str) -> Iterator[Row]:
        yield {"word": word + "!"}

    @module.function("words.shout")
    def shout(ctx, word: str) -> str:
        return word.upper()
'''


@pytest.mark.parametrize("dialect", DIALECTS)
def test_query_modules_through_the_driver(serve, tmp_path, dialect):
    folder = tmp_path / "modules"
    folder.mkdir()
    (folder / "words.py").write_text(MODULE)
    with driver_to(serve(*dialect, "--query-modules-directory", str(folder))) as driver:
        records = driver.execute_query("CALL words.say('hi') YIELD word RETURN word, words.shout(word) AS loud").records
        assert [record.data() for record in records] == [{"word": "hi!", "loud": "HI!"}]
        assert run(driver, "CALL mg.procedures() YIELD name, signature, is_write, path, is_editable "
                           "WHERE name = 'words.say' RETURN *") == [
            {"name": "words.say", "signature": "words.say(word :: STRING) :: (word :: STRING)", "is_write": False,
             "path": str(folder / "words.py"), "is_editable": True}]
        assert run(driver, "CALL mg.functions() YIELD name, path WHERE name = 'words.shout' RETURN *") == [
            {"name": "words.shout", "path": str(folder / "words.py")}]

        (folder / "words.py").write_text(MODULE.replace('word + "!"', 'word + "?"'))
        run(driver, "CALL mg.load_all()")
        assert run(driver, "CALL words.say('hi')") == [{"word": "hi?"}]
        (folder / "words.py").write_text(MODULE.replace('word + "!"', 'word + "."'))
        driver.execute_query("CALL mg.load('words')")
        assert run(driver, "CALL words.say('hi')") == [{"word": "hi."}]
        (folder / "words.py").unlink()
        driver.execute_query("CALL mg.load_all()")
        with pytest.raises(neo4j.exceptions.ClientError) as gone:
            driver.execute_query("CALL words.say('hi')")
        assert gone.value.code == code_in(dialect, "Neo.ClientError.Procedure.ProcedureNotFound")
        with pytest.raises(neo4j.exceptions.ClientError) as unknown:
            driver.execute_query("CALL mg.load('nowhere')")
        assert unknown.value.code == code_in(dialect, "Neo.ClientError.Procedure.ProcedureRegistrationFailed")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_module_files_through_the_driver(serve, tmp_path, dialect):
    (tmp_path / "modules").mkdir()
    port = serve(*dialect, "--query-modules-directory", str(tmp_path / "modules"), data_dir=tmp_path / "data")
    with driver_to(port) as driver:
        path = driver.execute_query("CALL mg.create_module_file('words.py', $content) YIELD path RETURN path",
                                    content=MODULE).records[0]["path"]
        assert path == str((tmp_path / "data" / "internal_modules" / "words.py").resolve())
        assert run(driver, "CALL words.say('hi')") == [{"word": "hi!"}]
        assert run(driver, "CALL mg.get_module_files() YIELD path, is_editable") == [
            {"path": path, "is_editable": True}]
        assert run(driver, "CALL mg.get_module_file($path)", path=path) == [{"content": MODULE}]
        run(driver, "CALL mg.update_module_file($path, $content)", path=path,
            content=MODULE.replace("upper", "lower"))
        assert driver.execute_query("RETURN words.shout('Hi') AS w").records[0]["w"] == "hi"
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            driver.execute_query("CALL mg.create_module_file('words.py', '')")
        assert refused.value.code == code_in(dialect, "Neo.ClientError.Procedure.ProcedureCallFailed")
        assert "mg.create_module_file: File with the same name already exists!" in refused.value.message
        with pytest.raises(neo4j.exceptions.ClientError, match="Invalid relative path defined"):
            driver.execute_query("CALL mg.create_module_file('../escaped.py', '')")
        run(driver, "CALL mg.delete_module_file($path)", path=path)
        assert run(driver, "CALL mg.get_module_files()") == []
        with pytest.raises(neo4j.exceptions.ClientError):
            driver.execute_query("RETURN words.shout('hi')")
    assert not (tmp_path / "data" / "escaped.py").exists()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_degree_functions_through_the_driver(serve, dialect):
    with driver_to(serve(*dialect)) as driver:
        driver.execute_query("CREATE (a:N {name: 'a'})-[:T]->(b:N {name: 'b'}), (a)-[:T]->(a), (b)-[:T]->(a)")
        records = driver.execute_query("MATCH (n:N) RETURN n.name AS name, degree(n) AS d, inDegree(n) AS i, "
                                       "outDegree(n) AS o, degree(null) AS none ORDER BY name").records
        assert [record.data() for record in records] == [
            {"name": "a", "d": 4, "i": 2, "o": 2, "none": None},
            {"name": "b", "d": 2, "i": 1, "o": 1, "none": None},
        ]
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            driver.execute_query("MATCH ()-[r:T]->() RETURN degree(r)")
        assert refused.value.code == code_in(dialect, "Neo.ClientError.Statement.TypeError")
        assert refused.value.message == "Type mismatch: expected Node but was Relationship"


BIG = '''
from typing import Iterator, TypedDict


class Row(TypedDict):
    numbers: list


def register(module):
    @module.procedure("big.numbers")
    def numbers(ctx, count: int) -> Iterator[Row]:
        yield {"numbers": list(range(count))}
'''


@pytest.mark.parametrize("dialect", DIALECTS)
def test_what_a_python_procedure_yields_counts_against_its_memory_limit(serve, tmp_path, dialect):
    # Memgraph keeps a procedure's results in the query's memory until they are pulled: they count against
    # PROCEDURE MEMORY LIMIT and QUERY MEMORY LIMIT as any list the query builds does.
    (tmp_path / "big.py").write_text(BIG)
    with driver_to(serve(*dialect, "--query-modules-directory", str(tmp_path))) as driver:
        for clause, query in (
                ("PROCEDURE", "CALL big.numbers(100000) PROCEDURE MEMORY LIMIT 10 KB YIELD numbers "
                              "RETURN size(numbers) AS s"),
                ("QUERY", "CALL big.numbers(100000) YIELD numbers RETURN size(numbers) AS s QUERY MEMORY LIMIT 10 KB")):
            with pytest.raises(neo4j.exceptions.TransientError) as exceeded:
                run(driver, query)
            assert exceeded.value.message.startswith("Memory limit exceeded!") if dialect else \
                exceeded.value.message.endswith(f"{clause} MEMORY LIMIT threshold reached")
        assert run(driver, "CALL big.numbers(100000) PROCEDURE MEMORY LIMIT 10 MB YIELD numbers "
                           "RETURN size(numbers) AS s QUERY MEMORY LIMIT 10 MB") == [{"s": 100000}]
        assert run(driver, "CALL big.numbers(100) PROCEDURE MEMORY LIMIT 10 KB YIELD numbers "
                           "RETURN size(numbers) AS s") == [{"s": 100}]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_memgraph_type_constraints_through_the_driver(serve, dialect):
    # Memgraph's type names (typeConstraintType in MemgraphCypher.g4) are not all Neo4j's: LOCALTIME, LOCALDATETIME,
    # ZONEDDATETIME, and LIST for a list of anything. SHOW CONSTRAINT INFO names the type in a fourth column.
    typed = {"t": ("LOCALTIME", "localtime('12:00')"), "dt": ("LOCALDATETIME", "localdatetime('2020-01-01T12:00')"),
             "z": ("ZONEDDATETIME", "datetime('2020-01-01T12:00Z')"), "l": ("LIST", "[1, 2]"),
             "b": ("BOOLEAN", "true")}
    with driver_to(serve(*dialect)) as driver:
        for key, (kind, _) in typed.items():
            run(driver, f"CREATE CONSTRAINT ON (n:T) ASSERT n.{key} IS TYPED {kind}")
        values = ", ".join(f"{key}: {value}" for key, (_, value) in typed.items())
        driver.execute_query(f"CREATE (:T {{{values}}})")
        for key in typed:
            with pytest.raises(neo4j.exceptions.ClientError) as refused:
                driver.execute_query(f"CREATE (:T {{{key}: 'text'}})")
            assert refused.value.code == code_in(dialect, "Neo.ClientError.Schema.ConstraintValidationFailed")
        assert run(driver, "SHOW CONSTRAINT INFO") == [
            {"constraint type": "data_type", "label": "T", "properties": key, "data_type": name}
            for key, name in (("b", "BOOL"), ("dt", "LOCAL DATE TIME"), ("l", "LIST"), ("t", "LOCAL TIME"),
                              ("z", "ZONED DATE TIME"))]
        for key, (kind, _) in typed.items():
            run(driver, f"DROP CONSTRAINT ON (n:T) ASSERT n.{key} IS TYPED {kind}")
        assert run(driver, "SHOW CONSTRAINT INFO") == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_trigger_owners_and_privileges_through_the_driver(serve, dialect):
    port = serve(*dialect, password="pw")
    with driver_to(port, ("neo4j", "pw")) as admin, driver_to(port, ("bob", "pw-1")) as bob:
        run(admin, "CREATE USER bob SET PASSWORD 'pw-1' CHANGE NOT REQUIRED")
        run(admin, "GRANT ROLE publisher TO bob")
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            run(bob, "CREATE TRIGGER mine ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v SET v.m = 1")
        assert refused.value.code == code_in(dialect, "Neo.ClientError.Security.Forbidden")
        assert refused.value.message.startswith("Trigger operations are not allowed for user 'bob'")
        run(admin, "GRANT INDEX, CONSTRAINT TO bob")
        run(bob, "CREATE TRIGGER mine ON () CREATE BEFORE COMMIT EXECUTE UNWIND createdVertices AS v SET v.m = 1")
        assert [(row["trigger name"], row["owner"]) for row in run(bob, "SHOW TRIGGERS")] == [("mine", "bob")]
        bob.execute_query("CREATE (:X)")
        assert run(admin, "MATCH (x:X) RETURN x.m AS m") == [{"m": 1}]


def test_the_driver_retries_a_query_over_its_memory_limit_in_a_managed_transaction(serve):
    # Memgraph's memory limit is a TransientError, so a managed transaction (execute_query) is retried until the
    # driver's max_transaction_retry_time runs out, against Memgraph as here.
    port = serve("--client-dialect", "memgraph")
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=None, max_transaction_retry_time=0.5) as driver:
        with pytest.raises(neo4j.exceptions.TransientError) as exceeded:
            driver.execute_query("UNWIND range(1, 1000) AS i CREATE (:Bulk {i: i}) QUERY MEMORY LIMIT 10 KB")
        assert exceeded.value.code == MEMGRAPH_TRANSIENT
        assert run(driver, "MATCH (n:Bulk) RETURN count(n) AS n") == [{"n": 0}]
