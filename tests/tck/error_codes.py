"""Which Neo4j status codes, raised when, satisfy a TCK error expectation: strictly (the default) or leniently.

The TCK names an error by type, phase and detail ("a SyntaxError should be raised at compile time:
UndefinedVariable"). The phases are defined by the engine's contract, `Database.execute` plans and `QueryResult`
runs: an error is raised at compile time when `execute` raises it (parsing and planning; no row was produced and
no operator ran) and at runtime when it is raised while the result is read (execution, and the commit of an
implicit transaction when the result is exhausted).

Strict mode checks the phase and the code Neo4j 5 gives the TCK's type, a `Neo.ClientError.*` one:
- compile time: every error Neo4j's semantic analysis finds is `Neo.ClientError.Statement.SyntaxError`, whatever
  the TCK calls it (a TCK `TypeError` found statically is Neo4j's `SyntaxError` "Type mismatch: …"); the TCK's
  `ProcedureError` and `ParameterMissing` keep their own codes (`ProcedureNotFound`, `ParameterMissing`);
- runtime: the TCK's type is the code's last part, except that a `SyntaxError` at runtime is an invalid `SKIP` or
  `LIMIT` value, which Neo4j 5 reports as `ArgumentError` (a negative or fractional number; a value that is no
  number at all is a `TypeError`), and `ConstraintVerificationFailed` is Neo4j's `ConstraintValidationFailed`;
- "any time": a compile-time expectation or a runtime one, whichever phase the engine raised the error in.

Lenient mode (the runner's first mode, kept to compare) ignores the phase and accepts the codes Neo4j uses for
neighbouring cases. The TCK's detail (`UndefinedVariable`, …) is never checked: no status code carries it.
"""
from __future__ import annotations

__all__ = ["COMPILE_TIME", "RUNTIME", "ANY_TIME", "MODES", "accepted_error_titles", "strict_titles"]

COMPILE_TIME, RUNTIME, ANY_TIME = "compile time", "runtime", "any time"
MODES = ("strict", "lenient")

_COMPILE_TIME_CODES = {"ProcedureError": {"ProcedureNotFound"}, "ParameterMissing": {"ParameterMissing"}}
_RUNTIME_CODES = {"ConstraintVerificationFailed": {"ConstraintValidationFailed"}}
_RUNTIME_SYNTAX_ERRORS = {"NegativeIntegerArgument": {"ArgumentError"},
                          "InvalidArgumentType": {"ArgumentError", "TypeError"}}


def strict_titles(tck_type: str, tck_phase: str, raised_phase: str, detail: str = "") -> frozenset[str]:
    """The last parts of the status codes strict mode accepts for an error the engine raised in `raised_phase`;
    empty when the phase itself is wrong."""
    if tck_phase not in (raised_phase, ANY_TIME):
        return frozenset()
    if raised_phase == COMPILE_TIME:
        return frozenset(_COMPILE_TIME_CODES.get(tck_type, {"SyntaxError"}))
    if tck_type == "SyntaxError":
        return frozenset(_RUNTIME_SYNTAX_ERRORS.get(detail, {"SyntaxError"}))
    return frozenset(_RUNTIME_CODES.get(tck_type, {tck_type}))


def accepted_error_titles(tck_type: str, compile_time: bool, detail: str = "") -> frozenset[str]:
    """The last parts of the status codes lenient mode accepts for a TCK error type, in either phase.

    `compile_time` is true when the scenario expects the error at compile time or the engine raised it then.
    """
    accepted = {
        "SyntaxError": {"SyntaxError", "SemanticError"},
        "SemanticError": {"SemanticError", "SyntaxError"},
        "TypeError": {"TypeError"} | ({"SyntaxError"} if compile_time else set()),
        "ArgumentError": {"ArgumentError"} | ({"TypeError", "SyntaxError"} if compile_time else set()),
        "ConstraintVerificationFailed": {"ConstraintValidationFailed", "ConstraintVerificationFailed"},
        "ConstraintValidationFailed": {"ConstraintValidationFailed", "ConstraintVerificationFailed"},
        "ProcedureError": {"ProcedureNotFound", "ProcedureCallFailed"},
    }
    titles = set(accepted.get(tck_type, {tck_type}))
    # Neo4j finds some argument errors by static typing where we find them at run time, with the same meaning.
    titles |= _BY_DETAIL.get(detail, set())
    return frozenset(titles)


_BY_DETAIL = {
    "InvalidArgumentType": {"TypeError"},
    "NegativeIntegerArgument": {"ArgumentError"},
    "InvalidArgumentValue": {"ArgumentError"},
}
