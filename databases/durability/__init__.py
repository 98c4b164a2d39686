"""Durability of one database: the write-ahead log, and recovery from it when the database opens."""
from graphplex.databases.durability.log import TransactionLog

__all__ = ["TransactionLog"]
