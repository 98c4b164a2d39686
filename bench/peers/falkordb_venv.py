"""Runs the workloads on FalkorDB-lite in a child process of its own Python 3.12+ venv and hands back its result
lines. FalkorDB-lite does not install on Python 3.11, so (unless this interpreter has it) on first use a venv is
made (by default `/tmp/graphplex-bench-falkordb`) from the oldest Python 3.12+ found (the one with the widest
choice of wheels: this one, `python3.1x` on PATH, pyenv's versions) with `pip install falkordblite networkx`
(networkx computes the expected answers, as in the parent). The child is `cypher_bench.py --peer-child falkordb`:
the same data, workload functions and checks as every other engine."""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys

from bench.common import check

DEFAULT_VENV = "/tmp/graphplex-bench-falkordb"
PACKAGES = ["falkordblite", "networkx"]
PROBE = "import redislite.falkordb_client, networkx"


class PeerUnavailable(Exception):
    """The peer cannot run here; the message says why (printed as a `skipped` line)."""


def _version(python: str) -> tuple[int, int] | None:
    proc = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        return None
    major, minor = proc.stdout.split()
    return int(major), int(minor)


def _candidates() -> list[str]:
    found = [sys.executable]
    found += [path for name in ("python3.12", "python3.13", "python3.14") if (path := shutil.which(name))]
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    versions = glob.glob(os.path.join(pyenv, "versions", "3.*", "bin", "python"))
    numbered = [(tuple(int(part) for part in re.findall(r"\d+", path.split("versions")[-1])[:2]), path)
                for path in versions]
    found += [path for _, path in sorted(numbered)]
    return found


def find_python312() -> str | None:
    """The first Python >= 3.12 among the candidates (this interpreter, PATH, pyenv oldest first), or None."""
    for python in _candidates():
        version = _version(python)
        if version is not None and version >= (3, 12):
            return python
    return None


def _ready(python: str) -> bool:
    return os.path.exists(python) and subprocess.run([python, "-c", PROBE], capture_output=True).returncode == 0


def ensure_venv(venv: str = DEFAULT_VENV) -> str:
    """An interpreter that runs FalkorDB-lite: this one if it can (the `[bench]` extra on Python 3.12+), else the
    venv's, made and filled first if needed; raises PeerUnavailable with the reason."""
    if _ready(sys.executable):
        return sys.executable
    python = os.path.join(venv, "bin", "python")
    if _ready(python):
        return python
    base = find_python312()
    if base is None:
        raise PeerUnavailable("FalkorDB-lite needs Python >= 3.12 and none was found (PATH, pyenv)")
    for step in ([base, "-m", "venv", venv], [python, "-m", "pip", "install", "-q", *PACKAGES]):
        print(json.dumps({"engine": "falkordb", "setup": " ".join(step)}), flush=True)
        proc = subprocess.run(step, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PeerUnavailable(f"`{' '.join(step)}` failed: {tail[0]}")
    return python


def run_child(python: str, script: str, scale: float) -> list[dict]:
    """Runs `script --peer-child falkordb` under the venv's interpreter, echoes its lines and returns the JSON
    result lines. A failing child (a wrong answer included) stops the run, as a wrong answer here does."""
    command = [python, script, "--scale", str(scale), "--peer-child", "falkordb"]
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        for text in child.stdout:
            print(text, end="", flush=True)
            if text.startswith("{"):
                lines.append(json.loads(text))
    check(child.returncode == 0, f"the falkordb child process exited with {child.returncode}")
    return lines
