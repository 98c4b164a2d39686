"""neomodel's own integration suite, run unchanged against `graphplex serve`: the measure of issue 15 ("real Neo4j
applications run unchanged").

neomodel (the Neo4j OGM) ships its tests in its source distribution. This script builds a virtual environment with
neomodel and its test dependencies from the package registry (cached between runs), starts `graphplex serve` on
127.0.0.1:7687 (neomodel's tests hard-code that address and the password `foobarbaz`), runs the suite and prints one
JSON line with the counts and the failing tests, grouped by the issue that owns them.

    python bench/neomodel_suite.py [--version 7.0.0] [--cache DIR] [-k EXPR] [--keep-going]

It needs the package registry (pip) and a free port 7687; it is a bench script, not a test, for that reason.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

PORT = 7687
PASSWORD = "foobarbaz"
# Failing tests whose feature another issue owns: the prefix of the test's node id -> the owner.
OWNERS = {
    "test_fulltextfilter": "issue 17 (full-text indexes)",
    "test_vectorfilter": "issue 17 (vector indexes)",
    "test_label_install.py::test_fulltext": "issue 17 (full-text indexes)",
    "test_label_install.py::test_rel_fulltext": "issue 17 (full-text indexes)",
    "test_label_install.py::test_vector": "issue 17 (vector indexes)",
    "test_label_install.py::test_rel_vector": "issue 17 (vector indexes)",
    "test_label_install.py::test_install_all": "issue 17 (full-text and vector indexes)",
}


def _environment(cache: Path, version: str) -> tuple[Path, Path]:
    """The virtual environment's python and the unpacked test folder, built once per version."""
    venv = cache / f"neomodel-{version}-venv"
    python = venv / "bin" / "python"
    source = cache / f"neomodel-{version}"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"neomodel[extras]=={version}", "pytest",
                        "pytest-asyncio", "pytest-mock"], check=True)
    if not (source / "test").is_dir():
        with tempfile.TemporaryDirectory() as download:
            subprocess.run([str(python), "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                            f"neomodel=={version}", "-d", download], check=True)
            archive = next(Path(download).glob("neomodel-*.tar.gz"))
            with tarfile.open(archive) as tar:
                tar.extractall(cache, filter="data")
    return python, source


def _port_free() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def _start_server() -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "graphplex.cli.main", "serve", "--in-memory",
                               "--listen", f"127.0.0.1:{PORT}", "--initial-password", PASSWORD],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if not _port_free():
            return server
        if server.poll() is not None:
            raise SystemExit(f"graphplex serve exited: {server.stdout.read()}")
        time.sleep(0.1)
    server.kill()
    raise SystemExit("graphplex serve did not start listening within 30 s")


def _results(junit: Path) -> dict:
    """Counts and failing node ids from pytest's JUnit XML."""
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failing = []
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        node = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
            failing.append(node)
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return {**counts, "failing": failing}


def _owner(node: str) -> str:
    name = node.rsplit("/", 1)[-1]
    return next((owner for prefix, owner in OWNERS.items() if name.startswith(prefix)), "issue 15")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="7.0.0")
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "graphplex-bench-neomodel"))
    parser.add_argument("-k", default="not connect_to_aura", help="pytest -k expression (Aura tests need Aura)")
    args = parser.parse_args()
    if not _port_free():
        raise SystemExit(f"port {PORT} is taken; neomodel's tests need it")
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    python, source = _environment(cache, args.version)
    server = _start_server()
    junit = cache / "junit.xml"
    started = time.perf_counter()
    try:
        env = dict(os.environ, NEO4J_BOLT_URL=f"bolt://neo4j:{PASSWORD}@localhost:{PORT}",
                   PATH=f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}")
        subprocess.run([str(python), "-m", "pytest", "test", "-q", "-p", "no:cacheprovider", "--resetdb",
                        "-W", "ignore", "-k", args.k, f"--junitxml={junit}"],
                       cwd=source, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        server.terminate()
        server.wait(timeout=30)
    seconds = time.perf_counter() - started
    results = _results(junit)
    by_owner: dict[str, list[str]] = {}
    for node in results["failing"]:
        by_owner.setdefault(_owner(node), []).append(node)
    print(json.dumps({"workload": f"neomodel-{args.version}-suite", "seconds": round(seconds, 1),
                      "passed": results["passed"], "failed": results["failed"], "skipped": results["skipped"],
                      "failing_by_owner": by_owner}, indent=1))


if __name__ == "__main__":
    main()
