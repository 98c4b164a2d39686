"""Plays one TCK scenario against the engine, step by step, raising `ScenarioFailure` at the first mismatch.

Each step's text is matched against the step language of the TCK's README.adoc (`_STEPS`); a step that matches
nothing, and a scenario tagged `@skip` or `@fails`, fails with a message saying so, so that nothing unsupported
passes silently. Results are read completely inside the `try` that catches the engine's errors, because an error
may surface at compile time (from `execute`) or at run time (while iterating); `error_codes.py` says which codes
and phases satisfy an expected error, strictly or leniently.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphplex.databases.errors import Neo4jError

from . import side_effects
from .error_codes import COMPILE_TIME, MODES, RUNTIME, accepted_error_titles, strict_titles
from .gherkin import Scenario, Step
from .tck_values import TckValueError, format_value, parse_value, rows_equal, to_parameter

__all__ = ["ScenarioFailure", "QueryOutcome", "ScenarioRunner", "accepted_error_titles", "split_statements"]

UNRUNNABLE_TAGS = frozenset({"@skip", "@fails"})


class ScenarioFailure(AssertionError):
    """The engine did not behave as the scenario expects, or the scenario cannot be run here."""


@dataclass
class QueryOutcome:
    """What one query did: its columns and rows, its counters, or the error it raised and when."""

    query: str
    keys: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    counters: object = None  # `result.counters` as the engine gave it; read only in the "counters" mode
    error: Neo4jError | None = None
    phase: str | None = None  # COMPILE_TIME when `execute` raised, RUNTIME when iterating did


def split_statements(script: str) -> list[str]:
    """A script's statements, split at semicolons that are not inside a quoted string or name."""
    statements, current, quote = [], [], None
    chars = iter(script)
    for char in chars:
        current.append(char)
        if quote:
            if char == "\\" and quote != "`":
                current.append(next(chars, ""))
            elif char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
        elif char == ";":
            statements.append("".join(current[:-1]))
            current = []
    statements.append("".join(current))
    return [statement.strip() for statement in statements if statement.strip()]


