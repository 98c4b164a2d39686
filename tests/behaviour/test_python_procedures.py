"""Procedures and functions written in Python (issue 16): defined per DBMS with `@dbms.procedure` and
`@dbms.function`, typed by their annotations, run inside the calling transaction with the caller's privileges."""
from __future__ import annotations

import dataclasses
import threading
import time
from typing import Iterator, Optional, TypedDict

import pytest

from behaviour_support import user_session
from graphplex import DBMS, ProcedureContext
from graphplex.errors import ClientError, Forbidden, Neo4jError
from graphplex.types import Node

CALL_FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"


class Greeting(TypedDict):
    text: str
    times: int


@dataclasses.dataclass
class Named:
    node: Node
    name: Optional[str]


def define_greet(dbms):
    @dbms.procedure("my.greet", description="Greets someone.")
    def greet(ctx: ProcedureContext, who: str, times: int = 2, suffix: Optional[str] = None,
              tags: list[str] = []) -> Iterator[Greeting]:
        for n in range(times):
            yield {"text": f"hello {who}{suffix or ''}", "times": n}
    return greet


def test_a_procedure_is_called_with_its_defaults_and_streams_its_rows(dbms, session):
    define_greet(dbms)
    rows = session.run("CALL my.greet('Ann') YIELD text, times RETURN text, times").data()
    assert rows == [{"text": "hello Ann", "times": 0}, {"text": "hello Ann", "times": 1}]
    assert session.run("CALL my.greet('Bo', 1, '!')").data() == [{"text": "hello Bo!", "times": 0}]


def test_rows_stream_the_procedure_runs_only_as_far_as_asked(dbms, session):
    pulled = []

    @dbms.procedure("my.count")
    def count(ctx: ProcedureContext) -> Iterator[Greeting]:
        n = 0
        while True:
            pulled.append(n)
            yield {"text": str(n), "times": n}
            n += 1
    assert session.run("CALL my.count() YIELD times RETURN times LIMIT 3").value() == [0, 1, 2]
    assert len(pulled) <= 4


def test_two_dbms_objects_do_not_see_each_others_procedures(dbms):
    define_greet(dbms)
    with DBMS.in_memory() as other, other.session() as s:
        with pytest.raises(ClientError) as raised:
            s.run("CALL my.greet('x')").consume()
        assert raised.value.code == "Neo.ClientError.Procedure.ProcedureNotFound"
    with dbms.session() as s:
        assert s.run("CALL my.greet('x', 1) YIELD text RETURN text").single()[0] == "hello x"


def test_signatures_come_from_the_annotations(dbms, session):
    define_greet(dbms)

    @dbms.procedure("my.named", mode="WRITE")
    def named(ctx: ProcedureContext, node: Node, depth: Optional[int] = None) -> Iterator[Named]:
        yield Named(node, node.get("name"))

    rows = {row["name"]: row for row in session.run(
        "SHOW PROCEDURES YIELD name, signature, description, mode WHERE name STARTS WITH 'my.' "
        "RETURN name, signature, description, mode").data()}
    assert rows["my.greet"] == {"name": "my.greet", "description": "Greets someone.", "mode": "READ",
                                "signature": "my.greet(who :: STRING, times = 2 :: INTEGER, suffix = null :: STRING?, "
                                             "tags = [] :: LIST<STRING>) :: (text :: STRING, times :: INTEGER)"}
    assert rows["my.named"]["signature"] == \
        "my.named(node :: NODE, depth = null :: INTEGER?) :: (node :: NODE, name :: STRING?)"
    assert rows["my.named"]["mode"] == "WRITE"


def test_nodes_go_in_and_come_back_as_the_callers_entities(dbms, session):
    @dbms.procedure("my.named")
    def named(ctx: ProcedureContext, node: Node) -> Iterator[Named]:
        yield Named(node, node.get("name"))

    session.run("CREATE (:P {name: 'Ann'})").consume()
    row = session.run("MATCH (p:P) CALL my.named(p) YIELD node, name "
                      "RETURN node = p AS same, name, labels(node) AS labels").single()
    assert (row["same"], row["name"], row["labels"]) == (True, "Ann", ["P"])


def test_an_argument_of_the_wrong_type_is_refused_as_for_built_ins(dbms, session):
    define_greet(dbms)
    with pytest.raises(Neo4jError) as raised:
        session.run("CALL my.greet(1)").consume()
    assert raised.value.code == "Neo.ClientError.Statement.TypeError"


