"""What the tests that drive `graphplex serve` through Memgraph's own client (pymgclient) share."""
from __future__ import annotations


def fetch(cursor, query: str, parameters: dict | None = None) -> list[dict]:
    """The rows `query` returns through a pymgclient `cursor`, each as a dict of its columns (pymgclient gives
    tuples and the column names apart)."""
    cursor.execute(query, parameters or {})
    columns = [column.name for column in cursor.description] if cursor.description else []
    return [dict(zip(columns, row)) for row in cursor.fetchall()]
