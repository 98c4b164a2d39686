"""How a connection's dialect is chosen (`graphplex.dialects`) and the client_dialect setting."""
import pytest

from graphplex import DBMS
from graphplex.dialects import dialect_of_client, error_in_dialect
from graphplex.errors import ClientError, ConstraintError


@pytest.mark.parametrize("user_agent, dialect", [
    ("mgclient/1.7.0", "memgraph"),          # pymgclient and the C client
    ("mg/1.4.0", "memgraph"),                # mgconsole
    ("GQLAlchemy", "memgraph"),              # GQLAlchemy's client_name
    ("neo4j-python/5.28.1 Python/3.11.2-final-0 (linux)", "neo4j"),
    ("mgconsolex", "neo4j"),
    (None, "neo4j"),
    (42, "neo4j"),
])
def test_auto_tells_memgraph_s_clients_by_their_user_agent(user_agent, dialect):
    assert dialect_of_client(user_agent, "auto") == dialect


def test_a_forced_dialect_ignores_the_user_agent():
    assert dialect_of_client("mgclient/1.7.0", "neo4j") == "neo4j"
    assert dialect_of_client("neo4j-python/5.28.1", "memgraph") == "memgraph"


def test_client_dialect_is_a_listed_setting_with_three_values():
    with pytest.raises(ClientError) as refused:
        DBMS.in_memory(client_dialect="cypher")
    assert refused.value.code == "Neo.ClientError.General.InvalidArguments"
    with DBMS.in_memory(client_dialect="memgraph") as dbms, dbms.session() as session:
        row = session.run("SHOW SETTINGS YIELD name, value, defaultValue WHERE name = 'client_dialect'").single()
        assert (row["value"], row["defaultValue"]) == ("memgraph", "auto")


def test_a_memgraph_session_reads_a_violation_in_memgraphs_words():
    violated = ConstraintError("Neo4j's words", memgraph_message="Memgraph's words")
    assert error_in_dialect(violated, "neo4j") is violated
    reworded = error_in_dialect(violated, "memgraph")
    assert (reworded.message, reworded.code, reworded.__cause__) == ("Memgraph's words", violated.code, violated)
    other = ClientError("no Memgraph words")
    assert error_in_dialect(other, "memgraph") is other
