"""Transactional, multi-version property-graph storage for one database."""
from databases.storage.constraints import EXISTENCE, KEY, PROPERTY_TYPE, UNIQUENESS, Constraint
from databases.storage.indexes import NODE, RELATIONSHIP, PropertyIndex
from databases.storage.isolation import IsolationLevel
from databases.storage.modes import ANALYTICAL_ISOLATION_MESSAGE, StorageMode
from databases.storage.records import Edge, Vertex
from databases.storage.schema import SchemaChange
from databases.storage.storage import Storage
from databases.storage.transaction import BOTH, IN, OUT, Status, Transaction

__all__ = [
    "Storage", "Transaction", "Status", "IsolationLevel", "StorageMode", "ANALYTICAL_ISOLATION_MESSAGE", "Vertex", "Edge", "SchemaChange", "Constraint",
    "PropertyIndex", "NODE", "RELATIONSHIP", "UNIQUENESS", "KEY", "EXISTENCE", "PROPERTY_TYPE", "OUT", "IN", "BOTH",
]
