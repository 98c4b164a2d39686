"""GQL errors over Bolt 5.7, as Neo4j 5.26 sends them: the driver's `gql_status`, description, classification and
`find_by_gql_status` see the error's GQL status instead of the 50N42 a pre-5.7 FAILURE leaves them; Bolt 5.4 and
older still get `{code, message}`."""
from __future__ import annotations

import pytest

neo4j = pytest.importorskip("neo4j", reason="the official neo4j driver is in the test extra")
from neo4j import GraphDatabase  # noqa: E402
from neo4j.exceptions import AuthError, ClientError, ConstraintError, CypherSyntaxError, CypherTypeError  # noqa: E402

from graphplex import DBMS  # noqa: E402
from graphplex.bolt import BoltServer  # noqa: E402
from bolt_wire import FAILURE, PULL, RUN, Wire, message  # noqa: E402


@pytest.fixture
def server(dbms):
    with BoltServer(dbms, port=0) as running:
        yield running


@pytest.fixture
def driver(server):
    with GraphDatabase.driver(server.uri, auth=("neo4j", "unused")) as instance:
        yield instance


def _error(driver, query: str, kind=ClientError, **parameters):
    with pytest.raises(kind) as caught:
        driver.execute_query(query, parameters)
    return caught.value


def test_the_driver_speaks_5_7(driver):
    driver.verify_connectivity()
    assert driver.get_server_info().protocol_version == (5, 7)


def test_a_syntax_error_is_42001_invalid_syntax(driver):
    error = _error(driver, "RETRUN 1", CypherSyntaxError)
    assert error.gql_status == "42001" and error.code == "Neo.ClientError.Statement.SyntaxError"
    assert error.gql_status_description == "error: syntax error or access rule violation - invalid syntax"
    assert error.message.startswith("Invalid input 'RETRUN'")
    assert error.gql_classification == neo4j.exceptions.GqlErrorClassification.CLIENT_ERROR
    assert error.diagnostic_record == {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/",
                                       "_classification": "CLIENT_ERROR"}


def test_find_by_gql_status_finds_the_error(driver):
    error = _error(driver, "RETURN 1 +", CypherSyntaxError)
    if not hasattr(error, "find_by_gql_status"):
        pytest.skip("find_by_gql_status is new in the 6.0 driver")
    assert error.find_by_gql_status("42001") is error and error.find_by_gql_status("50N42") is None


def test_a_type_error_is_22N01_invalid_type(driver):
    error = _error(driver, "RETURN toUpper($x) AS x", CypherTypeError, x=1)  # found at run time
    assert (error.gql_status, error.code) == ("22N01", "Neo.ClientError.Statement.TypeError")
    assert error.gql_status_description == "error: data exception - invalid type"


def test_division_by_zero_is_22012_and_an_overflow_22003(driver):
    error = _error(driver, "RETURN 1 / 0 AS x")
    assert (error.gql_status, error.code) == ("22012", "Neo.ClientError.Statement.ArithmeticError")
    assert error.gql_status_description == "error: data exception - division by zero"
    assert error.message == "/ by zero"
    overflow = _error(driver, "RETURN 9223372036854775807 + 1 AS x")
    assert (overflow.gql_status, overflow.code) == ("22003", "Neo.ClientError.Statement.ArithmeticError")


def test_a_missing_parameter_is_42N51(driver):
    error = _error(driver, "RETURN $nope AS x")
    assert (error.gql_status, error.code) == ("42N51", "Neo.ClientError.Statement.ParameterMissing")


def test_a_constraint_violation_keeps_its_code_and_classification(driver):
    driver.execute_query("CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE")
    driver.execute_query("CREATE (:Person {id: 1})")
    error = _error(driver, "CREATE (:Person {id: 1})", ConstraintError)
    assert error.code == "Neo.ClientError.Schema.ConstraintValidationFailed"
    # Neo4j 5.26 has no status of its own for a uniqueness violation: its catch-all, still a client error.
    assert error.gql_status == "50N42" and error.gql_raw_classification == "CLIENT_ERROR"


def test_a_terminated_transaction_is_25N05(driver):
    with driver.session() as victim_session:
        tx = victim_session.begin_transaction()
        tx.run("CREATE (:Doomed)").consume()
        with driver.session() as admin:
            admin.run("TERMINATE TRANSACTIONS $ids",
                      ids=admin.run("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                    "WHERE currentQuery = 'CREATE (:Doomed)' RETURN transactionId").value()).consume()
        with pytest.raises(ClientError) as caught:
            tx.run("RETURN 1").consume()
        tx.close()
    assert caught.value.code == "Neo.ClientError.Transaction.Terminated" and caught.value.gql_status == "25N05"


def test_an_authentication_failure_is_42NFF():
    with DBMS.in_memory(auth_enabled=True, initial_password="s3cret") as dbms, BoltServer(dbms, port=0) as server:
        with GraphDatabase.driver(server.uri, auth=("neo4j", "wrong")) as bad:
            with pytest.raises(AuthError) as caught:
                bad.verify_connectivity()
    assert (caught.value.gql_status, caught.value.code) == ("42NFF", "Neo.ClientError.Security.Unauthorized")


def test_a_code_without_a_status_of_its_own_is_50N42(server):
    wire = Wire(server.port)
    wire.login((5, 7))
    wire.send(message(PULL, {"n": 0}))  # nothing to pull: Request.Invalid, which Neo4j 5.26 sends as 50N42
    reply = wire.receive()
    assert reply.tag == FAILURE and set(reply.fields[0]) == {"gql_status", "description", "message", "neo4j_code",
                                                            "diagnostic_record"}
    assert reply.fields[0]["neo4j_code"] == "Neo.ClientError.Request.Invalid"
    assert reply.fields[0]["gql_status"] == "50N42"
    assert reply.fields[0]["description"].startswith("error: general processing exception - unexpected error")
    wire.close()


@pytest.mark.parametrize("version", [(5, 4), (5, 6), (4, 4)])
def test_before_5_7_a_failure_is_code_and_message(server, version):
    wire = Wire(server.port)
    wire.login(version)
    wire.send(message(RUN, "RETRUN 1", {}, {}))
    reply = wire.receive()
    assert reply.tag == FAILURE and reply.fields[0]["code"] == "Neo.ClientError.Statement.SyntaxError"
    assert set(reply.fields[0]) == {"code", "message"}
    wire.close()
