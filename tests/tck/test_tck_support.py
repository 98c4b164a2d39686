"""The TCK runner's own parts, without the engine: the Gherkin parser, the value notation and its comparison,
Cypher strings of temporal values, and the runner's step handling against a small scripted fake database."""
from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections.abc import Callable

import pytest

from graphplex.databases.errors import Neo4jError
from graphplex.databases.graph_types import Node, Path, Relationship
from graphplex.databases.values import Duration

from .gherkin import GherkinError, parse_feature, parse_feature_file
from .runner import ScenarioFailure, ScenarioRunner, accepted_error_titles, split_statements
from .side_effects import from_counters, parse_side_effects
from .suite import FEATURES_DIR, GRAPHS_DIR, load_suite
from .tck_values import (TckNode, TckPath, TckRelationship, TckValueError, cypher_string, format_value,
                         parse_value, rows_equal, to_parameter, values_equal)

needs_tck = pytest.mark.skipif(not FEATURES_DIR.is_dir(), reason=f"the openCypher TCK is absent ({FEATURES_DIR})")


# ----------------------------------------------------------------------------------------------------------------
# Gherkin

FEATURE = '''\
# a comment
@feature-tag
Feature: Demo
  Free description text.

  Background:
    Given an empty graph

  @one
  Scenario: [1] Plain
    When executing query:
      """
      MATCH (n)
        RETURN n
      """
    Then the result should be, in any order:
      | n        |
      | 'a\\|b'  |
      # a comment between rows
      | 'c\\nd'  |

  Scenario Outline: [2] Outline <name>
    When executing query:
      """
      RETURN <value> AS v
      """
    Then the result should be, in any order:
      | v       |
      | <value> |

    Examples:
      | name  | value |
      | one   | 1     |
      | two   | 2     |

    @more
    Examples:
      | name  | value |
      | three | 3     |
'''


def test_gherkin_reads_scenarios_background_and_doc_strings():
    feature = parse_feature(FEATURE, "clauses/demo/Demo1.feature")
    assert feature.name == "Demo"
    plain = feature.scenarios[0]
    assert plain.id == "clauses/demo/Demo1.feature:10 [1] Plain"
    assert plain.folder == "clauses/demo"
    assert plain.tags == {"@feature-tag", "@one"}
    assert [step.text for step in plain.steps] == [
        "an empty graph", "executing query:", "the result should be, in any order:"]
    assert plain.steps[1].doc_string == "MATCH (n)\n  RETURN n"
    assert plain.steps[2].table == (("n",), ("'a|b'",), ("'c\nd'",))


def test_gherkin_expands_outlines_one_scenario_per_examples_row():
    outlines = parse_feature(FEATURE, "Demo.feature").scenarios[1:]
    assert [scenario.name for scenario in outlines] == ["[2] Outline one", "[2] Outline two", "[2] Outline three"]
    assert [scenario.line for scenario in outlines] == [33, 34, 39]  # the Examples rows
    assert outlines[1].steps[1].doc_string == "RETURN 2 AS v"
    assert outlines[1].steps[2].table == (("v",), ("2",))
    assert "@more" in outlines[2].tags and "@more" not in outlines[0].tags
    assert len({scenario.id for scenario in outlines}) == 3


def test_gherkin_keeps_text_that_only_looks_like_a_placeholder():
    text = FEATURE.replace("| <value> |", "| <(:A)-[:T]->(:B)> |")
    assert parse_feature(text).scenarios[1].steps[2].table[1] == ("<(:A)-[:T]->(:B)>",)


@pytest.mark.parametrize("text, message", [
    ("Scenario: x\n  Given any graph\n", "before `Feature:`"),
    ("Feature: f\n  Given any graph\n", "outside a Background or Scenario"),
    ("Feature: f\n  Scenario: s\n    Given any graph\n    Bogus line\n", "not a step"),
    ('Feature: f\n  Scenario: s\n    When executing query:\n      """\n      RETURN 1\n', "never closed"),
    ("Feature: f\n  Scenario: s\n    Examples:\n", "outside a Scenario Outline"),
])
def test_gherkin_rejects_what_it_does_not_understand(text, message):
    with pytest.raises(GherkinError, match=message):
        parse_feature(text)


