"""How a `graphplex` command ends: the exit statuses of docs/cli.md, in one table, and the one function that turns
an error into a status and a line for standard error (a `Neo.*` code and what to do, never a traceback)."""
from __future__ import annotations

from enum import IntEnum

from graphplex.databases.errors import Neo4jError

INVALID_ARGUMENTS = "Neo.ClientError.General.InvalidArguments"
UNAVAILABLE_CODE = "Neo.TransientError.General.DatabaseUnavailable"


class ExitCode(IntEnum):
    """The exit statuses of every subcommand (docs/cli.md has the same table)."""

    OK = 0
    #: a statement or command failed: a Cypher error, bad import data, a damaged dump, an existing target
    FAILED = 1
    #: bad usage: an unknown option or argument, an input file that does not exist or is not a file
    USAGE = 2
    #: the DBMS, the server or the database could not be opened or reached: an unusable data directory, a
    #: refused connection, refused credentials, an unknown `--database`, a port already in use
    UNAVAILABLE = 3
    #: interrupted with Ctrl-C
    INTERRUPTED = 130


class Unavailable(Exception):
    """The DBMS, server or database could not be opened or reached; carries the `Neo4jError` that says why."""

    def __init__(self, error: Neo4jError) -> None:
        super().__init__(error.message)
        self.error = error


class UsageError(ValueError):
    """The command line asks for something that cannot be done (a missing input file, a wrong argument)."""


def unavailable(message: str, code: str = UNAVAILABLE_CODE) -> Unavailable:
    """An `Unavailable` with a fresh error of `code`."""
    from graphplex.databases.errors import error_for_code
    return Unavailable(error_for_code(code, message))


def outcome(error: BaseException) -> tuple[ExitCode, str]:
    """The exit status for an error that ends a command, and the line that reports it."""
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED, "interrupted"
    if isinstance(error, Unavailable):
        return ExitCode.UNAVAILABLE, f"{error.error.code}: {error.error.message}"
    if isinstance(error, Neo4jError):
        status = ExitCode.UNAVAILABLE if error.code == "Neo.ClientError.Security.Unauthorized" else ExitCode.FAILED
        return status, f"{error.code}: {error.message}"
    if isinstance(error, FileNotFoundError):
        return ExitCode.USAGE, f"{INVALID_ARGUMENTS}: {error.filename}: no such file (check the path)"
    if isinstance(error, IsADirectoryError):
        return ExitCode.USAGE, f"{INVALID_ARGUMENTS}: {error.filename}: is a directory, not a file (name a file)"
    if isinstance(error, (PermissionError, NotADirectoryError)):
        return ExitCode.USAGE, f"{INVALID_ARGUMENTS}: {error.filename}: {error.strerror} (check the path)"
    if isinstance(error, ValueError):
        return ExitCode.USAGE, f"{INVALID_ARGUMENTS}: {error} (see --help)"
    return ExitCode.FAILED, (f"Neo.DatabaseError.General.UnknownError: unexpected {type(error).__name__}: {error} "
                             "(please report this)")
