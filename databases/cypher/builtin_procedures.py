"""The built-in procedures: `dbms.components` here; the `db.*` ones in `procedures_db`, the `tx.*` and
`dbms.listConfig` in `procedures_dbms`, registered when this module is imported."""
from __future__ import annotations

from graphplex.databases.cypher import procedures_db, procedures_dbms  # noqa: F401  (register on import)
from graphplex.databases.cypher.procedures import procedure

NEO4J_VERSION = "5.26.0"  # the version graphplex reports, as the Bolt server's agent does


@procedure("dbms.components", outputs=[("name", "STRING"), ("versions", "LIST<STRING>"), ("edition", "STRING")],
           mode="DBMS")
def components(ctx):
    """The components of this DBMS and their versions: the Neo4j version graphplex behaves as, in the plain form
    Neo4j gives (libraries parse it with `packaging.version` to pick their dialect)."""
    yield {"name": "Neo4j Kernel", "versions": [NEO4J_VERSION], "edition": "community"}
