"""The public error hierarchy (defined in `databases.errors`, the bottom layer, and re-exported here)."""
from graphplex.databases.errors import (  # noqa: F401
    AuthError, ClientError, ConstraintError, CypherSyntaxError, CypherTypeError, DatabaseError, Forbidden,
    Neo4jError, ResultConsumedError, ResultNotSingleError, SessionError, TransactionError, TransactionFailureError, TransientError,
    error_for_code,
)

__all__ = [
    "Neo4jError", "ClientError", "CypherSyntaxError", "CypherTypeError", "ConstraintError", "AuthError",
    "Forbidden", "TransientError", "DatabaseError", "TransactionError", "TransactionFailureError",
    "ResultConsumedError", "ResultNotSingleError", "SessionError", "error_for_code",
]
