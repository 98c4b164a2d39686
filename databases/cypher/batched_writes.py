"""The batch import idiom run chunk-wise instead of row by row.

Every Neo4j batch import is written the same way: `UNWIND $rows AS r CREATE (:Person {id: r.id, …})` for the
nodes, `UNWIND $pairs AS p MATCH (a:Person {id: p.a}), (b:Person {id: p.b}) CREATE (a)-[:KNOWS]->(b)` for the
relationships. Row by row, each element costs a row dict per operator, two index seeks through the generic
visibility path and one storage call with its own checks and locks. Here the statement runs in two phases over
the whole list: every item's seeks first (one probe of the index per distinct value, `vertex_seeker`), then the
creations a chunk at a time through the storage's batch functions (`create_vertices`, `create_edges`).

It is the row path's result exactly, not an approximation of it:

* the planner puts an Eager between MATCH and CREATE, so the row path too finishes every seek before it creates
  anything; the seeks here see what those would see;
* a missing value or match gives no row, several matches give their product in the row path's order, and a
  seek's value is only evaluated when the seeks before it found something, as the chained steps do;
* entities are created in the row path's order (so with the same ids), with the same counters; a failure is the
  row path's first failure: a property map that cannot be evaluated fails after the entities of the rows before
  it are created (and their own failures, which come first), and the storage's batch functions fail as
  `create_vertex` / `create_edge` would on the first bad row, with nothing of the call made;
* termination is checked between chunks.

Only statements whose every step is simple take this path (`plan_batched_writes`): the query's first clauses are
the UNWIND, MATCH clauses of single nodes sought by one indexed property each, and a CREATE of new nodes or of
relationships between the matched nodes, which ends the query (no row goes on, so no later clause can read the
graph between two creations); expressions read only the unwound item and parameters. At run time a transaction
that is not the in-memory engine's, a restricted user (read filter, write guard), a memory limit or a profiled
run takes the row path.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.expressions import Compiled, Scope, compile_expression
from graphplex.databases.cypher.label_expressions import written_labels
from graphplex.databases.cypher.plan import Operator
from graphplex.databases.cypher.updates import evaluate_props, properties_set
from graphplex.databases.storage import Transaction

# Items sought, or rows created, between two termination checks.
CHUNK = 4096

# The expressions a batched statement may evaluate: none reads the graph or depends on what was created before.
_SIMPLE = (ast.Literal, ast.Parameter, ast.Variable, ast.Property, ast.Subscript, ast.MapLiteral, ast.ListLiteral)

ItemFunction = Callable[[object, ExecutionContext], object]

_MAPS = frozenset({dict})
# The values whose seek cannot fail (`index_key` takes them all).
_PLAIN = frozenset({int, float, str, bool, type(None)})


@dataclass(frozen=True)
class _Seek:
    """`MATCH (name:label {key: value})`, answered by the index on (label, key)."""

    name: str
    label: str
    key: str
    value: ItemFunction
    field: str | None  # the value is `item.field` (read straight from a map item)


@dataclass(frozen=True)
class _Creation:
    """One part of the CREATE: a node with `labels`, or (`type_` set) a relationship from the match at position
    `source` to the one at `target`; `props` the map it gets from the item (None: no map)."""

    labels: tuple[str, ...]
    type_: str | None
    source: int
    target: int
    props: ItemFunction | None


class BatchedWrites:
    """The first operators of a plan (`replaced`: UNWIND, MATCH…, Eager, CREATE) run chunk-wise when the run
    allows it (`Plan.rows` asks it for its rows, as it asks a column scan), else those operators themselves."""

    def __init__(self, replaced: list[Operator], items: Compiled, seeks: list[_Seek],
                 creations: list[_Creation]) -> None:
        self.replaced = replaced
        self.replaces = len(replaced)
        self.items = items
        self.seeks = seeks
        self.creations = creations

    def rows(self, ctx: ExecutionContext) -> Iterator[dict]:
        """The rows of the replaced operators: none when batched (the CREATE ends the query)."""
        txn = ctx.txn
        if type(txn) is not Transaction or txn.read_filter is not None or txn.write_guard is not None \
                or txn.memory.bounded:
            rows: Iterator[dict] = iter(({},))
            for operator in self.replaced:
                rows = operator.run(rows, ctx)
            return rows
        return self._run(ctx)

    def _run(self, ctx: ExecutionContext) -> Iterator[dict]:
        items = self.items({}, ctx)
        if items is None:
            return
        if not isinstance(items, list):
            items = [items]
        ctx.txn.announce_bulk(len(items) * len(self.creations))
        matched = self._matched(items, ctx) if self.seeks else [(item,) for item in items]
        if self.creations[0].type_ is None:
            self._create_nodes(matched, ctx)
        else:
            self._create_relationships(matched, ctx)
        yield from ()

    # --- phase 1: every item's matches ---------------------------------------------------------------------

    def _matched(self, items: list, ctx: ExecutionContext) -> list[tuple]:
        """(item, vertex of each seek) for every match of every item, in the row path's order."""
        txn = ctx.txn
        # One seeker per index: the two ends of a relationship are sought in the same one, and a value found as
        # either end is not sought again.
        indexes = dict.fromkeys((seek.label, seek.key) for seek in self.seeks)
        by_index = {index: txn.vertex_seeker(*index) for index in indexes}
        seekers = [(by_index[seek.label, seek.key], seek.value) for seek in self.seeks]
        if len(seekers) == 2 and self.seeks[0].field is not None and self.seeks[1].field is not None:
            return _matched_pairs(items, seekers, (self.seeks[0].field, self.seeks[1].field), ctx)
        matched: list[tuple] = []
        found: list[tuple] = []
        for count, item in enumerate(items):
            if count % CHUNK == 0:
                ctx.check()
            found.clear()
            for seek, value in seekers:
                vertices = seek(value(item, ctx))
                if not vertices:
                    break
                found.append(vertices)
            else:
                if all(len(vertices) == 1 for vertices in found):
                    matched.append((item, *(vertices[0] for vertices in found)))
                else:
                    matched.extend((item, *combination) for combination in itertools.product(*found))
        return matched

    # --- phase 2: the creations ----------------------------------------------------------------------------

    def _create_nodes(self, matched: list[tuple], ctx: ExecutionContext) -> None:
        txn, counters = ctx.txn, ctx.counters
        for start in range(0, len(matched), CHUNK):
            ctx.check()
            specs: list[tuple[tuple[str, ...], dict]] = []
            try:
                for row in matched[start:start + CHUNK]:
                    item = row[0]
                    for creation in self.creations:
                        props = creation.props
                        specs.append((creation.labels, props(item, ctx) if props is not None else {}))
            except Exception:
                txn.create_vertices(specs)  # what the row path created before the failing row
                raise
            txn.create_vertices(specs)
            counters.nodes_created += len(specs)
            for labels, values in specs:
                counters.labels_added += len(labels)
                counters.properties_set += properties_set(values)

    def _create_relationships(self, matched: list[tuple], ctx: ExecutionContext) -> None:
        txn, counters = ctx.txn, ctx.counters
        type_ = self.creations[0].type_
        only = self.creations[0] if len(self.creations) == 1 and self.creations[0].props is None else None
        for start in range(0, len(matched), CHUNK):
            ctx.check()
            if only is not None:  # `CREATE (a)-[:T]->(b)`: nothing to evaluate
                source, target = only.source, only.target
                created = txn.create_edges(type_, [(row[source], row[target]) for row in matched[start:start + CHUNK]])
                counters.relationships_created += len(created)
                continue
            ends: list[tuple] = []
            maps: list[dict] = []
            try:
                for row in matched[start:start + CHUNK]:
                    for creation in self.creations:
                        props = creation.props
                        maps.append(props(row[0], ctx) if props is not None else None)
                        ends.append((row[creation.source], row[creation.target]))
            except Exception:
                txn.create_edges(type_, ends, maps)  # what the row path created before the failing row
                raise
            txn.create_edges(type_, ends, maps)
            counters.relationships_created += len(ends)
            for values in maps:
                counters.properties_set += properties_set(values)


