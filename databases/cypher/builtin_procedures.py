"""The built-in procedures: `dbms.components` here, declared by its annotations as the algorithms are; the `db.*`
ones in `procedures_db`, the `tx.*` and `dbms.listConfig` in `procedures_dbms`, registered with explicit specs
(Neo4j's exact argument and result descriptions, which annotations cannot carry) when this module is imported."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, TypedDict

from graphplex.databases.cypher import (  # noqa: F401  (register on import)
    procedures_db, procedures_dbms, procedures_search)
from graphplex.databases.cypher.context import ExecutionContext

if TYPE_CHECKING:
    from graphplex.databases.cypher.python_procedures import Module

NEO4J_VERSION = "5.26.0"  # the version graphplex reports, as the Bolt server's agent does


class Component(TypedDict):
    name: str
    versions: list[str]
    edition: str


def components(ctx: ExecutionContext) -> Iterator[Component]:
    """The components of this DBMS and their versions: the Neo4j version graphplex behaves as, in the plain form
    Neo4j gives (libraries parse it with `packaging.version` to pick their dialect)."""
    yield {"name": "Neo4j Kernel", "versions": [NEO4J_VERSION], "edition": "community"}


def register(module: "Module") -> None:
    """Declares the built-in procedures that annotations describe fully."""
    module.procedure("dbms.components", "DBMS")(components)
