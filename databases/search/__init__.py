"""Search engines behind Neo4j's vector and full-text indexes (issue 17; docs/design/search-indexes.md).

Each engine holds the committed entries of one index; transactional visibility is the storage layer's. Nothing
here imports storage or Cypher, and numpy, usearch and tantivy are imported on first use, never at start-up.
"""
from __future__ import annotations

import importlib

# name -> the module defining it: loaded on first use (PEP 562), so that naming the package costs nothing at start-up
_EXPORTS = {"FulltextEngine": "fulltext", "PreparedQuery": "fulltext", "VectorEngine": "vectors",
            "VectorQuery": "vectors"}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