def test_a_function_returns_one_value_and_is_listed(dbms, session):
    @dbms.function("my.double")
    def double(ctx: ProcedureContext, x: int, by: int = 2) -> int:
        """Doubles x."""
        return x * by

    assert session.run("RETURN my.double(21) AS a, my.double(2, 5) AS b").single().data() == {"a": 42, "b": 10}
    row = session.run("SHOW FUNCTIONS YIELD name, signature, description, isBuiltIn WHERE name = 'my.double' "
                      "RETURN signature, description, isBuiltIn").single()
    assert row.data() == {"signature": "my.double(x :: INTEGER, by = 2 :: INTEGER) :: INTEGER",
                          "description": "Doubles x.", "isBuiltIn": False}
    with DBMS.in_memory() as other, other.session() as s, pytest.raises(Neo4jError):
        s.run("RETURN my.double(1)").consume()
    with pytest.raises(Neo4jError) as raised:
        session.run("RETURN my.double('x')").consume()
    assert (raised.value.code, raised.value.message) == \
        ("Neo.ClientError.Statement.TypeError", "Type mismatch for function my.double: expected INTEGER but was STRING")


@pytest.mark.parametrize("register", [
    lambda dbms: dbms.procedure("db.labels", outputs={"label": str})(lambda ctx: iter(())),
    lambda dbms: dbms.procedure("apoc.meta.data", outputs={"text": str})(lambda ctx: iter(())),
    lambda dbms: dbms.function("toUpper")(lambda ctx, x: x),
    lambda dbms: dbms.function("apoc.text.join")(lambda ctx, x: x)])
def test_a_built_in_or_apoc_name_is_refused(dbms, register):
    with pytest.raises(ClientError) as raised:
        register(dbms)
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureRegistrationFailed"


def test_a_procedure_without_declared_outputs_or_with_an_unknown_mode_is_refused(dbms):
    def untyped(ctx: ProcedureContext):
        yield {"a": 1}
    with pytest.raises(ClientError) as raised:
        dbms.procedure("my.untyped")(untyped)
    assert raised.value.message == ("Unable to register procedure `my.untyped`: annotate what it yields "
                                    "(Iterator[<TypedDict or dataclass>]) or give outputs=")
    dbms.procedure("my.untyped", outputs={"a": int})(untyped)
    with dbms.session() as s:
        assert s.run("CALL my.untyped() YIELD a RETURN a").single()[0] == 1
    with pytest.raises(ClientError) as raised:
        dbms.procedure("my.odd", mode="SOMETIMES")(untyped)
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureRegistrationFailed"


def test_replacing_or_removing_a_procedure_replans_statements_that_used_it(dbms, session):
    @dbms.function("my.value")
    def one(ctx: ProcedureContext) -> int:
        return 1
    assert session.run("RETURN my.value() AS v").single()[0] == 1

    @dbms.function("my.value")
    def two(ctx: ProcedureContext) -> int:
        return 2
    assert session.run("RETURN my.value() AS v").single()[0] == 2
    assert dbms.unregister_function("my.value") is True
    with pytest.raises(Neo4jError) as raised:
        session.run("RETURN my.value() AS v").consume()
    assert raised.value.code == "Neo.ClientError.Statement.SyntaxError"


def define_labels_reader(dbms):
    @dbms.procedure("my.names")
    def names(ctx: ProcedureContext, label: Optional[str] = None) -> Iterator[Greeting]:
        for node in ctx.nodes(label):
            yield {"text": node.get("name"), "times": len(list(ctx.neighbours(node)))}


def test_the_procedure_reads_through_the_callers_snapshot(dbms):
    define_labels_reader(dbms)
    with dbms.session() as s:
        s.run("CREATE (:P {name: 'committed'})").consume()
    with dbms.session() as writer, dbms.session() as reader:
        other = writer.begin_transaction()
        other.run("CREATE (:P {name: 'theirs'})").consume()
        tx = reader.begin_transaction()
        tx.run("CREATE (a:P {name: 'mine'})-[:R]->(:Q {name: 'q'})").consume()
        rows = tx.run("CALL my.names('P') YIELD text, times RETURN text, times ORDER BY text").data()
        assert rows == [{"text": "committed", "times": 0}, {"text": "mine", "times": 1}]
        tx.rollback()
        other.rollback()


def test_the_procedure_sees_what_the_callers_read_privileges_show(secure, admin):
    define_labels_reader(secure)
    admin.run("CREATE (:P {name: 'open'}), (:Secret {name: 'hidden'})").consume()

    @secure.function("my.keys")
    def keys(ctx: ProcedureContext, node: Node) -> list[str]:
        return sorted(ctx.properties(node))

    admin.run("MATCH (p:P) SET p.salary = 1").consume()
    with user_session(secure, admin, "reader", "GRANT ACCESS ON DATABASE *", "GRANT MATCH {*} ON GRAPH *",
                      "DENY TRAVERSE ON GRAPH * NODES Secret", "DENY READ {salary} ON GRAPH * NODES P",
                      "GRANT EXECUTE PROCEDURE my.* ON DBMS") as s:
        assert s.run("CALL my.names() YIELD text RETURN text").value() == ["open"]
        assert s.run("MATCH (p:P) RETURN my.keys(p)").single()[0] == ["name"]


def test_a_user_without_execute_is_refused(secure, admin):
    define_labels_reader(secure)
    with user_session(secure, admin, "stranger", "GRANT ACCESS ON DATABASE *", "GRANT MATCH {*} ON GRAPH *",
                      "DENY EXECUTE PROCEDURE my.* ON DBMS") as s:
        with pytest.raises(Forbidden):
            s.run("CALL my.names()").consume()


