"""`graphplex serve` in its own process, with Memgraph's client (pymgclient, Bolt 4.x) and the neo4j driver."""
from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.fixture
def served(serve, tmp_path) -> int:
    """A `graphplex serve` process of a data directory, with authentication on."""
    return serve(password="pw", data_dir=tmp_path / "data")


def test_pymgclient_with_cypher_level_transactions(served):
    mgclient = pytest.importorskip("mgclient", reason="pymgclient is not installed here")
    connection = mgclient.connect(host="127.0.0.1", port=served, username="neo4j", password="pw")
    cursor = connection.cursor()
    cursor.execute("CREATE (n:X {v: 1, at: datetime('2020-01-02T03:04:05+01:00')}) RETURN n.v, n.at")
    (value, at), = cursor.fetchall()
    assert value == 1 and at.utcoffset().total_seconds() == 3600
    connection.rollback()                            # a Cypher ROLLBACK: nothing stays
    cursor.execute("MATCH (n:X) RETURN count(n)")
    assert cursor.fetchall() == [(0,)]
    cursor.execute("CREATE (:X {v: 2})")
    connection.commit()
    with pytest.raises(mgclient.DatabaseError) as caught:
        cursor.execute("RETRUN 1")
    assert "Invalid input 'RETRUN'" in str(caught.value)
    cursor.execute("MATCH (n:X) RETURN n.v")         # usable after the failure (RESET rolled back)
    assert cursor.fetchall() == [(2,)]
    connection.close()
    with pytest.raises(mgclient.OperationalError):
        mgclient.connect(host="127.0.0.1", port=served, username="neo4j", password="wrong")


def test_the_neo4j_driver_against_a_served_data_directory(served):
    neo4j = pytest.importorskip("neo4j")
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{served}", auth=("neo4j", "pw")) as driver:
        driver.execute_query("CREATE (:Persisted {v: 1})")
        records, _, _ = driver.execute_query("MATCH (n:Persisted) RETURN n.v AS v")
        assert [r["v"] for r in records] == [1]


def test_scripts_and_the_shell_over_bolt(served, tmp_path):
    pytest.importorskip("neo4j")
    script = tmp_path / "remote.cypher"
    script.write_text("CREATE (:R {v: 1});\nBEGIN;\nCREATE (:R {v: 2});\nROLLBACK;\n:begin\nCREATE (:R {v: 3});\n"
                      ":commit\nMATCH (r:R) RETURN r.v AS v ORDER BY v;\nRETRUN;\n")
    run = subprocess.run([sys.executable, "-m", "graphplex.cli.main", "run", "--uri", f"bolt://127.0.0.1:{served}",
                          "--user", "neo4j", "--password", "pw", "--format", "jsonl", str(script)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stdout.splitlines() == ['{"v": 1}', '{"v": 3}']
    assert f"{script}:9:1: Neo.ClientError.Statement.SyntaxError" in run.stderr
    refused = subprocess.run([sys.executable, "-m", "graphplex.cli.main", "dump", "--uri", f"bolt://127.0.0.1:{served}",
                              "neo4j", str(tmp_path / "x.dump")], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "local DBMS" in refused.stderr


def test_a_new_server_with_authentication_needs_an_initial_password(tmp_path):
    refused = subprocess.run([sys.executable, "-m", "graphplex.cli.main", "serve", "--data-dir", str(tmp_path / "d"),
                              "--listen", "127.0.0.1:0"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--initial-password" in refused.stderr