def _matched_pairs(items: list, seekers: list, fields: tuple[str, str], ctx: ExecutionContext) -> list[tuple]:
    """`BatchedWrites._matched` for two seeks by fields of the item (`p.a`, `p.b`: a relationship's two ends), the
    loop of every batch of relationships. A chunk of map items whose two fields hold plain scalars is sought
    column by column: every `p.a`, then every `p.b` (a seek of such values can neither fail nor change anything,
    so seeking `p.b` where `p.a` found nothing changes no result); any other chunk item by item."""
    (seek_a, value_a), (seek_b, value_b) = seekers
    field_a, field_b = fields
    matched: list[tuple] = []
    append = matched.append
    chunks = [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)] if type(items) is list \
        else [items]
    for chunk in chunks:
        ctx.check()
        if _MAPS.issuperset(map(type, chunk)):
            column_a = [item.get(field_a) for item in chunk]
            column_b = [item.get(field_b) for item in chunk]
            if _PLAIN.issuperset(map(type, column_a)) and _PLAIN.issuperset(map(type, column_b)):
                for item, found_a, found_b in zip(chunk, map(seek_a, column_a), map(seek_b, column_b)):
                    if not found_a or not found_b:
                        continue
                    if len(found_a) == 1 and len(found_b) == 1:
                        append((item, found_a[0], found_b[0]))
                    else:
                        matched.extend((item, a, b) for a in found_a for b in found_b)
                continue
        for count, item in enumerate(chunk):
            if count and count % CHUNK == 0:
                ctx.check()
            found_a = seek_a(value_a(item, ctx))
            if not found_a:
                continue
            found_b = seek_b(value_b(item, ctx))
            if not found_b:
                continue
            matched.extend((item, a, b) for a in found_a for b in found_b)
    return matched