@needs_tck
def test_gherkin_reads_real_feature_files():
    match5 = parse_feature_file(FEATURES_DIR / "clauses/match/Match5.feature", FEATURES_DIR)
    assert match5.name.startswith("Match5")
    assert len(match5.scenarios) == 29
    assert all(scenario.steps[0].text == "an empty graph" for scenario in match5.scenarios)  # the Background
    aggregation6 = parse_feature_file(FEATURES_DIR / "expressions/aggregation/Aggregation6.feature", FEATURES_DIR)
    outline = [scenario for scenario in aggregation6.scenarios if scenario.name == "[1] `percentileDisc()`"]
    assert [scenario.steps[2].table for scenario in outline] == [
        (("percentile", "0.0"),), (("percentile", "0.5"),), (("percentile", "1.0"),)]


@needs_tck
def test_the_whole_tck_parses_with_unique_ids_and_readable_values():
    suite = load_suite()
    scenarios = [entry for entry in suite if hasattr(entry, "steps")]
    assert len(scenarios) == len(suite) > 0, "every feature file parses"
    assert len({scenario.id for scenario in scenarios}) == len(scenarios)
    for scenario in scenarios:
        for step in scenario.steps:
            if step.text.startswith("the result should be") and step.table:
                for row in step.table[1:]:
                    for cell in row:
                        parse_value(cell)


# ----------------------------------------------------------------------------------------------------------------
# The value notation

@pytest.mark.parametrize("text, value", [
    ("0", 0), ("-12", -12), ("4611686018427387905", 4611686018427387905),
    ("1.0", 1.0), ("-0.5", -0.5), (".5", 0.5), ("1e-305", 1e-305), ("-1.2635418652381264e305", -1.2635418652381264e305),
    ("Inf", math.inf), ("-Inf", -math.inf),
    ("'abc'", "abc"), ("''", ""), (r"'it\'s'", "it's"), (r"'a\\b'", "a\\b"), (r"'\u00C5'", "Å"),
    ("true", True), ("false", False), ("null", None),
    ("[]", []), ("[1, [2, 'x'], null]", [1, [2, "x"], None]),
    ("{}", {}), ("{name: 'A', nested: {list: [1, 2.5]}}", {"name": "A", "nested": {"list": [1, 2.5]}}),
    ("()", TckNode()), ("(:A:B {k: 1})", TckNode(frozenset({"A", "B"}), {"k": 1})),
    ("({name: 'a'})", TckNode(frozenset(), {"name": "a"})),
    ("[:T]", TckRelationship("T")), ("[:KNOWS {since: [1, 2]}]", TckRelationship("KNOWS", {"since": [1, 2]})),
    ("[[:T], (:A)]", [TckRelationship("T"), TckNode(frozenset({"A"}))]),
    ("<()>", TckPath(TckNode())),
    ("<(:A)-[:T]->(:B)<-[:U {w: 1}]-()>", TckPath(TckNode(frozenset({"A"})), (
        (TckRelationship("T"), True, TckNode(frozenset({"B"}))),
        (TckRelationship("U", {"w": 1}), False, TckNode())))),
])
def test_parse_value(text, value):
    assert parse_value(text) == value


def test_parse_value_keeps_integers_and_floats_apart_and_reads_nan():
    assert type(parse_value("1")) is int and type(parse_value("1.0")) is float
    assert math.isnan(parse_value("NaN"))


@pytest.mark.parametrize("text", ["", "1 2", "'open", "[1, 2", "{a 1}", "(:A", "<(:A)-[:T]-(:B)>", "nul", "1x"])
def test_parse_value_rejects_malformed_cells(text):
    with pytest.raises(TckValueError):
        parse_value(text)


@pytest.mark.parametrize("text", ["[1, 'a', {k: [true, null]}]", "(:A:B {k: 1})", "[:T {k: 'v'}]",
                                  "<(:A)-[:T]->(:B)<-[:U]-()>", "-Inf", "NaN", "'it\\'s'"])
def test_format_value_writes_the_notation_back(text):
    assert format_value(parse_value(text)) == text


def test_to_parameter_refuses_graph_elements():
    assert to_parameter(parse_value("[1, {a: 'x'}]")) == [1, {"a": "x"}]
    with pytest.raises(TckValueError):
        to_parameter(parse_value("(:A)"))


# ----------------------------------------------------------------------------------------------------------------
# Comparison

def node(element_id: str, labels: set[str] = frozenset(), **properties) -> Node:
    return Node(f"4:db:{element_id}", frozenset(labels), properties)


