"""Loads the shared isolation scenarios and their runner (from ../shared/isolation, never copied here)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "isolation"
RUNNER_FILE = SHARED / "runner.py"
SCENARIOS_FILE = SHARED / "scenarios.json"
ABSENT = f"the shared isolation scenarios are absent ({RUNNER_FILE} and {SCENARIOS_FILE} are needed)"


def load_scenarios() -> list[dict]:
    if not SCENARIOS_FILE.is_file():
        return []
    data = json.loads(SCENARIOS_FILE.read_text(encoding="utf-8"))
    return data["scenarios"] if isinstance(data, dict) else data


def scenario_params() -> list:
    """One pytest param per scenario (or a single one that skips when ../shared is absent)."""
    scenarios = load_scenarios()
    if not scenarios:
        return [pytest.param(None, id="shared-isolation-absent")]
    return [pytest.param(s, id=s.get("id") or f"{s['name']}@{s['level']}") for s in scenarios]


def load_runner():
    if not RUNNER_FILE.is_file() or not SCENARIOS_FILE.is_file():
        pytest.skip(ABSENT)
    name = "_shared_isolation_runner"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, RUNNER_FILE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the runner is being executed
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    return module


def run_and_check(runner, adapter, scenario: dict) -> None:
    """Plays one scenario and fails the test with the runner's reasons and trace unless it passed."""
    result = runner.run_scenario(adapter, scenario)
    if result.status == "SKIP":
        pytest.skip("; ".join(result.reasons))
    if result.status != "PASS":
        lines = [f"{result.id}: {result.status}"] + [f"  {reason}" for reason in result.reasons]
        lines += ["  trace:"] + [f"    | {line}" for line in result.trace]
        pytest.fail("\n".join(lines), pytrace=False)


class SessionAdapter:
    """The runner's adapter contract, less how a session begins and runs a statement: a session holds one
    open transaction at a time."""

    def __init__(self) -> None:
        self.sessions: dict = {}
        self.reset()

    def reset(self) -> None:
        raise NotImplementedError

    def commit(self, session: str) -> None:
        self.sessions.pop(session).commit()

    def rollback(self, session: str) -> None:
        txn = self.sessions.pop(session, None)
        if txn is not None:
            txn.rollback()

    def classify_error(self, exc: BaseException) -> str:
        from graphplex.databases.errors import TransientError
        return "transient" if isinstance(exc, TransientError) else "other"
