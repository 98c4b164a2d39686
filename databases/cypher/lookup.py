"""Where a procedure or function name is found: one ordered chain of registries, walked by every caller.

The chain is (1) the active DBMS's own procedures and functions (`extensions`), (2) the built-in ones (the
language's functions, the `db.*`, `dbms.*`, `tx.*` procedures and the graph algorithms), (3) APOC's. The first
registry that has a name answers for it; a DBMS may not register a name a built-in or APOC has, so none is in
two. APOC is imported here and nowhere else, the first time an `apoc.` name is asked for or everything is listed:
a process answering `RETURN 1` never pays for it.

Neo4j counts every function outside the built-in registry as user-defined (a DBMS's own, APOC's): SHOW USER
DEFINED FUNCTIONS lists them and EXECUTE FUNCTION governs them; the language's own are neither."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable, Iterator

from graphplex.databases.cypher import apoc
from graphplex.databases.cypher.extensions import Extensions, active
from graphplex.databases.errors import ClientError

if TYPE_CHECKING:
    from graphplex.databases.cypher.functions import FunctionSpec
    from graphplex.databases.cypher.procedures import ProcedureSpec


class Registry:
    """Procedures and functions by lower-case name (an `extensions.Extensions`). Changes are made under a lock;
    readers see a dict that is replaced or extended one entry at a time."""

    def __init__(self) -> None:
        self.procedures_by_name: dict[str, "ProcedureSpec"] = {}
        self.functions_by_name: dict[str, "FunctionSpec"] = {}
        self._lock = threading.Lock()

    def procedure(self, name: str) -> "ProcedureSpec | None":
        return self.procedures_by_name.get(name.lower())

    def function(self, name: str) -> "FunctionSpec | None":
        return self.functions_by_name.get(name.lower())

    def procedures(self) -> list["ProcedureSpec"]:
        return list(self.procedures_by_name.values())

    def functions(self) -> list["FunctionSpec"]:
        return list(self.functions_by_name.values())

    def add_procedure(self, spec: "ProcedureSpec") -> None:
        """Adds `spec`, replacing one of the same name."""
        with self._lock:
            self.procedures_by_name[spec.name.lower()] = spec

    def add_function(self, spec: "FunctionSpec") -> None:
        """Adds `spec`, replacing one of the same name."""
        with self._lock:
            self.functions_by_name[spec.name.lower()] = spec

    def remove_procedure(self, name: str) -> bool:
        """Removes the procedure `name`; whether there was one."""
        with self._lock:
            return self.procedures_by_name.pop(name.lower(), None) is not None

    def remove_function(self, name: str) -> bool:
        """Removes the function `name`; whether there was one."""
        with self._lock:
            return self.functions_by_name.pop(name.lower(), None) is not None


class LazyRegistry(Registry):
    """A registry filled by importing modules (`load`) the first time one of the names it `owns` is asked for, or
    when everything it has is listed. Adding does not load: the modules add their names while they load."""

    def __init__(self, load: Callable[[], None], owns: Callable[[str], bool]) -> None:
        super().__init__()
        self._load = load
        self._owns = owns

    def procedure(self, name: str) -> "ProcedureSpec | None":
        if not self._owns(name):
            return None
        self._load()
        return super().procedure(name)

    def function(self, name: str) -> "FunctionSpec | None":
        if not self._owns(name):
            return None
        self._load()
        return super().function(name)

    def procedures(self) -> list["ProcedureSpec"]:
        self._load()
        return super().procedures()

    def functions(self) -> list["FunctionSpec"]:
        self._load()
        return super().functions()


def _load_built_in_procedures() -> None:
    """The built-in procedures with explicit specs register when their modules are imported; `dbms.components`
    and the algorithms are declared by `register(module)`, as a query module's are (imported here, not at start:
    they pull in the planner's modules)."""
    global _procedures_loaded
    if _procedures_loaded:
        return
    with _procedures_lock:
        if not _procedures_loaded:
            from graphplex.databases.cypher import algorithms, builtin_procedures
            from graphplex.databases.cypher.python_procedures import Module
            builtin_procedures.register(Module("dbms", BUILT_INS))
            algorithms.register(Module("algorithms", BUILT_INS))
            _procedures_loaded = True


class _BuiltIns(Registry):
    """The built-in registry: its procedures come into being on the first procedure lookup or listing."""

    def procedure(self, name: str) -> "ProcedureSpec | None":
        _load_built_in_procedures()
        return super().procedure(name)

    def procedures(self) -> list["ProcedureSpec"]:
        _load_built_in_procedures()
        return super().procedures()


_procedures_loaded = False
# Re-entrant: a lookup made while the built-in modules load fails on the half-loaded module instead of hanging.
_procedures_lock = threading.RLock()

BUILT_INS: Registry = _BuiltIns()
APOC: Registry = LazyRegistry(load=apoc.load, owns=apoc.is_apoc_name)


def home(name: str) -> Registry:
    """The process-wide registry a built-in module's name `name` goes into (APOC's names into APOC's)."""
    return APOC if apoc.is_apoc_name(name) else BUILT_INS


def chain(own: Extensions | None) -> list[Extensions]:
    """The registries in lookup order: a DBMS's `own` (None: a database outside a DBMS), the built-ins, APOC."""
    return [own, BUILT_INS, APOC] if own is not None else [BUILT_INS, APOC]


def find_procedure(name: str) -> "ProcedureSpec":
    """The procedure `name` the first registry of the chain has; ProcedureNotFound when none has it."""
    for registry in chain(active()):
        spec = registry.procedure(name)
        if spec is not None:
            return spec
    raise ClientError(f"There is no procedure with the name `{name}` registered for this database instance. "
                      "Please ensure you've spelled the procedure name correctly and that the procedure is "
                      "properly deployed.", "Neo.ClientError.Procedure.ProcedureNotFound")


def find_function(name: str) -> "FunctionSpec | None":
    """The function `name` the first registry of the chain has (None: no such function)."""
    return next((spec for spec, _ in _function_and_registry(name)), None)


def user_defined_function(name: str) -> "FunctionSpec | None":
    """The function `name` when it is user-defined (a DBMS's own or APOC's): what EXECUTE FUNCTION governs."""
    return next((spec for spec, registry in _function_and_registry(name) if _user_defined(registry)), None)


def _function_and_registry(name: str) -> Iterator[tuple["FunctionSpec", Extensions]]:
    for registry in chain(active()):
        spec = registry.function(name)
        if spec is not None:
            yield spec, registry
            return


def _user_defined(registry: Extensions) -> bool:
    return registry is not BUILT_INS


def procedures(own: Extensions | None) -> list["ProcedureSpec"]:
    """Every procedure the chain of a DBMS's `own` has, each name once (the first registry's), by name: SHOW
    PROCEDURES and mg.procedures() list these. `own` is explicit: a listing runs after planning, when no
    extensions are active any more."""
    found: dict[str, "ProcedureSpec"] = {}
    for registry in chain(own):
        for spec in registry.procedures():
            found.setdefault(spec.name.lower(), spec)
    return sorted(found.values(), key=lambda spec: spec.name)


def functions(own: Extensions | None) -> list[tuple["FunctionSpec", bool]]:
    """Every function the chain of a DBMS's `own` has, each name once (the first registry's), by name, with
    whether it is user-defined: SHOW FUNCTIONS and mg.functions() list these."""
    found: dict[str, tuple["FunctionSpec", bool]] = {}
    for registry in chain(own):
        for spec in registry.functions():
            found.setdefault(spec.name.lower(), (spec, _user_defined(registry)))
    return sorted(found.values(), key=lambda pair: pair[0].name.lower())