def relationship(element_id: str, rel_type: str, start: Node, end: Node, **properties) -> Relationship:
    return Relationship(f"5:db:{element_id}", rel_type, start, end, properties)


@pytest.mark.parametrize("expected, actual, equal", [
    ("1", 1, True), ("1", 1.0, False), ("1.0", 1, False), ("1.0", 1.0, True), ("true", 1, False),
    ("1", True, False), ("NaN", math.nan, True), ("NaN", 0.0, False), ("null", None, True), ("null", 0, False),
    ("'1'", 1, False), ("[1, 2]", [1, 2], True), ("[1, 2]", (1, 2), True), ("[1, 2]", [2, 1], False),
    ("[1]", [1.0], False), ("{a: 1}", {"a": 1}, True), ("{a: 1}", {"a": 1, "b": None}, False),
    ("{a: [1, {b: 2.5}]}", {"a": [1, {"b": 2.5}]}, True), ("{a: 1}", {"a": 1.0}, False),
])
def test_values_compare_type_strictly(expected, actual, equal):
    assert values_equal(parse_value(expected), actual) is equal


def test_nodes_compare_by_labels_and_properties():
    assert values_equal(parse_value("(:A:B {name: 'x'})"), node("1", {"B", "A"}, name="x"))
    assert not values_equal(parse_value("(:A {name: 'x'})"), node("1", {"A", "B"}, name="x"))
    assert not values_equal(parse_value("(:A)"), node("1", {"A"}, name="x"))
    assert not values_equal(parse_value("(:A {n: 1})"), node("1", {"A"}, n=1.0))
    assert not values_equal(parse_value("({name: 'x'})"), {"name": "x"}), "a map is not a node"


def test_relationships_compare_by_type_and_properties():
    a, b = node("1"), node("2")
    assert values_equal(parse_value("[:T {w: 2}]"), relationship("9", "T", a, b, w=2))
    assert not values_equal(parse_value("[:T]"), relationship("9", "U", a, b))
    assert not values_equal(parse_value("[:T]"), relationship("9", "T", a, b, w=2))


def test_paths_compare_by_their_sequence_and_directions():
    a, b, c = node("1", {"A"}), node("2", {"B"}), node("3")
    t, u = relationship("8", "T", a, b), relationship("9", "U", c, b)
    path = Path((a, b, c), (t, u))
    assert values_equal(parse_value("<(:A)-[:T]->(:B)<-[:U]-()>"), path)
    assert not values_equal(parse_value("<(:A)-[:T]->(:B)-[:U]->()>"), path), "U points from c to b"
    assert not values_equal(parse_value("<(:A)>"), path)
    assert values_equal(parse_value("<(:A)-[:T]->(:B)>"), Path((a, b), (t,)))
    assert values_equal(parse_value("<(:B)<-[:U]-()>"), Path((b, c), (u,)))
    assert not values_equal(parse_value("<()<-[:U]-(:B)>"), Path((b, c), (u,))), "the path starts at (:B)"
    assert values_equal(parse_value("<(:A)>"), Path((a,), ()))


def test_temporal_results_compare_by_their_cypher_string():
    assert values_equal(parse_value("'1984-10-11'"), dt.date(1984, 10, 11))
    assert values_equal(parse_value("['PT1H', 'x']"), [Duration(seconds=3600), "x"])
    assert not values_equal(parse_value("'1984-10-11'"), dt.date(1984, 10, 12))


def test_rows_in_any_order_compare_as_multisets():
    expected = [tuple(parse_value(cell) for cell in row) for row in [("1", "'a'"), ("1", "'a'"), ("2", "'b'")]]
    assert rows_equal(expected, [(2, "b"), (1, "a"), (1, "a")], ordered=False)
    assert not rows_equal(expected, [(2, "b"), (2, "b"), (1, "a")], ordered=False), "multiplicities count"
    assert not rows_equal(expected, [(2, "b"), (1, "a")], ordered=False)
    assert not rows_equal(expected, [(1.0, "a"), (1, "a"), (2, "b")], ordered=False)
    assert not rows_equal(expected, [(2, "b"), (1, "a"), (1, "a")], ordered=True)
    assert rows_equal(expected, [(1, "a"), (1, "a"), (2, "b")], ordered=True)


