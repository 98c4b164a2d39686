"""How an exception thrown inside a procedure or function reaches the user: Neo4j wraps what the callable throws (an
exception without a Neo4j status) in `Neo.ClientError.Procedure.ProcedureCallFailed`, naming the callable and the
Java exception (`Failed to invoke procedure `name`: Caused by: java.lang.IllegalArgumentException: …`).

The one place these words are built, at the bottom layer beside `errors` so that the search engines
(`databases.search`) and the Cypher procedures (built-in and APOC) use the same wording without importing each
other. It stays out of `errors`, which is the error hierarchy and the public `graphplex.errors`: these are Neo4j's
messages for one status, not error classes.
"""
from __future__ import annotations

from graphplex.databases.errors import ClientError

__all__ = ["CALL_FAILED", "call_failed", "procedure_failed", "function_failed"]

CALL_FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"


def call_failed(kind: str, name: str, cause: str) -> ClientError:
    """The error of the `kind` ("procedure" or "function") `name` failing with `cause`, the words after "Caused by:"
    (the Java exception and its message, or a Python exception's class and message)."""
    return ClientError(f"Failed to invoke {kind} `{name}`: Caused by: {cause}", CALL_FAILED)


def procedure_failed(name: str, message: str, exception: str = "java.lang.IllegalArgumentException") -> ClientError:
    """The error of procedure `name` throwing `exception` with `message` (none when empty), as Neo4j reports it."""
    return call_failed("procedure", name, _thrown(exception, message))


def function_failed(name: str, message: str, exception: str = "java.lang.IllegalArgumentException") -> ClientError:
    """The error of function `name` throwing `exception` with `message` (none when empty), as Neo4j reports it."""
    return call_failed("function", name, _thrown(exception, message))


def _thrown(exception: str, message: str) -> str:
    """Java's `Throwable.toString()`: the class name, then the message if there is one."""
    return f"{exception}: {message}" if message else exception
