"""The functions that tell where LOAD CSV is reading: file() and linenumber()."""
from __future__ import annotations

from graphplex.databases.cypher.functions.registry import function


@function("linenumber", 0)
def linenumber(ctx):
    """The line number of the row LOAD CSV is producing (null outside LOAD CSV)."""
    position = getattr(ctx, "csv_position", None)
    return position[1] if position else None


@function("file", 0)
def file(ctx):
    """The URL LOAD CSV is reading (null outside LOAD CSV)."""
    position = getattr(ctx, "csv_position", None)
    return position[0] if position else None
