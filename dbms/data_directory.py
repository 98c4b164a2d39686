"""Checking a data directory before a DBMS uses it: a path that is a file, lies under a file, or is an unrelated
folder with other things in it is refused with a `Neo.*` error that says what to do, rather than an OSError
(or, worse, graphplex's files sprinkled among someone's documents)."""
from __future__ import annotations

from pathlib import Path

from graphplex.databases.errors import ClientError

INVALID = "Neo.ClientError.General.InvalidArguments"
# What may be in a directory before graphplex has written to it: a settings file, the LOAD CSV folder, the lock.
_PREPARED = {"graphplex.toml", "import", "dbms.lock"}
# What shows that graphplex has written to it.
_OURS = {"system", "databases"}


def prepare_data_directory(path: Path) -> None:
    """Creates `path` (and its `import` folder) if new; refuses a path that cannot be a data directory."""
    if path.exists() and not path.is_dir():
        raise ClientError(f"The data directory {path} is a file, not a directory: choose another path (or move "
                          "the file away).", INVALID)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (NotADirectoryError, FileExistsError):
        raise ClientError(f"The data directory {path} cannot be created: a part of its path is a file. Choose "
                          "another path.", INVALID) from None
    except PermissionError:
        raise ClientError(f"The data directory {path} cannot be created: permission denied. Choose a path you "
                          "may write to.", INVALID) from None
    entries = {entry.name for entry in path.iterdir()}
    if not entries & _OURS and entries - _PREPARED:
        shown = ", ".join(sorted(entries - _PREPARED)[:3])
        raise ClientError(f"The directory {path} holds other things ({shown}…) and no graphplex data: a data "
                          "directory must be new, empty or an existing graphplex data directory. Choose another "
                          "path.", INVALID)
    try:
        (path / "import").mkdir(exist_ok=True)
    except OSError:
        pass  # LOAD CSV reports a missing import folder itself; a read-only directory may still be opened
