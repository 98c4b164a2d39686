"""The open DBMS transactions, for SHOW TRANSACTIONS, TERMINATE TRANSACTIONS and closing the DBMS."""
from __future__ import annotations

import threading


class TransactionRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, object] = {}

    def add(self, txn) -> None:
        with self._lock:
            self._open[txn.id] = txn

    def remove(self, txn) -> None:
        with self._lock:
            self._open.pop(txn.id, None)

    def all(self) -> list:
        with self._lock:
            return list(self._open.values())
