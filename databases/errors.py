"""The one error hierarchy of graphplex.

Defined here, at the bottom layer, so that every layer can raise it without importing upward; `dbms.errors`
re-exports it as the public name. The class names mirror the official `neo4j` driver. Every error carries a
Neo4j status code `Neo.<Classification>.<Category>.<Title>` and a message; classification, category and title
are derived from the code, and so are the GQL status, its description and the GQL classification (`gql_statuses`),
which a raise site may make more specific.
"""
from __future__ import annotations

from graphplex.databases.gql_statuses import gql_classification, gql_description, gql_status_for

__all__ = [
    "Neo4jError", "ClientError", "CypherSyntaxError", "CypherTypeError", "ConstraintError", "AuthError",
    "Forbidden", "TransientError", "DatabaseError", "TransactionError", "TransactionFailureError",
    "ResultConsumedError", "ResultNotSingleError", "SessionError", "error_for_code", "format_bytes",
]


class Neo4jError(Exception):
    """Base of every error a user can see: `code` and `message`, as the driver's `Neo4jError`."""

    default_code = "Neo.DatabaseError.General.UnknownError"

    def __init__(self, message: str, code: str | None = None, *, gql_status: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self._gql_status = gql_status

    @property
    def gql_status(self) -> str:
        """The GQLSTATUS, as the driver's `Neo4jError.gql_status` (e.g. "42001" for a syntax error)."""
        return self._gql_status or gql_status_for(self.code)

    @property
    def gql_status_description(self) -> str:
        """The standard description of `gql_status` (the details are in `message`)."""
        return gql_description(self.gql_status)

    @property
    def gql_classification(self) -> str:
        """CLIENT_ERROR, TRANSIENT_ERROR or DATABASE_ERROR, as the driver's `gql_classification`."""
        return gql_classification(self.code)

    @property
    def classification(self) -> str:
        return self._code_part(1)

    @property
    def category(self) -> str:
        return self._code_part(2)

    @property
    def title(self) -> str:
        return self._code_part(3)

    def _code_part(self, index: int) -> str:
        parts = self.code.split(".")
        return parts[index] if len(parts) > index else ""

    def is_retryable(self) -> bool:
        """Whether retrying the transaction may succeed (the driver's rule: transient, but not terminated)."""
        return False

    def __str__(self) -> str:
        return f"{{code: {self.code}}} {{message: {self.message}}}"


class ClientError(Neo4jError):
    """The caller's fault: retrying will not help."""

    default_code = "Neo.ClientError.General.InvalidArguments"


class CypherSyntaxError(ClientError):
    default_code = "Neo.ClientError.Statement.SyntaxError"


class CypherTypeError(ClientError):
    default_code = "Neo.ClientError.Statement.TypeError"


class ConstraintError(ClientError):
    """A write breaks a constraint. `memgraph_message` is the violation in Memgraph's words, which a Memgraph
    session reads instead (`graphplex.dialects.error_in_dialect`); the code stays."""

    default_code = "Neo.ClientError.Schema.ConstraintValidationFailed"

    def __init__(self, message: str, code: str | None = None, *, gql_status: str | None = None,
                 memgraph_message: str | None = None) -> None:
        super().__init__(message, code, gql_status=gql_status)
        self.memgraph_message = memgraph_message


class AuthError(ClientError):
    default_code = "Neo.ClientError.Security.Unauthorized"


class Forbidden(ClientError):
    default_code = "Neo.ClientError.Security.Forbidden"


class TransientError(Neo4jError):
    """May succeed if the transaction is retried (`execute_write` retries these)."""

    default_code = "Neo.TransientError.General.TransientError"

    def is_retryable(self) -> bool:
        return self.code not in _NOT_RETRYABLE


class DatabaseError(Neo4jError):
    """The server's fault."""

    default_code = "Neo.DatabaseError.General.UnknownError"


class TransactionError(ClientError):
    """Misuse of a closed or failed transaction; chained (`raise … from`) to the first failure where there was one."""

    default_code = "Neo.ClientError.Transaction.TransactionMarkedAsFailed"


class TransactionFailureError(ClientError):
    """An embedded transaction asked to commit could not, and was rolled back."""

    default_code = "Neo.ClientError.Transaction.TransactionMarkedAsFailed"


class ResultConsumedError(ClientError):
    """A result was used after it was consumed or its transaction ended."""

    default_code = "Neo.ClientError.Request.Invalid"


class ResultNotSingleError(ClientError):
    """`Result.single(strict=True)` found no record or more than one."""

    default_code = "Neo.ClientError.Request.Invalid"


class SessionError(ClientError):
    """Misuse of a session: closed, or used from two threads at once."""

    default_code = "Neo.ClientError.Request.Invalid"


# Codes that the transient classification would make retryable but that Neo4j 5 and the driver do not retry.
_NOT_RETRYABLE = frozenset({
    "Neo.TransientError.Transaction.Terminated",
    "Neo.TransientError.Transaction.LockClientStopped",
})

_CLASS_BY_CODE = {
    "Neo.ClientError.Statement.SyntaxError": CypherSyntaxError,
    "Neo.ClientError.Statement.TypeError": CypherTypeError,
    "Neo.ClientError.Schema.ConstraintValidationFailed": ConstraintError,
    "Neo.ClientError.Security.Unauthorized": AuthError,
    "Neo.ClientError.Security.Forbidden": Forbidden,
    "Neo.ClientError.Transaction.ForbiddenDueToTransactionType": Forbidden,
}

_CLASS_BY_CLASSIFICATION = {
    "ClientError": ClientError,
    "TransientError": TransientError,
    "DatabaseError": DatabaseError,
}


def error_for_code(code: str, message: str, gql_status: str | None = None) -> Neo4jError:
    """The error of the right class for a status code (used by every layer that reports a code, Bolt included);
    `gql_status` keeps a status a server sent when the code alone would map to a broader one."""
    cls = _CLASS_BY_CODE.get(code)
    if cls is None:
        parts = code.split(".")
        cls = _CLASS_BY_CLASSIFICATION.get(parts[1] if len(parts) > 1 else "", Neo4jError)
    return cls(message, code, gql_status=gql_status)


def format_bytes(size: int) -> str:
    """Neo4j's memory size format: `{n} B` below 1 KiB, else `%.1f %ciB`."""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in "KMGTPE":
        value /= 1024.0
        if value < 1024.0 or unit == "E":
            return f"{value:.1f} {unit}iB"
    raise AssertionError("unreachable")
