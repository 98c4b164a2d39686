"""Encoding of commit records: pickle restricted to the value types a graph can hold.

Loading accepts only the classes listed here, so a damaged or foreign file cannot make recovery run code."""
from __future__ import annotations

import io
import pickle
import zoneinfo

_ALLOWED = {
    ("datetime", "date"), ("datetime", "time"), ("datetime", "datetime"), ("datetime", "timedelta"),
    ("datetime", "timezone"), ("zoneinfo", "ZoneInfo"), ("zoneinfo._zoneinfo", "ZoneInfo"),
    ("graphplex.databases.values", "Duration"), ("graphplex.databases.values", "Point"),
    ("graphplex.databases.temporal_values", "Time"),
    ("graphplex.databases.temporal_values", "DateTime"),
    ("graphplex.databases.temporal_values", "_restore_time"),
    ("graphplex.databases.temporal_values", "_restore_datetime"),
    ("builtins", "frozenset"), ("builtins", "set"),
    ("graphplex.databases.durability.codec", "_zone"),
}


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"class {module}.{name} is not allowed in a commit record")
        return super().find_class(module, name)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        # ZoneInfo pickles through `getattr(ZoneInfo, "_unpickle")`: loading that would need `getattr`, which no
        # restricted loader may allow. A zone is its key.
        if type(obj) is zoneinfo.ZoneInfo:
            return _zone, (obj.key,)
        return NotImplemented


def _zone(key: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(key)


def encode(record: object) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=5).dump(record)
    return buffer.getvalue()


def decode(payload: bytes) -> object:
    return _RestrictedUnpickler(io.BytesIO(payload)).load()


__all__ = ["encode", "decode"]
