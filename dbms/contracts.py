"""What the DBMS transaction needs of the database transactions it coordinates (its children): a small contract,
so that the coordinator knows the phases and nothing of a storage engine's insides. Every storage engine's
`StorageTransaction` (`databases.storage.contracts`) fulfils it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol, runtime_checkable

if TYPE_CHECKING:
    from graphplex.databases.errors import Neo4jError


@runtime_checkable
class ChildTransaction(Protocol):
    """One database's transaction inside a DBMS transaction.

    Phases, in order:
    1. begun lazily, on the first statement for its database (`DBMSTransaction.child`), with the DBMS
       transaction's isolation level, memory limit and, for a restricted user, read filter and write guards;
    2. statements run over it; a failed statement calls `mark_failed` on every child;
    3. exactly one end: `commit` of every reader, then of the single writer (whose timestamp makes the
       bookmark), or `rollback` of all when anything failed or the user rolled back.
    `terminate` is the one call another thread may make, in any phase; the next check raises its error."""

    memory: object
    # The transaction whose lock this one waits for (SHOW TRANSACTIONS' "Blocked by"), None when not waiting.
    waiting_for: "ChildTransaction | None"
    # A restricted user's read filter and write guard, installed in phase 1 (`authorization.install_guards`).
    read_filter: "Callable | None"
    write_guard: object | None

    @property
    def is_open(self) -> bool:
        """Not yet committed or rolled back (a failed transaction is open until rolled back)."""

    def mark_failed(self, error: "Neo4jError") -> None:
        """Phase 2: marks it for rollback; the first failure is kept."""

    def terminate(self, error: "Neo4jError") -> None:
        """Any phase, any thread: asks it to stop at its next check with `error`."""

    def check_terminated(self) -> None:
        """Raises the termination error, if any."""

    def written_entities(self) -> tuple:
        """The entities it wrote, each holding its write lock until the end (SHOW TRANSACTIONS' activeLockCount)."""

    def commit(self) -> int | None:
        """Phase 3: publishes its writes; returns the commit timestamp (None when it wrote nothing)."""

    def rollback(self) -> None:
        """Phase 3: undoes every write; nothing when already rolled back."""
