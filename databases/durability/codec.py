"""Encoding of commit records: pickle restricted to the value types a graph can hold.

Loading accepts only the classes listed here, so a damaged or foreign file cannot make recovery run code."""
from __future__ import annotations

import io
import pickle

_ALLOWED = {
    ("datetime", "date"), ("datetime", "time"), ("datetime", "datetime"), ("datetime", "timedelta"),
    ("datetime", "timezone"), ("zoneinfo", "ZoneInfo"), ("zoneinfo._zoneinfo", "ZoneInfo"),
    ("databases.values", "Duration"), ("databases.values", "Point"),
    ("databases.cypher.functions.temporal_values", "Time"),
    ("databases.cypher.functions.temporal_values", "DateTime"),
    ("databases.cypher.functions.temporal_values", "_restore_time"),
    ("databases.cypher.functions.temporal_values", "_restore_datetime"),
    ("builtins", "frozenset"), ("builtins", "set"),
}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"class {module}.{name} is not allowed in a commit record")
        return super().find_class(module, name)


def encode(record: object) -> bytes:
    return pickle.dumps(record, protocol=5)


def decode(payload: bytes) -> object:
    return _RestrictedUnpickler(io.BytesIO(payload)).load()


__all__ = ["encode", "decode"]
