"""Where the TCK is, and its scenarios, read once per session for the test and for `expected_failures.txt`."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .gherkin import GherkinError, Scenario, parse_feature_file

__all__ = ["TCK_DIR", "FEATURES_DIR", "GRAPHS_DIR", "UnreadableFeature", "load_suite"]

# Beside the checkout: /work/main/tests/tck/suite.py → /work/shared/tck
TCK_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "tck"
FEATURES_DIR = TCK_DIR / "features"
GRAPHS_DIR = TCK_DIR / "graphs"


@dataclass(frozen=True)
class UnreadableFeature:
    """Stands in for the scenarios of a feature file that cannot be parsed, so that the failure is a test's."""

    path: str
    error: str


@cache
def load_suite() -> tuple[Scenario | UnreadableFeature, ...]:
    """Every scenario of every feature file, in path order; empty when the TCK is absent."""
    if not FEATURES_DIR.is_dir():
        return ()
    suite: list[Scenario | UnreadableFeature] = []
    for file in sorted(FEATURES_DIR.rglob("*.feature")):
        try:
            suite.extend(parse_feature_file(file, FEATURES_DIR).scenarios)
        except (GherkinError, OSError, UnicodeDecodeError) as error:
            suite.append(UnreadableFeature(file.relative_to(FEATURES_DIR).as_posix(), str(error)))
    return tuple(suite)