# --- planning ------------------------------------------------------------------------------------------------

def plan_batched_writes(query: ast.SingleQuery, operators: list[Operator], scope: Scope) -> BatchedWrites | None:
    """The batched run of `query`'s first operators when the query is the import idiom (see the module), else
    None. `operators` are the query's as planned: the batch takes their place only when the planner made the
    MATCH clauses of index seeks alone, in the order the batch seeks them."""
    clauses = [clause for clause in query.clauses if not isinstance(clause, ast.Use)]
    if len(clauses) < 2 or not isinstance(clauses[0], ast.Unwind) or not isinstance(clauses[-1], ast.Create):
        return None
    unwind = clauses[0]
    name = unwind.variable
    seeks: list[_Seek] = []
    for clause in clauses[1:-1]:
        if not isinstance(clause, ast.Match) or clause.optional or clause.where is not None or clause.hints:
            return None
        for part in clause.pattern:
            seek = _seek(part, name, [name] + [s.name for s in seeks], scope)
            if seek is None:
                return None
            seeks.append(seek)
    creations = _creations(clauses[-1].pattern, name, [s.name for s in seeks], scope)
    if creations is None:
        return None
    matches = len(clauses) - 2
    shape = ["Unwind"] + ["Match"] * matches + ["Eager"] * (matches > 0) + ["Create"]
    if [operator.name for operator in operators] != shape:
        return None
    steps = [step for operator in operators[1:1 + matches] for step in operator.steps]
    if [(step.name, step.binds) for step in steps] != [("NodeIndexSeek", (seek.name,)) for seek in seeks]:
        return None
    return BatchedWrites(list(operators), compile_expression(unwind.expression, scope), seeks, creations)


def _seek(part: ast.PatternPart, name: str, bound: list[str], scope: Scope) -> _Seek | None:
    element = part.element
    if part.variable is not None or part.shortest or element.relationships:
        return None
    node = element.nodes[0]
    labels = ast.simple_labels(node.labels)
    if node.variable is None or node.variable in bound or node.predicate is not None or not labels \
            or len(labels) != 1 or not isinstance(node.properties, ast.MapLiteral) \
            or len(node.properties.items) != 1:
        return None
    key, value = node.properties.items[0]
    function = _item_function(value, name, scope)
    if function is None:
        return None
    return _Seek(node.variable, labels[0], key, function, value.key if _is_field(value, name) else None)


