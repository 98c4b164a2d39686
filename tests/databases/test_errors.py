"""The error hierarchy: codes, derived parts, classes by code, retryability, the public re-export."""
import pytest

import graphplex.errors as public
from graphplex.databases.errors import (
    ClientError, ConstraintError, CypherSyntaxError, DatabaseError, Neo4jError, TransactionError, TransientError,
    error_for_code, format_bytes,
)


def test_code_parts_are_derived_from_the_code():
    error = TransientError("x", "Neo.TransientError.Transaction.Outdated")
    assert (error.classification, error.category, error.title) == ("TransientError", "Transaction", "Outdated")
    assert error.message == "x" and error.code == "Neo.TransientError.Transaction.Outdated"


@pytest.mark.parametrize("code, cls", [
    ("Neo.ClientError.Statement.SyntaxError", CypherSyntaxError),
    ("Neo.ClientError.Schema.ConstraintValidationFailed", ConstraintError),
    ("Neo.ClientError.Statement.AccessMode", ClientError),
    ("Neo.TransientError.Transaction.DeadlockDetected", TransientError),
    ("Neo.DatabaseError.General.UnknownError", DatabaseError),
])
def test_class_follows_the_code(code, cls):
    error = error_for_code(code, "m")
    assert type(error) is cls and error.code == code


def test_every_public_error_has_a_neo_code():
    for name in public.__all__:
        cls = getattr(public, name)
        if isinstance(cls, type) and issubclass(cls, Neo4jError):
            assert cls("m").code.startswith("Neo.")


def test_retryable_is_transient_but_not_terminated():
    assert TransientError("m", "Neo.TransientError.Transaction.DeadlockDetected").is_retryable()
    assert not TransientError("m", "Neo.TransientError.Transaction.Terminated").is_retryable()
    assert not ClientError("m").is_retryable()
    assert not TransactionError("m").is_retryable()


@pytest.mark.parametrize("size, text", [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (2 * 1024 ** 2, "2.0 MiB"),
                                        (int(5.3 * 1024 ** 3), "5.3 GiB")])
def test_format_bytes_as_neo4j(size, text):
    assert format_bytes(size) == text
