"""A DBMS's folder of query modules (Memgraph's `--query-modules-directory`): every `*.py` in it is run at start
and again on `CALL mg.load_all()` / `CALL mg.load('name')`, and `mg.procedures()` / `mg.functions()` list what is
registered.

A module registers through graphplex's API, not Memgraph's `mgp`: it defines `register(module)` and decorates its
procedures and functions with `module.procedure(...)` / `module.function(...)`, which take the arguments of
`DBMS.procedure` / `DBMS.function`. The loader records what each module registered, so reloading it first removes
those names: a procedure the new version no longer defines disappears. A module that fails (syntax error,
exception, no `register`) registers nothing: at start and on `mg.load_all` it is logged and the others load all
the same (as Memgraph); `mg.load` reports it as ProcedureRegistrationFailed."""
from __future__ import annotations

import dataclasses
import logging
import os
import sys
import threading
import types
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypedDict

from graphplex.databases import Module, ProcedureContext, listed_functions, listed_procedures, procedure_spec
from graphplex.databases.errors import ClientError, Neo4jError

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

REGISTRATION_FAILED = "Neo.ClientError.Procedure.ProcedureRegistrationFailed"
log = logging.getLogger(__name__)


class QueryModule(Module):
    """What a module's `register` receives: a `Module` (as the built-in algorithms' is) whose names the DBMS adds
    and removes (`DBMS.procedure`, `DBMS.unregister_procedure` …), so that it forgets its cached plans."""

    def __init__(self, dbms: "DBMS", name: str, path: Path) -> None:
        super().__init__(name, dbms.extensions)
        self.path = path
        self._dbms = dbms

    def _add_procedure(self, name: str, impl: Callable, mode: str, description: str | None,
                       outputs: dict[str, object] | None) -> None:
        self._dbms.procedure(name, mode, description=description, outputs=outputs)(impl)

    def _add_function(self, name: str, impl: Callable, description: str | None) -> None:
        self._dbms.function(name, description=description)(impl)

    def _remove_procedure(self, name: str) -> None:
        self._dbms.unregister_procedure(name)

    def _remove_function(self, name: str) -> None:
        self._dbms.unregister_function(name)


class QueryModules:
    """The modules of one DBMS's folder (None: no folder; the mg.* procedures still list what is registered)."""

    def __init__(self, dbms: "DBMS", directory: str | None) -> None:
        self.dbms = dbms
        self.directory = Path(directory).resolve() if directory else None
        self.loaded: dict[str, QueryModule] = {}
        self._lock = threading.Lock()

    def load_all(self) -> None:
        """Reloads every module of the folder and drops those whose file is gone; one that fails is logged."""
        with self._lock:
            present = {path.stem: path for path in sorted(self.directory.glob("*.py"))} if self.directory else {}
            for name in set(self.loaded) - set(present):
                self.loaded.pop(name).unregister()
            for name, path in present.items():
                try:
                    self._load(name, path)
                except ClientError as error:
                    log.error("%s", error.message)

    def load(self, name: str) -> None:
        """Reloads the module `name`; ProcedureRegistrationFailed when it is unknown or fails."""
        path = self.directory / f"{name}.py" if self.directory and name.isidentifier() else None
        with self._lock:
            if path is None or not path.is_file():
                if name in self.loaded:
                    self.loaded.pop(name).unregister()
                raise ClientError(f"Module '{name}' not found in the query modules directory.", REGISTRATION_FAILED)
            self._load(name, path)

    def path_of(self, name: str, functions: bool = False) -> Path | None:
        """The file of the module that registered the procedure (or function) `name`, if one did."""
        for module in self.loaded.values():
            if name.lower() in (n.lower() for n in (module.functions if functions else module.procedures)):
                return module.path
        return None

    def _load(self, name: str, path: Path) -> None:
        if name in self.loaded:
            self.loaded.pop(name).unregister()
        module = QueryModule(self.dbms, name, path)
        try:
            # Compiled from the text each time (a cached bytecode file could hide an edit made in the same second),
            # without this file's `from __future__` flags; in sys.modules while it registers, so that the string
            # annotations of its TypedDicts resolve.
            namespace = types.ModuleType(f"graphplex_query_module_{id(self.dbms)}_{name}")
            namespace.__file__ = str(path)
            sys.modules[namespace.__name__] = namespace
            try:
                exec(compile(path.read_text(), str(path), "exec", dont_inherit=True), namespace.__dict__)
                register = getattr(namespace, "register", None)
                if not callable(register):
                    raise LookupError("it defines no register(module) function")
                register(module)
            finally:
                del sys.modules[namespace.__name__]
        except Exception as error:
            module.unregister()
            cause = error.message if isinstance(error, Neo4jError) else f"{type(error).__name__}: {error}"
            raise ClientError(f"Unable to load module '{name}' ({path}): {cause}", REGISTRATION_FAILED) from error
        self.loaded[name] = module


class ProcedureRow(TypedDict):
    name: str
    signature: str
    is_write: bool
    path: str
    is_editable: bool


class FunctionRow(TypedDict):
    name: str
    signature: str
    path: str
    is_editable: bool


def register_mg_procedures(modules: QueryModules) -> None:
    """Registers Memgraph's `mg.*` procedures on a new DBMS (before any statement is cached). Loading changes what
    the whole DBMS runs, so `mg.load` and `mg.load_all` are admin procedures (EXECUTE ADMIN PROCEDURES); Memgraph
    lets any caller run them (its MODULE_WRITE governs editing module files). Listing needs only EXECUTE."""
    dbms = modules.dbms

    def load_all(ctx: ProcedureContext) -> None:
        """Reloads every module of the query modules directory (a module that fails is logged and left out)."""
        modules.load_all()

    def load(ctx: ProcedureContext, module_name: str) -> None:
        """Reloads one module of the query modules directory."""
        modules.load(module_name)

    def procedures(ctx: ProcedureContext) -> Iterator[ProcedureRow]:
        """Lists every procedure this DBMS runs (its own, the built-in ones, APOC's), as SHOW PROCEDURES does."""
        for spec in listed_procedures(dbms.extensions):
            path = modules.path_of(spec.name)
            yield {"name": spec.name, "signature": spec.signature, "is_write": spec.mode == "WRITE",
                   "path": str(path or ""), "is_editable": _editable(path)}

    def functions(ctx: ProcedureContext) -> Iterator[FunctionRow]:
        """Lists the user-defined functions this DBMS runs (its own, APOC's).

        Memgraph lists its modules' functions, not the language's."""
        for spec, user_defined in listed_functions(dbms.extensions):
            if not user_defined:
                continue
            path = modules.path_of(spec.name, functions=True)
            yield {"name": spec.name, "signature": spec.signature, "path": str(path or ""),
                   "is_editable": _editable(path)}

    for name, impl, admin in (("mg.load_all", load_all, True), ("mg.load", load, True),
                              ("mg.procedures", procedures, False), ("mg.functions", functions, False)):
        dbms.extensions.add_procedure(dataclasses.replace(procedure_spec(name, impl, "DBMS"), admin=admin))


def _editable(path: Path | None) -> bool:
    """Memgraph's is_editable: the procedure comes from a module file the DBMS could write."""
    return path is not None and os.access(path, os.W_OK)
