"""Redo records: what a committed transaction left behind, as the final state of each entity it wrote.

A record is replayed on recovery in the order vertices, edges, edge deletions, vertex deletions, schema changes,
so that every relationship finds its end nodes."""
from __future__ import annotations

from dataclasses import astuple

from graphplex.databases.storage import Edge, SchemaChange, Transaction, Vertex


def redo_record(txn: Transaction, commit_ts: int) -> tuple:
    """(commit_ts, operations) for a transaction about to publish at `commit_ts`."""
    own = txn.info
    vertices, edges, dead_edges, dead_vertices = [], [], [], []
    for entity in txn.written_entities():
        head = entity.head
        if head is None or head.owner is not own:
            continue
        existed = head.older is not None
        if isinstance(entity, Vertex):
            if head.deleted:
                if existed:
                    dead_vertices.append(("v", entity.gid))
            else:
                vertices.append(("V", entity.gid, sorted(head.labels), dict(head.props)))
        elif isinstance(entity, Edge):
            if head.deleted:
                if existed:
                    dead_edges.append(("e", entity.gid))
            else:
                edges.append(("E", entity.gid, entity.type, entity.src.gid, entity.dst.gid, dict(head.props)))
    schema = [("S",) + astuple(change) for change in txn.schema_changes()]
    return (commit_ts, vertices + edges + dead_edges + dead_vertices + schema)


def schema_change(operation: tuple) -> SchemaChange:
    return SchemaChange(*operation[1:])
