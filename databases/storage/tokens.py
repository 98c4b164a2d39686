"""The property-key tokens of one graph: every key a committed transaction ever gave a value (or named in an index
or constraint), whether or not anything still holds it, as Neo4j's token store keeps them.

Neo4j creates a token the moment a transaction first uses a name and never removes it, so `db.propertyKeys()`
lists keys nothing uses any more and `UnknownPropertyKeyWarning` is silent for them. graphplex keeps the same rule
with one difference, chosen for durability: a token is made by the commit of the transaction that first wrote the
key, not by the write itself. A transaction that rolls back leaves no token (in Neo4j it does), because the log and
the snapshots, which rebuild the registry on recovery, hold committed transactions only; what a restart recovers is
then exactly what the database knew before. Until it commits, a transaction sees its own new keys as tokens
(`TransactionState.new_property_keys`), as it would in Neo4j.

Tokens keep the order they were made in (Neo4j lists them by token id: `db.propertyKeys()` does), and the log,
snapshots and the disk store keep that order.

Keys are asked about on every write, added rarely and never removed: the set and the order are replaced, never
changed in place, so readers need no lock (a reader may see a key in the set a moment before it is listed)."""
from __future__ import annotations

import threading
from typing import Iterable


class PropertyKeys:
    """The registry of one storage. `known` is the current set, for the per-write question (a C-level subset test,
    `known.issuperset(keys)`, with no Python call); `add` is called by a commit (and by recovery) with what it made
    known."""

    __slots__ = ("known", "_order", "_adding")

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self._order: tuple[str, ...] = tuple(dict.fromkeys(keys))
        self.known: frozenset[str] = frozenset(self._order)  # replaced, never changed: read it without a lock
        self._adding = threading.Lock()

    def __contains__(self, key: object) -> bool:
        return key in self.known

    def __len__(self) -> int:
        return len(self.known)

    def missing(self, keys: Iterable[str]) -> set[str]:
        """The keys of `keys` that are no token yet (empty when all are)."""
        known = self.known
        if known.issuperset(keys):
            return set()
        return {key for key in keys if key not in known}

    def add(self, keys: Iterable[str]) -> None:
        """Makes `keys` tokens, in their order after those there are (they stay tokens)."""
        if self.known.issuperset(keys):
            return
        with self._adding:
            new = tuple(key for key in dict.fromkeys(keys) if key not in self.known)
            self._order += new
            self.known = self.known.union(new)

    def names(self) -> list[str]:
        """Every token, in the order they were made."""
        return list(self._order)
