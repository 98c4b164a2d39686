"""A remote alias's child of a DBMS transaction: a transaction of the remote server, through the official driver.

It fulfils the coordinator's `ChildTransaction` contract, so the DBMS transaction's rules hold for it as for a
local database: begun lazily on the first statement for the alias (with the DBMS transaction's metadata, the time it
has left and the bookmarks the session holds for that alias), one writer per DBMS transaction, read-only children
committed first and the writer last, everything rolled back on any failure. A remote that is down, refuses the
credentials or drops the connection fails the statement with DatabaseUnavailable naming the alias; an error the
remote reports for the statement itself keeps the remote's code and message."""
from __future__ import annotations

import json
import re
import socket
from typing import TYPE_CHECKING, Callable, Iterator

from graphplex.databases.cypher.context import Counters
from graphplex.databases.errors import DatabaseError, Neo4jError, TransientError, error_for_code

if TYPE_CHECKING:
    import neo4j

    from graphplex.system_db import AliasEntry

# A remote commit's bookmarks are kept by the session as one string naming the alias, so that the next transaction
# hands them to that alias's remote (and to nothing else): "GPR:" then a JSON [alias, [bookmark, …]].
REMOTE_BOOKMARK = "GPR:"
_COUNTS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set",
           "labels_added", "labels_removed", "indexes_added", "indexes_removed", "constraints_added",
           "constraints_removed", "system_updates")


# The leading `USE alias` of a statement (after comments, EXPLAIN or PROFILE): the remote session is opened on the
# alias's target, where the alias's name means nothing, so the clause is left out of the text the remote runs.
_NAME = r"(?:`(?:[^`]|``)*`|[^\s.`(;]+)"
_ARGUMENTS = r"(?:\s*\((?:[^()'\"]|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\([^()]*\))*\))?"   # graph.byName(…)
_LEADING_USE = re.compile(r"\A(?P<head>(?:\s+|//[^\n]*(?:\n|\Z)|/\*.*?\*/)*(?:(?:EXPLAIN|PROFILE)\s+)?)"
                          rf"USE\s+{_NAME}(?:\s*\.\s*{_NAME})*{_ARGUMENTS}", re.IGNORECASE | re.DOTALL)


def remote_text(text: str) -> str:
    """The statement as the remote runs it: without its leading USE clause."""
    return _LEADING_USE.sub(lambda found: found.group("head"), text, count=1)


class _NoMemory:
    """A remote transaction's change state lives on the remote: it holds no memory here (SHOW TRANSACTIONS)."""

    used = 0


def remote_bookmark(alias: str, raw_values) -> str:
    return REMOTE_BOOKMARK + json.dumps([alias, sorted(raw_values)])


def bookmarks_for(alias: str, bookmarks) -> list[str]:
    """The remote's own bookmarks among a session's, for `alias`."""
    found: list[str] = []
    for bookmark in bookmarks or ():
        if isinstance(bookmark, str) and bookmark.startswith(REMOTE_BOOKMARK):
            try:
                name, values = json.loads(bookmark[len(REMOTE_BOOKMARK):])
            except (ValueError, TypeError):
                continue
            if name == alias:
                found.extend(values)
    return found


def _alias_of(bookmark: str) -> str | None:
    if not bookmark.startswith(REMOTE_BOOKMARK):
        return None
    try:
        return json.loads(bookmark[len(REMOTE_BOOKMARK):])[0]
    except (ValueError, TypeError, IndexError):
        return None


def carried_bookmarks(previous: list[str], latest: list[str]) -> list[str]:
    """A session's bookmarks after a commit: the commit's, and the remote aliases' bookmarks it held for other
    aliases (a later read of such an alias must still see the remote write they name)."""
    written = {_alias_of(bookmark) for bookmark in latest}
    kept = [bookmark for bookmark in previous if _alias_of(bookmark) not in written | {None}]
    return list(latest) + kept


def unavailable(alias: "AliasEntry", error: Exception) -> TransientError:
    return TransientError(f"Remote database alias '{alias.name}' ({alias.url}, database '{alias.target}') is "
                          f"unavailable: {_reason(error)}", "Neo.TransientError.General.DatabaseUnavailable")


