"""How an APOC failure reaches the user: Neo4j wraps what a procedure or function throws (an exception without a
Neo4j status) in `Neo.ClientError.Procedure.ProcedureCallFailed`, naming the callable and the Java exception."""
from __future__ import annotations

from graphplex.databases.errors import ClientError

CALL_FAILED = "Neo.ClientError.Procedure.ProcedureCallFailed"


def procedure_failed(name: str, message: str, exception: str = "java.lang.IllegalArgumentException") -> ClientError:
    """The error of procedure `name` throwing `exception` with `message` (none when empty), as Neo4j reports it."""
    return ClientError(f"Failed to invoke procedure `{name}`: Caused by: {_thrown(exception, message)}", CALL_FAILED)


def function_failed(name: str, message: str, exception: str = "java.lang.IllegalArgumentException") -> ClientError:
    """The error of function `name` throwing `exception` with `message` (none when empty), as Neo4j reports it."""
    return ClientError(f"Failed to invoke function `{name}`: Caused by: {_thrown(exception, message)}", CALL_FAILED)


def _thrown(exception: str, message: str) -> str:
    """Java's `Throwable.toString()`: the class name, then the message if there is one."""
    return f"{exception}: {message}" if message else exception
