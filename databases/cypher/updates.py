"""The updating clauses: CREATE, MERGE, SET, REMOVE, DELETE and FOREACH, as row operators."""
from __future__ import annotations

from typing import Callable, Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import semantic_error, syntax_error, type_error
from graphplex.databases.cypher.expressions import Compiled, Scope, compile_expression, pretty_type
from graphplex.databases.cypher.label_expressions import compile_names, property_key, token_names, written_labels
from graphplex.databases.cypher.patterns import MatchPlan, anonymous_name
from graphplex.databases.cypher.ranges import LazyRange
from graphplex.databases.cypher.values import PathValue
from graphplex.databases.storage import Edge, Vertex

RowWriter = Callable[[dict, ExecutionContext], dict]


# --- CREATE --------------------------------------------------------------------------------------------------

def compile_create(parts: tuple[ast.PatternPart, ...], scope: Scope, merging: bool = False) -> RowWriter:
    """A function that creates the pattern for one row and returns the row with the new variables bound.
    MERGE (`merging`) may leave a relationship's direction open: it is then created left to right."""
    steps = []
    bound = set(scope.variables)
    for part in parts:
        element = part.element
        node_names = []
        for node in element.nodes:
            name = node.variable or anonymous_name("NODE")
            node_names.append(name)
            if node.variable in bound:
                if node.labels is not None or node.properties is not None:
                    raise syntax_error(f"Can't create node `{node.variable}` with labels or properties here. "
                                       "The variable is already declared in this context")
                continue
            labels = written_labels(node.labels)
            if labels is None:
                raise syntax_error(f"Label expressions are not allowed in {'MERGE' if merging else 'CREATE'}; "
                                   "use `:A:B` or `:$(expr)`")
            inner = scope.with_variables(*bound)
            props = compile_expression(node.properties, inner) if node.properties is not None else None
            steps.append(_create_node(name, compile_names(labels, lambda e: compile_expression(e, inner)), props))
            bound.add(name)
        rel_names = []
        for index, rel in enumerate(element.relationships):
            name = rel.variable or anonymous_name("REL")
            rel_names.append(name)
            if rel.variable in bound:
                raise syntax_error(f"Can't create relationship `{rel.variable}`: the variable is already declared "
                                   "in this context")
            if len(rel.types) + len(rel.dynamic_types) != 1:
                raise syntax_error("Exactly one relationship type must be specified for CREATE. Did you forget "
                                   "to prefix your relationship type with a ':'?")
            if rel.direction == "both" and not merging:
                raise syntax_error("Only directed relationships are supported in CREATE")
            if rel.length is not None:
                raise syntax_error("Variable length relationships cannot be used in CREATE")
            props = compile_expression(rel.properties, scope.with_variables(*bound)) \
                if rel.properties is not None else None
            source, target = node_names[index], node_names[index + 1]
            if rel.direction == "in":
                source, target = target, source
            steps.append(_create_edge(name, _type_of(rel, scope.with_variables(*bound), merging), source, target,
                                      props))
            bound.add(name)
        if part.variable:
            steps.append(_bind_created_path(part.variable, node_names, rel_names))
            bound.add(part.variable)

    def create(row, ctx):
        row = dict(row)
        for step in steps:
            step(row, ctx)
        return row
    return create


def evaluate_props(props: Compiled | None, row: dict, ctx: ExecutionContext) -> dict:
    """The property map a created entity gets on `row` (null values still in it: the counters skip them)."""
    if props is None:
        return {}
    value = props(row, ctx)
    if value is None:
        return {}
    if isinstance(value, (Vertex, Edge)):
        return dict(ctx.view(value).props)
    if not isinstance(value, dict):
        raise type_error(f"Type mismatch: expected Map but was {pretty_type(value)}")
    return _storable_map(value)


def _storable(value: object) -> object:
    """A value as the store keeps it: a lazy range becomes the list it stands for (it must not outlive its query)."""
    return value.materialize() if type(value) is LazyRange else value


