"""The SQLite file behind ON_DISK_TRANSACTIONAL: tables, connections and the encoding of rows.

SQLite (standard library, WAL mode) keeps the committed graph, so a graph larger than memory works and only what
a transaction touches is loaded. Each transaction reads through a connection of its own whose read transaction
is its snapshot; commits write through one writer connection, one SQLite transaction each, synced as the
`durability` setting says. Rows hold values in the durability codec's encoding; the `format` row of `meta` holds
the file's header (`records.DISK_STORE`: magic and format version), checked when the file opens."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from graphplex.databases.durability.codec import decode, encode
from graphplex.databases.durability.records import DISK_STORE, check_header

FILE_NAME = "graph.sqlite"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nodes (gid INTEGER PRIMARY KEY, data BLOB NOT NULL, ts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS node_labels (label TEXT NOT NULL, gid INTEGER NOT NULL, PRIMARY KEY (label, gid))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_labels_gid ON node_labels (gid);
CREATE TABLE IF NOT EXISTS edges (gid INTEGER PRIMARY KEY, type TEXT NOT NULL, src INTEGER NOT NULL,
    dst INTEGER NOT NULL, props BLOB NOT NULL, ts INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS edges_out ON edges (src, type);
CREATE INDEX IF NOT EXISTS edges_in ON edges (dst, type);
CREATE INDEX IF NOT EXISTS edges_type ON edges (type);
CREATE TABLE IF NOT EXISTS node_entries (name TEXT NOT NULL, key TEXT NOT NULL, gid INTEGER NOT NULL,
    PRIMARY KEY (name, key, gid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_entries_gid ON node_entries (gid);
CREATE TABLE IF NOT EXISTS edge_entries (name TEXT NOT NULL, key TEXT NOT NULL, gid INTEGER NOT NULL,
    PRIMARY KEY (name, key, gid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edge_entries_gid ON edge_entries (gid);
"""

_SYNCHRONOUS = {"fsync": "FULL", "flush": "NORMAL", "none": "OFF"}

# Index entries of each entity type (the ids of nodes and relationships overlap).
ENTRY_TABLES = {"NODE": "node_entries", "RELATIONSHIP": "edge_entries"}


def connect(path: Path, durability: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), usable from any thread."""
    connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=60.0)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={_SYNCHRONOUS[durability]}")
    connection.execute("PRAGMA cache_size=-8192")  # 8 MiB of pages per connection: memory stays bounded
    return connection


def create_tables(connection: sqlite3.Connection) -> None:
    """Creates the tables of a new file and marks its format; refuses a file of another format or version."""
    connection.executescript(_TABLES)
    row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if row is not None:
        check_header(DISK_STORE, _file_name(connection), bytes(row[0]))
    elif connection.execute("SELECT 1 FROM meta LIMIT 1").fetchone() is not None:
        raise DISK_STORE.refuse(f"The disk store {_file_name(connection)} has no format version: it was written "
                                "with pickled rows, before format versions, and this graphplex cannot read it. "
                                f"{DISK_STORE.damage_note}")
    else:
        connection.execute("INSERT INTO meta (key, value) VALUES ('format', ?)", (DISK_STORE.header,))


def _file_name(connection: sqlite3.Connection) -> str:
    return next(row[2] for row in connection.execute("PRAGMA database_list") if row[1] == "main")


def read_meta(connection: sqlite3.Connection, key: str, default: object) -> object:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else decode(row[0])


def write_meta(connection: sqlite3.Connection, key: str, value: object) -> None:
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, encode(value)))


def entry_key(key: tuple) -> str:
    """An index key as stored: `repr` is deterministic for the plain values `index_key` produces, once integral
    floats are written as integers (1 and 1.0 are one key, as Cypher's equality says)."""
    return repr(_integral(key))


def _integral(part):
    if type(part) is float:
        return int(part) if part.is_integer() else part
    if type(part) is tuple:
        return tuple(map(_integral, part))
    return part


def encode_node(labels, props: dict) -> bytes:
    return encode((tuple(sorted(labels)), props))


def decode_node(data: bytes) -> tuple[tuple, dict]:
    return decode(data)


def encode_props(props: dict) -> bytes:
    return encode(props)


def decode_props(data: bytes) -> dict:
    return decode(data)