def define_writers(dbms):
    @dbms.procedure("my.tryWrite")
    def try_write(ctx: ProcedureContext, name: str) -> None:
        ctx.run("CREATE (:W {name: $name})", name=name)
        yield from ()

    @dbms.procedure("my.write", mode="WRITE")
    def write(ctx: ProcedureContext, name: str, fail: bool = False) -> Iterator[Greeting]:
        ctx.run("CREATE (:W {name: $name})", name=name)
        if fail:
            raise ValueError("no more")
        yield {"text": name, "times": ctx.run("MATCH (w:W) RETURN count(w) AS c")[0]["c"]}


def test_a_read_procedure_may_not_write_a_write_procedure_may(dbms, session):
    define_writers(dbms)
    with pytest.raises(Neo4jError) as raised:
        session.run("CALL my.tryWrite('x')").consume()
    assert raised.value.code == "Neo.ClientError.Security.Forbidden"
    result = session.run("CALL my.write('y') YIELD times RETURN times")
    assert result.single()[0] == 1
    assert result.consume().counters.nodes_created == 1
    assert session.run("MATCH (w:W) RETURN collect(w.name)").single()[0] == ["y"]


def test_an_error_inside_is_procedure_call_failed_and_leaves_no_change(dbms, session):
    define_writers(dbms)
    with pytest.raises(ClientError) as raised:
        session.run("CALL my.write('z', true)").consume()
    assert raised.value.code == CALL_FAILED
    assert raised.value.message == "Failed to invoke procedure `my.write`: Caused by: ValueError: no more"
    assert session.run("MATCH (w:W) RETURN count(w)").single()[0] == 0


def test_a_long_procedure_is_stopped_by_termination_from_another_session(dbms):
    @dbms.procedure("my.spin")
    def spin(ctx: ProcedureContext) -> Iterator[Greeting]:
        while True:
            ctx.check_abort()
            time.sleep(0.001)
        yield from ()

    errors: list = []

    def call():
        try:
            with dbms.session() as s:
                s.run("CALL my.spin()", metadata={"job": "spin"}).consume()
        except Neo4jError as error:
            errors.append(error)
    thread = threading.Thread(target=call)
    thread.start()
    with dbms.session() as admin:
        deadline = time.monotonic() + 5
        ids = []
        while not ids and time.monotonic() < deadline:
            ids = admin.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery WHERE currentQuery CONTAINS "
                            "'my.spin' RETURN transactionId").value()
        admin.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
    thread.join(5)
    assert not thread.is_alive()
    assert errors and errors[0].code == "Neo.ClientError.Transaction.Terminated"


def test_to_networkx_gives_the_callers_subgraph(dbms, session):
    @dbms.function("my.components")
    def components(ctx: ProcedureContext, label: str) -> int:
        import networkx as nx
        return nx.number_weakly_connected_components(ctx.to_networkx(label))

    session.run("CREATE (:C)-[:R]->(:C), (:C), (:D)").consume()
    assert session.run("RETURN my.components('C')").single()[0] == 2


def test_execute_function_governs_a_python_function(secure, admin):
    @secure.function("my.one")
    def one(ctx: ProcedureContext) -> int:
        return 1

    with user_session(secure, admin, "caller", "GRANT ACCESS ON DATABASE *") as s:
        assert s.run("RETURN my.one() AS v").single()[0] == 1
    admin.run("DENY EXECUTE FUNCTION my.* ON DBMS TO caller_role").consume()
    with secure.session(auth=("caller", "pw-1")) as s, pytest.raises(Forbidden) as raised:
        s.run("RETURN my.one() AS v").consume()
    assert "Executing a user defined function is not allowed for user 'caller'" in raised.value.message


def test_a_write_procedure_makes_the_statement_a_write(dbms):
    define_writers(dbms)
    with dbms.session(default_access_mode="READ") as s, pytest.raises(Neo4jError) as raised:
        s.run("CALL my.write('r')").consume()
    assert raised.value.code == "Neo.ClientError.Statement.AccessMode"


def test_every_database_of_the_dbms_sees_its_procedures(dbms, other_db):
    define_labels_reader(dbms)
    with dbms.session(database=other_db) as s:
        s.run("CREATE (:P {name: 'there'})").consume()
        assert s.run("CALL my.names('P') YIELD text RETURN text").value() == ["there"]


def test_a_long_procedure_stops_at_the_transaction_timeout():
    with DBMS.in_memory(transaction_timeout=0.3) as timed:
        @timed.procedure("my.spin")
        def spin(ctx: ProcedureContext) -> None:
            while True:
                ctx.check_abort()
                time.sleep(0.001)
            yield from ()

        started = time.monotonic()
        with timed.session() as s, pytest.raises(Neo4jError) as raised:
            s.run("CALL my.spin()").consume()
        assert raised.value.code == "Neo.ClientError.Transaction.TransactionTimedOut"
        assert time.monotonic() - started < 5