def _storable_map(values: dict) -> dict:
    if LazyRange in map(type, values.values()):  # one C loop: this runs for every created entity
        return {key: _storable(value) for key, value in values.items()}
    return values


def _type_of(rel: ast.RelationshipPattern, scope: Scope, merging: bool) -> Callable[[dict, ExecutionContext], str]:
    """The one type a created relationship gets: its name, or what its `$(…)` names on the row."""
    if rel.types:
        type_ = rel.types[0]
        return lambda row, ctx: type_
    dynamic = rel.dynamic_types[0]
    clause = "MERGE" if merging else "CREATE"
    if dynamic.any:
        raise syntax_error(f"$any() cannot be used in {clause}: a relationship is created with exactly one type")
    names_of = compile_expression(dynamic.expression, scope)

    def type_of(row, ctx):
        names = token_names(names_of(row, ctx))
        if len(names) != 1:
            raise type_error(f"Exactly one relationship type must be specified for {clause}, but the dynamic type "
                             f"evaluated to {len(names)}")
        return names[0]
    return type_of


def properties_set(values: dict | None) -> int:
    """The properties a creation with the map `values` sets: its keys, less those mapped to null (not stored)."""
    if not values:
        return 0
    return len(values) - list(values.values()).count(None)


def _create_node(name: str, labels_of: Callable[[dict, ExecutionContext], tuple[str, ...]], props: Compiled | None):
    def step(row, ctx):
        labels = labels_of(row, ctx)
        values = evaluate_props(props, row, ctx)
        vertex = ctx.txn.create_vertex(labels, values)
        counters = ctx.counters
        counters.nodes_created += 1
        counters.labels_added += len(labels)
        counters.properties_set += properties_set(values)
        row[name] = vertex
    return step


def _create_edge(name: str, type_of: Callable[[dict, ExecutionContext], str], source: str, target: str,
                 props: Compiled | None):
    def step(row, ctx):
        start, end = row[source], row[target]
        if start is None or end is None:
            missing = source if start is None else target
            raise semantic_error(f"Failed to create relationship `{name.strip()}`, node `{missing.strip()}` is "
                                 "missing. If you prefer to simply ignore rows where a relationship node is "
                                 "missing, set 'cypher.lenient_create_relationship = true' in neo4j.conf")
        if type(start) is not Vertex or type(end) is not Vertex:
            for value in (start, end):
                if not isinstance(value, Vertex):
                    raise type_error(f"Type mismatch: expected Node but was {pretty_type(value)}")
        type_ = type_of(row, ctx)
        values = evaluate_props(props, row, ctx)
        row[name] = ctx.txn.create_edge(start, end, type_, values)
        ctx.counters.relationships_created += 1
        ctx.counters.properties_set += properties_set(values)
    return step


def _bind_created_path(name: str, node_names: list[str], rel_names: list[str]):
    def step(row, ctx):
        row[name] = PathValue(tuple(row[n] for n in node_names), tuple(row[r] for r in rel_names))
    return step


# --- MERGE ---------------------------------------------------------------------------------------------------

def compile_merge(part: ast.PatternPart, match: MatchPlan, on_create: RowWriter | None,
                  on_match: RowWriter | None, scope: Scope) -> Callable[[dict, ExecutionContext], Iterator[dict]]:
    """MERGE for one row: the matches (with ON MATCH applied), or the created pattern (with ON CREATE)."""
    _check_merge_properties(part)
    create = compile_create((part,), scope, merging=True)
    bound_ends = [node.variable for node in part.element.nodes if node.variable in scope.variables]
    null_checks = _merge_null_checks(part, scope)

    def merge(row, ctx):
        for check in null_checks:
            check(row, ctx)
        if part.element.relationships:
            # Lock the bound end nodes first: concurrent MERGEs of one relationship then serialise.
            for name in bound_ends:
                value = row.get(name)
                if isinstance(value, Vertex):
                    ctx.txn.lock(value)
        matched = False
        for result in match.matcher(row, ctx):
            matched = True
            yield on_match(result, ctx) if on_match is not None else result
        if not matched:
            created = create(row, ctx)
            yield on_create(created, ctx) if on_create is not None else created
    return merge