class ScenarioRunner:
    """Runs one scenario on a fresh database made by `database_factory` (the engine's `Database`)."""

    def __init__(self, scenario: Scenario, database_factory: Callable[[], Any], graphs_dir: Path,
                 side_effects_mode: str = "state", errors_mode: str = "strict") -> None:
        if side_effects_mode not in ("state", "counters"):
            raise ValueError(f"unknown side effects mode: {side_effects_mode!r}")
        if errors_mode not in MODES:
            raise ValueError(f"unknown errors mode: {errors_mode!r}")
        self.scenario = scenario
        self.database_factory = database_factory
        self.graphs_dir = graphs_dir
        self.side_effects_mode = side_effects_mode
        self.errors_mode = errors_mode
        self.database: Any = None
        self.parameters: dict[str, object] = {}
        self.outcome: QueryOutcome | None = None  # of the last "executing query": its side effects are checked
        self.last_outcome: QueryOutcome | None = None  # of the last query, control queries included: `Then` checks it
        self.measured_effects: dict[str, int] | None = None
        self.procedures: list[str] = []
        self.measures_state = side_effects_mode == "state" and any(
            _SIDE_EFFECTS.fullmatch(step.text) or _NO_SIDE_EFFECTS.fullmatch(step.text) for step in scenario.steps)

    def run(self) -> None:
        """Plays every step in order; raises `ScenarioFailure` (or the engine's own crash) on the first problem."""
        unrunnable = sorted(self.scenario.tags & UNRUNNABLE_TAGS)
        if unrunnable:
            raise ScenarioFailure(f"the scenario is tagged {', '.join(unrunnable)}: the TCK marks it as not runnable")
        try:
            for step in self.scenario.steps:
                self._step(step)
        finally:
            self._close_database()
            self._unregister_procedures()

    def _step(self, step: Step) -> None:
        for pattern, action in _STEPS:
            match = pattern.fullmatch(step.text)
            if match:
                action(self, step, match)
                return
        raise ScenarioFailure(f"unsupported step at line {step.line}: {step.keyword} {step.text}")

    def _unregister_procedures(self) -> None:
        if self.procedures:
            from graphplex.databases.cypher.procedures import unregister
            for name in self.procedures:
                unregister(name)
            self.procedures = []

    def _close_database(self) -> None:
        """Closes the scenario's database if the engine's `Database` can be closed (the contract does not say)."""
        close = getattr(self.database, "close", None)
        if callable(close):
            close()
        self.database = None

    # -- Given / And: the initial state --------------------------------------------------------------------------

    def _empty_graph(self, step: Step, match: re.Match) -> None:
        self._close_database()
        self.database = self.database_factory()

    def _named_graph(self, step: Step, match: re.Match) -> None:
        name = match["name"]
        folder = self.graphs_dir / name
        if not folder.is_dir():
            raise ScenarioFailure(f"the named graph {name!r} is not in {self.graphs_dir}")
        metadata = folder / f"{name}.json"
        scripts = json.loads(metadata.read_text(encoding="utf-8"))["scripts"] if metadata.is_file() else [name]
        self._close_database()
        self.database = self.database_factory()
        for script in scripts:
            for statement in split_statements((folder / f"{script}.cypher").read_text(encoding="utf-8")):
                self._setup_query(statement, f"loading the {name} graph")

    def _having_executed(self, step: Step, match: re.Match) -> None:
        self._setup_query(self._query_text(step, match), "a `having executed` query")

    def _parameters(self, step: Step, match: re.Match) -> None:
        for row in step.table or ():
            if len(row) != 2:
                raise ScenarioFailure(f"a parameters row must have two cells: {row}")
            try:
                self.parameters[row[0]] = to_parameter(parse_value(row[1]))
            except TckValueError as error:
                raise ScenarioFailure(f"cannot read parameter {row[0]!r}: {error}") from error

    def _procedure(self, step: Step, match: re.Match) -> None:
        """Registers a test procedure whose rows are the step's table (inputs select the rows; outputs are
        yielded); it is unregistered when the scenario ends."""
        from graphplex.databases.cypher.procedures import ProcedureSpec, register
        from graphplex.databases.cypher.values import equals

        signature = _PROCEDURE_SIGNATURE.fullmatch(match["signature"].strip())
        if signature is None:
            raise ScenarioFailure(f"line {step.line}: cannot read the procedure signature {match['signature']!r}")
        inputs = _signature_fields(signature["inputs"])
        outputs = _signature_fields(signature["outputs"])
        table = [list(row) for row in (step.table or ()) if any(cell.strip() for cell in row)]
        header, body = (table[0], table[1:]) if table else ([], [])
        try:
            rows = [{name: to_parameter(parse_value(cell)) for name, cell in zip(header, row)} for row in body]
        except TckValueError as error:
            raise ScenarioFailure(f"line {step.line}: cannot read the procedure's rows: {error}") from error
        input_names = [name for name, _ in inputs]

        def impl(ctx, *args):
            for row in rows:
                if all(equals(row[name], arg) is True or (row[name] is None and arg is None)
                       for name, arg in zip(input_names, args)):
                    yield {name: row.get(name) for name, _ in outputs}

        name = signature["name"]
        register(ProcedureSpec(name, impl, tuple((n, t, ...) for n, t in inputs), tuple(outputs)))
        self.procedures.append(name)

    # -- When: the query ----------------------------------------------------------------------------------------

    def _executing_query(self, step: Step, match: re.Match) -> None:
        query = self._query_text(step, match)
        before = self._measure_state() if self.measures_state else None
        self.outcome = self.last_outcome = self._execute(query, self.parameters)
        if before is not None:
            self.measured_effects = side_effects.diff(before, self._measure_state())

    def _executing_control_query(self, step: Step, match: re.Match) -> None:
        self.last_outcome = self._execute(self._query_text(step, match), self.parameters)

    # -- Then / And: the expectations ---------------------------------------------------------------------------

    def _expect_rows(self, step: Step, match: re.Match) -> None:
        outcome = self._successful_outcome()
        if not step.table:
            raise ScenarioFailure(f"line {step.line}: an expected result needs a table with a header row")
        header, *cells = step.table
        try:
            expected = [tuple(parse_value(cell) for cell in row) for row in cells]
        except TckValueError as error:
            raise ScenarioFailure(f"cannot read the expected result at line {step.line}: {error}") from error
        if list(outcome.keys) != list(header):
            raise ScenarioFailure(f"expected the columns {list(header)}, got {list(outcome.keys)}\n"
                                  + _tables(header, expected, outcome))
        ordered = match["order"] == "in order"
        ordered_lists = match["lists"] is None
        if not rows_equal(expected, outcome.rows, ordered=ordered, ordered_lists=ordered_lists):
            how = "in order" if ordered else "in any order"
            if not ordered_lists:
                how += ", ignoring element order for lists"
            raise ScenarioFailure(f"the rows differ ({how})\n" + _tables(header, expected, outcome))

    def _expect_empty(self, step: Step, match: re.Match) -> None:
        outcome = self._successful_outcome()
        if outcome.rows:
            raise ScenarioFailure("expected an empty result\n" + _tables(tuple(outcome.keys), [], outcome))

    def _expect_error(self, step: Step, match: re.Match) -> None:
        outcome = self.last_outcome
        expected = f"{match['type']} at {match['phase']} ({match['detail']})"
        if outcome is None:
            raise ScenarioFailure(f"line {step.line}: an error is expected before any query was executed")
        if outcome.error is None:
            raise ScenarioFailure(f"expected a {expected}, but the query succeeded with {len(outcome.rows)} "
                                  f"row(s)\nquery:\n{outcome.query}")
        if self.errors_mode == "strict":
            accepted = strict_titles(match["type"], match["phase"], outcome.phase, match["detail"] or "")
        else:
            compile_time = COMPILE_TIME in (match["phase"], outcome.phase)
            accepted = accepted_error_titles(match["type"], compile_time, match["detail"] or "")
        # Every error the TCK expects is the client's: strict mode also refuses a DatabaseError of the same title.
        client = outcome.error.code.startswith("Neo.ClientError.") or self.errors_mode != "strict"
        if outcome.error.code.rsplit(".", 1)[-1] not in accepted or not client:
            wanted = f"a code ending in one of {sorted(accepted)}" if accepted else f"the error at {match['phase']}"
            raise ScenarioFailure(f"expected a {expected} ({wanted}, {self.errors_mode} mode), got "
                                  f"{outcome.error.code} at {outcome.phase}: {outcome.error.message}\n"
                                  f"query:\n{outcome.query}")

    def _expect_side_effects(self, step: Step, match: re.Match) -> None:
        try:
            expected = side_effects.parse_side_effects(step.table)
        except ValueError as error:
            raise ScenarioFailure(f"line {step.line}: {error}") from error
        self._check_side_effects(expected)

    def _expect_no_side_effects(self, step: Step, match: re.Match) -> None:
        self._check_side_effects(side_effects.parse_side_effects(None))

    def _check_side_effects(self, expected: dict[str, int]) -> None:
        if self.outcome is None:
            raise ScenarioFailure("side effects are expected, but no query was executed")
        outcome = self._successful_outcome(self.outcome)
        if self.side_effects_mode == "state":
            assert self.measured_effects is not None, "measured around every query of a scenario that checks them"
            measured: dict[str, int | None] = dict(self.measured_effects)
            source = "measured by reading the graph before and after the query"
        else:
            measured = side_effects.from_counters(outcome.counters)
            source = "from result.counters; rows no counter represents are not compared"
        wrong = {effect: (count, measured[effect]) for effect, count in expected.items()
                 if measured[effect] is not None and measured[effect] != count}
        if wrong:
            lines = [f"  {effect:<15} expected {want}, got {got}" for effect, (want, got) in wrong.items()]
            raise ScenarioFailure(f"the side effects differ ({source}):\n" + "\n".join(lines)
                                  + f"\nquery:\n{outcome.query}")

    # -- Running queries ----------------------------------------------------------------------------------------

    def _query_text(self, step: Step, match: re.Match) -> str:
        query = step.doc_string if step.doc_string is not None else (match["inline"] or "").strip()
        if not query:
            raise ScenarioFailure(f"line {step.line}: the step has no query")
        return query

    def _db(self) -> Any:
        if self.database is None:  # every TCK scenario starts with a Given; be lenient if one does not
            self.database = self.database_factory()
        return self.database

    def _execute(self, query: str, parameters: dict[str, object] | None) -> QueryOutcome:
        """Runs a query to completion, keeping an engine error (with its phase) as the outcome."""
        phase = COMPILE_TIME
        try:
            result = self._db().execute(query, dict(parameters) if parameters else None)
            phase = RUNTIME
            rows = [tuple(record) for record in result]
            return QueryOutcome(query, list(result.keys), rows, result.counters)
        except Neo4jError as error:
            return QueryOutcome(query, error=error, phase=phase)
        except Exception as crash:  # not a Neo4jError: an engine bug; show which query caused it
            crash.add_note(f"while running this TCK query (at {phase}):\n{query}")
            raise

    def _setup_query(self, query: str, purpose: str) -> QueryOutcome:
        outcome = self._execute(query, None)
        if outcome.error is not None:
            raise ScenarioFailure(f"{purpose} failed with {outcome.error.code} at {outcome.phase}: "
                                  f"{outcome.error.message}\nquery:\n{query}")
        return outcome

    def _measure_state(self) -> side_effects.GraphState:
        try:
            return side_effects.measure_state(lambda query: self._setup_query(query, "measuring side effects").rows)
        except side_effects.MeasurementError as error:
            raise ScenarioFailure(f"measuring side effects: {error}") from error

    def _successful_outcome(self, outcome: QueryOutcome | None = None) -> QueryOutcome:
        outcome = outcome or self.last_outcome
        if outcome is None:
            raise ScenarioFailure("a result is expected, but no query was executed")
        if outcome.error is not None:
            raise ScenarioFailure(f"the query failed with {outcome.error.code} at {outcome.phase}: "
                                  f"{outcome.error.message}\nquery:\n{outcome.query}")
        return outcome


