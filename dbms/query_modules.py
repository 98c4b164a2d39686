"""A DBMS's folder of query modules (Memgraph's `--query-modules-directory`): every `*.py` in it is run at start
and again on `CALL mg.load_all()` / `CALL mg.load('name')`, and `mg.procedures()` / `mg.functions()` list what is
registered. A DBMS with a data directory also loads the modules clients write there (`internal_modules`, Memgraph's
folder: `module_files`).

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
from graphplex.module_files import register_module_file_procedures

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

REGISTRATION_FAILED = "Neo.ClientError.Procedure.ProcedureRegistrationFailed"
INTERNAL_MODULES = "internal_modules"  # Memgraph's folder of clients' module files, in the data directory
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
        # Where clients' module files go (mg.create_module_file): Memgraph's internal_modules folder of the data
        # directory; an in-memory DBMS has only its query modules directory (None: neither, nowhere to write).
        self.internal = dbms.path.resolve() / INTERNAL_MODULES if dbms.path is not None else self.directory
        self.loaded: dict[str, QueryModule] = {}
        self._lock = threading.Lock()

    def load_all(self) -> None:
        """Reloads every module of the folders and drops those whose file is gone; one that fails is logged."""
        with self._lock:
            present = self._present()
            for name in set(self.loaded) - set(present):
                self.loaded.pop(name).unregister()
            for name, path in present.items():
                try:
                    self._load(name, path)
                except ClientError as error:
                    log.error("%s", error.message)

    def load(self, name: str) -> None:
        """Reloads the module `name`; ProcedureRegistrationFailed when it is unknown or fails."""
        with self._lock:
            path = self._present().get(name)
            if path is None:
                if name in self.loaded:
                    self.loaded.pop(name).unregister()
                raise ClientError(f"Module '{name}' not found in the query modules directory.", REGISTRATION_FAILED)
            self._load(name, path)

    @property
    def directories(self) -> list[Path]:
        """The folders modules load from, in order: the query modules directory, then the internal one."""
        return list(dict.fromkeys(folder for folder in (self.directory, self.internal) if folder is not None))

    def _present(self) -> dict[str, Path]:
        """The module files (`*.py` directly in a folder) by module name. A name a former folder has already is
        logged and left out, as Memgraph refuses to overwrite a loaded module."""
        present: dict[str, Path] = {}
        for folder in self.directories:
            for path in sorted(folder.glob("*.py")):
                if path.is_file() and present.setdefault(path.stem, path) != path:
                    log.error("Unable to overwrite an already loaded module %s (%s).", path.stem, path)
        return present

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
    lets any caller run them (its MODULE_WRITE governs editing module files). Listing needs only EXECUTE. The
    module-file procedures (`module_files`) are registered here too."""
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
    register_module_file_procedures(modules)


def _editable(path: Path | None) -> bool:
    """Memgraph's is_editable: the procedure comes from a module file the DBMS could write."""
    return path is not None and os.access(path, os.W_OK)
