"""APOC core, the subset applications call (see docs/apoc.md), registered as procedures and functions.

Loaded lazily: importing these modules costs start-up time that a process answering `RETURN 1` must not pay, so
they are imported the first time a name starting with `apoc.` is looked up as a procedure or a function, or when
SHOW PROCEDURES / SHOW FUNCTIONS lists what exists. Each module registers its names on import."""
from __future__ import annotations

import importlib
import threading

# The modules of this package that register APOC names, imported by `load()` in this order.
MODULES: tuple[str, ...] = ("meta_types", "meta", "meta_graph", "meta_profiles", "schema", "schema_assert",
                           "properties", "creation", "util", "collections", "maps", "text", "cypher_runner",
                           "conditionals", "periodic", "paths", "refactor")

_loaded = False
_lock = threading.Lock()


def load() -> None:
    """Imports (and so registers) every APOC module once; later calls return at once."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if not _loaded:
            for name in MODULES:
                importlib.import_module(f"{__name__}.{name}")
            _loaded = True


def is_apoc_name(name: str) -> bool:
    """Whether a procedure or function name belongs to APOC (the names this package may register)."""
    return name[:5].lower() == "apoc."
