"""Database aliases, kept as `(:Alias)` nodes in the system database beside the `(:Database)` nodes they name.

An alias is another name for a database: a local one names a database of this DBMS, a remote one a database of
another server (a Neo4j cluster, a Memgraph instance, another graphplex), reached through the official driver at
its URL with the credentials stored here, the password encrypted (`AliasSecrets`). An alias named `c.part`, where
`c` is a composite database, is one of `c`'s constituents. Like the catalog, aliases change in a system
transaction and the DBMS reads them again once it commits."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Protocol

from graphplex.databases.storage import UNIQUENESS, SchemaChange, Transaction
from graphplex.system_db.names import NAME_LABEL, normalise

LOCAL = "local"
REMOTE = "remote"


class AliasSecrets(Protocol):
    """Encrypts the password of a remote alias before it is stored, and decrypts it when the DBMS logs in to the
    remote: the system database (its files, its write-ahead log) never holds it in clear."""

    def encrypt(self, secret: str) -> str:
        """The stored form of `secret`."""

    def decrypt(self, stored: str) -> str:
        """The secret `encrypt` was given; a ClientError when this key did not encrypt it."""


@dataclass(frozen=True)
class AliasEntry:
    """What the catalog says of one alias. `target` is the database it names (on the remote server when `url` is
    set); `composite` the composite database it is a constituent of, if any; `password` the encrypted secret."""

    name: str
    target: str
    composite: str | None = None
    url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    driver: dict = field(default_factory=dict)
    properties: dict = field(default_factory=dict)

    @property
    def location(self) -> str:
        return REMOTE if self.url is not None else LOCAL

    @property
    def is_remote(self) -> bool:
        return self.url is not None


class AliasCatalog:
    """Reads and writes the `(:Alias)` nodes, in the caller's system transaction."""

    def bootstrap(self, txn: Transaction) -> None:
        txn.change_schema(SchemaChange("create_constraint", "alias_name", label="Alias", properties=("name",),
                                       kind=UNIQUENESS, if_not_exists=True))

    def entries(self, txn: Transaction) -> list[AliasEntry]:
        return sorted((self._entry(txn, vertex) for vertex in txn.vertices_with_label("Alias")), key=lambda e: e.name)

    def entry(self, txn: Transaction, name: str) -> AliasEntry | None:
        vertex = self._find(txn, name)
        return None if vertex is None else self._entry(txn, vertex)

    def put(self, txn: Transaction, alias: AliasEntry) -> None:
        """Creates the alias, or replaces what the catalog says of the alias of that name."""
        props = {"name": normalise(alias.name), "target": alias.target, "composite": alias.composite,
                 "url": alias.url, "user": alias.user, "password": alias.password,
                 "driver": json.dumps(alias.driver), "properties": json.dumps(alias.properties)}
        vertex = self._find(txn, alias.name)
        if vertex is None:
            txn.create_vertex(["Alias", NAME_LABEL], props)
            return
        for key, value in props.items():
            txn.set_property(vertex, key, value)

    def drop(self, txn: Transaction, name: str) -> None:
        txn.delete_vertex(self._find(txn, name), detach=True)

    def _find(self, txn: Transaction, name: str):
        return next(txn.vertices_by_property("Alias", "name", normalise(name)), None)

    def _entry(self, txn: Transaction, vertex) -> AliasEntry:
        props = txn.view(vertex).props
        return AliasEntry(props["name"], props["target"], props.get("composite"), props.get("url"), props.get("user"),
                          props.get("password"), json.loads(props.get("driver") or "{}"),
                          json.loads(props.get("properties") or "{}"))