def _tables(header: tuple[str, ...], expected: list[tuple], outcome: QueryOutcome) -> str:
    """The expected and the actual rows side by side in the TCK's notation, and the query."""
    def table(columns: list[str], rows: list[tuple]) -> str:
        cells = [columns] + [[format_value(value) for value in row] for row in rows]
        widths = [max(len(row[index]) for row in cells if index < len(row)) for index in range(len(columns))]
        return "\n".join("  | " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |"
                         for row in cells)

    return (f"expected:\n{table(list(header), expected)}\nactual:\n{table(list(outcome.keys), outcome.rows)}\n"
            f"query:\n{outcome.query}")


_PROCEDURE_SIGNATURE = re.compile(r"(?P<name>[\w.]+)\((?P<inputs>[^)]*)\)\s*::\s*\((?P<outputs>[^)]*)\)")


def _signature_fields(text: str) -> list[tuple[str, str]]:
    """`a :: INTEGER?, b :: STRING?` as [("a", "INTEGER?"), ("b", "STRING?")]."""
    fields = []
    for part in text.split(","):
        if part.strip():
            name, _, type_ = part.partition("::")
            fields.append((name.strip(), type_.strip()))
    return fields


_SIDE_EFFECTS = re.compile(r"the side effects should be:?")
_NO_SIDE_EFFECTS = re.compile(r"no side effects")

