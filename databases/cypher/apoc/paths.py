"""apoc.path.expand, expandConfig, subgraphNodes, subgraphAll and spanningTree: APOC 5.26's path expander, which
walks Neo4j's traversal framework.

A traversal grows branches (paths) from each start node, breadth-first unless `bfs: false`. A new branch must
pass the uniqueness rule (RELATIONSHIP_PATH by default, NODE_GLOBAL for the subgraph procedures); then every
evaluator (label filter, min and max level, deny/allow/end/terminator nodes) says whether it is included in the
results and whether it continues to grow; a branch is included or continued only if all evaluators agree. The
relationship filter says which relationships each step may follow. Everything is read in the caller's transaction
through the storage calls the engine uses, so paths see what the caller sees (its own changes, its snapshot, its
read privileges), and the walk checks for termination at every branch."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.procedures import procedure
from graphplex.databases.cypher.values import PathValue
from graphplex.databases.procedure_failures import procedure_failed
from graphplex.databases.storage import BOTH, IN, OUT, Edge, Vertex

CONFIG_INPUTS = (("startNode", "ANY", ...), ("config", "MAP", ...))
# In the order of Neo4j's `Uniqueness` enum, which APOC's error message lists.
UNIQUENESS = ("NODE_GLOBAL", "NODE_PATH", "NODE_RECENT", "NODE_LEVEL", "RELATIONSHIP_GLOBAL", "RELATIONSHIP_PATH",
              "RELATIONSHIP_RECENT", "RELATIONSHIP_LEVEL", "NONE")


@dataclass(frozen=True)
class Evaluation:
    """A verdict on a branch: returned as a result (`includes`), grown further (`continues`)."""

    includes: bool
    continues: bool


INCLUDE_AND_CONTINUE = Evaluation(True, True)
INCLUDE_AND_PRUNE = Evaluation(True, False)
EXCLUDE_AND_CONTINUE = Evaluation(False, True)
EXCLUDE_AND_PRUNE = Evaluation(False, False)

Branch = tuple[tuple, tuple]   # (vertices, edges) from the start node
Evaluator = Callable[[Branch], Evaluation]


# --- the relationship filter: "KNOWS>|<WORKS_WITH|FOLLOWS", sequences split by commas --------------------------

def relationship_steps(text: str) -> list[list[tuple[str | None, str]]]:
    """Per step of a sequence, the (type or None for any, direction) pairs it may follow (APOC's
    RelationshipTypeAndDirections: '<' incoming, '>' outgoing, a type between backticks kept as it is)."""
    steps = []
    for step in text.split(","):
        pairs = []
        for definition in step.strip().split("|"):
            direction = IN if "<" in definition else OUT if ">" in definition else BOTH
            if "`" in definition:
                name = definition[definition.index("`") + 1:definition.rindex("`")]
            else:
                name = definition.replace("<", "").replace(">", "").replace(":", "")
            pairs.append((name if name.strip() else None, direction))
        steps.append(pairs)
    return steps


class RelationshipExpander:
    """Which relationships a branch of a given depth may follow next."""

    def __init__(self, text: str | None, begin_at_start: bool) -> None:
        steps = relationship_steps(text.strip()) if text is not None and text.strip() else [[(None, BOTH)]]
        self.initial = steps.pop(0) if not begin_at_start and len(steps) > 1 else None
        self.steps = steps

    def expand(self, ctx: ExecutionContext, vertex: Vertex, depth: int) -> Iterator[tuple[Edge, Vertex]]:
        """The (relationship, other node) pairs a branch ending at `vertex` after `depth` steps may follow."""
        if depth == 0 and self.initial is not None:
            pairs = self.initial
        else:
            pairs = self.steps[(depth if self.initial is None else depth - 1) % len(self.steps)]
        for type_, direction in pairs:
            yield from ctx.txn.expand(vertex, direction, None if type_ is None else (type_,))


# --- the label filter: "+Include|-Exclude|/Terminate|>End", sequences split by commas ---------------------------

@dataclass
class LabelMatcher:
    """Labels (or compound labels `A:B`, all of which must be present); `*` matches every node."""

    labels: set = field(default_factory=set)
    compounds: list = field(default_factory=list)
    everything: bool = False

    def add(self, label: str) -> None:
        """Adds a label of the filter (`*`, `:Label`, `A:B`, `\\:` for a colon inside a label)."""
        if label == "*":
            self.everything = True
            return
        if label.startswith(":"):
            label = label[1:]
        parts = _split_unescaped(label)
        if len(parts) == 1:
            self.labels.add(parts[0])
        else:
            self.compounds.append(parts)

    def matches(self, labels) -> bool:
        """Whether a node with `labels` matches any label or compound of this matcher."""
        return self.everything or bool(self.labels & labels) or any(all(p in labels for p in c) for c in self.compounds)

    @property
    def empty(self) -> bool:
        """An allow list that names nothing allows everything."""
        return not (self.everything or self.labels or self.compounds)


def _split_unescaped(label: str) -> list[str]:
    parts, current, index = [], "", 0
    while index < len(label):
        if label.startswith("\\:", index):
            current += ":"
            index += 2
            continue
        if label[index] == ":":
            parts.append(current)
            current = ""
        else:
            current += label[index]
        index += 1
    parts.append(current)
    return parts


class LabelGroup:
    """One step of a label filter (APOC's LabelMatcherGroup)."""

    def __init__(self, text: str) -> None:
        self.end_nodes_only = False
        self.allow, self.deny, self.end, self.terminator = LabelMatcher(), LabelMatcher(), LabelMatcher(), \
            LabelMatcher()
        for item in text.split("|") if text else ():
            if not item:
                continue
            operator = item[0]
            if operator in "/>":
                self.end_nodes_only = True
                (self.terminator if operator == "/" else self.end).add(item[1:])
            elif operator == "-":
                self.deny.add(item[1:])
            else:
                self.allow.add(item[1:] if operator == "+" else item)

    def evaluate(self, labels: set, below_min_level: bool) -> Evaluation:
        """The verdict on a node with `labels`: deny, then terminator, end node, allow (APOC's order)."""
        if self.deny.matches(labels):
            return EXCLUDE_AND_PRUNE
        if self.terminator.matches(labels):
            return EXCLUDE_AND_CONTINUE if below_min_level else INCLUDE_AND_PRUNE
        if self.end.matches(labels):
            return EXCLUDE_AND_CONTINUE if below_min_level else INCLUDE_AND_CONTINUE
        if self.allow.empty or self.allow.matches(labels):
            return EXCLUDE_AND_CONTINUE if self.end_nodes_only or below_min_level else INCLUDE_AND_CONTINUE
        return EXCLUDE_AND_PRUNE


def label_evaluator(ctx: ExecutionContext, text: str, filter_start: bool, begin_at_start: bool,
                    min_level: int) -> Evaluator:
    """APOC's LabelSequenceEvaluator: step `depth` of the sequence judges the branch's end node."""
    groups = [LabelGroup(step.strip()) for step in text.split(",")]
    end_nodes_only = any(group.end_nodes_only for group in groups)
    for group in groups:
        group.end_nodes_only = end_nodes_only
    start_verdict = EXCLUDE_AND_CONTINUE if end_nodes_only else INCLUDE_AND_CONTINUE

    def evaluate(branch: Branch) -> Evaluation:
        vertices, edges = branch
        depth = len(edges)
        if depth == 0 and (not filter_start or not begin_at_start):
            return start_verdict
        group = groups[(depth if begin_at_start else depth - 1) % len(groups)]
        return group.evaluate(set(ctx.view(vertices[-1]).labels), depth < min_level)
    return evaluate


# --- node lists: endNodes, terminatorNodes, allowlistNodes, denylistNodes ---------------------------------------

def node_evaluators(filter_start: bool, min_level: int, end: list, terminators: list, allow: list,
                    deny: list) -> list[Evaluator]:
    """APOC's NodeEvaluators: denied nodes prune; end nodes are returned and passed; terminators are returned and
    stop the branch (both only from minLevel on); with an allow list, only its nodes (and the end and terminator
    nodes) are walked. The start node is judged only with `filterStartNode`."""
    evaluators: list[Evaluator] = []
    if deny:
        denied = set(deny)
        evaluators.append(lambda b: INCLUDE_AND_CONTINUE if _unfiltered_start(b, filter_start)
                          else EXCLUDE_AND_PRUNE if b[0][-1] in denied else INCLUDE_AND_CONTINUE)
    if end or terminators:
        ends, stops = set(end), set(terminators)

        def end_and_terminators(branch: Branch) -> Evaluation:
            if _unfiltered_start(branch, filter_start) or len(branch[1]) < min_level:
                return EXCLUDE_AND_CONTINUE
            node = branch[0][-1]
            return Evaluation(node in ends or node in stops, node not in stops)
        evaluators.append(end_and_terminators)
    if allow:
        allowed = set(allow) | set(end) | set(terminators)
        evaluators.append(lambda b: INCLUDE_AND_CONTINUE if _unfiltered_start(b, filter_start)
                          else INCLUDE_AND_CONTINUE if b[0][-1] in allowed else EXCLUDE_AND_PRUNE)
    return evaluators


def _unfiltered_start(branch: Branch, filter_start: bool) -> bool:
    return len(branch[1]) == 0 and not filter_start


# --- uniqueness --------------------------------------------------------------------------------------------------

def uniqueness_rule(name: str) -> Callable[[Branch], bool]:
    """Whether a new branch may be taken under the rule `name`; the *_RECENT rules are kept as their global ones
    (Neo4j remembers a bounded number of recent entities; graphplex remembers them all)."""
    if name in ("NODE_GLOBAL", "NODE_RECENT", "RELATIONSHIP_GLOBAL", "RELATIONSHIP_RECENT"):
        seen: set = set()
        on_nodes = name.startswith("NODE")

        def globally(branch: Branch) -> bool:
            vertices, edges = branch
            if not on_nodes and not edges:
                return True
            entity = vertices[-1] if on_nodes else edges[-1]
            if entity in seen:
                return False
            seen.add(entity)
            return True
        return globally
    if name in ("NODE_LEVEL", "RELATIONSHIP_LEVEL"):
        levels: dict[int, set] = {}
        on_nodes = name == "NODE_LEVEL"

        def per_level(branch: Branch) -> bool:
            vertices, edges = branch
            if not on_nodes and not edges:
                return True
            entity = vertices[-1] if on_nodes else edges[-1]
            level = levels.setdefault(len(edges), set())
            if entity in level:
                return False
            level.add(entity)
            return True
        return per_level
    if name == "NODE_PATH":
        return lambda branch: branch[0][-1] not in branch[0][:-1]
    if name == "RELATIONSHIP_PATH":
        return lambda branch: not branch[1] or branch[1][-1] not in branch[1][:-1]
    return lambda branch: True


# --- the traversal -----------------------------------------------------------------------------------------------

@dataclass
class Traversal:
    """What one call walks: its start nodes, expander, evaluators, uniqueness, order and limit."""

    starts: list
    expander: RelationshipExpander
    evaluators: list
    uniqueness: str
    bfs: bool = True
    limit: int = -1

    def paths(self, ctx: ExecutionContext) -> Iterator[PathValue]:
        """The included branches as paths, in traversal order, at most `limit` (-1: all) of them."""
        produced = 0
        if self.limit == 0:
            return
        for branch in self._branches(ctx):
            yield PathValue(tuple(branch[0]), tuple(branch[1]))
            produced += 1
            if produced == self.limit:
                return

    def _evaluate(self, branch: Branch) -> Evaluation:
        includes = continues = True
        for evaluator in self.evaluators:
            verdict = evaluator(branch)
            includes = includes and verdict.includes
            continues = continues and verdict.continues
        return Evaluation(includes, continues)

    def _children(self, ctx: ExecutionContext, branch: Branch, unique) -> Iterator[tuple[Branch, Evaluation]]:
        vertices, edges = branch
        for edge, other in self.expander.expand(ctx, vertices[-1], len(edges)):
            ctx.check()
            child = (vertices + (other,), edges + (edge,))
            if unique(child):
                yield child, self._evaluate(child)

    def _branches(self, ctx: ExecutionContext) -> Iterator[Branch]:
        unique = uniqueness_rule(self.uniqueness)
        starts = []
        for start in self.starts:
            branch = ((start,), ())
            if unique(branch):
                starts.append((branch, self._evaluate(branch)))
        if self.bfs:
            yield from self._breadth_first(ctx, starts, unique)
        else:
            yield from self._depth_first(ctx, starts, unique)

    def _breadth_first(self, ctx, starts, unique) -> Iterator[Branch]:
        queue = []
        for branch, verdict in starts:
            if verdict.includes:
                yield branch
            if verdict.continues:
                queue.append(branch)
        position = 0
        while position < len(queue):
            branch = queue[position]
            queue[position] = None
            position += 1
            for child, verdict in self._children(ctx, branch, unique):
                if verdict.includes:
                    yield child
                if verdict.continues:
                    queue.append(child)

    def _depth_first(self, ctx, starts, unique) -> Iterator[Branch]:
        for branch, verdict in starts:
            if verdict.includes:
                yield branch
            if not verdict.continues:
                continue
            stack = [self._children(ctx, branch, unique)]
            while stack:
                step = next(stack[-1], None)
                if step is None:
                    stack.pop()
                    continue
                child, verdict = step
                if verdict.includes:
                    yield child
                if verdict.continues:
                    stack.append(self._children(ctx, child, unique))


# --- arguments ---------------------------------------------------------------------------------------------------

def start_nodes(ctx: ExecutionContext, name: str, value) -> list[Vertex]:
    """APOC's Util.nodeList: a node, an id, an element id, or a list of them (null: none)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [_node(ctx, name, item) for item in items]


def _node(ctx: ExecutionContext, name: str, item) -> Vertex:
    if isinstance(item, Vertex):
        ctx.view(item)
        return item
    if isinstance(item, int) and not isinstance(item, bool):
        vertex = ctx.txn.vertex(item)
        if vertex is None:
            raise procedure_failed(name, f"Node with id {item} not found", "org.neo4j.graphdb.NotFoundException")
        return vertex
    if isinstance(item, str):
        vertex = _by_element_id(ctx, item)
        if vertex is None:
            raise procedure_failed(name, f"Node with id {item} not found", "org.neo4j.graphdb.NotFoundException")
        return vertex
    raise procedure_failed(name, f"Can't convert {_java_class(item)} to a Node", "java.lang.RuntimeException")


def _by_element_id(ctx: ExecutionContext, element_id: str) -> Vertex | None:
    prefix, _, gid = element_id.rpartition(":")
    if not prefix.startswith("4:") or not gid.isdigit():
        return None
    vertex = ctx.txn.vertex(int(gid))
    return vertex if vertex is not None and ctx.element_id(vertex) == element_id else None


def _java_class(value) -> str:
    return {bool: "class java.lang.Boolean", float: "class java.lang.Double", dict: "class java.util.Map"}.get(
        type(value), f"class {type(value).__name__}")


def _integer(name: str, config: dict, key: str, default: int) -> int:
    value = config.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise procedure_failed(name, f"{key} must be a number", "java.lang.ClassCastException")
    try:
        return int(value)
    except ValueError:
        raise procedure_failed(name, f'For input string: "{value}"', "java.lang.NumberFormatException") from None


def _boolean(config: dict, key: str, default: bool) -> bool:
    value = config.get(key, default)
    if value is None:
        return default
    return value if isinstance(value, bool) else str(value).lower() == "true"


def _uniqueness(name: str, value) -> str:
    text = str(value).upper()
    if text not in UNIQUENESS:
        raise procedure_failed(name, f"Invalid uniqueness: '{value}'. Must be one of: {', '.join(UNIQUENESS)}.",
                               "java.lang.RuntimeException")
    return text


def traversal(ctx: ExecutionContext, name: str, start, config: dict | None) -> tuple[Traversal, bool]:
    """The traversal a config map describes (APOC's expandConfigPrivate), and whether the call is `optional`."""
    config = config or {}
    if not isinstance(config, dict):
        raise procedure_failed(name, "config must be a map", "java.lang.ClassCastException")
    min_level = _integer(name, config, "minLevel", -1)
    max_level = _integer(name, config, "maxLevel", -1)
    filter_start = _boolean(config, "filterStartNode", False)
    begin_at_start = _boolean(config, "beginSequenceAtStart", True)
    sequence = config.get("sequence")
    evaluators: list[Evaluator] = []
    if sequence is not None and str(sequence).strip():
        steps = str(sequence).split(",")
        labels = [s for i, s in enumerate(steps) if (i if begin_at_start else i - 1) % 2 == 0]
        relationships = [s for i, s in enumerate(steps) if (i if begin_at_start else i - 1) % 2 != 0]
        expander = RelationshipExpander(",".join(relationships), begin_at_start)
        evaluators.append(label_evaluator(ctx, ",".join(labels), filter_start, begin_at_start, min_level))
    else:
        expander = RelationshipExpander(config.get("relationshipFilter"), begin_at_start)
        label_filter = config.get("labelFilter")
        if label_filter is not None and str(label_filter).strip():
            evaluators.append(label_evaluator(ctx, str(label_filter).strip(), filter_start, begin_at_start,
                                              min_level))
    if min_level != -1:
        evaluators.append(lambda b: Evaluation(len(b[1]) >= min_level, True))
    if max_level != -1:
        evaluators.append(lambda b: Evaluation(len(b[1]) <= max_level, len(b[1]) < max_level))
    allow = start_nodes(ctx, name, config.get("allowlistNodes")) or start_nodes(ctx, name,
                                                                                config.get("whitelistNodes"))
    deny = start_nodes(ctx, name, config.get("denylistNodes")) or start_nodes(ctx, name,
                                                                              config.get("blacklistNodes"))
    evaluators += node_evaluators(filter_start, min_level, start_nodes(ctx, name, config.get("endNodes")),
                                  start_nodes(ctx, name, config.get("terminatorNodes")), allow, deny)
    walk = Traversal(start_nodes(ctx, name, start), expander, evaluators,
                     _uniqueness(name, config.get("uniqueness") or "RELATIONSHIP_PATH"),
                     _boolean(config, "bfs", True), _integer(name, config, "limit", -1))
    return walk, _boolean(config, "optional", False)


def _subgraph_config(name: str, config: dict | None) -> dict:
    """The subgraph procedures' config: NODE_GLOBAL uniqueness, a minLevel of 0 or 1 only."""
    config = dict(config or {})
    if "minLevel" in config and config["minLevel"] not in (0, 1):
        raise procedure_failed(name, f"minLevel can only be 0 or 1 in {name.rsplit('.', 1)[1]}()")
    config["uniqueness"] = "NODE_GLOBAL"
    return config


def _optional(paths: Iterable, optional: bool) -> Iterator:
    produced = False
    for path in paths:
        produced = True
        yield path
    if optional and not produced:
        yield None


# --- the procedures ----------------------------------------------------------------------------------------------

@procedure("apoc.path.expand", inputs=(("startNode", "ANY", ...), ("relFilter", "STRING", ...),
                                      ("labelFilter", "STRING", ...), ("minDepth", "INTEGER", ...),
                                      ("maxDepth", "INTEGER", ...)), outputs=(("path", "PATH"),),
           description="Returns `PATH` values expanded from the start `NODE` following the given `RELATIONSHIP` "
                       "types from min-depth to max-depth.")
def expand(ctx: ExecutionContext, start, rel_filter: str | None, label_filter: str | None, min_depth: int | None,
           max_depth: int | None) -> Iterator[dict]:
    """Returns `PATH` values expanded from the start `NODE` following the given `RELATIONSHIP` types from min-depth
    to max-depth."""
    config = {"relationshipFilter": rel_filter, "labelFilter": label_filter,
              "minLevel": -1 if min_depth is None else min_depth, "maxLevel": -1 if max_depth is None else max_depth}
    walk, _ = traversal(ctx, "apoc.path.expand", start, config)
    for path in walk.paths(ctx):
        yield {"path": path}


@procedure("apoc.path.expandConfig", inputs=CONFIG_INPUTS, outputs=(("path", "PATH"),),
           description="Returns `PATH` values expanded from the start `NODE` with the given `RELATIONSHIP` types "
                       "from min-depth to max-depth.")
def expand_config(ctx: ExecutionContext, start, config: dict | None) -> Iterator[dict]:
    """Returns `PATH` values expanded from the start `NODE` with the given `RELATIONSHIP` types from min-depth to
    max-depth."""
    walk, optional = traversal(ctx, "apoc.path.expandConfig", start, config)
    for path in _optional(walk.paths(ctx), optional):
        yield {"path": path}


@procedure("apoc.path.subgraphNodes", inputs=CONFIG_INPUTS, outputs=(("node", "NODE"),),
           description="Returns the `NODE` values in the sub-graph reachable from the start `NODE` following the "
                       "given `RELATIONSHIP` types to max-depth.")
def subgraph_nodes(ctx: ExecutionContext, start, config: dict | None) -> Iterator[dict]:
    """Returns the `NODE` values in the sub-graph reachable from the start `NODE` following the given
    `RELATIONSHIP` types to max-depth."""
    name = "apoc.path.subgraphNodes"
    walk, optional = traversal(ctx, name, start, _subgraph_config(name, config))
    for path in _optional(walk.paths(ctx), optional):
        yield {"node": None if path is None else path.vertices[-1]}


@procedure("apoc.path.subgraphAll", inputs=CONFIG_INPUTS,
           outputs=(("nodes", "LIST<NODE>"), ("relationships", "LIST<RELATIONSHIP>")),
           description="Returns the sub-graph reachable from the start `NODE` following the given `RELATIONSHIP` "
                       "types to max-depth.")
def subgraph_all(ctx: ExecutionContext, start, config: dict | None) -> Iterator[dict]:
    """Returns the sub-graph reachable from the start `NODE` following the given `RELATIONSHIP` types to
    max-depth."""
    name = "apoc.path.subgraphAll"
    config = _subgraph_config(name, config)
    config.pop("optional", None)
    walk, _ = traversal(ctx, name, start, config)
    nodes = [path.vertices[-1] for path in walk.paths(ctx)]
    yield {"nodes": nodes, "relationships": _covering(ctx, nodes)}


def _covering(ctx: ExecutionContext, nodes: list[Vertex]) -> list[Edge]:
    """APOC's Cover.coverNodes: every relationship this transaction sees between two of `nodes`."""
    members = set(nodes)
    found: list[Edge] = []
    for node in nodes:
        ctx.check()
        for edge, other in ctx.txn.expand(node, OUT):
            if other in members:
                found.append(edge)
    return found


@procedure("apoc.path.spanningTree", inputs=CONFIG_INPUTS, outputs=(("path", "PATH"),),
           description="Returns spanning tree `PATH` values expanded from the start `NODE` following the given "
                       "`RELATIONSHIP` types to max-depth.")
def spanning_tree(ctx: ExecutionContext, start, config: dict | None) -> Iterator[dict]:
    """Returns spanning tree `PATH` values expanded from the start `NODE` following the given `RELATIONSHIP` types
    to max-depth."""
    name = "apoc.path.spanningTree"
    walk, optional = traversal(ctx, name, start, _subgraph_config(name, config))
    for path in _optional(walk.paths(ctx), optional):
        yield {"path": path}
