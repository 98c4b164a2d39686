"""The openCypher TCK: one test per scenario (outline rows expanded), ids like `clauses/match/Match3.feature:12 Name`.

The TCK is read from `../shared/tck` beside the checkout (`suite.TCK_DIR`); without it, or until the Cypher engine
exists, the tests skip with a message saying which. Nothing here imports the engine (or `databases` at all) at
collection time, so a broken engine shows up as failing tests, never as a collection error. Scenarios listed in
`expected_failures.txt` are marked xfail by `conftest.py`, which also prints the per-folder pass rate.
"""
from __future__ import annotations

import functools

import pytest

from .gherkin import Scenario
from .suite import FEATURES_DIR, GRAPHS_DIR, UnreadableFeature, load_suite

ENGINE_MISSING = "the Cypher engine (databases.Database) is not available yet"
TCK_ABSENT = f"the openCypher TCK is absent: its feature files are expected in {FEATURES_DIR}"


def _params() -> list:
    suite = load_suite()
    if not suite:
        return [pytest.param(None, id="openCypher TCK", marks=pytest.mark.skip(reason=TCK_ABSENT))]
    return [pytest.param(entry, id=entry.id if isinstance(entry, Scenario) else f"{entry.path} (unreadable)")
            for entry in suite]


@pytest.fixture(scope="session")
def database_class(tck_storage_mode: str):
    """Makes the engine's `Database` in the chosen storage mode; skips every TCK test while it does not exist."""
    try:
        from graphplex.databases import Database
    except ImportError as error:
        pytest.skip(f"{ENGINE_MISSING} ({error})")
    return functools.partial(Database, storage_mode=tck_storage_mode)


@pytest.mark.parametrize("scenario", _params())
def test_tck(scenario: Scenario | UnreadableFeature, database_class: type, tck_side_effects_mode: str,
             tck_errors_mode: str) -> None:
    if isinstance(scenario, UnreadableFeature):
        pytest.fail(f"cannot parse {scenario.path}: {scenario.error}", pytrace=False)
    from .runner import ScenarioFailure, ScenarioRunner  # imports the engine's packages: not at collection

    try:
        ScenarioRunner(scenario, database_class, GRAPHS_DIR, tck_side_effects_mode, tck_errors_mode).run()
        return
    except ScenarioFailure as failure:
        message = str(failure)
    pytest.fail(f"{scenario.id}\n{message}", pytrace=False)  # outside `except`: no chained traceback
