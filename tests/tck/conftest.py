"""pytest wiring of the TCK: expected failures as strict xfails, their regeneration, and a pass-rate summary.

Options (pytest reads a sub-directory conftest's options only when that directory is on the command line, so
e.g. `python -m pytest tests/tck --tck-update-expected`):
- `--tck-update-expected` runs the TCK without the xfail marks, rewrites `expected_failures.txt` with the
  scenarios failing now (keeping listed ones this run did not execute), and then does not fail the run unless a
  test outside the TCK failed;
- `--tck-side-effects=state|counters` chooses how side effects are measured (see `side_effects.py`);
- `--tck-errors=strict|lenient` chooses how expected errors are checked (see `error_codes.py`): strict, the
  default, requires Neo4j 5's code and the phase (compile time or runtime); each mode has its own list of expected
  failures (`expected_failures.txt` for strict, `expected_failures_lenient.txt`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

from .error_codes import MODES
from .expectations import expected_failures_file, read_expected_failures, write_expected_failures
from .gherkin import Scenario
from .suite import load_suite

_UPDATE = "--tck-update-expected"
_SIDE_EFFECTS = "--tck-side-effects"
_STORAGE_MODE = "--tck-storage-mode"
_ERRORS = "--tck-errors"


@dataclass
class _TckRun:
    """What this session learns about the TCK: its scenarios by node id, and each one's outcome."""

    update: bool
    errors_mode: str = "strict"
    listed: list[str] = field(default_factory=list)  # expected_failures.txt as read at collection
    scenarios: dict[str, Scenario] = field(default_factory=dict)  # node id → scenario
    outcomes: dict[str, str] = field(default_factory=dict)  # scenario id → "passed", "failed" or "skipped"
    skip_reason: str | None = None  # the first reason a scenario was skipped for (no engine, no TCK)
    other_failures: bool = False  # a test outside the TCK failed: updating must not hide it
    rewritten: int | None = None  # how many ids the update wrote, if it did


_RUN = pytest.StashKey[_TckRun]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tck", "openCypher TCK")
    group.addoption(_UPDATE, action="store_true", default=False,
                    help="rewrite tests/tck/expected_failures.txt with the TCK scenarios failing now; "
                         "TCK failures then do not fail the run")
    group.addoption(_STORAGE_MODE, default="IN_MEMORY_TRANSACTIONAL",
                    choices=("IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL", "ON_DISK_TRANSACTIONAL"),
                    help="the storage mode of the database each scenario runs on")
    group.addoption(_SIDE_EFFECTS, choices=("state", "counters"), default="state",
                    help="measure side effects by reading the graph before and after the query (state: the "
                         "TCK's definition, the default) or from result.counters (counters)")
    group.addoption(_ERRORS, choices=MODES, default="strict",
                    help="check an expected error's Neo4j code and phase (strict, the default) or only its kind "
                         "(lenient)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_RUN] = _TckRun(update=bool(config.getoption(_UPDATE, default=False)),
                                 errors_mode=str(config.getoption(_ERRORS, default="strict")))


@pytest.fixture(scope="session")
def tck_storage_mode(pytestconfig: pytest.Config) -> str:
    """The storage mode of the scenarios' databases (the expected failures are the same in every mode)."""
    return str(pytestconfig.getoption(_STORAGE_MODE, default="IN_MEMORY_TRANSACTIONAL"))


@pytest.fixture(scope="session")
def tck_side_effects_mode(pytestconfig: pytest.Config) -> str:
    """How the runner measures side effects: "state" (default) or "counters"."""
    return str(pytestconfig.getoption(_SIDE_EFFECTS, default="state"))


@pytest.fixture(scope="session")
def tck_errors_mode(pytestconfig: pytest.Config) -> str:
    """How the runner checks expected errors: "strict" (default: code and phase) or "lenient"."""
    return pytestconfig.stash[_RUN].errors_mode


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash[_RUN]
    expected = expected_failures_file(run.errors_mode)
    run.listed = read_expected_failures(expected)
    listed = set(run.listed)
    for item in items:
        callspec = getattr(item, "callspec", None)
        scenario = callspec.params.get("scenario") if callspec is not None else None
        if not isinstance(scenario, Scenario):
            continue
        run.scenarios[item.nodeid] = scenario
        if scenario.id in listed and not run.update:
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"listed in {expected.name}"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Records each scenario's outcome from the final report (outermost wrapper: after xfail is applied)."""
    report = yield
    run = item.config.stash[_RUN]
    scenario = run.scenarios.get(item.nodeid)
    if scenario is None:
        run.other_failures |= report.failed
        return report
    outcome = _outcome(report)
    if outcome is not None and run.outcomes.get(scenario.id) != "failed":
        run.outcomes[scenario.id] = outcome
    if outcome == "skipped" and run.skip_reason is None and isinstance(report.longrepr, tuple):
        run.skip_reason = str(report.longrepr[-1]).removeprefix("Skipped: ")
    return report


