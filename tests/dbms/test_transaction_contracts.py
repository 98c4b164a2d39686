"""Every storage engine's transaction is a child the DBMS transaction can drive (`graphplex.contracts`)."""
import pytest

from graphplex import DBMS
from graphplex.contracts import ChildTransaction


@pytest.mark.parametrize("storage_mode", ["IN_MEMORY_TRANSACTIONAL", "IN_MEMORY_ANALYTICAL", "ON_DISK_TRANSACTIONAL"])
def test_each_engines_transaction_fulfils_the_child_contract(storage_mode):
    with DBMS.in_memory(storage_mode=storage_mode) as dbms:
        child = dbms.databases["neo4j"].begin()
        try:
            assert isinstance(child, ChildTransaction)
        finally:
            child.rollback()
