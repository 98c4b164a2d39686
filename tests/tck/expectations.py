"""`expected_failures.txt`: the TCK scenarios known to fail, read at collection and rewritten on request.

The test marks each listed scenario `xfail(strict=True)`, so the list can only shrink: a listed scenario that
starts passing fails the run until its line is removed (`python -m pytest tests/tck --tck-update-expected`).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = ["EXPECTED_FAILURES", "expected_failures_file", "read_expected_failures", "write_expected_failures"]

EXPECTED_FAILURES = Path(__file__).with_name("expected_failures.txt")


def expected_failures_file(errors_mode: str) -> Path:
    """The list for a way of checking errors: `expected_failures.txt` for strict mode (the default run),
    `expected_failures_lenient.txt` for lenient mode, which can only list fewer scenarios."""
    return EXPECTED_FAILURES if errors_mode == "strict" else EXPECTED_FAILURES.with_name(
        f"expected_failures_{errors_mode}.txt")

_HEADER = """\
# openCypher TCK scenarios known to fail: one scenario id per line; lines starting with `#` are comments.
# Each listed scenario runs as xfail(strict=True), so this list can only shrink: a listed scenario that passes
# fails the run. Regenerate it from the current engine with:
#     python -m pytest tests/tck --tck-update-expected [--tck-errors=lenient]
"""


def read_expected_failures(path: Path = EXPECTED_FAILURES) -> list[str]:
    """The listed scenario ids in file order; a missing file lists none."""
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def write_expected_failures(ids: Iterable[str], path: Path = EXPECTED_FAILURES) -> None:
    """Rewrites the file with `ids` (kept in the given order, duplicates dropped) under the explanatory header."""
    unique = list(dict.fromkeys(ids))
    path.write_text(_HEADER + "".join(f"{scenario_id}\n" for scenario_id in unique), encoding="utf-8")