def _outcome(report: pytest.TestReport) -> str | None:
    """Whether the engine passed the scenario, looking through xfail: an xfailed scenario failed, an XPASS passed."""
    if hasattr(report, "wasxfail"):
        return "passed" if report.passed else "failed"
    if report.when == "call" and report.failed and str(report.longrepr).startswith("[XPASS(strict)]"):
        return "passed"
    if report.when == "call" or report.failed:
        return report.outcome
    return "skipped" if report.skipped else None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash[_RUN]
    ran = {scenario_id for scenario_id, outcome in run.outcomes.items() if outcome != "skipped"}
    if not run.update or not ran:  # with no engine or no TCK nothing ran: keep the file as it is
        return
    order = {entry.id: index for index, entry in enumerate(load_suite()) if isinstance(entry, Scenario)}
    failing = {scenario_id for scenario_id in ran if run.outcomes[scenario_id] == "failed"}
    not_run = {scenario_id for scenario_id in run.listed if scenario_id not in ran and scenario_id in order}
    ids = sorted(failing | not_run, key=lambda scenario_id: order.get(scenario_id, len(order)))
    write_expected_failures(ids, expected_failures_file(run.errors_mode))
    run.rewritten = len(ids)
    if exitstatus == pytest.ExitCode.TESTS_FAILED and not run.other_failures:
        session.exitstatus = pytest.ExitCode.OK


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    run = config.stash[_RUN]
    if not run.outcomes:
        return
    terminalreporter.write_sep("=", "openCypher TCK pass rate")
    folders = {scenario.id: scenario.folder for scenario in run.scenarios.values()}
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for scenario_id, outcome in run.outcomes.items():
        if outcome != "skipped":
            total[folders[scenario_id]] += 1
            passed[folders[scenario_id]] += outcome == "passed"
    if total:
        for line in _rate_lines(passed, total):
            terminalreporter.write_line(line)
    skipped = sum(outcome == "skipped" for outcome in run.outcomes.values())
    if skipped:
        terminalreporter.write_line(f"{skipped} scenario(s) skipped: {run.skip_reason}")
    expected = expected_failures_file(run.errors_mode)
    terminalreporter.write_line(f"expected errors checked in {run.errors_mode} mode (failures listed in "
                                f"{expected.name})")
    in_tck = {entry.id for entry in load_suite() if isinstance(entry, Scenario)}
    stale = [scenario_id for scenario_id in run.listed if scenario_id not in in_tck]
    if stale and in_tck:
        terminalreporter.write_line(f"{len(stale)} id(s) in {expected.name} match no TCK scenario "
                                    f"(rerun with {_UPDATE} to drop them), e.g. {stale[0]!r}")
    if run.rewritten is not None:
        terminalreporter.write_line(f"rewrote {expected}: {run.rewritten} failing scenario(s)")


def _rate_lines(passed: Counter[str], total: Counter[str]) -> list[str]:
    """`folder  passed/total  percent` per TCK folder, then per top-level folder and for the whole TCK."""
    tops_passed: Counter[str] = Counter()
    tops_total: Counter[str] = Counter()
    for folder in total:
        tops_passed[folder.split("/")[0]] += passed[folder]
        tops_total[folder.split("/")[0]] += total[folder]
    rows = [(folder, passed[folder], total[folder]) for folder in sorted(total)]
    rows += [(f"{top} (all)", tops_passed[top], tops_total[top]) for top in sorted(tops_total)]
    rows.append(("TCK", sum(passed.values()), sum(total.values())))
    width = max(len(name) for name, _, _ in rows)
    return [f"{name:<{width}}  {ok:>5}/{count:<5} {100.0 * ok / count if count else 0.0:5.1f}%"
            for name, ok, count in rows]
