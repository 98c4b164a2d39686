"""One named graph each: storage, durability and the Cypher engine. Imports nothing of `system_db` or `dbms`."""
from graphplex.databases.database import Database, QueryResult

__all__ = ["Database", "QueryResult"]
