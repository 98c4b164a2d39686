"""Public value types that Python has no exact type for (re-exported from `databases.values`)."""
from databases.values import Duration, Point  # noqa: F401

__all__ = ["Duration", "Point"]
