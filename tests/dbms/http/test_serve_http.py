"""`graphplex serve` starts the HTTP server beside Bolt: printed, reachable, movable, and off with --no-http."""
from __future__ import annotations

import re
import socket
import subprocess
import sys

import httpx
import pytest

SERVE = [sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory", "--no-auth", "--listen", "127.0.0.1:0"]


@pytest.fixture
def started():
    processes = []

    def start(*options):
        process = subprocess.Popen([*SERVE, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        return process
    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            assert process.wait(timeout=30) == 0  # stopped cleanly, the HTTP server with it


def test_serve_prints_and_answers_http_beside_bolt(started):
    process = started()
    bolt_line, http_line = process.stdout.readline(), process.stdout.readline()
    assert "bolt://127.0.0.1:" in bolt_line
    url = re.search(r"http://127\.0\.0\.1:\d+", http_line).group(0)
    assert f"{url}/browser/" in http_line
    response = httpx.post(f"{url}/db/neo4j/query/v2", json={"statement": "RETURN 1 AS x"})
    assert response.status_code == 202 and response.json()["data"]["values"] == [[1]]
    bolt = re.search(r"bolt://(\S+)", bolt_line).group(1)
    assert httpx.get(f"{url}/").json()["bolt_direct"] == f"bolt://{bolt}"


def test_no_http_serves_bolt_alone(started):
    process = started("--no-http")
    assert "bolt://" in process.stdout.readline()
    process.terminate()
    rest, _ = process.communicate(timeout=30)
    assert "http://" not in rest


def test_an_http_address_in_use_is_refused_clearly(started):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = started("--http", f"127.0.0.1:{port}")
        _, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "already in use" in err and "Traceback" not in err


def test_a_malformed_http_address_is_a_usage_error(started):
    process = started("--http", "nowhere")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "--http needs HOST:PORT" in err
