"""graphplex: an embeddable, multi-database graph DBMS. `from graphplex import DBMS, Query, BoltServer`.

The public names are loaded on first use (PEP 562), so `import graphplex` and importing the lower layers
(`graphplex.databases`, `graphplex.system_db`) stay cheap and never drag in the coordinator."""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "DBMS": "graphplex.dbms",
    "Query": "graphplex.session",
    "Session": "graphplex.session",
    "Transaction": "graphplex.session",
    "Result": "graphplex.result",
    "Record": "graphplex.result",
    "ResultSummary": "graphplex.result",
    "SummaryCounters": "graphplex.result",
    "BoltServer": "graphplex.bolt",
    "ProcedureContext": "graphplex.databases",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from graphplex.bolt import BoltServer
    from graphplex.databases import ProcedureContext
    from graphplex.dbms import DBMS
    from graphplex.result import Record, Result, ResultSummary, SummaryCounters
    from graphplex.session import Query, Session, Transaction


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'graphplex' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
