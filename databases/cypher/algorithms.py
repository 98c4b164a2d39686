"""Graph-algorithm procedures, computed with networkx on what the calling transaction sees.

Every call builds a networkx graph from the transaction's snapshot (`ctx.txn.vertices()` / `ctx.txn.edges()`, so
its own uncommitted writes are included and other transactions' are not) whose node keys are the storage
`Vertex` objects themselves: results yield the vertices, which the engine hands to users as `Node` values.
The graph is built afresh for every input row, so a write made earlier in the same query is always seen.

Termination: the build calls `ctx.check()` every few thousand elements, and the graphs handed to networkx
keep their adjacency in a dict whose item lookup calls `ctx.check()`, so a terminated or timed-out transaction
also stops inside a long networkx computation (betweenness, Dijkstra, preflow-push max flow, components).

Conventions shared by the procedures (see each docstring for the rest):
  * relationships are followed in their direction unless a procedure says otherwise;
  * a relationship without the weight/capacity property takes no part (Memgraph's max_flow skips such
    relationships: "when no edges have this property, the returning max flow value is 0");
  * a weight/capacity that is not a number is a `Neo.ClientError.Statement.TypeError`; a negative or NaN one,
    and an invalid configuration value, is `Neo.ClientError.Procedure.ProcedureCallFailed`;
  * a null NODE argument yields no row; a null optional argument means its default;
  * a node deleted by this transaction is `Neo.ClientError.Statement.EntityNotFound`.

Names: `algo.*` are graphplex's own; `max_flow.get_flow`, `pagerank.get`, `weakly_connected_components.get`
and `betweenness_centrality.get` follow Memgraph MAGE's names, arguments and result fields.

Declared as a query module is: plain functions whose annotations give their signatures (`python_procedures`),
registered by `register(module)`; they take the engine's `ExecutionContext` and values, so nothing is converted.
"""
from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Iterator, TypedDict

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import type_error
from graphplex.databases.cypher.values import PathValue, type_name
from graphplex.databases.errors import ClientError
from graphplex.databases.procedure_failures import call_failed
from graphplex.databases.storage import Vertex

if TYPE_CHECKING:
    from graphplex.databases.cypher.python_procedures import Module

# How many vertices / relationships the snapshot build reads between two termination checks.
CHECK_EVERY = 4096


# --- errors and arguments ------------------------------------------------------------------------------------

def _call_failed(name: str, message: str) -> ClientError:
    return call_failed("procedure", name, message)


def _node_argument(ctx, name: str, argument: str, value: object) -> Vertex | None:
    """The vertex passed as `argument`, checked to be a node this transaction sees; None for null."""
    if value is None:
        return None
    if not isinstance(value, Vertex):
        raise type_error(f"Type mismatch for procedure {name}: expected NODE for argument `{argument}` "
                         f"but was {type_name(value)}")
    ctx.view(value)  # EntityNotFound if this transaction deleted it
    if ctx.txn.vertex(value.gid) is not value:
        raise _call_failed(name, f"the node passed as `{argument}` does not belong to this database")
    return value


def _or_default(value, default):
    return default if value is None else value


def _number(name: str, edge, key: str, value: object) -> float | int | None:
    """A relationship's weight/capacity: None when absent; errors for non-numbers, NaN and negatives."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise type_error(f"Procedure {name} expects the relationship property `{key}` to be a number, but "
                         f"relationship {edge.gid} has {type_name(value)}")
    if value != value:
        raise _call_failed(name, f"relationship {edge.gid} has NaN as `{key}`")
    if value < 0:
        raise _call_failed(name, f"relationship {edge.gid} has a negative `{key}` ({value}); "
                                 "negative values are not supported")
    return value


# --- building the snapshot graph -----------------------------------------------------------------------------

class _CheckedAdjacency(dict):
    """An adjacency dict whose item lookup is a termination point: networkx's traversal loops index it."""

    __slots__ = ("_check",)

    def __init__(self, check) -> None:
        super().__init__()
        self._check = check

    def __getitem__(self, key):
        self._check()
        return dict.__getitem__(self, key)


def _no_check() -> None:
    return None


