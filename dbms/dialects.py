"""Which dialect a session speaks: Neo4j's (the default) or Memgraph's, for Memgraph's own clients.

Where Memgraph and Neo4j answer the same statement differently (SHOW TRANSACTIONS' columns, the message a terminated
transaction fails with, the statistics of a summary), a session answers in its dialect. An embedded session names
it (`DBMS.session(dialect=…)`); a Bolt connection gets it from the `client_dialect` setting, which in "auto" tells
Memgraph's clients by the user agent their HELLO sends."""
from __future__ import annotations

from graphplex.databases.cypher.context import MEMGRAPH, NEO4J
from graphplex.databases.errors import ClientError, ConstraintError, Neo4jError

AUTO = "auto"
# How Memgraph's Bolt server classifies a failure (src/communication/bolt/v1/states/handlers.hpp
# `ExceptionToErrorMessage`): the category and title are always MemgraphError, so that no client reads a Neo4j code
# it treats specially (a driver does not retry `*.TransientError.Transaction.Terminated`).
MEMGRAPH_CLASSIFICATIONS = ("ClientError", "TransientError", "DatabaseError")
# The failures Memgraph's server sends under codes of their own (src/communication/bolt/v1/states/init.hpp
# `HandleAuthFailure`): a failed authentication.
MEMGRAPH_CODES = {"Neo.ClientError.Security.Unauthorized": "Memgraph.ClientError.Security.Unauthenticated"}
DIALECTS = (NEO4J, MEMGRAPH)
# The name of Memgraph's default database, which its clients ask for by name (`DBMS.database_name`).
MEMGRAPH_DEFAULT_DATABASE = "memgraph"

# The user agents Memgraph's clients send, as their sources set them: the C client mgclient and pymgclient over it
# ("mgclient/<version>"), mgconsole ("mg/<version>") and GQLAlchemy (pymgclient's client_name, "GQLAlchemy" unless
# MG_CLIENT_NAME says otherwise).
MEMGRAPH_USER_AGENTS = ("mgclient/", "mg/", "GQLAlchemy")


def check_dialect(value: object, what: str, choices: tuple[str, ...] = DIALECTS) -> str:
    """`value` if it is one of `choices`, else the InvalidArguments error naming `what`."""
    if value not in choices:
        raise ClientError(f"Unknown {what} {value!r}. Expected one of: {', '.join(choices)}.",
                          "Neo.ClientError.General.InvalidArguments")
    return value


def dialect_of_client(user_agent: object, client_dialect: str) -> str:
    """The dialect of a Bolt connection: the one `client_dialect` forces, or in "auto" Memgraph's for a user agent
    of Memgraph's clients and Neo4j's for every other (or none)."""
    if client_dialect != AUTO:
        return client_dialect
    if isinstance(user_agent, str) and user_agent.startswith(MEMGRAPH_USER_AGENTS):
        return MEMGRAPH
    return NEO4J


def code_in_dialect(error: Neo4jError, dialect: str) -> str:
    """The status code a Bolt client of `dialect` reads for `error`: its Neo4j code, or for Memgraph's clients
    Memgraph's `Memgraph.<classification>.MemgraphError.MemgraphError` of the same classification, so that a client
    retries what it should (a transient error Neo4j's drivers do not retry is a ClientError there); a failed
    authentication is Memgraph's `Memgraph.ClientError.Security.Unauthenticated`. Only the wire
    changes: an embedded session's exceptions keep their Neo4j codes, which the error hierarchy is keyed by."""
    if dialect != MEMGRAPH:
        return error.code
    if error.code in MEMGRAPH_CODES:
        return MEMGRAPH_CODES[error.code]
    classification = error.classification
    if classification == "TransientError" and not error.is_retryable():
        classification = "ClientError"
    if classification not in MEMGRAPH_CLASSIFICATIONS:
        classification = "DatabaseError"
    return f"Memgraph.{classification}.MemgraphError.MemgraphError"


def error_in_dialect(error: Neo4jError, dialect: str) -> Neo4jError:
    """The error a session of `dialect` reads for `error`: itself, or for a Memgraph session a violated constraint
    in Memgraph's words (`ConstraintError.memgraph_message`, made where the violation is found), under the same
    code (the wire's code is `code_in_dialect`'s)."""
    memgraph_message = getattr(error, "memgraph_message", None)
    if dialect != MEMGRAPH or memgraph_message is None:
        return error
    reworded = ConstraintError(memgraph_message, error.code)
    reworded.__cause__ = error
    return reworded
