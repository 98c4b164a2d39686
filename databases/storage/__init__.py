"""Transactional, multi-version property-graph storage for one database."""
from graphplex.databases.storage.columns import Column, column_scan
from graphplex.databases.storage.contracts import StorageEngine, StorageTransaction, TransactionHooks
from graphplex.databases.storage.constraints import (
    CONSTRAINT_CHECKING, EXISTENCE, KEY, PROPERTY_TYPE, UNIQUENESS, Constraint, check_constraint_checking,
)
from graphplex.databases.storage.indexes import NODE, RELATIONSHIP, PropertyIndex, property_value
from graphplex.databases.storage.isolation import IsolationLevel
from graphplex.databases.storage.modes import ANALYTICAL_ISOLATION_MESSAGE, StorageMode
from graphplex.databases.storage.disk import ONLY_SNAPSHOT_ISOLATION
from graphplex.databases.storage.records import Edge, Version, Vertex
from graphplex.databases.storage.schema import SchemaChange
from graphplex.databases.storage.storage import Storage
from graphplex.databases.storage.transaction import Transaction
from graphplex.databases.storage.transaction_state import BOTH, IN, OUT, Status
from graphplex.databases.storage.triggers import (
    AFTER_COMMIT, BEFORE_COMMIT, CREATE_TRIGGER, DROP_TRIGGER, Trigger, TriggerChanges, changes_of,
)

__all__ = [
    "Column", "column_scan",
    "StorageEngine", "StorageTransaction", "TransactionHooks", "Storage", "Transaction", "Status", "IsolationLevel", "StorageMode", "ANALYTICAL_ISOLATION_MESSAGE", "Vertex", "Edge", "Version", "ONLY_SNAPSHOT_ISOLATION", "SchemaChange", "Constraint",
    "PropertyIndex", "property_value", "CONSTRAINT_CHECKING", "check_constraint_checking", "NODE", "RELATIONSHIP", "UNIQUENESS", "KEY", "EXISTENCE", "PROPERTY_TYPE", "OUT", "IN", "BOTH",
    "Trigger", "TriggerChanges", "changes_of", "CREATE_TRIGGER", "DROP_TRIGGER", "BEFORE_COMMIT", "AFTER_COMMIT",
]
