"""Temporal functions and the string form of temporal values."""
from __future__ import annotations


def temporal_to_string(value: object) -> str:
    """ISO 8601, as Neo4j writes temporal values."""
    return value.isoformat()
