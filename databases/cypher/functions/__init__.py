"""Cypher's functions, registered by the modules of this package (see `registry`)."""
from graphplex.databases.cypher.functions import (  # noqa: F401  (importing registers the functions)
    conversion, csv_position, graph, lists, mathematics, memgraph, spatial, strings, temporal, types,
)
from graphplex.databases.cypher.functions.accessors import property_of
from graphplex.databases.cypher.functions.registry import FUNCTIONS, FunctionSpec, function

__all__ = ["FUNCTIONS", "FunctionSpec", "function", "property_of"]