def test_ignoring_element_order_for_lists_applies_at_every_depth():
    expected = [(parse_value("[1, [3, 2], 'x']"),)]
    actual = [(["x", [2, 3], 1],)]
    assert rows_equal(expected, actual, ordered=False, ordered_lists=False)
    assert not rows_equal(expected, actual, ordered=False, ordered_lists=True)
    assert not rows_equal(expected, [(["x", [2, 3], 1, 1],)], ordered=False, ordered_lists=False)
    assert not rows_equal(expected, [(["x", [2, 3], 1.0],)], ordered=False, ordered_lists=False)


def test_unordered_lists_of_maps_and_nodes_do_not_depend_on_key_order():
    many_keys = {f"k{index}": index for index in range(20)}
    expected = [(parse_value("[{a: 1, b: 2}, (:A:B {x: 1, y: 2}), " + format_value(many_keys) + "]"),)]
    reversed_keys = dict(reversed(many_keys.items()))
    actual = [([reversed_keys, node("1", {"B", "A"}, y=2, x=1), {"b": 2, "a": 1}],)]
    assert rows_equal(expected, actual, ordered=False, ordered_lists=False)


# ----------------------------------------------------------------------------------------------------------------
# Cypher strings of temporal values (as the TCK writes them)

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize("value, text", [
    (dt.date(1984, 10, 11), "1984-10-11"), (dt.date(28, 11, 11), "0028-11-11"),
    (dt.time(12, 0), "12:00"), (dt.time(12, 0, 42), "12:00:42"), (dt.time(12, 34, 54, 300000), "12:34:54.3"),
    (dt.time(12, 31, 14, 645876), "12:31:14.645876"), (dt.time(12, 0, tzinfo=dt.timezone.utc), "12:00Z"),
    (dt.time(12, 34, 56, tzinfo=dt.timezone(-dt.timedelta(hours=2, minutes=5, seconds=7))), "12:34:56-02:05:07"),
    (dt.time(16, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))), "16:30+01:00"),
    (dt.datetime(1984, 3, 7, 12, 31, 14, 645000, tzinfo=STOCKHOLM), "1984-03-07T12:31:14.645+01:00[Europe/Stockholm]"),
    (dt.datetime(1816, 1, 1), "1816-01-01T00:00"), (dt.datetime(1977, 7, 15, 13, 34, 33, 987000, dt.timezone.utc),
                                                    "1977-07-15T13:34:33.987Z"),
    (Duration(), "PT0S"), (Duration(months=14, days=3, seconds=14706, nanoseconds=700_000_000), "P1Y2M3DT4H5M6.7S"),
    (Duration(months=-23), "P-1Y-11M"), (Duration(days=337), "P337D"),
    (Duration(seconds=-1, nanoseconds=999_000_000), "PT-0.001S"), (Duration(days=1, seconds=0, nanoseconds=-1_000_000),
                                                                   "P1DT-0.001S"),
    (Duration(seconds=-61, nanoseconds=999_000_000), "PT-1M-0.001S"), (Duration(seconds=-2, nanoseconds=400_000_000),
                                                                       "PT-1.6S"),
    (Duration(months=149, days=-14, seconds=57600), "P12Y5M-14DT16H"),
    (Duration(months=149, days=14, seconds=58390, nanoseconds=1), "P12Y5M14DT16H13M10.000000001S"),
])
def test_cypher_string(value, text):
    assert cypher_string(value) == text


def test_cypher_string_uses_nanoseconds_when_the_value_has_them():
    class NanoTime(dt.time):
        nanosecond = 645876123

    assert cypher_string(NanoTime(12, 31, 14, 645876)) == "12:31:14.645876123"


# ----------------------------------------------------------------------------------------------------------------
# The runner, against a scripted fake database

class FakeResult:
    """Rows, then optionally a runtime error, like a lazy engine result."""

    def __init__(self, keys: list[str], rows: list[tuple], counters: dict | None = None,
                 error: Neo4jError | None = None) -> None:
        self.keys, self._rows, self.counters, self._error = keys, rows, counters or {}, error

    def __iter__(self):
        yield from self._rows
        if self._error is not None:
            raise self._error


class FakeDatabase:
    """A graph of nodes and relationships answering the side-effect queries, plus scripted answers by query text."""

    def __init__(self, script: dict[str, Callable[[FakeDatabase, dict], FakeResult]]) -> None:
        self.script = script
        self.nodes: list[Node] = []
        self.relationships: list[Relationship] = []
        self.executed: list[tuple[str, dict | None]] = []

    def execute(self, query: str, parameters: dict | None = None) -> FakeResult:
        self.executed.append((query, parameters))
        if query == "MATCH (n) RETURN n":
            return FakeResult(["n"], [(n,) for n in self.nodes])
        if query == "MATCH ()-[r]->() RETURN r":
            return FakeResult(["r"], [(r,) for r in self.relationships])
        return self.script[query](self, parameters or {})