@cache
def _graph_classes():
    import networkx as nx

    def adjlist_outer_dict_factory(self):
        return _CheckedAdjacency(self._graphplex_check)

    def make(base):
        def __init__(self, check=_no_check, incoming_graph_data=None, **attr):
            self._graphplex_check = check
            base.__init__(self, incoming_graph_data, **attr)
        return type(f"Checked{base.__name__}", (base,),
                    {"__init__": __init__, "adjlist_outer_dict_factory": adjlist_outer_dict_factory})
    return make(nx.Graph), make(nx.DiGraph)


def _new_graph(ctx, directed: bool = True):
    graph_class, digraph_class = _graph_classes()
    return (digraph_class if directed else graph_class)(ctx.check)


def _snapshot_vertices(ctx) -> list[Vertex]:
    """The vertices the transaction sees, in storage order."""
    vertices = []
    check = ctx.check
    for count, vertex in enumerate(ctx.txn.vertices(), 1):
        if count % CHECK_EVERY == 0:
            check()
        vertices.append(vertex)
    return vertices


def _snapshot_edges(ctx, present):
    """The relationships the transaction sees, with their visible version, whose ends are in `present`."""
    txn = ctx.txn
    view = txn.view
    check = ctx.check
    for count, edge in enumerate(txn.edges(), 1):
        if count % CHECK_EVERY == 0:
            check()
        version = view(edge)
        if version is None or edge.src not in present or edge.dst not in present:
            continue
        yield edge, version


def _topology(ctx, directed: bool = True):
    """The unweighted simple graph of the snapshot (parallel relationships collapse); also the vertex order."""
    vertices = _snapshot_vertices(ctx)
    graph = _new_graph(ctx, directed)
    graph.add_nodes_from(vertices)
    present = graph._node
    graph.add_edges_from((edge.src, edge.dst) for edge, _ in _snapshot_edges(ctx, present))
    return graph, vertices


# --- max flow ------------------------------------------------------------------------------------------------

def _max_flow(ctx, name: str, source, sink, key: str):
    """The maximum flow value from source to sink (None when either is null)."""
    source = _node_argument(ctx, name, "source", source)
    sink = _node_argument(ctx, name, "sink", sink)
    if source is None or sink is None:
        return None
    if source is sink:
        raise _call_failed(name, "the source and the sink must be different nodes")
    import networkx as nx
    from networkx.algorithms.flow import build_residual_network, preflow_push

    capacities: dict[tuple, float] = {}
    vertices = _snapshot_vertices(ctx)
    present = set(vertices)
    for edge, version in _snapshot_edges(ctx, present):
        capacity = _number(name, edge, key, version.props.get(key))
        if capacity is None or edge.src is edge.dst:
            continue  # no capacity: not part of the network; a self-loop never carries flow
        pair = (edge.src, edge.dst)
        capacities[pair] = capacities.get(pair, 0) + capacity  # parallel relationships add up
    network = nx.DiGraph()
    network.add_nodes_from(vertices)
    network.add_edges_from((u, v, {"capacity": c}) for (u, v), c in capacities.items())
    ctx.check()
    plain = build_residual_network(network, "capacity")
    residual = _new_graph(ctx)
    residual.__networkx_cache__ = None
    residual.add_nodes_from(plain)
    residual.add_edges_from(plain.edges(data=True))
    residual.graph.update(plain.graph)
    try:
        value = nx.maximum_flow_value(network, source, sink, capacity="capacity", flow_func=preflow_push,
                                      residual=residual)
    except nx.NetworkXUnbounded:
        return math.inf  # a path of infinite capacities
    except nx.NetworkXException as error:
        raise _call_failed(name, str(error)) from None
    return value


class MaxFlow(TypedDict):
    max_flow: float


class WeightedPath(TypedDict):
    path: PathValue
    total_weight: float


class Rank(TypedDict):
    node: Vertex
    rank: float


class Component(TypedDict):
    node: Vertex
    component_id: int


class Betweenness(TypedDict):
    node: Vertex
    betweenness_centrality: float


def max_flow(ctx: ExecutionContext, source: Vertex, sink: Vertex,
             capacityProperty: str = "capacity") -> Iterator[MaxFlow]:
    """The maximum flow from source to sink, capacities read from a relationship property.

    Relationships are directed; the capacities of parallel relationships add up; a relationship without the
    property carries nothing; a negative capacity is an error; an unbounded flow (a path of infinite
    capacities) is Infinity; source = sink is an error."""
    value = _max_flow(ctx, "algo.max_flow", source, sink, _or_default(capacityProperty, "capacity"))
    if value is not None:
        yield {"max_flow": float(value)}