def _check_merge_properties(part: ast.PatternPart) -> None:
    for entity in part.element.nodes + part.element.relationships:
        if isinstance(entity.properties, ast.Parameter):
            raise syntax_error("Parameter maps cannot be used in MERGE patterns (use a literal map instead, e.g. "
                               '"{id: $' + entity.properties.name + '.id}")')
    for rel in part.element.relationships:
        if len(rel.types) + len(rel.dynamic_types) != 1:
            raise syntax_error("Exactly one relationship type must be specified for MERGE. Did you forget to "
                               "prefix your relationship type with a ':'?")
        if rel.length is not None:
            raise syntax_error("Variable length relationships cannot be used in MERGE")


def _merge_null_checks(part: ast.PatternPart, scope: Scope) -> list:
    checks = []
    elements = [(n.variable, n.properties, "node") for n in part.element.nodes] + \
               [(r.variable, r.properties, "relationship") for r in part.element.relationships]
    for name, props, kind in elements:
        if isinstance(props, ast.MapLiteral):
            for key, value in props.items:
                compiled = compile_expression(value, scope)
                checks.append(_null_check(kind, key, compiled))
    return checks


def _null_check(kind: str, key: str, compiled: Compiled):
    def check(row, ctx):
        if compiled(row, ctx) is None:
            raise semantic_error(f"Cannot merge the following {kind} because of null property value for '{key}'")
    return check


# --- SET and REMOVE ------------------------------------------------------------------------------------------

def compile_set_items(items: tuple[ast.SetItem, ...], scope: Scope) -> RowWriter:
    writers = [_set_item(item, scope) for item in items]

    def apply(row, ctx):
        for writer in writers:
            writer(row, ctx)
        return row
    return apply


def _entity(value: object, what: str):
    if value is None or isinstance(value, (Vertex, Edge)):
        return value
    raise type_error(f"Type mismatch: expected Node or Relationship but was {pretty_type(value)} ({what})")


def _set_item(item: ast.SetItem, scope: Scope) -> RowWriter:
    if isinstance(item, ast.SetProperty):
        target = item.target
        if isinstance(target, ast.Property):
            subject, key = compile_expression(target.subject, scope), target.key
        else:
            subject = compile_expression(target.subject, scope)
            dynamic_key = compile_expression(target.index, scope)
            key = None
        value = compile_expression(item.value, scope)

        def set_property(row, ctx):
            entity = _entity(subject(row, ctx), "SET")
            # Lock before reading: `SET n.v = n.v + 1` then reads the newest committed value (READ COMMITTED
            # waits for a concurrent writer here) and never loses an update.
            if entity is None or not ctx.txn.lock(entity):
                return
            name = key if key is not None else property_key(dynamic_key(row, ctx))
            new = _storable(value(row, ctx))
            ctx.txn.set_property(entity, name, new)
            ctx.counters.properties_set += 1
        return set_property
    if isinstance(item, (ast.SetAllProperties, ast.MergeProperties)):
        subject = compile_expression(ast.Variable(item.variable), scope)
        value = compile_expression(item.value, scope)
        replace = isinstance(item, ast.SetAllProperties)

        def set_all(row, ctx):
            entity = _entity(subject(row, ctx), "SET")
            if entity is None or not ctx.txn.lock(entity):
                return
            new = value(row, ctx)
            if new is None:
                new = {}
            elif isinstance(new, (Vertex, Edge)):
                new = dict(ctx.view(new).props)
            elif not isinstance(new, dict):
                raise type_error(f"Type mismatch: expected Map but was {pretty_type(new)}")
            old = ctx.view(entity).props
            changed = len(new) + (sum(1 for k in old if k not in new) if replace else 0)
            ctx.txn.set_properties(entity, _storable_map(new), replace=replace)
            ctx.counters.properties_set += changed
        return set_all
    subject = compile_expression(ast.Variable(item.variable), scope)
    labels_of = compile_names(item.labels, lambda expression: compile_expression(expression, scope))

    def set_labels(row, ctx):
        vertex = subject(row, ctx)
        if vertex is None:
            return
        if not isinstance(vertex, Vertex):
            raise type_error(f"Type mismatch: expected Node but was {pretty_type(vertex)}")
        ctx.counters.labels_added += ctx.txn.add_labels(vertex, labels_of(row, ctx))
    return set_labels