def run_scenario(text: str, script: dict, mode: str = "state", errors_mode: str = "strict") -> FakeDatabase:
    """Runs the feature's only scenario against a fake database; returns that database."""
    databases: list[FakeDatabase] = []

    def factory() -> FakeDatabase:
        databases.append(FakeDatabase(script))
        return databases[-1]

    [scenario] = parse_feature(text).scenarios
    ScenarioRunner(scenario, factory, GRAPHS_DIR, mode, errors_mode).run()
    return databases[-1]


def feature(*steps: str) -> str:
    return "Feature: f\n  Scenario: s\n" + "".join(f"    {step}\n" for step in steps)


def query_step(query: str) -> str:
    return f'When executing query:\n      """\n      {query}\n      """'


def rows(keys: list[str], *values: tuple) -> Callable:
    return lambda db, parameters: FakeResult(keys, list(values))


def raises(code: str, at_runtime: bool = False) -> Callable:
    def answer(db, parameters):
        error = Neo4jError("boom", code)
        if at_runtime:
            return FakeResult(["x"], [(1,)], error=error)
        raise error
    return answer


def test_runner_checks_rows_columns_and_parameters():
    text = feature("Given any graph", "And parameters are:", "  | p | [1, 2] |", query_step("RETURN $p AS p"),
                   "Then the result should be, in any order:", "  | p |", "  | [1, 2] |", "And no side effects")
    db = run_scenario(text, {"RETURN $p AS p": lambda db, params: FakeResult(["p"], [(params["p"],)])})
    assert ("RETURN $p AS p", {"p": [1, 2]}) in db.executed
    with pytest.raises(ScenarioFailure, match="rows differ"):
        run_scenario(text, {"RETURN $p AS p": rows(["p"], ([2, 1],))})
    with pytest.raises(ScenarioFailure, match="columns"):
        run_scenario(text, {"RETURN $p AS p": rows(["q"], ([1, 2],))})
    with pytest.raises(ScenarioFailure, match="the query failed with Neo.ClientError.Statement.SyntaxError"):
        run_scenario(text, {"RETURN $p AS p": raises("Neo.ClientError.Statement.SyntaxError")})


def test_runner_checks_order_only_when_asked():
    steps = ("Given any graph", query_step("Q"), "Then the result should be, in order:", "  | x |", "  | 1 |",
             "  | 2 |")
    run_scenario(feature(*steps), {"Q": rows(["x"], (1,), (2,))})
    with pytest.raises(ScenarioFailure, match="in order"):
        run_scenario(feature(*steps), {"Q": rows(["x"], (2,), (1,))})
    unordered = feature(*steps).replace("in order", "in any order")
    run_scenario(unordered, {"Q": rows(["x"], (2,), (1,))})


def test_runner_checks_an_empty_result():
    text = feature("Given any graph", query_step("Q"), "Then the result should be empty")
    run_scenario(text, {"Q": rows(["x"])})
    with pytest.raises(ScenarioFailure, match="expected an empty result"):
        run_scenario(text, {"Q": rows(["x"], (1,))})


@pytest.mark.parametrize("expected, code, at_runtime, accepted", [
    ("a SyntaxError should be raised at compile time: UndefinedVariable", "SyntaxError", False, True),
    ("a SyntaxError should be raised at compile time: UndefinedVariable", "SemanticError", False, True),
    ("a SyntaxError should be raised at compile time: UndefinedVariable", "TypeError", False, False),
    ("a TypeError should be raised at runtime: InvalidArgumentType", "TypeError", True, True),
    ("a TypeError should be raised at runtime: InvalidArgumentType", "SyntaxError", True, False),
    ("a TypeError should be raised at any time: InvalidArgumentType", "SyntaxError", False, True),
    ("a ArgumentError should be raised at runtime: NumberOutOfRange", "ArgumentError", True, True),
    ("a ArgumentError should be raised at runtime: NumberOutOfRange", "TypeError", False, True),
    ("a ArgumentError should be raised at runtime: NumberOutOfRange", "TypeError", True, False),
])
def test_runner_maps_tck_error_types_to_status_codes_leniently(expected, code, at_runtime, accepted):
    text = feature("Given any graph", query_step("Q"), f"Then {expected}")
    script = {"Q": raises(f"Neo.ClientError.Statement.{code}", at_runtime)}
    if accepted:
        run_scenario(text, script, errors_mode="lenient")
    else:
        with pytest.raises(ScenarioFailure, match="expected a"):
            run_scenario(text, script, errors_mode="lenient")


