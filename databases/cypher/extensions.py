"""Procedures and functions a DBMS adds in Python, first in the lookup chain (`lookup`), before the built-in ones.

The built-in registries (`lookup.BUILT_INS`, `lookup.APOC`) are process-wide and do not change once loaded; what
users add belongs to one DBMS, so two DBMS objects in one process never see each other's. The database layer
cannot import the DBMS: it asks an `Extensions` that the DBMS passes down, made active for the stretch of code that
looks names up (`using_extensions`)."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Iterator, Protocol

if TYPE_CHECKING:
    from graphplex.databases.cypher.functions import FunctionSpec
    from graphplex.databases.cypher.procedures import ProcedureSpec


class Extensions(Protocol):
    """A DBMS's own procedures and functions. Phases: (1) the DBMS creates one and gives it to every database it
    opens (`Database.extensions`); (2) a database makes it active while it plans a statement, and the DBMS while
    it classifies one (`using_extensions`), so the planner and the privilege checks resolve `CALL` and function
    names in it first and the plan binds the spec found; (3) registering or removing a name happens between
    statements, and the DBMS then forgets its cached statements and plans, so no plan keeps a replaced spec."""

    def procedure(self, name: str) -> "ProcedureSpec | None":
        """The procedure `name` (any case), or None."""

    def function(self, name: str) -> "FunctionSpec | None":
        """The function `name` (any case), or None."""

    def procedures(self) -> list["ProcedureSpec"]:
        """Every procedure registered, for SHOW PROCEDURES."""

    def functions(self) -> list["FunctionSpec"]:
        """Every function registered, for SHOW FUNCTIONS."""


_active: ContextVar[Extensions | None] = ContextVar("graphplex_extensions", default=None)


@contextmanager
def using_extensions(extensions: Extensions | None) -> Iterator[None]:
    """Makes `extensions` the one name lookups consult in this thread until the block ends."""
    token = _active.set(extensions)
    try:
        yield
    finally:
        _active.reset(token)


def active() -> Extensions | None:
    """The extensions being consulted (None: only built-in names exist)."""
    return _active.get()
