"""The gid → node and gid → relationship maps of the in-memory storage, as lists indexed by gid.

Ids are handed out in order and never reused, so a list holds a map in 8 bytes an entity where a dict took ~45
(its entries and index table, which doubles as it grows). A slot is None where an entity was removed or its id
never used (a creation rolled back, ids reserved in bulk). It answers the dict calls the storage and its readers
make (`get`, `[]`, `in`, `len`, `pop`, `values`, `items`); iteration follows the ids. Readers take no lock: each
read is a few C-level steps under the GIL, and `tuple(table.values())` copies the list in one.
"""
from __future__ import annotations

from typing import Iterable, Iterator


class EntityTable:
    """Entities by gid (an `int` ≥ 0); see the module docstring."""

    __slots__ = ("_slots", "_count")

    def __init__(self) -> None:
        self._slots: list = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, gid: object) -> bool:
        return self.get(gid) is not None

    def __iter__(self) -> Iterator[int]:
        return (entity.gid for entity in self.values())

    def get(self, gid: object, default=None):
        if type(gid) is not int:
            gid = _as_gid(gid)
        if gid is not None and 0 <= gid < len(self._slots):
            entity = self._slots[gid]
            if entity is not None:
                return entity
        return default

    def __getitem__(self, gid: int):
        entity = self.get(gid)
        if entity is None:
            raise KeyError(gid)
        return entity

    def __setitem__(self, gid: int, entity) -> None:
        slots = self._slots
        if gid == len(slots):
            slots.append(entity)
        else:
            if gid > len(slots):
                slots.extend([None] * (gid - len(slots) + 1))
            elif slots[gid] is not None:
                slots[gid] = entity
                return
            slots[gid] = entity
        self._count += 1

    def update(self, items: Iterable[tuple[int, object]]) -> None:
        """Enters each (gid, entity) of `items`, as `dict.update` would."""
        for gid, entity in items:
            self[gid] = entity

    def enter_run(self, first: int, entities: list) -> None:
        """Enters `entities` under the consecutive gids from `first` (a bulk creation's), as `update` would: one
        list extension when they follow the last slot, as they do unless ids were reserved meanwhile."""
        slots = self._slots
        if first == len(slots):
            slots.extend(entities)
            self._count += len(entities)
        else:
            self.update(zip(range(first, first + len(entities)), entities))

    def pop(self, gid: int, default=None):
        entity = self.get(gid)
        if entity is None:
            return default
        self._slots[gid] = None
        self._count -= 1
        return entity

    def values(self) -> "EntityValues":
        return EntityValues(self._slots, self)

    def items(self) -> Iterator[tuple[int, object]]:
        return ((entity.gid, entity) for entity in self.values())

    def keys(self) -> Iterator[int]:
        return iter(self)


class EntityValues:
    """A live view of a table's entities, in gid order (as `dict.values()` is of a dict)."""

    __slots__ = ("_slots", "_table")

    def __init__(self, slots: list, table: EntityTable) -> None:
        self._slots = slots
        self._table = table

    def __iter__(self) -> Iterator:
        # Entities are always true (no __bool__ or __len__): filtering on truth drops only the empty slots, in C.
        return filter(None, self._slots)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, entity: object) -> bool:
        return entity is not None and self._table.get(getattr(entity, "gid", None)) is entity


def _as_gid(key: object) -> int | None:
    """The int a key other than an int equals, as a dict would find it by (`2.0`, `True`), or None."""
    try:
        as_int = int(key)
    except (TypeError, ValueError, OverflowError):
        return None
    return as_int if as_int == key else None
