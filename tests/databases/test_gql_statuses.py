"""The GQL status table: every Neo4j code graphplex raises has its entry, every status its description, and an
error object reports them (embedded users read the same attributes as the driver's)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphplex.databases.gql_statuses import GQL_STATUS_BY_CODE, gql_classification, gql_description, gql_status_for
from graphplex.errors import ClientError, Neo4jError, TransientError, error_for_code

_ROOT = Path(__file__).resolve().parents[2]
_CODE = re.compile(r"""["'](Neo\.(?:ClientError|TransientError|DatabaseError)\.[A-Za-z]+\.[A-Za-z]+)["']""")


def _raised_codes() -> set[str]:
    """Every whole status code written as a string literal in the sources of the three packages."""
    codes = set()
    for package in ("databases", "system_db", "dbms"):
        for path in (_ROOT / package).rglob("*.py"):
            codes.update(_CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_code_graphplex_raises_has_an_entry():
    codes = _raised_codes()
    assert len(codes) > 40  # the scan found the sources
    assert sorted(codes - set(GQL_STATUS_BY_CODE)) == []


@pytest.mark.parametrize("code", sorted(GQL_STATUS_BY_CODE))
def test_every_status_is_well_formed_and_described(code):
    status = gql_status_for(code)
    assert re.fullmatch(r"[0-9A-Z]{5}", status)
    assert gql_description(status).startswith("error: ")


def test_an_unknown_code_is_the_catch_all_of_its_classification():
    assert gql_status_for("Neo.ClientError.Made.Up") == "50N42"
    assert gql_classification("Neo.TransientError.Made.Up") == "TRANSIENT_ERROR"
    assert gql_classification("not a code") == "DATABASE_ERROR"


def test_an_error_reports_its_gql_status_beside_its_code():
    error = error_for_code("Neo.ClientError.Statement.SyntaxError", "Invalid input 'RETRUN'")
    assert (error.code, error.classification) == ("Neo.ClientError.Statement.SyntaxError", "ClientError")
    assert (error.gql_status, error.gql_classification) == ("42001", "CLIENT_ERROR")
    assert error.gql_status_description == "error: syntax error or access rule violation - invalid syntax"
    transient = TransientError("locked", "Neo.TransientError.Transaction.DeadlockDetected")
    assert (transient.gql_status, transient.gql_classification) == ("50N05", "TRANSIENT_ERROR")
    assert Neo4jError("boom").gql_classification == "DATABASE_ERROR"


def test_a_raise_site_may_give_a_more_specific_status():
    error = ClientError("/ by zero", "Neo.ClientError.Statement.ArithmeticError", gql_status="22012")
    assert (error.gql_status, error.gql_status_description) == ("22012", "error: data exception - division by zero")
    assert ClientError("long overflow", "Neo.ClientError.Statement.ArithmeticError").gql_status == "22003"
