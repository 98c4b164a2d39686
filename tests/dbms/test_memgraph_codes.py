"""Unit: the one translation of a graphplex error's Neo4j code into the code Memgraph's Bolt clients read."""
from graphplex.dialects import MEMGRAPH, NEO4J, code_in_dialect
from graphplex.errors import ClientError, DatabaseError, Neo4jError, TransientError


def test_memgraph_s_code_keeps_the_classification():
    assert code_in_dialect(ClientError("x", "Neo.ClientError.Statement.SyntaxError"), MEMGRAPH) == \
        "Memgraph.ClientError.MemgraphError.MemgraphError"
    assert code_in_dialect(TransientError("x", "Neo.TransientError.Transaction.DeadlockDetected"), MEMGRAPH) == \
        "Memgraph.TransientError.MemgraphError.MemgraphError"
    assert code_in_dialect(DatabaseError("x"), MEMGRAPH) == "Memgraph.DatabaseError.MemgraphError.MemgraphError"


def test_a_transient_error_drivers_do_not_retry_stays_unretried():
    stopped = TransientError("x", "Neo.TransientError.Transaction.Terminated")
    assert code_in_dialect(stopped, MEMGRAPH) == "Memgraph.ClientError.MemgraphError.MemgraphError"


def test_a_code_without_a_known_classification_is_a_database_error():
    assert code_in_dialect(Neo4jError("x", "Strange"), MEMGRAPH) == "Memgraph.DatabaseError.MemgraphError.MemgraphError"


def test_neo4j_s_clients_read_the_code_unchanged():
    error = ClientError("x", "Neo.ClientError.Statement.SyntaxError")
    assert code_in_dialect(error, NEO4J) == "Neo.ClientError.Statement.SyntaxError"


def test_a_failed_authentication_is_memgraph_s_unauthenticated():
    refused = ClientError("x", "Neo.ClientError.Security.Unauthorized")
    assert code_in_dialect(refused, MEMGRAPH) == "Memgraph.ClientError.Security.Unauthenticated"