def _reason(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def driver_errors() -> tuple[type[Exception], ...]:
    """What the driver raises when the remote refuses, fails or goes away (anything else is a bug, not the
    remote's doing)."""
    import neo4j.exceptions as errors

    return errors.Neo4jError, errors.DriverError, OSError


def commit_failed(alias: "AliasEntry", error: Exception) -> Neo4jError:
    """A remote commit that failed: the remote's refusal keeps its code; a connection lost during the commit
    leaves its outcome unknown, which must not be retried as if nothing had happened (a TransientError would be)."""
    import neo4j.exceptions as driver_errors

    if isinstance(error, driver_errors.Neo4jError) and error.code and not isinstance(error, driver_errors.AuthError):
        return error_for_code(error.code, error.message or str(error))
    return DatabaseError(f"The commit of remote database alias '{alias.name}' ({alias.url}, database "
                         f"'{alias.target}') lost its connection: whether it committed is unknown: {_reason(error)}",
                         "Neo.DatabaseError.Transaction.TransactionCommitFailed")


def translated(alias: "AliasEntry", error: Exception) -> Neo4jError:
    """A driver's error as graphplex raises it: the remote's own code for what the remote said about the statement,
    DatabaseUnavailable for a remote that cannot be reached, logged in to, or that went away."""
    import neo4j.exceptions as driver_errors

    if isinstance(error, driver_errors.Neo4jError) and not isinstance(error, driver_errors.AuthError) \
            and error.code and not error.code.startswith("Neo.TransientError.General.DatabaseUnavailable"):
        return error_for_code(error.code, error.message or str(error))
    return unavailable(alias, error)


class RemoteTransaction:
    """A transaction on the database a remote alias names. `driver` is the alias's (one pool per alias); the
    session opens in the DBMS transaction's access mode, so that a routing driver sends a writing transaction to
    the cluster's leader. `run(…, auto_commit=True)`, for the one statement of an implicit DBMS transaction that
    only reads or that runs `CALL { } IN TRANSACTIONS`, runs it as the remote's own auto-commit transaction (one
    round trip fewer, and batches work there); a write that a rollback must undo runs in a remote transaction."""

    waiting_for = None
    read_filter = None
    write_guard = None
    memory = _NoMemory()

    def __init__(self, alias: "AliasEntry", driver: "neo4j.Driver", *, access_mode: str, metadata: dict,
                 timeout: float | None, bookmarks: list[str]) -> None:
        self.alias = alias
        self._auto_commit = False
        self._driver = driver
        self._access_mode = access_mode
        self._metadata = metadata
        self._timeout = timeout
        self._bookmarks = bookmarks
        self._session = None
        self._tx = None
        self._open = True
        self.terminated: Neo4jError | None = None

    @property
    def is_open(self) -> bool:
        return self._open

    def _begin(self) -> None:
        import neo4j

        mode = neo4j.READ_ACCESS if self._access_mode == "READ" else neo4j.WRITE_ACCESS
        try:
            self._session = self._driver.session(database=self.alias.target, default_access_mode=mode,
                                                 bookmarks=neo4j.Bookmarks.from_raw_values(self._bookmarks))
            if not self._auto_commit:
                self._tx = self._session.begin_transaction(metadata=self._metadata or None, timeout=self._timeout)
        except driver_errors() as error:
            self._close_session()
            raise self._failure(error) from error
        if self.terminated is not None:   # terminated while the connection was being made: nothing to cut then
            self._close_session()
            raise self.terminated

    def _run(self, text: str, parameters: dict):
        """The driver's result of a statement: in the remote transaction, or as the remote's auto-commit one."""
        if self._session is None:
            self._begin()
        if not self._auto_commit:
            return self._tx.run(text, parameters)
        import neo4j

        return self._session.run(neo4j.Query(text, metadata=self._metadata or None, timeout=self._timeout),
                                 parameters)

    def run(self, text: str, parameters: dict, auto_commit: bool = False) \
            -> tuple[list[str], Iterator[tuple], Callable[[], Counters]]:
        """Runs a statement: its keys, its rows (graphplex values, read from the remote as they are consumed), and
        a function giving its counters once the rows are read. `auto_commit`: as the remote's auto-commit
        transaction, when it is the transaction's first and only statement."""
        from graphplex.remote.values import from_driver, to_driver

        self.check_terminated()
        if self._session is None:
            self._auto_commit = auto_commit
        try:
            result = self._run(remote_text(text), {key: to_driver(value) for key, value in parameters.items()})
            keys = list(result.keys())
        except driver_errors() as error:
            raise self._failure(error) from error

        def rows() -> Iterator[tuple]:
            try:
                for record in result:
                    yield tuple(from_driver(value) for value in record.values())
            except driver_errors() as error:
                raise self._failure(error) from error

        def counters() -> Counters:
            try:
                counts = result.consume().counters
            except driver_errors() as error:
                raise self._failure(error) from error
            return Counters(**{name: getattr(counts, name) for name in _COUNTS if getattr(counts, name, 0)})
        return keys, rows(), counters

    def _failure(self, error: Exception) -> Neo4jError:
        """What a driver's error means here: the termination, when it came from cutting the connection short."""
        return self.terminated or translated(self.alias, error)

    def mark_failed(self, error: Neo4jError) -> None:
        """Nothing to mark: the DBMS transaction rolls a failed child back, and the remote with it."""

    def terminate(self, error: Neo4jError) -> None:
        """Any thread: marks it, and cuts a statement that waits on the remote's answer short (`_interrupt`)."""
        if self.terminated is None:
            self.terminated = error
        _interrupt(self._session)

    def check_terminated(self) -> None:
        if self.terminated is not None:
            raise self.terminated

    def written_entities(self) -> tuple:
        return ()

    def commit(self) -> str | None:
        """Commits the remote transaction; returns the bookmark of the commit (None when it never began)."""
        if not self._open:
            return None
        self._open = False
        if self._session is None:
            return None
        try:
            if self._tx is not None:
                self._tx.commit()
            bookmarks = self._session.last_bookmarks().raw_values
        except driver_errors() as error:
            raise commit_failed(self.alias, error) from error
        finally:
            self._close_session()
        return remote_bookmark(self.alias.name, bookmarks) if bookmarks else None

    def rollback(self) -> None:
        if not self._open:
            return
        self._open = False
        try:
            if self._tx is not None:
                self._tx.rollback()
        except driver_errors():  # a remote that went away rolled back on its own
            pass
        finally:
            self._close_session()

    def _close_session(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            try:
                session.close()
            except driver_errors():  # closing a broken connection; the remote ends the transaction itself
                pass


def _interrupt(session) -> None:
    """Unblocks a statement waiting on the remote's answer (a long query, a remote that stopped answering): the
    driver has no public way to cancel one, so the connection's socket is shut down through the driver's own
    attributes (the same in 5.28 and 6.x). The remote rolls its transaction back when the connection goes, the
    driver drops the connection from its pool, and the waiting read fails at once. A driver without those
    attributes leaves the statement to the transaction's timeout, which the remote was given."""
    raw = getattr(getattr(getattr(session, "_connection", None), "socket", None), "_socket", None)
    if raw is not None:
        try:
            raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
