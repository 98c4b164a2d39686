"""The batches of `CALL { } IN TRANSACTIONS` as the DBMS transaction creates them (`DBMSTransaction.new_batch`).

A batch is a database transaction of its own that commits before the next one begins, but it is no side door:
it carries the outer transaction's user (read filter, write guards), the memory limit of every transaction, and
it is registered, so SHOW TRANSACTIONS lists it with `outerTransactionId` and TERMINATE finds it. Stopping either
the batch or its outer transaction stops the statement at its next check; batches already committed stay
committed, as in Neo4j."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from graphplex.databases.errors import Neo4jError

if TYPE_CHECKING:
    from graphplex.databases.storage import StorageTransaction
    from graphplex.transaction import DBMSTransaction


class Batch:
    """One batch: fulfils `databases.cypher.context.BatchTransaction` for the Cypher engine and is listed in the
    DBMS's registry beside DBMS transactions, answering what SHOW/TERMINATE TRANSACTIONS ask of an entry."""

    def __init__(self, outer: "DBMSTransaction", batch_id: int, database: str,
                 transaction: "StorageTransaction") -> None:
        self.outer = outer
        self.id = batch_id
        self.database = database
        self.transaction = transaction
        self.outer_transaction_id = outer.transaction_id(database)
        self.children = {database: transaction}
        self.start_time = time.time()

    # --- what SHOW / TERMINATE TRANSACTIONS read: the outer transaction's, but for the identity ---------------

    @property
    def user(self) -> str:
        return self.outer.user

    @property
    def current_query(self) -> str:
        return self.outer.current_query

    @property
    def current_parameters(self) -> dict:
        return self.outer.current_parameters

    @property
    def metadata(self) -> dict:
        return self.outer.metadata

    @property
    def connection_id(self) -> str:
        return self.outer.connection_id

    @property
    def client_address(self) -> str:
        return self.outer.client_address

    @property
    def protocol(self) -> str:
        return self.outer.protocol

    @property
    def isolation_level(self) -> str:
        return self.outer.isolation_level

    @property
    def dialect(self) -> str:
        return self.outer.dialect

    @property
    def terminated(self) -> Neo4jError | None:
        return self.transaction.termination or self.outer.terminated

    @property
    def is_open(self) -> bool:
        return self.transaction.is_open

    def transaction_id(self, database: str | None = None) -> str:
        """The batch's own id (`{database}-transaction-{n}`, from the DBMS transactions' sequence)."""
        return f"{self.database}-transaction-{self.id}"

    # --- the batch's life -----------------------------------------------------------------------------------

    def commit(self) -> int | None:
        """Commits the batch; the outer transaction's bookmarks name its commit."""
        try:
            committed_at = self.transaction.commit()
        finally:
            self._end()
        if committed_at is not None:
            self.outer.batch_committed(self.database, committed_at)
        return committed_at

    def rollback(self) -> None:
        if self.transaction.is_open:
            self.transaction.rollback()
        self._end()

    def terminate(self, error: Neo4jError) -> None:
        """Terminating a batch stops its whole statement: the outer transaction is terminated with it."""
        self.transaction.terminate(error)
        self.outer.terminate(error)

    def _end(self) -> None:
        self.outer.batch_ended(self)
