"""Public value types: graph values and the temporal/spatial types Python has no exact type for."""
from graphplex.databases.graph_types import Node, Path, Relationship  # noqa: F401
from graphplex.databases.values import Duration, Point  # noqa: F401

__all__ = ["Node", "Relationship", "Path", "Duration", "Point"]
