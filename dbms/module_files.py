"""Memgraph's procedures through which clients manage module files themselves (its `mg` module):
`mg.get_module_files()`, `mg.get_module_file(path)`, `mg.create_module_file(filename, content)`,
`mg.update_module_file(path, content)` and `mg.delete_module_file(path)`, with Memgraph's outputs, rules and error
messages.

New files go to the internal folder (`QueryModules.internal`: `internal_modules` in the data directory, as
Memgraph's, or the query modules directory of an in-memory DBMS); any file under one of the module folders may be
read, updated or deleted. Only `.py` files; a path is resolved (symbolic links, `..`) before it is checked to lie in
a folder, so none escapes. Every change reloads all modules, as Memgraph does: a module that fails to load is
logged and its file stays. Files are not transactional: a change stays even if the calling transaction rolls back.

A module file is arbitrary Python the server runs with its own rights, so all five are admin procedures (EXECUTE
ADMIN PROCEDURES; Memgraph asks MODULE_READ to read and MODULE_WRITE to write)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, TypedDict

from graphplex.databases import ProcedureContext, procedure_spec
from graphplex.databases.errors import ClientError
from graphplex.databases.procedure_failures import CALL_FAILED

if TYPE_CHECKING:
    from graphplex.query_modules import QueryModules

SUFFIX = ".py"  # Memgraph's only allowed extension for module files


class ModuleFileRow(TypedDict):
    path: str
    is_editable: bool


class ContentRow(TypedDict):
    content: str


class PathRow(TypedDict):
    path: str


class ModuleFiles:
    """The module files of one DBMS's folders, and the changes clients make to them."""

    def __init__(self, modules: "QueryModules") -> None:
        self.modules = modules

    def listed(self) -> Iterator[Path]:
        """Every `.py` file under every module folder, subfolders included (symbolic links to folders not
        followed), resolved."""
        for folder in self.modules.directories:
            for root, folders, names in os.walk(folder):
                folders.sort()
                for name in sorted(names):
                    path = Path(root) / name
                    if path.suffix == SUFFIX and path.is_file():
                        yield path.resolve()

    def read(self, procedure: str, path: str) -> str:
        """The text of the module file at the absolute `path`."""
        file, _ = self._existing(procedure, path)
        try:
            return file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise _failed(procedure, "Couldn't read the content of the file.") from None

    def create(self, procedure: str, filename: str, content: str) -> Path:
        """Writes a new module file `filename` (relative, subfolders created) in the internal folder and reloads
        every module; the file's resolved path."""
        folder = self.modules.internal
        if folder is None:
            raise _failed(procedure, "There is no folder to write module files to: an in-memory DBMS writes them to "
                                     "its query modules directory (setting query_modules_directory), which is "
                                     "not set.")
        file = (folder / filename).resolve()
        if not file.is_relative_to(folder):
            raise _failed(procedure, "Invalid relative path defined. The module file cannot be define outside the "
                                     "internal modules directory.")
        if file.suffix != SUFFIX:
            raise _failed(procedure, "The specified file isn't in the supported format.")
        if file.exists():
            raise _failed(procedure, "File with the same name already exists!")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            with file.open("x", encoding="utf-8") as output:
                output.write(content)
        except FileExistsError:
            raise _failed(procedure, "File with the same name already exists!") from None
        except OSError:
            raise _failed(procedure, f"Failed to open the file at location {file}") from None
        self.modules.load_all()
        return file

    def update(self, procedure: str, path: str, content: str) -> None:
        """Replaces the text of the module file at the absolute `path` and reloads every module."""
        file, _ = self._existing(procedure, path)
        try:
            file.write_text(content, encoding="utf-8")
        except OSError:
            raise _failed(procedure, f"Failed to open the file at location {file}") from None
        self.modules.load_all()

    def delete(self, procedure: str, path: str) -> None:
        """Deletes the module file at the absolute `path`, then the subfolders it leaves empty, and reloads every
        module (the file's module is gone)."""
        file, folder = self._existing(procedure, path)
        try:
            file.unlink()
        except OSError as error:
            raise _failed(procedure, f"Failed to delete the module: {error.strerror}") from None
        parent = file.parent
        while parent != folder and not parent.is_symlink() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
        self.modules.load_all()

    def _existing(self, procedure: str, path: str) -> tuple[Path, Path]:
        """The resolved file an absolute `path` names and the module folder it lies in, checked in Memgraph's
        order (its messages)."""
        given = Path(path)
        if not given.is_absolute():
            raise _failed(procedure, "The path should be an absolute path.")
        if given.suffix != SUFFIX:
            raise _failed(procedure, "The specified file isn't in the supported format.")
        if not given.exists():
            raise _failed(procedure, "The specified file doesn't exist.")
        file = given.resolve()
        # The deepest folder that holds it, as Memgraph picks when one module folder lies inside another.
        holders = [folder for folder in self.modules.directories if file.is_relative_to(folder)]
        if not holders:
            raise _failed(procedure, "The specified file isn't contained in any of the module directories.")
        return file, max(holders, key=lambda folder: len(folder.parts))


def _strings(procedure: str, **arguments: str | None) -> None:
    """Refuses a null argument, before any change, as Memgraph does (its STRING arguments take no null)."""
    for position, (name, value) in enumerate(arguments.items()):
        if value is None:
            raise ClientError(f"'{procedure}' argument named '{name}' at position {position} must be of type "
                              "STRING.", CALL_FAILED)


def _failed(procedure: str, message: str) -> ClientError:
    """Memgraph's report of a procedure's failure (`mg.get_module_file: The specified file doesn't exist.`)."""
    return ClientError(f"{procedure}: {message}", CALL_FAILED)


def register_module_file_procedures(modules: "QueryModules") -> None:
    """Registers the five `mg.*` module-file procedures on a new DBMS, as admin procedures."""
    files = ModuleFiles(modules)

    def get_module_files(ctx: ProcedureContext) -> Iterator[ModuleFileRow]:
        """Lists every Python module file of the module folders: its absolute path and whether it is writable."""
        for path in files.listed():
            yield {"path": str(path), "is_editable": os.access(path, os.W_OK)}

    def get_module_file(ctx: ProcedureContext, path: str) -> Iterator[ContentRow]:
        """Returns the content of the module file at an absolute path in one of the module folders."""
        _strings(ctx.name, path=path)
        yield {"content": files.read(ctx.name, path)}

    def create_module_file(ctx: ProcedureContext, filename: str, content: str) -> Iterator[PathRow]:
        """Creates a Python module file in the internal module folder and reloads every module."""
        _strings(ctx.name, filename=filename, content=content)
        yield {"path": str(files.create(ctx.name, filename, content))}

    def update_module_file(ctx: ProcedureContext, path: str, content: str) -> None:
        """Replaces the content of a module file of the module folders and reloads every module."""
        _strings(ctx.name, path=path, content=content)
        files.update(ctx.name, path, content)

    def delete_module_file(ctx: ProcedureContext, path: str) -> None:
        """Deletes a module file of the module folders and reloads every module."""
        _strings(ctx.name, path=path)
        files.delete(ctx.name, path)

    for impl in (get_module_files, get_module_file, create_module_file, update_module_file, delete_module_file):
        spec = procedure_spec(f"mg.{impl.__name__}", impl, "DBMS")
        modules.dbms.extensions.add_procedure(dataclasses.replace(spec, admin=True))