def compile_remove_items(items: tuple[ast.RemoveItem, ...], scope: Scope) -> RowWriter:
    writers = []
    for item in items:
        if isinstance(item, ast.RemoveProperty):
            target = item.target
            subject = compile_expression(target.subject, scope)
            key = target.key if isinstance(target, ast.Property) else compile_expression(target.index, scope)
            writers.append(_remove_property(subject, key))
        else:
            labels_of = compile_names(item.labels, lambda expression: compile_expression(expression, scope),
                                      writing=False)
            writers.append(_remove_labels(compile_expression(ast.Variable(item.variable), scope), labels_of))

    def apply(row, ctx):
        for writer in writers:
            writer(row, ctx)
        return row
    return apply


def _remove_property(subject: Compiled, key):
    def remove(row, ctx):
        entity = _entity(subject(row, ctx), "REMOVE")
        if entity is None:
            return
        name = key if isinstance(key, str) else property_key(key(row, ctx))
        if ctx.view(entity).props.get(name) is not None:
            ctx.txn.set_property(entity, name, None)
            ctx.counters.properties_set += 1
    return remove


def _remove_labels(subject: Compiled, labels_of: Callable[[dict, ExecutionContext], tuple[str, ...]]):
    def remove(row, ctx):
        vertex = subject(row, ctx)
        if vertex is None:
            return
        if not isinstance(vertex, Vertex):
            raise type_error(f"Type mismatch: expected Node but was {pretty_type(vertex)}")
        ctx.counters.labels_removed += ctx.txn.remove_labels(vertex, labels_of(row, ctx))
    return remove


# --- DELETE --------------------------------------------------------------------------------------------------

def compile_delete(expressions: tuple[ast.Expr, ...], detach: bool, scope: Scope) -> RowWriter:
    for expression in expressions:
        if isinstance(expression, ast.LabelCheck):
            raise syntax_error("Invalid input ':': DELETE removes nodes, relationships and paths; use REMOVE "
                               "to remove a label")
        if not isinstance(expression, (ast.Variable, ast.Property, ast.Subscript, ast.FunctionCall,
                                       ast.Parameter, ast.ListLiteral, ast.Case, ast.Literal)):
            raise syntax_error("Type mismatch: expected Node, Path or Relationship to DELETE")
    values = [compile_expression(expression, scope) for expression in expressions]

    def delete(row, ctx):
        for value in values:
            _delete_value(value(row, ctx), detach, ctx)
        return row
    return delete


def _delete_value(value: object, detach: bool, ctx: ExecutionContext) -> None:
    if value is None:
        return
    txn, counters = ctx.txn, ctx.counters
    if isinstance(value, Vertex):
        if txn.view(value) is None:
            return
        removed = txn.delete_vertex(value, detach=detach)
        counters.nodes_deleted += 1
        counters.relationships_deleted += len(removed)
    elif isinstance(value, Edge):
        if txn.delete_edge(value):
            counters.relationships_deleted += 1
    elif isinstance(value, PathValue):
        for edge in value.edges:
            if txn.delete_edge(edge):
                counters.relationships_deleted += 1
        for vertex in value.vertices:
            if txn.view(vertex) is not None:
                counters.relationships_deleted += len(txn.delete_vertex(vertex, detach=detach))
                counters.nodes_deleted += 1
    elif isinstance(value, list):
        for item in value:
            _delete_value(item, detach, ctx)
    else:
        raise type_error(f"Type mismatch: expected Node, Path or Relationship but was {pretty_type(value)}")
