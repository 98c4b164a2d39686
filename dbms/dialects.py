"""Which dialect a session speaks: Neo4j's (the default) or Memgraph's, for Memgraph's own clients.

Where Memgraph and Neo4j answer the same statement differently (SHOW TRANSACTIONS' columns, the message a terminated
transaction fails with, the statistics of a summary), a session answers in its dialect. An embedded session names
it (`DBMS.session(dialect=…)`); a Bolt connection gets it from the `client_dialect` setting, which in "auto" tells
Memgraph's clients by the user agent their HELLO sends."""
from __future__ import annotations

from graphplex.databases.cypher.context import MEMGRAPH, NEO4J
from graphplex.databases.errors import ClientError

AUTO = "auto"
DIALECTS = (NEO4J, MEMGRAPH)

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
