"""The built-in procedures: schema tokens and components."""
from __future__ import annotations

from graphplex.databases.cypher.procedures import procedure

NEO4J_VERSION = "5.26.0"  # the version graphplex reports, as the Bolt server's agent does


@procedure("db.labels", outputs=[("label", "STRING")])
def labels(ctx):
    """The labels in use in the database."""
    txn = ctx.txn
    for label in txn.storage.labels_in_use():
        if any(True for _ in txn.vertices_with_label(label)):
            yield {"label": label}


@procedure("db.relationshipTypes", outputs=[("relationshipType", "STRING")])
def relationship_types(ctx):
    """The relationship types in use in the database."""
    txn = ctx.txn
    for type_ in txn.storage.types_in_use():
        if any(True for _ in txn.edges_with_type(type_)):
            yield {"relationshipType": type_}


@procedure("db.propertyKeys", outputs=[("propertyKey", "STRING")])
def property_keys(ctx):
    """The property keys in use in the database."""
    keys: set[str] = set()
    txn = ctx.txn
    for vertex in txn.vertices():
        keys.update(txn.view(vertex).props)
    for edge in txn.edges():
        keys.update(txn.view(edge).props)
    for key in sorted(keys):
        yield {"propertyKey": key}


@procedure("dbms.components", outputs=[("name", "STRING"), ("versions", "LIST<STRING>"), ("edition", "STRING")],
           mode="DBMS")
def components(ctx):
    """The components of this DBMS and their versions: the Neo4j version graphplex behaves as, in the plain form
    Neo4j gives (libraries parse it with `packaging.version` to pick their dialect)."""
    yield {"name": "Neo4j Kernel", "versions": [NEO4J_VERSION], "edition": "community"}