def mage_max_flow(ctx: ExecutionContext, start_v: Vertex, end_v: Vertex,
                  edge_property: str = "weight") -> Iterator[dict]:
    """Memgraph MAGE's max_flow.get_flow: algo.max_flow with Memgraph's argument names and default property."""
    value = _max_flow(ctx, "max_flow.get_flow", start_v, end_v, _or_default(edge_property, "weight"))
    if value is not None:
        yield {"max_flow": value}


# --- weighted shortest path ----------------------------------------------------------------------------------

def shortest_path(ctx: ExecutionContext, source: Vertex, target: Vertex,
                  weightProperty: str = "weight") -> Iterator[WeightedPath]:
    """The path of least total weight from source to target (Dijkstra), relationships in their direction.

    A relationship without the weight property is not traversable; weights must be non-negative numbers.
    No path gives no row; source = target gives the empty path with total weight 0."""
    name = "algo.shortest_path"
    key = _or_default(weightProperty, "weight")
    source = _node_argument(ctx, name, "source", source)
    target = _node_argument(ctx, name, "target", target)
    if source is None or target is None:
        return
    import networkx as nx

    vertices = _snapshot_vertices(ctx)
    present = set(vertices)
    graph = _new_graph(ctx)
    graph.add_nodes_from(vertices)
    lightest: dict[tuple, tuple] = {}
    for edge, version in _snapshot_edges(ctx, present):
        weight = _number(name, edge, key, version.props.get(key))
        if weight is None:
            continue
        pair = (edge.src, edge.dst)
        best = lightest.get(pair)
        if best is None or weight < best[0]:  # of parallel relationships, the first lightest one
            lightest[pair] = (weight, edge)
    graph.add_edges_from((u, v, {"weight": w, "edge": e}) for (u, v), (w, e) in lightest.items())
    try:
        total, nodes = nx.single_source_dijkstra(graph, source, target, weight="weight")
    except nx.NetworkXNoPath:
        return
    except nx.NetworkXException as error:
        raise _call_failed(name, str(error)) from None
    edges = tuple(lightest[(u, v)][1] for u, v in zip(nodes, nodes[1:]))
    yield {"path": PathValue(tuple(nodes), edges), "total_weight": float(total)}


# --- PageRank ------------------------------------------------------------------------------------------------

def _pagerank(ctx, name: str, damping: float, max_iterations: int, tolerance: float):
    """(vertex, rank) in storage order: networkx's power iteration (`pagerank`'s reference algorithm).

    Parallel relationships count with their multiplicity, self-loops count, a node without outgoing
    relationships spreads its rank evenly over all nodes; it stops when the L1 change is below N × tolerance,
    or after max_iterations (then the last iterate is returned rather than an error)."""
    if not 0 <= damping <= 1:
        raise _call_failed(name, f"the damping factor must be between 0 and 1, got {damping}")
    if max_iterations < 1:
        raise _call_failed(name, f"the maximum number of iterations must be at least 1, got {max_iterations}")
    if tolerance < 0 or tolerance != tolerance:
        raise _call_failed(name, f"the tolerance must be a non-negative number, got {tolerance}")
    vertices = _snapshot_vertices(ctx)
    n = len(vertices)
    if n == 0:
        return []
    index = {vertex: i for i, vertex in enumerate(vertices)}
    targets: list[list[int]] = [[] for _ in range(n)]
    for edge, _ in _snapshot_edges(ctx, index):
        targets[index[edge.src]].append(index[edge.dst])
    dangling = [i for i in range(n) if not targets[i]]
    check = ctx.check
    rank = [1.0 / n] * n
    for _ in range(max_iterations):
        check()
        last = rank
        teleport = (1.0 - damping) / n + damping * sum(last[i] for i in dangling) / n
        rank = [teleport] * n
        for i in range(n):
            out = targets[i]
            if out:
                share = damping * last[i] / len(out)
                for j in out:
                    rank[j] += share
            if i % CHECK_EVERY == CHECK_EVERY - 1:
                check()
        if sum(abs(a - b) for a, b in zip(rank, last)) < n * tolerance:
            break
    return list(zip(vertices, rank))


