"""The catalog of databases, kept as a graph in the system database: one `(:Database)` node per database.

The catalog is transactional like every graph: administration commands change it in a system transaction,
and the DBMS brings its live databases in line once that transaction commits (`entries`)."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from graphplex.databases import Database
from graphplex.databases.storage import UNIQUENESS, SchemaChange, Transaction
from graphplex.system_db.aliases import AliasCatalog
from graphplex.system_db.names import NAME_LABEL, check_name, normalise

SYSTEM = "system"
COMPOSITE = "composite"


@dataclass(frozen=True)
class DatabaseEntry:
    """What the catalog says of one database."""

    name: str
    status: str
    access: str
    storage_mode: str
    default: bool
    created: dt.datetime
    uuid: str
    # `CREATE DATABASE … OPTIONS {constraintChecking: …}`; None: the DBMS's `constraint_checking` setting.
    constraint_checking: str | None = None
    # "standard", "system", or "composite" (a database of no graph of its own, whose constituents are aliases).
    type: str = "standard"

    @property
    def composite(self) -> bool:
        return self.type == COMPOSITE


class Catalog:
    """Reads and writes the `(:Database)` nodes of the system database."""

    def __init__(self, system: Database) -> None:
        self.system = system
        self.aliases = AliasCatalog()

    def bootstrap(self, default_database: str, storage_mode: str) -> None:
        """Creates the entries of `system` and the default database when the catalog is new."""
        txn = self.system.begin()
        txn.change_schema(SchemaChange("create_constraint", "database_name", label="Database", properties=("name",),
                                       kind=UNIQUENESS, if_not_exists=True))
        self.aliases.bootstrap(txn)
        txn.change_schema(SchemaChange("create_constraint", "database_or_alias_name", label=NAME_LABEL,
                                       properties=("name",), kind=UNIQUENESS, if_not_exists=True))
        txn.commit()
        txn = self.system.begin()
        for label in ("Database", "Alias"):   # a catalog made before aliases existed
            for vertex in list(txn.vertices_with_label(label)):
                if NAME_LABEL not in txn.view(vertex).labels:
                    txn.add_labels(vertex, [NAME_LABEL])
        txn.commit()
        txn = self.system.begin()
        if self.find(txn, SYSTEM) is None:
            self._create(txn, SYSTEM, "IN_MEMORY_TRANSACTIONAL", default=False, uuid_=self.system.storage.database_id,
                         type_="system")
        if self.find(txn, default_database) is None:
            self._create(txn, default_database, storage_mode, default=True)
        txn.commit()

    def settings(self) -> dict[str, object]:
        """Settings changed at run time (`SET GLOBAL …`), kept as `(:Setting {name, value})` nodes."""
        txn = self.system.begin()
        try:
            return {txn.view(v).props["name"]: txn.view(v).props["value"] for v in txn.vertices_with_label("Setting")}
        finally:
            txn.commit()

    def store_setting(self, txn: Transaction, name: str, value: object) -> None:
        """Keeps a setting changed at run time, in the caller's system transaction."""
        found = next(txn.vertices_by_property("Setting", "name", name), None)
        if found is None:
            txn.create_vertex(["Setting"], {"name": name, "value": value})
        else:
            txn.set_property(found, "value", value)

    def entries(self, txn: Transaction | None = None) -> list[DatabaseEntry]:
        own = txn is None
        txn = txn or self.system.begin()
        try:
            entries = [self._entry(txn, vertex) for vertex in txn.vertices_with_label("Database")]
        finally:
            if own:
                txn.commit()
        return sorted(entries, key=lambda e: e.name)

    def find(self, txn: Transaction, name: str):
        for vertex in txn.vertices_by_property("Database", "name", normalise(name)):
            return vertex
        return None

    def name_taken(self, txn: Transaction, name: str) -> str | None:
        """What already bears `name`: "database", "alias", or None (databases and aliases share one namespace)."""
        if self.find(txn, name) is not None:
            return "database"
        return "alias" if self.aliases.entry(txn, name) is not None else None

    def entry(self, txn: Transaction, name: str) -> DatabaseEntry | None:
        vertex = self.find(txn, name)
        return None if vertex is None else self._entry(txn, vertex)

    def create(self, txn: Transaction, name: str, storage_mode: str, constraint_checking: str | None = None,
               type_: str = "standard") -> None:
        check_name(name)
        self._create(txn, name, storage_mode, default=False, constraint_checking=constraint_checking, type_=type_)

    def _create(self, txn: Transaction, name: str, storage_mode: str, default: bool, uuid_: str | None = None,
                constraint_checking: str | None = None, type_: str = "standard") -> None:
        txn.create_vertex(["Database", NAME_LABEL], {
            "name": normalise(name), "status": "online", "access": "read-write", "storage_mode": storage_mode,
            "default": default, "created": dt.datetime.now(dt.timezone.utc), "uuid": uuid_ or str(uuid.uuid4()),
            "constraint_checking": constraint_checking, "type": type_,
        })

    def update(self, txn: Transaction, name: str, **changes) -> None:
        vertex = self.find(txn, name)
        for key, value in changes.items():
            txn.set_property(vertex, key, value)

    def drop(self, txn: Transaction, name: str) -> None:
        txn.delete_vertex(self.find(txn, name), detach=True)

    def _entry(self, txn: Transaction, vertex) -> DatabaseEntry:
        props = txn.view(vertex).props
        type_ = props.get("type") or ("system" if props["name"] == SYSTEM else "standard")
        return DatabaseEntry(props["name"], props["status"], props["access"], props["storage_mode"],
                             props["default"], props["created"], props["uuid"], props.get("constraint_checking"),
                             type_)
