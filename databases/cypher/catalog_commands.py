"""SHOW PROCEDURES and SHOW FUNCTIONS, with Neo4j 5's columns."""
from __future__ import annotations

from typing import TYPE_CHECKING

from graphplex.databases.cypher import apoc, ast
from graphplex.databases.cypher.expressions import AGGREGATE_NAMES
from graphplex.databases.cypher.functions import FUNCTIONS
from graphplex.databases.cypher.plan import Plan
from graphplex.databases.cypher.procedures import PROCEDURES, _load_builtins
from graphplex.databases.cypher.show import plan_show

if TYPE_CHECKING:
    from graphplex.databases.cypher.planner import Planner

PROCEDURE_COLUMNS = ["name", "description", "mode", "worksOnSystem"]
PROCEDURE_EXTRA = ["signature", "argumentDescription", "returnDescription", "admin", "rolesExecution",
                   "rolesBoostedExecution", "isDeprecated", "deprecatedBy", "option"]
FUNCTION_COLUMNS = ["name", "category", "description"]
FUNCTION_EXTRA = ["signature", "isBuiltIn", "argumentDescription", "returnDescription", "aggregating",
                  "rolesExecution", "rolesBoostedExecution", "isDeprecated", "deprecatedBy"]

_AGGREGATE_DESCRIPTIONS = {
    "avg": "Returns the average of a set of numeric or duration values.", "collect": "Returns a list containing "
    "the values returned by an expression.", "count": "Returns the number of values or rows.",
    "max": "Returns the maximum value in a set of values.", "min": "Returns the minimum value in a set of values.",
    "percentilecont": "Returns the percentile of a value over a group using linear interpolation.",
    "percentiledisc": "Returns the nearest value to the given percentile over a group using a rounding method.",
    "stdev": "Returns the standard deviation for the given value over a group for a sample of a population.",
    "stdevp": "Returns the standard deviation for the given value over a group for an entire population.",
    "sum": "Returns the sum of a set of numeric or duration values.",
}
_AGGREGATE_NAMES = {"avg": "avg", "collect": "collect", "count": "count", "max": "max", "min": "min",
                    "percentilecont": "percentileCont", "percentiledisc": "percentileDisc", "stdev": "stDev",
                    "stdevp": "stDevP", "sum": "sum"}


def plan_catalog_command(statement: ast.Statement, planner: "Planner") -> Plan:
    if isinstance(statement, ast.ShowProcedures):
        return plan_show(statement, "ShowProcedures", lambda ctx: _procedure_rows(), PROCEDURE_COLUMNS,
                         PROCEDURE_COLUMNS + PROCEDURE_EXTRA, planner)
    kind = statement.kind
    return plan_show(statement, "ShowFunctions", lambda ctx: _function_rows(kind), FUNCTION_COLUMNS,
                     FUNCTION_COLUMNS + FUNCTION_EXTRA, planner)


def _procedure_rows():
    _load_builtins()
    apoc.load()
    for spec in sorted(PROCEDURES.values(), key=lambda s: s.name):
        yield {"name": spec.name, "description": spec.description, "mode": spec.mode,
               "worksOnSystem": spec.mode == "DBMS", "signature": spec.signature,
               "argumentDescription": [{"name": n, "type": t, "description": f"{n} :: {t}"} for n, t, _ in spec.inputs],
               "returnDescription": [{"name": n, "type": t, "description": f"{n} :: {t}"} for n, t in spec.outputs],
               "admin": False, "rolesExecution": None, "rolesBoostedExecution": None, "isDeprecated": False,
               "deprecatedBy": None, "option": {"deprecated": False}}


def _function_rows(kind: str):
    if kind == "USER DEFINED":
        return
    apoc.load()
    rows = []
    for spec in FUNCTIONS.values():
        rows.append({"name": spec.name, "category": spec.category, "description": spec.description,
                     "signature": spec.signature, "aggregating": False})
    for lower, name in _AGGREGATE_NAMES.items():
        rows.append({"name": name, "category": "Aggregating", "description": _AGGREGATE_DESCRIPTIONS[lower],
                     "signature": f"{name}(input :: ANY) :: ANY", "aggregating": True})
    for row in sorted(rows, key=lambda r: r["name"].lower()):
        row.update({"isBuiltIn": True, "argumentDescription": [], "returnDescription": "", "rolesExecution": None,
                    "rolesBoostedExecution": None, "isDeprecated": False, "deprecatedBy": None})
        yield row


assert set(_AGGREGATE_NAMES) == set(AGGREGATE_NAMES)