def pagerank(ctx: ExecutionContext, dampingFactor: float = 0.85, maxIterations: int = 100,
             tolerance: float = 1e-6) -> Iterator[Rank]:
    """PageRank of every node (ranks sum to 1), relationships in their direction."""
    for vertex, rank in _pagerank(ctx, "algo.pagerank", float(_or_default(dampingFactor, 0.85)),
                                  _or_default(maxIterations, 100), float(_or_default(tolerance, 1e-6))):
        yield {"node": vertex, "rank": rank}


def mage_pagerank(ctx: ExecutionContext, max_iterations: int = 100, damping_factor: float = 0.85,
                  stop_epsilon: float = 1e-5) -> Iterator[Rank]:
    """Memgraph MAGE's pagerank.get: algo.pagerank with Memgraph's argument names, order and defaults."""
    for vertex, rank in _pagerank(ctx, "pagerank.get", float(_or_default(damping_factor, 0.85)),
                                  _or_default(max_iterations, 100), float(_or_default(stop_epsilon, 1e-5))):
        yield {"node": vertex, "rank": rank}


# --- weakly connected components -----------------------------------------------------------------------------

def _components(ctx):
    import networkx as nx
    graph, vertices = _topology(ctx, directed=True)
    component_of: dict[Vertex, int] = {}
    for members in nx.weakly_connected_components(graph):
        marker = len(component_of)
        for vertex in members:
            component_of[vertex] = marker
    numbers: dict[int, int] = {}
    for vertex in vertices:  # ids 0.. by first appearance in storage order
        component = numbers.setdefault(component_of[vertex], len(numbers))
        yield {"node": vertex, "component_id": component}


def weakly_connected_components(ctx: ExecutionContext) -> Iterator[Component]:
    """The weakly connected component of every node; ids 0, 1, … in order of first appearance in storage."""
    yield from _components(ctx)


def mage_weakly_connected_components(ctx: ExecutionContext) -> Iterator[Component]:
    """Memgraph MAGE's weakly_connected_components.get: algo.weakly_connected_components."""
    yield from _components(ctx)


# --- betweenness centrality ----------------------------------------------------------------------------------

def _betweenness(ctx, directed: bool, normalized: bool):
    import networkx as nx
    graph, vertices = _topology(ctx, directed=directed)
    scores = nx.betweenness_centrality(graph, normalized=normalized)
    for vertex in vertices:
        yield {"node": vertex, "betweenness_centrality": float(scores[vertex])}


def betweenness_centrality(ctx: ExecutionContext, directed: bool = True,
                           normalized: bool = True) -> Iterator[Betweenness]:
    """Betweenness centrality of every node (Brandes, unweighted; parallel relationships count once).

    `directed = false` ignores relationship direction; `normalized` divides by (n-1)(n-2) for a directed graph
    and by (n-1)(n-2)/2 for an undirected one (networkx's and Memgraph's convention)."""
    yield from _betweenness(ctx, _or_default(directed, True), _or_default(normalized, True))


def mage_betweenness_centrality(ctx: ExecutionContext, directed: bool = True, normalized: bool = True,
                                threads: int = 1) -> Iterator[Betweenness]:
    """Memgraph MAGE's betweenness_centrality.get: algo.betweenness_centrality (`threads` is accepted, unused)."""
    yield from _betweenness(ctx, _or_default(directed, True), _or_default(normalized, True))


def register(module: "Module") -> None:
    """Declares the algorithms, graphplex's names and Memgraph MAGE's (`max_flow.get_flow` yields Memgraph's
    NUMBER, which no annotation names)."""
    module.procedure("algo.max_flow")(max_flow)
    module.procedure("max_flow.get_flow", outputs={"max_flow": "NUMBER"})(mage_max_flow)
    module.procedure("algo.shortest_path")(shortest_path)
    module.procedure("algo.pagerank")(pagerank)
    module.procedure("pagerank.get")(mage_pagerank)
    module.procedure("algo.weakly_connected_components")(weakly_connected_components)
    module.procedure("weakly_connected_components.get")(mage_weakly_connected_components)
    module.procedure("algo.betweenness_centrality")(betweenness_centrality)
    module.procedure("betweenness_centrality.get")(mage_betweenness_centrality)