_STEPS: list[tuple[re.Pattern, Callable[[ScenarioRunner, Step, re.Match], None]]] = [
    (re.compile(r"(?:an empty|any) graph"), ScenarioRunner._empty_graph),
    (re.compile(r"the (?P<name>[\w-]+) graph"), ScenarioRunner._named_graph),
    (re.compile(r"(?:after )?having executed:?(?P<inline>.*)"), ScenarioRunner._having_executed),
    (re.compile(r"parameters? (?:values )?are:?"), ScenarioRunner._parameters),
    (re.compile(r"there exists a procedure (?P<signature>.*?):?"), ScenarioRunner._procedure),
    (re.compile(r"executing query:?(?P<inline>.*)"), ScenarioRunner._executing_query),
    (re.compile(r"executing control query:?(?P<inline>.*)"), ScenarioRunner._executing_control_query),
    (re.compile(r"the result should be empty"), ScenarioRunner._expect_empty),
    (re.compile(r"the result should be(?:, (?P<order>in order|in any order))?"
                r"(?: \((?P<lists>ignoring element order for lists)\))?:?"), ScenarioRunner._expect_rows),
    (re.compile(r"an? (?P<type>\w+) should be raised at (?P<phase>compile time|runtime|any time):?\s*"
                r"(?P<detail>.*)"), ScenarioRunner._expect_error),
    (_SIDE_EFFECTS, ScenarioRunner._expect_side_effects),
    (_NO_SIDE_EFFECTS, ScenarioRunner._expect_no_side_effects),
]