STATEMENT = "Neo.ClientError.Statement."


@pytest.mark.parametrize("expected, code, at_runtime, accepted", [
    ("a SyntaxError should be raised at compile time: UndefinedVariable", STATEMENT + "SyntaxError", False, True),
    ("a SyntaxError should be raised at compile time: UndefinedVariable", STATEMENT + "SemanticError", False, False),
    ("a SyntaxError should be raised at compile time: UndefinedVariable", STATEMENT + "SyntaxError", True, False),
    ("a SyntaxError should be raised at compile time: InvalidArgumentType", STATEMENT + "TypeError", False, False),
    ("a TypeError should be raised at runtime: InvalidArgumentType", STATEMENT + "TypeError", True, True),
    ("a TypeError should be raised at runtime: InvalidArgumentType", STATEMENT + "TypeError", False, False),
    ("a TypeError should be raised at any time: *", STATEMENT + "SyntaxError", False, True),
    ("a TypeError should be raised at any time: *", STATEMENT + "TypeError", True, True),
    ("a TypeError should be raised at any time: *", STATEMENT + "TypeError", False, False),
    ("a ArgumentError should be raised at runtime: NumberOutOfRange", STATEMENT + "ArgumentError", True, True),
    ("a ArgumentError should be raised at runtime: NumberOutOfRange", STATEMENT + "ArgumentError", False, False),
    ("a SyntaxError should be raised at runtime: NegativeIntegerArgument", STATEMENT + "ArgumentError", True, True),
    ("a SyntaxError should be raised at runtime: NegativeIntegerArgument", STATEMENT + "SyntaxError", False, False),
    ("a ProcedureError should be raised at compile time: ProcedureNotFound",
     "Neo.ClientError.Procedure.ProcedureNotFound", False, True),
    ("a ConstraintVerificationFailed should be raised at runtime: DeleteConnectedNode",
     "Neo.ClientError.Schema.ConstraintValidationFailed", True, True),
    ("a SyntaxError should be raised at compile time: UndefinedVariable", "Neo.DatabaseError.Statement.SyntaxError",
     False, False),
])
def test_runner_checks_error_code_and_phase_strictly(expected, code, at_runtime, accepted):
    text = feature("Given any graph", query_step("Q"), f"Then {expected}")
    script = {"Q": raises(code, at_runtime)}
    if accepted:
        run_scenario(text, script)
    else:
        with pytest.raises(ScenarioFailure, match="strict mode"):
            run_scenario(text, script)


def test_runner_fails_when_an_expected_error_is_not_raised():
    text = feature("Given any graph", query_step("Q"), "Then a SyntaxError should be raised at compile time: X")
    with pytest.raises(ScenarioFailure, match="the query succeeded"):
        run_scenario(text, {"Q": rows(["x"], (1,))})


def test_accepted_error_titles():
    assert accepted_error_titles("ConstraintVerificationFailed", False) >= {"ConstraintValidationFailed"}
    assert accepted_error_titles("ProcedureError", True) == {"ProcedureNotFound", "ProcedureCallFailed"}
    assert accepted_error_titles("EntityNotFound", True) == {"EntityNotFound"}


def create_labelled_nodes(db: FakeDatabase, parameters: dict) -> FakeResult:
    db.nodes += [node("1", {"Label"}), node("2", {"Label"}, name="x")]
    return FakeResult([], [], {"nodes_created": 2, "labels_added": 2, "properties_set": 1})


def test_side_effects_are_measured_as_the_tck_defines_them():
    text = feature("Given an empty graph", query_step("CREATE"), "Then the result should be empty",
                   "And the side effects should be:", "  | +nodes | 2 |", "  | +labels | 1 |",
                   "  | +properties | 1 |")
    run_scenario(text, {"CREATE": create_labelled_nodes})
    with pytest.raises(ScenarioFailure, match=r"\+labels +expected 1, got 2"):
        run_scenario(text, {"CREATE": create_labelled_nodes}, mode="counters")


