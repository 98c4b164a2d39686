"""apoc.any.property and apoc.any.properties: a property of a node, a relationship or a map, real or virtual
(the virtual nodes and relationships of apoc.meta.graph are read this way, e.g. by LlamaIndex)."""
from __future__ import annotations

from graphplex.databases.cypher.apoc.arguments import apoc_function
from graphplex.databases.graph_types import Node, Relationship
from graphplex.databases.storage import Edge, Vertex


def properties_of(ctx, thing) -> dict | None:
    """The properties of a node, relationship (stored or virtual) or map; None for anything else."""
    if isinstance(thing, dict):
        return thing
    if isinstance(thing, (Vertex, Edge)):
        return ctx.view(thing).props
    if isinstance(thing, (Node, Relationship)):
        return dict(thing)
    return None


@apoc_function("apoc.any.property(object :: ANY, key :: STRING) :: ANY")
def any_property(ctx, thing, key):
    """Returns the property for the given key from an object.
    The object can be a virtual `NODE`, a real `NODE`, a virtual `RELATIONSHIP`, a real `RELATIONSHIP`, or a
    `MAP`."""
    if thing is None or key is None:
        return None
    found = properties_of(ctx, thing)
    return None if found is None else found.get(key)


@apoc_function("apoc.any.properties(object :: ANY, keys = null :: LIST<STRING>) :: MAP")
def any_properties(ctx, thing, keys=None):
    """Returns all properties of the given object.
    The object can be a virtual `NODE`, a real `NODE`, a virtual `RELATIONSHIP`, a real `RELATIONSHIP`, or a
    `MAP`."""
    if thing is None:
        return None
    found = properties_of(ctx, thing)
    if found is None:
        return None
    if keys is None:
        return dict(found)
    return {key: value for key, value in found.items() if key in keys}
