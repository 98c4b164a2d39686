"""One named graph each: storage, durability and the Cypher engine. Imports nothing of `system_db` or `dbms`."""
from graphplex.databases.cypher.python_procedures import (
    Module, ProcedureContext, UserRegistry, function_spec, procedure_spec,
)
from graphplex.databases.cypher.extensions import using_extensions
from graphplex.databases.cypher.lookup import functions as listed_functions, procedures as listed_procedures
from graphplex.databases.database import Database, QueryResult
from graphplex.databases.cypher import triggers
from graphplex.databases.cypher.builtin_procedures import NEO4J_VERSION
from graphplex.databases import text_values

__all__ = ["NEO4J_VERSION", "Database", "Module", "ProcedureContext", "QueryResult", "UserRegistry", "function_spec",
           "listed_functions", "listed_procedures", "procedure_spec", "text_values", "triggers", "using_extensions"]
