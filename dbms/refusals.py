"""The refusals of the coordinator's rules, each worded once (Neo4j's and Memgraph's wording) however many doors
meet the rule: a session, the DBMS transaction, Bolt, the embedded API, the command line."""
from __future__ import annotations

from graphplex.databases.errors import ClientError, TransactionError


def nested_transaction() -> TransactionError:
    """BEGIN while a transaction is open (a session's, a Bolt connection's or the one the statement runs in)."""
    return TransactionError("Nested transactions are not supported.",
                            "Neo.ClientError.Transaction.TransactionStartFailed")


def only_outside_transactions(what: str) -> TransactionError:
    """A statement that must run on its own (`what` it would do, e.g. "Storage mode cannot be modified")."""
    return TransactionError(f"{what} in multicommand transactions.",
                            "Neo.ClientError.Transaction.ForbiddenDueToTransactionType")


def not_in_multicommand(what: str) -> ClientError:
    """Memgraph's refusal of a statement it runs only in an implicit transaction (`what` it is, e.g. "Querying
    transaction status"), worded as its MulticommandTxException."""
    return ClientError(f"{what} is not allowed in multicommand transactions. A multicommand transaction, also known "
                       "as an explicit transaction, groups multiple commands into a single atomic operation. Instead, "
                       "please use an implicit transaction, also known as an auto committing transaction, in order "
                       "to execute this particular query.",
                       "Neo.ClientError.Transaction.ForbiddenDueToTransactionType")


def isolation_level_fixed() -> TransactionError:
    """SET … ISOLATION LEVEL while a transaction is open."""
    return only_outside_transactions("Isolation level cannot be modified")


def database_not_found(name: str) -> ClientError:
    return ClientError(f"Database does not exist. Database name: '{name}'.", "Neo.ClientError.Database.DatabaseNotFound")


def write_in_read_mode(database: str) -> ClientError:
    """A write in a transaction (or session) opened with access mode READ."""
    return ClientError(f"Writing in read access mode not allowed. Attempted write to {database}",
                       "Neo.ClientError.Statement.AccessMode")