def _creations(pattern: tuple[ast.PatternPart, ...], name: str, matched: list[str], scope: Scope
               ) -> list[_Creation] | None:
    """The CREATE's parts when all are new nodes or all are relationships of one type between matched nodes."""
    creations: list[_Creation] = []
    declared = set(matched) | {name}
    for part in pattern:
        element = part.element
        if part.variable is not None:
            return None
        if element.relationships:
            creation = _relationship(element, name, matched, declared, scope)
        else:
            creation = _node(element.nodes[0], name, declared, scope)
        if creation is None:
            return None
        creations.append(creation)
    kinds = {creation.type_ for creation in creations}
    if len(kinds) != 1:
        return None
    return creations


def _node(node: ast.NodePattern, name: str, declared: set[str], scope: Scope) -> _Creation | None:
    labels = written_labels(node.labels)
    if node.variable in declared or node.predicate is not None or labels is None \
            or not all(isinstance(label, str) for label in labels):
        return None
    if node.variable is not None:
        declared.add(node.variable)
    props = _props(node.properties, name, scope)
    return None if props is False else _Creation(tuple(dict.fromkeys(labels)), None, 0, 0, props)


def _relationship(element: ast.PatternElement, name: str, matched: list[str], declared: set[str], scope: Scope
                  ) -> _Creation | None:
    if len(element.relationships) != 1:
        return None
    rel = element.relationships[0]
    ends = [node.variable for node in element.nodes]
    if any(node.labels is not None or node.properties is not None or node.predicate is not None
           for node in element.nodes) or not all(end in matched for end in ends):
        return None
    if rel.variable in declared or len(rel.types) != 1 or rel.dynamic_types or rel.length is not None \
            or rel.predicate is not None or rel.direction not in ("out", "in"):
        return None
    if rel.variable is not None:
        declared.add(rel.variable)
    props = _props(rel.properties, name, scope)
    if props is False:
        return None
    source, target = matched.index(ends[0]) + 1, matched.index(ends[1]) + 1
    if rel.direction == "in":
        source, target = target, source
    return _Creation((), rel.types[0], source, target, props)


def _props(properties: ast.Expr | None, name: str, scope: Scope) -> ItemFunction | None | bool:
    """The map a created entity gets from an item, as `evaluate_props` makes it (None: no map; False: not a map
    the batch evaluates). `{key: r.field, …}` of a map item is one dictionary built from it."""
    if properties is None:
        return None
    if not isinstance(properties, ast.MapLiteral) or not _reads_item_only(properties, name):
        return False
    compiled = compile_expression(properties, scope.with_variables(name))

    def general(item, ctx):
        return evaluate_props(compiled, {name: item}, ctx)
    if not all(_is_field(value, name) for _, value in properties.items):
        return general
    fields = [(key, value.key) for key, value in properties.items]

    def props(item, ctx):
        if type(item) is dict:
            return {key: item.get(field) for key, field in fields}
        return general(item, ctx)
    return props


def _reads_item_only(expression: ast.Expr, name: str) -> bool:
    """Whether `expression` is made of literals, parameters, the item `name`, lookups in it, lists and maps."""
    return all(isinstance(node, _SIMPLE) and (not isinstance(node, ast.Variable) or node.name == name)
               for node in expression.walk())


def _item_function(expression: ast.Expr, name: str, scope: Scope) -> ItemFunction | None:
    """`expression` as a function of the unwound item (and the parameters), or None when it reads anything else.
    `r.key` of a map item is one dictionary lookup; anything else is the compiled expression on a row of the
    item alone (the only variable it reads)."""
    if not _reads_item_only(expression, name):
        return None
    compiled = compile_expression(expression, scope.with_variables(name))
    if _is_field(expression, name):
        key = expression.key

        def field(item, ctx):
            if type(item) is dict:
                return item.get(key)
            return compiled({name: item}, ctx)
        return field
    return lambda item, ctx: compiled({name: item}, ctx)


def _is_field(expression: ast.Expr, name: str) -> bool:
    """Whether `expression` is `name.key`."""
    return isinstance(expression, ast.Property) and isinstance(expression.subject, ast.Variable) \
        and expression.subject.name == name