def test_overwriting_a_property_is_one_removal_and_one_addition():
    def overwrite(db: FakeDatabase, parameters: dict) -> FakeResult:
        db.nodes = [node("1", name="new")]
        return FakeResult([], [], {"properties_set": 1})

    def setup(db: FakeDatabase, parameters: dict) -> FakeResult:
        db.nodes = [node("1", name="old")]
        return FakeResult([], [])

    text = feature("Given an empty graph", "And having executed:", '  """', "  SETUP", '  """', query_step("SET"),
                   "Then the result should be empty", "And the side effects should be:",
                   "  | +properties | 1 |", "  | -properties | 1 |")
    run_scenario(text, {"SETUP": setup, "SET": overwrite})
    run_scenario(text, {"SETUP": setup, "SET": overwrite}, mode="counters")  # -properties: no counter to compare
    with pytest.raises(ScenarioFailure, match="no side effects|side effects differ"):
        run_scenario(text.replace("| -properties | 1 |", "| -nodes | 1 |"), {"SETUP": setup, "SET": overwrite})


def test_no_side_effects_means_every_count_is_zero():
    text = feature("Given an empty graph", query_step("CREATE"), "Then the result should be empty",
                   "And no side effects")
    with pytest.raises(ScenarioFailure, match=r"\+nodes +expected 0, got 2"):
        run_scenario(text, {"CREATE": create_labelled_nodes})


def test_parse_side_effects():
    assert parse_side_effects([("+nodes", "2"), ("-labels", "1")])["+nodes"] == 2
    assert parse_side_effects(None) == dict.fromkeys(parse_side_effects(None), 0)
    with pytest.raises(ValueError):
        parse_side_effects([("+edges", "1")])


def test_from_counters_reads_a_dict_or_an_object_and_cannot_count_removed_properties():
    class Counters:
        nodes_created, properties_set, labels_added = 2, 1, 2

    for counters in ({"nodes_created": 2, "properties_set": 1, "labels_added": 2}, Counters()):
        effects = from_counters(counters)
        assert (effects["+nodes"], effects["+properties"], effects["+labels"], effects["-nodes"]) == (2, 1, 2, 0)
        assert effects["-properties"] is None


def test_a_failing_setup_query_fails_the_scenario():
    text = feature("Given an empty graph", "And having executed:", '  """', "  SETUP", '  """', query_step("Q"),
                   "Then the result should be empty")
    with pytest.raises(ScenarioFailure, match="having executed"):
        run_scenario(text, {"SETUP": raises("Neo.ClientError.Statement.SyntaxError"), "Q": rows([])})


@pytest.mark.parametrize("step, message", [
    ("And the moon is full", "unsupported step"),
])
def test_unsupported_steps_fail_clearly(step, message):
    text = feature("Given an empty graph", step, query_step("Q"), "Then the result should be empty")
    with pytest.raises(ScenarioFailure, match=message):
        run_scenario(text, {"Q": rows([])})


@pytest.mark.parametrize("tag", ["@skip", "@fails"])
def test_scenarios_tagged_skip_or_fails_do_not_pass(tag):
    text = feature("Given an empty graph", query_step("Q"), "Then the result should be empty")
    text = text.replace("  Scenario:", f"  {tag}\n  Scenario:")
    with pytest.raises(ScenarioFailure, match=tag):
        run_scenario(text, {"Q": rows([])})


@pytest.mark.skipif(not (GRAPHS_DIR / "binary-tree-1").is_dir(), reason="the TCK's named graphs are absent")
def test_named_graphs_are_loaded_statement_by_statement():
    text = feature("Given the binary-tree-1 graph", query_step("Q"), "Then the result should be empty")
    loaded: list[str] = []

    class Script(dict):
        """Answers the scripted queries, and records any other (the graph's statements) with an empty result."""

        def __missing__(self, query: str) -> Callable:
            loaded.append(query)
            return rows([])

    db = run_scenario(text, Script(Q=rows([])))
    assert len(loaded) == 1 and loaded[0].startswith("CREATE (a:A {name: 'a'})")
    assert not loaded[0].endswith(";")
    assert db.executed[-1][0] == "Q"


def test_split_statements_ignores_semicolons_in_strings():
    assert split_statements("CREATE ({s: ';'});\nCREATE (`a;b`) ;\n\n") == ["CREATE ({s: ';'})", "CREATE (`a;b`)"]
