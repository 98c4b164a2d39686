"""One lookup chain for every procedure and function (issue 16): a DBMS's own, then the built-in ones, then APOC's.
Listed, typed and governed by EXECUTE PROCEDURE / EXECUTE FUNCTION alike, wherever a name comes from."""
from __future__ import annotations

from typing import Iterator, TypedDict

import pytest

from behaviour_support import user_session
from graphplex import DBMS, ProcedureContext
from graphplex.errors import Forbidden, Neo4jError

PAGERANK = ("algo.pagerank(dampingFactor = 0.85 :: FLOAT, maxIterations = 100 :: INTEGER, tolerance = 1.0E-6 :: "
            "FLOAT) :: (node :: NODE, rank :: FLOAT)")
MAGE_MAX_FLOW = ("max_flow.get_flow(start_v :: NODE, end_v :: NODE, edge_property = weight :: STRING) :: "
                 "(max_flow :: NUMBER)")


class Label(TypedDict):
    label: str


def define_labels(dbms: DBMS) -> None:
    @dbms.procedure("my.labels", description="Every label, as this DBMS sees it.")
    def labels(ctx: ProcedureContext) -> Iterator[Label]:
        yield {"label": "mine"}


def test_a_user_procedure_is_found_only_in_its_dbms_and_may_not_take_a_built_ins_name(dbms, session):
    define_labels(dbms)
    with DBMS.in_memory() as other, other.session() as elsewhere:
        assert session.run("CALL my.labels()").value() == ["mine"]
        with pytest.raises(Neo4jError) as raised:
            elsewhere.run("CALL my.labels()").consume()
        assert raised.value.code == "Neo.ClientError.Procedure.ProcedureNotFound"
    listed = session.run("SHOW PROCEDURES YIELD name, description, signature WHERE name = 'my.labels' "
                         "RETURN description, signature").data()
    assert listed == [{"description": "Every label, as this DBMS sees it.",
                       "signature": "my.labels() :: (label :: STRING)"}]
    with pytest.raises(Neo4jError) as raised:
        dbms.procedure("DB.Labels")(lambda ctx: iter(()))
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureRegistrationFailed"
    session.run("CREATE (:Real)").consume()
    assert session.run("CALL db.labels()").value() == ["Real"]


def test_unregistering_forgets_the_procedure(dbms, session):
    define_labels(dbms)
    assert session.run("CALL my.labels()").value() == ["mine"]
    assert dbms.unregister_procedure("my.labels") is True
    with pytest.raises(Neo4jError) as raised:
        session.run("CALL my.labels()").consume()
    assert raised.value.code == "Neo.ClientError.Procedure.ProcedureNotFound"
    assert session.run("SHOW PROCEDURES YIELD name WHERE name = 'my.labels' RETURN name").value() == []


def test_the_algorithms_are_listed_with_their_signatures_by_show_procedures_and_mg_procedures(session):
    shown = {row["name"]: row for row in session.run(
        "SHOW PROCEDURES YIELD name, signature, mode, description WHERE name IN ['algo.pagerank', "
        "'max_flow.get_flow'] RETURN name, signature, mode, description").data()}
    assert shown["algo.pagerank"]["signature"] == PAGERANK
    assert shown["max_flow.get_flow"]["signature"] == MAGE_MAX_FLOW
    assert shown["algo.pagerank"]["mode"] == "READ" and shown["algo.pagerank"]["description"]
    listed = dict(session.run("CALL mg.procedures() YIELD name, signature WHERE name IN ['algo.pagerank', "
                              "'max_flow.get_flow'] RETURN name, signature").values())
    assert listed == {"algo.pagerank": PAGERANK, "max_flow.get_flow": MAGE_MAX_FLOW}


def test_an_algorithms_argument_is_type_checked_as_a_user_procedures_is(dbms, session):
    @dbms.procedure("my.rank")
    def rank(ctx: ProcedureContext, dampingFactor: float = 0.85) -> Iterator[Label]:
        yield {"label": str(dampingFactor)}
    for name in ("algo.pagerank", "my.rank"):
        with pytest.raises(Neo4jError) as raised:
            session.run(f"CALL {name}('high')").consume()
        assert (raised.value.code, raised.value.message) == (
            "Neo.ClientError.Statement.TypeError", f"Type mismatch for procedure {name}: expected FLOAT but was STRING")


def test_mg_procedures_lists_the_built_in_procedures_and_mg_functions_apocs_functions(session):
    procedures = session.run("CALL mg.procedures() YIELD name RETURN name").value()
    assert {"db.labels", "dbms.components", "algo.pagerank", "apoc.meta.data", "mg.load"} <= set(procedures)
    assert procedures == sorted(procedures)
    functions = session.run("CALL mg.functions() YIELD name RETURN name").value()
    assert "apoc.text.join" in functions and "toUpper" not in functions


def test_execute_privileges_govern_built_ins_user_procedures_and_apoc_alike(secure, admin):
    define_labels(secure)

    @secure.function("my.twice")
    def twice(ctx: ProcedureContext, value: int) -> int:
        return 2 * value

    with user_session(secure, admin, "caller", "GRANT ACCESS ON DATABASE *", "GRANT MATCH {*} ON GRAPH *",
                      "DENY EXECUTE PROCEDURE dbms.components ON DBMS", "DENY EXECUTE PROCEDURE db.labels ON DBMS",
                      "DENY EXECUTE PROCEDURE my.labels ON DBMS",
                      "DENY EXECUTE PROCEDURE apoc.meta.* ON DBMS", "DENY EXECUTE FUNCTION apoc.text.* ON DBMS",
                      "DENY EXECUTE FUNCTION my.* ON DBMS") as s:
        for statement in ("CALL dbms.components()", "CALL db.labels()", "CALL DB.LABELS()", "CALL my.labels()",
                          "CALL apoc.meta.data()", "RETURN apoc.text.join(['a'], ',')", "RETURN my.twice(2)"):
            with pytest.raises(Forbidden):
                s.run(statement).consume()
        assert s.run("RETURN toUpper('a') AS up, apoc.coll.sum([1, 2]) AS total").data() == \
            [{"up": "A", "total": 3.0}]
        assert s.run("CALL db.propertyKeys()").value() == []


def test_a_grant_on_an_apoc_function_lets_a_user_denied_the_others_call_it(secure, admin):
    with user_session(secure, admin, "texter", "GRANT ACCESS ON DATABASE *",
                      "GRANT EXECUTE FUNCTION apoc.text.* ON DBMS") as s:
        admin.run("REVOKE EXECUTE FUNCTION * ON DBMS FROM PUBLIC").consume()
        assert s.run("RETURN apoc.text.join(['a', 'b'], '-')").single()[0] == "a-b"
        assert s.run("RETURN toUpper('a')").single()[0] == "A"
        with pytest.raises(Forbidden):
            s.run("RETURN apoc.coll.sum([1])").consume()
