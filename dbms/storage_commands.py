"""`STORAGE MODE …`, `CREATE SNAPSHOT` and `SHOW STORAGE INFO`: statements about a database's storage, run by the
coordinator because they touch the catalog or must not run inside a multi-statement transaction."""
from __future__ import annotations

import resource
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from graphplex.databases.cypher import ast
from graphplex.databases.errors import ClientError, format_bytes
from graphplex.databases.storage import StorageMode
from graphplex.refusals import only_outside_transactions
from graphplex.system_db import SYSTEM, resolve_name

if TYPE_CHECKING:
    from graphplex.transaction import DBMSTransaction

STORAGE_INFO_COLUMNS = ["storage info", "value"]


def run_storage_command(txn: "DBMSTransaction", statement: ast.Statement,
                        parameters: dict) -> tuple[list[str], list[tuple]]:
    """Runs one storage statement for `txn`'s session database; returns (keys, records)."""
    if isinstance(statement, ast.ShowStorageInfo):
        return STORAGE_INFO_COLUMNS, _storage_info(txn, statement, parameters)
    if not txn.implicit:
        raise only_outside_transactions("Storage mode cannot be modified" if isinstance(statement, ast.SetStorageMode)
                                        else "Snapshot cannot be created")
    database = _database(txn, txn.database)
    if isinstance(statement, ast.CreateSnapshot):
        return ["path"], [(database.create_snapshot(),)]
    txn.check_access_mode(txn.database)
    _set_storage_mode(txn, database, StorageMode.parse(statement.mode))
    return [], []


def _database(txn: "DBMSTransaction", name: str):
    if name == SYSTEM:
        raise ClientError("The system database's storage cannot be changed or inspected this way.",
                          "Neo.ClientError.Statement.NotSystemDatabaseError")
    return txn.dbms.database_named(name)


def _set_storage_mode(txn: "DBMSTransaction", database, mode: StorageMode) -> None:
    """Records the mode in the catalog through `txn`'s system child (so that a restart keeps it), then switches
    the live database; if `txn` does not commit, the database switches back."""
    previous = database.storage_mode
    if mode.value == previous:
        return
    txn.dbms.catalog.update(txn.write_system(), database.name, storage_mode=mode.value)
    database.set_storage_mode(mode)
    txn.on_rollback(lambda: database.set_storage_mode(previous))


def _storage_info(txn: "DBMSTransaction", statement: ast.ShowStorageInfo, parameters: dict) -> list[tuple]:
    dbms = txn.dbms
    if statement.current:
        return _database_rows(dbms, txn.database, scoped=True)
    if statement.database is not None:
        return _database_rows(dbms, resolve_name(statement.database, parameters), scoped=True)
    rows = _database_rows(dbms, txn.database, scoped=False) if txn.database != SYSTEM else []
    return rows + _instance_rows(txn)


def _database_rows(dbms, name: str, scoped: bool) -> list[tuple]:
    entry = dbms.catalog_entry(name)
    broken = dbms.broken.get(name)
    database = dbms.databases.get(name)
    if broken is not None or database is None:
        info = {"name": name, "database_uuid": entry.uuid, "storage_mode": entry.storage_mode}
        health = f"unavailable: {broken.message}" if broken is not None else "offline"
    else:
        info = database.storage_info()
        info["disk_usage"] = format_bytes(info["disk_usage"])
        health = "healthy"
    if scoped:
        info = {"name": info.pop("name"), "state": entry.status, **info, "health": health}
    return list(info.items())


def _instance_rows(txn: "DBMSTransaction") -> list[tuple]:
    dbms = txn.dbms
    session_level, next_level = txn.session_isolation
    settings = dbms.settings
    return [
        ("memory_res", format_bytes(_resident_bytes())),
        ("peak_memory_res", format_bytes(max(_peak_resident_bytes(), _resident_bytes()))),
        ("disk_usage_total", format_bytes(_directory_bytes(dbms.path)) if dbms.path is not None else "0 B"),
        ("memory_limit", format_bytes(settings.transaction_memory_max)
         if settings.transaction_memory_max is not None else None),
        ("global_isolation_level", settings.isolation_level),
        ("session_isolation_level", session_level or ""),
        ("next_session_isolation_level", next_level or ""),
        ("global_storage_mode", settings.storage_mode),
    ]


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:
        return _peak_resident_bytes()


def _peak_resident_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _directory_bytes(path: Path) -> int:
    total = 0
    for item in path.rglob("*"):
        try:
            total += item.stat().st_size if item.is_file() else 0
        except FileNotFoundError:
            pass
    return total
