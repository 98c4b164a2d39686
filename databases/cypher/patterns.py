"""Pattern matching: plans a MATCH pattern into a chain of steps (scan or seek a start node — by equality, or by a
range or prefix (`range_seeks`) — or seek a start relationship by a range, expand along relationships from the bound
end, filter as soon as a predicate's variables are bound) and runs it per row as one lazy pipeline.

Relationship isomorphism holds within one pattern: no relationship is bound twice in one match.
"""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.analysis import conjuncts, free_variables, pattern_variables
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.errors import syntax_error, type_error
from graphplex.databases.cypher.estimates import DEFAULT_SELECTIVITY, EQUALITY_SELECTIVITY, Estimates, selectivity
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.label_expressions import compile_types, is_dynamic, label_names, label_test
from graphplex.databases.cypher.plan_text import expression_text, label_expression_text
from graphplex.databases.cypher.range_seeks import (RangeSeek, find_range, node_range_seek_step,
                                                    relationship_range_seek_step)
from graphplex.databases.cypher.values import PathValue, equals
from graphplex.databases.storage import BOTH, IN, OUT, Edge, Vertex

Step = Callable[[dict, ExecutionContext, tuple], Iterator[tuple[dict, tuple]]]
Matcher = Callable[[dict, ExecutionContext], Iterator[dict]]

_anonymous = itertools.count()


def anonymous_name(kind: str) -> str:
    """A name for an unnamed pattern element; the leading spaces keep it out of RETURN *."""
    return f"  {kind}{next(_anonymous)}"


def is_internal(name: str) -> bool:
    return name.startswith("  ")


@dataclass(frozen=True, eq=False)
class StepInfo:
    """One step of a planned pattern as the Neo4j operator EXPLAIN and PROFILE show for it: its name, its details,
    the variables it binds, and the rows it is estimated to produce per row it receives (from the storage's counts;
    see `estimates`). PROFILE measures each step apart, keyed by this object."""

    name: str
    details: str
    factor: float = 1.0
    binds: tuple[str, ...] = ()


@dataclass
class MatchPlan:
    """A planned pattern: run it with `matcher(row, ctx)`; `shown` (one per step) feeds EXPLAIN and PROFILE."""

    matcher: Matcher
    new_variables: list[str]
    profiled_steps: list[Step] = field(default_factory=list)
    shown: tuple[StepInfo, ...] = ()
    steps: list[Step] = field(default_factory=list)

    def profiled_matcher(self, meter) -> Matcher:
        """The matcher with each step measured apart into `meter` (a `profiling.Meter`), for a profiled run."""
        return _chain([meter.step(info, step) for step, info in zip(self.profiled_steps, self.shown)])

    def ends_of(self, name: str) -> Callable[[dict, ExecutionContext], Iterator[list]] | None:
        """When the pattern's last step is a plain expand that binds `name` (nothing filters after it): a function
        (row, ctx) → for each row the steps before it produce, the values `name` takes in the matches that row
        ends in, one per match, with no row made for them (relationship uniqueness kept). Else None."""
        if len(self.steps) < 2 or self.shown[-1].binds[-1:] != (name,):
            return None
        last = self.steps[-1]
        ends = getattr(last, "ends", None)
        if ends is None:
            return None
        head = self.steps[:-1]
        hop = head[-1] if len(head) > 1 else None
        if hop is not None and getattr(hop, "moves", None) is not None and hop.target == last.source:
            return _two_hop_ends(head[:-1], hop.moves, last.ends_at)

        def matched_ends(row: dict, ctx: ExecutionContext) -> Iterator[list]:
            rows = head[0](row, ctx, ())
            for step in head[1:]:
                rows = _stage(step, rows, ctx)
            for before, used in rows:
                yield ends(before, ctx, used)
        return matched_ends


def _two_hop_ends(head: list[Step], moves, ends_at) -> Callable[[dict, ExecutionContext], Iterator[list]]:
    """`MatchPlan.ends_of` when the last two steps are plain expands, the second from the first's end: the middle
    nodes the first reaches (with their trails) go to the second without a row made for each."""
    def matched_ends(row: dict, ctx: ExecutionContext) -> Iterator[list]:
        rows = head[0](row, ctx, ())
        for step in head[1:]:
            rows = _stage(step, rows, ctx)
        for before, used in rows:
            for middle, trail in moves(before, ctx, used):
                yield ends_at(middle, ctx, trail)
    return matched_ends


class PatternPlanner:
    """Plans patterns against one storage (for index availability) within a compile scope."""

    def __init__(self, storage, scope: Scope) -> None:
        self.storage = storage
        self.scope = scope
        self.estimates = Estimates(storage)

    # --- entry points ------------------------------------------------------------------------------------

    def plan(self, parts: tuple[ast.PatternPart, ...], where: ast.Expr | None, bound: set[str]) -> MatchPlan:
        parts = tuple(_name_anonymous(part) for part in parts)
        _check_pattern(parts, bound)
        pending = conjuncts(where)
        dynamic_scans: dict[str, ast.DynamicLabels] = {}
        parts = tuple(_lift_dynamic_labels(part, pending, dynamic_scans) for part in parts)
        for part in parts:
            for node in part.element.nodes:
                if node.predicate is not None:
                    pending.append(node.predicate)
            for rel in part.element.relationships:
                if rel.predicate is not None:
                    pending.append(rel.predicate)
        state = _PlanState(set(bound), pending, [], [], uses_edges=_edge_count(parts) > 1,
                           dynamic_scans=dynamic_scans)
        for part in _order_parts(parts, bound):
            if part.shortest:
                self._plan_shortest(part, state)
            else:
                self._plan_part(part, state)
            if part.variable:
                state.add(_bind_path(part), StepInfo("ProjectPath", part.variable, 1.0, (part.variable,)))
                state.bound.add(part.variable)
                self._apply_ready(state)
        if state.pending:
            # Subquery predicates name the subquery's own variables too, so they only look unready: apply them
            # once everything is bound (a truly undefined variable fails to compile here).
            scope = self.scope.with_variables(*state.bound)
            for predicate in state.pending:
                state.add(_filter_step(compile_expression(predicate, scope)), _filter_info(predicate))
        new_variables = [name for part in parts for name in pattern_variables(part) if name not in bound]
        return MatchPlan(_chain(state.steps), list(dict.fromkeys(new_variables)), state.profiled, tuple(state.shown),
                         state.steps)

    # --- one part ------------------------------------------------------------------------------------------

    def _plan_part(self, part: ast.PatternPart, state: "_PlanState") -> None:
        element = part.element
        start = self._choose_start(element, state)
        by_relationship = self._relationship_start(element, self._start_score(element.nodes[start], state), state)
        if by_relationship is not None:
            index, type_, seek = by_relationship
            self._plan_relationship_seek(element, index, type_, seek, state)
            right, left = index + 1, index
        else:
            self._plan_node(element.nodes[start], state, scan=True)
            right = left = start
        for index in range(right, len(element.relationships)):
            self._plan_expand(element.relationships[index], element.nodes[index], element.nodes[index + 1],
                              state, leftwards=False)
        for index in range(left - 1, -1, -1):
            self._plan_expand(element.relationships[index], element.nodes[index + 1], element.nodes[index],
                              state, leftwards=True)

    def _relationship_start(self, element: ast.PatternElement, node_score: tuple, state: "_PlanState"
                            ) -> tuple[int, str, RangeSeek] | None:
        """(index, type, seek) of a relationship to start from by a range seek of its index, when that is
        estimated to find fewer rows than the best start node (a scan; a seek or a bound node always wins)."""
        if node_score[0] < 3:
            return None
        indexes = self.storage.indexes
        for index, rel in enumerate(element.relationships):
            left, right = element.nodes[index].variable, element.nodes[index + 1].variable
            if rel.length is not None or rel.dynamic_types or len(rel.types) != 1 or rel.properties is not None \
                    or left == right or {rel.variable, left, right} & state.bound:
                continue
            type_ = rel.types[0]
            seek = find_range(rel.variable, state.pending, state.bound,
                              lambda key: indexes.find("RELATIONSHIP", type_, (key,)) is not None, prefixes=False)
            if seek is not None and (node_score[0] > 3 or self.estimates.relationship_range_seek() < node_score[1]):
                return index, type_, seek
        return None

    def _plan_relationship_seek(self, element: ast.PatternElement, index: int, type_: str, seek: RangeSeek,
                                state: "_PlanState") -> None:
        """Binds a relationship and its two end nodes from a range seek of its index, then filters the ends."""
        rel, left, right = element.relationships[index], element.nodes[index], element.nodes[index + 1]
        for predicate in seek.conjuncts:
            state.pending.remove(predicate)
        scope = self.scope.with_variables(*state.bound)
        checked = self.scope.with_variables(*state.bound, rel.variable)
        operator = "Undirected" if rel.direction == BOTH else "Directed"
        pattern = _relationship_text(left.variable, rel, "", right.variable, rel.direction)
        pattern = pattern.replace(f"[{rel.variable}:{type_}]", f"[{rel.variable}:{type_}({seek.key})]")
        state.add(relationship_range_seek_step(rel.variable, left.variable, right.variable, rel.direction, type_, seek,
                                          scope, checked, state.uses_edges),
                  StepInfo(f"{operator}RelationshipIndexSeekByRange", f"RANGE INDEX {pattern} WHERE {seek.text()}",
                           self.estimates.relationship_range_seek(), (rel.variable, left.variable, right.variable)))
        state.bound.update((rel.variable, left.variable, right.variable))
        for node in (left, right):
            self._node_filters(node, ast.simple_labels(node.labels), state)
        self._apply_ready(state)

    def _choose_start(self, element: ast.PatternElement, state: "_PlanState") -> int:
        best, best_score = 0, None
        for index, node in enumerate(element.nodes):
            score = self._start_score(node, state)
            if best_score is None or score < best_score:
                best, best_score = index, score
        return best

    def _start_score(self, node: ast.NodePattern, state: "_PlanState") -> tuple:
        if node.variable in state.bound:
            return (0, 0)
        labels = ast.simple_labels(node.labels) or ()
        if not labels:
            return (3, float("inf")) if self._dynamic_scan(node, state) is not None else (4, 0)
        if self._seek(node, labels, state) is not None:
            return (1, 0)
        count = min(self.storage.label_count(label) for label in labels)
        ranged = self._range_seek(node, labels, state)
        if ranged is not None:
            return (3, self.estimates.range_seek(ranged[0]))
        return (3, count)

    def _seek(self, node: ast.NodePattern, labels: tuple, state: "_PlanState"):
        """An (label, key, value expression, conjunct) usable for an equality seek on `node`, or None."""
        candidates = _seek_candidates(node, state)
        for label in labels:
            for key, value, predicate in (*candidates, *_nested_seek_candidates(node, state)):
                if self.storage.indexes.find("NODE", label, (key,)) is not None:
                    return label, key, value, predicate, True
        if candidates:
            key, value, predicate = candidates[0]
            return labels[0], key, value, predicate, False
        return None

    def _range_seek(self, node: ast.NodePattern, labels: tuple, state: "_PlanState"
                    ) -> tuple[str, RangeSeek] | None:
        """A (label, seek) for a range or prefix seek of `node` through an index on one of its labels, or None."""
        indexes = self.storage.indexes
        for label in labels:
            seek = find_range(node.variable, state.pending, state.bound,
                              lambda key: indexes.find("NODE", label, (key,)) is not None)
            if seek is not None:
                return label, seek
        return None

    def _plan_node(self, node: ast.NodePattern, state: "_PlanState", scan: bool) -> None:
        name = node.variable
        labels = ast.simple_labels(node.labels)
        if name in state.bound:
            state.add(_check_bound_node(name), StepInfo("Argument", name))
        else:
            scope = self.scope.with_variables(*state.bound)
            seek = self._seek(node, labels or (), state) if labels else None
            estimates = self.estimates
            ranged = self._range_seek(node, labels, state) if labels and (seek is None or not seek[4]) else None
            if ranged is not None:
                label, found = ranged
                for predicate in found.conjuncts:
                    state.pending.remove(predicate)
                state.add(node_range_seek_step(name, label, found, scope, self.scope.with_variables(*state.bound, name)),
                          StepInfo("NodeIndexSeekByRange", f"RANGE INDEX {name}:{label}({found.key}) WHERE "
                                   f"{found.text()}", estimates.range_seek(label), (name,)))
                labels = tuple(l for l in labels if l != label)
            elif seek is not None and not seek[4]:
                # An equality no index answers: the label's nodes having the value, found in one pass of the
                # storage; the filter that follows checks the equality again (the node's map, or the WHERE
                # conjunct left pending), so a profiled run, which measures the scan and the filter apart, scans
                # the label without it.
                label, key, value = seek[:3]
                state.add(_seek_step(name, label, key, compile_expression(value, scope)),
                          StepInfo("NodeByLabelScan", f"{name}:{label}", estimates.label(label), (name,)),
                          profiled=_label_scan_step(name, label))
                labels = tuple(l for l in labels if l != label)
            elif seek is not None:
                label, key, value, predicate, _ = seek
                state.add(_seek_step(name, label, key, compile_expression(value, scope)), StepInfo(
                    "NodeIndexSeek", f"RANGE INDEX {name}:{label}({key}) WHERE {key} = {expression_text(value)}",
                    estimates.seek(label), (name,)))
                if predicate is not None:
                    state.pending.remove(predicate)
                node = _without_property(node, key) if predicate is None else node
                labels = tuple(l for l in labels if l != label)
            elif labels:
                state.add(_label_scan_step(name, labels[0]),
                          StepInfo("NodeByLabelScan", f"{name}:{labels[0]}", estimates.label(labels[0]), (name,)))
                labels = labels[1:]
            elif self._dynamic_scan(node, state) is not None:
                dynamic = self._dynamic_scan(node, state)
                candidates = _seek_candidates(node, state)
                key, value = candidates[0][:2] if candidates else (None, None)
                seek = (key, compile_expression(value, scope)) if key is not None else None
                state.pending.remove(ast.LabelPredicate(ast.Variable(name), dynamic))   # the scan checks it
                shown = f" {{{key}}}" if key is not None else ""
                state.add(_dynamic_label_scan_step(name, compile_expression(dynamic.expression, scope),
                                                   dynamic.any, self.storage, seek),
                          StepInfo("DynamicLabelNodeLookup", f"{name}{shown}", estimates.nodes(), (name,)))
            else:
                state.add(_all_nodes_step(name), StepInfo("AllNodesScan", name, estimates.nodes(), (name,)))
            state.bound.add(name)
        self._node_filters(node, labels, state)
        self._apply_ready(state)

    def _dynamic_scan(self, node: ast.NodePattern, state: "_PlanState") -> ast.DynamicLabels | None:
        """The dynamic labels (`:$(…)`, `:$any(…)`) a node can be scanned by, once what they read is bound."""
        dynamic = state.dynamic_scans.get(node.variable)
        if dynamic is None or not free_variables(dynamic.expression) <= state.bound:
            return None
        return dynamic

    def _node_filters(self, node: ast.NodePattern, labels, state: "_PlanState") -> None:
        name = node.variable
        if labels is None:
            test = label_test(node.labels)
            state.add(_filter_vertex(name, lambda version: test(version.labels)),
                      StepInfo("Filter", f"{name}:{label_expression_text(node.labels)}", DEFAULT_SELECTIVITY))
        elif labels:
            wanted = tuple(labels)
            state.add(_filter_vertex(name, lambda version: all(l in version.labels for l in wanted)),
                      StepInfo("Filter", " AND ".join(f"{name}:{label}" for label in wanted),
                               self.estimates.labelled(wanted)))
        if node.properties is not None:
            state.add(_property_filter(name, compile_expression(node.properties,
                                                                self.scope.with_variables(*state.bound))),
                      _map_filter_info(name, node.properties))

    def _plan_expand(self, rel: ast.RelationshipPattern, from_node: ast.NodePattern, to_node: ast.NodePattern,
                     state: "_PlanState", leftwards: bool) -> None:
        direction = rel.direction
        if leftwards:
            direction = {OUT: IN, IN: OUT, BOTH: BOTH}[direction]
        types = tuple(dict.fromkeys(rel.types)) or None
        to_bound = to_node.variable in state.bound
        types_of = self._types_of(rel, state)
        scope = self.scope.with_variables(*state.bound, rel.variable, to_node.variable)
        properties = compile_expression(rel.properties, scope) if rel.properties is not None else None
        if rel.length is None:
            rel_bound = rel.variable in state.bound
            state.add(_with_row_types(types, types_of, lambda types: _expand_step(
                from_node.variable, rel.variable, to_node.variable, direction, types, to_bound, rel_bound,
                properties, state.uses_edges)), StepInfo(
                f"Expand({'Into' if to_bound else 'All'})",
                _relationship_text(from_node.variable, rel, "", to_node.variable, direction),
                self.estimates.expand(direction, to_bound), (rel.variable, to_node.variable)))
        else:
            if rel.variable in state.bound:
                raise syntax_error(f"Variable `{rel.variable}` already declared")
            low, high = rel.length
            low = 1 if low is None else low
            state.add(_with_row_types(types, types_of, lambda types: _var_expand_step(
                from_node.variable, rel.variable, to_node.variable, direction, types, low, high, to_bound,
                properties, leftwards)), StepInfo(
                f"VarLengthExpand({'Into' if to_bound else 'All'})",
                _relationship_text(from_node.variable, rel, _length_text(low, high), to_node.variable, direction),
                self.estimates.var_expand(direction, low, high), (rel.variable, to_node.variable)))
        state.bound.update((rel.variable, to_node.variable))
        self._node_filters(to_node, ast.simple_labels(to_node.labels), state)
        self._apply_ready(state)

    def _plan_shortest(self, part: ast.PatternPart, state: "_PlanState") -> None:
        element = part.element
        if len(element.relationships) != 1:
            raise syntax_error("shortestPath(...) requires a pattern containing a single relationship")
        first, rel, last = element.nodes[0], element.relationships[0], element.nodes[1]
        for node in (first, last):
            if node.variable not in state.bound:
                self._plan_node(node, state, scan=True)
        low, high = rel.length if rel.length is not None else (1, 1)
        low = 1 if low is None else low
        if low > 1:
            raise syntax_error("shortestPath(...) does not support a minimal length different from 0 or 1")
        types_of = self._types_of(rel, state)
        scope = self.scope.with_variables(*state.bound, rel.variable)
        properties = compile_expression(rel.properties, scope) if rel.properties is not None else None
        length = "" if rel.length is None else _length_text(low, high)
        state.add(_with_row_types(rel.types or None, types_of, lambda types: _shortest_step(
            first.variable, rel.variable, last.variable, rel.direction, types, low, high, properties,
            part.shortest == "all", single=rel.length is None)), StepInfo(
            "ShortestPath", _relationship_text(first.variable, rel, length, last.variable, rel.direction),
            1.0, (rel.variable,)))
        state.bound.add(rel.variable)
        self._apply_ready(state)

    def _types_of(self, rel: ast.RelationshipPattern, state: "_PlanState"):
        """For a relationship with dynamic types (`:$any($types)`), the types it accepts on a row; else None."""
        if not rel.dynamic_types:
            return None
        scope = self.scope.with_variables(*state.bound)
        return compile_types(rel, lambda expression: compile_expression(expression, scope))

    def _apply_ready(self, state: "_PlanState") -> None:
        ready = [p for p in state.pending if free_variables(p) <= state.bound]
        if not ready:
            return
        scope = self.scope.with_variables(*state.bound)
        for predicate in ready:
            state.pending.remove(predicate)
            state.add(_filter_step(compile_expression(predicate, scope)), _filter_info(predicate))


@dataclass
class _PlanState:
    bound: set[str]
    pending: list[ast.Expr]
    steps: list[Step]
    shown: list[StepInfo]
    uses_edges: bool = True
    dynamic_scans: dict[str, ast.DynamicLabels] = field(default_factory=dict)

    profiled: list[Step] = field(default_factory=list)

    def add(self, step: Step, info: StepInfo, profiled: Step | None = None) -> None:
        """A step and what EXPLAIN and PROFILE show for it: one operator each; `profiled`, the same work done
        so that PROFILE can measure it as that operator, when the step does more (it is then run instead)."""
        self.steps.append(step)
        self.shown.append(info)
        self.profiled.append(profiled or step)


# --- planning helpers ----------------------------------------------------------------------------------------

def _name_anonymous(part: ast.PatternPart) -> ast.PatternPart:
    from dataclasses import replace
    nodes = tuple(node if node.variable else replace(node, variable=anonymous_name("NODE"))
                  for node in part.element.nodes)
    rels = tuple(rel if rel.variable else replace(rel, variable=anonymous_name("REL"))
                 for rel in part.element.relationships)
    return replace(part, element=ast.PatternElement(nodes, rels))


def _lift_dynamic_labels(part: ast.PatternPart, pending: list[ast.Expr],
                         dynamic_scans: dict[str, ast.DynamicLabels]) -> ast.PatternPart:
    """Nodes with dynamic labels become plain nodes plus a label predicate, applied as soon as what it reads is
    bound (its expression may read another element of the pattern); a node labelled by `$(…)` or `$any(…)` alone
    is remembered for a scan of the labels its value names."""
    from dataclasses import replace
    nodes = []
    for node in part.element.nodes:
        if is_dynamic(node.labels):
            pending.append(ast.LabelPredicate(ast.Variable(node.variable), node.labels))
            if isinstance(node.labels, ast.DynamicLabels):
                dynamic_scans[node.variable] = node.labels
            node = replace(node, labels=None)
        nodes.append(node)
    return replace(part, element=ast.PatternElement(tuple(nodes), part.element.relationships))


def _check_pattern(parts: tuple[ast.PatternPart, ...], bound: set[str]) -> None:
    seen_rels: set[str] = set()
    node_names: set[str] = set()
    for part in parts:
        for node in part.element.nodes:
            node_names.add(node.variable)
        for rel in part.element.relationships:
            if rel.variable in seen_rels and not is_internal(rel.variable):
                raise syntax_error(f"Cannot use the same relationship variable '{rel.variable}' for multiple "
                                   "relationships")
            seen_rels.add(rel.variable)
    clash = node_names & seen_rels
    if clash:
        name = sorted(clash)[0]
        raise syntax_error(f"Type mismatch: {name} defined with conflicting type Node (expected Relationship)")


def _edge_count(parts) -> int:
    return sum(len(part.element.relationships) + sum(1 for r in part.element.relationships if r.length)
               for part in parts)


def _order_parts(parts, bound: set[str]):
    """Parts that touch already-bound variables first, so they expand rather than scan."""
    touching = [p for p in parts if any(n.variable in bound for n in p.element.nodes)]
    return touching + [p for p in parts if p not in touching]


def _without_property(node: ast.NodePattern, key: str) -> ast.NodePattern:
    from dataclasses import replace
    if not isinstance(node.properties, ast.MapLiteral):
        return node
    items = tuple(item for item in node.properties.items if item[0] != key)
    return replace(node, properties=ast.MapLiteral(items) if items else None)


def _filter_info(predicate: ast.Expr) -> StepInfo:
    return StepInfo("Filter", expression_text(predicate), selectivity(predicate))


def _map_filter_info(name: str, properties: ast.Expr) -> StepInfo:
    """A node's or relationship's property map as the filter Neo4j shows: one equality per key."""
    if not isinstance(properties, ast.MapLiteral):
        return StepInfo("Filter", f"{name} = {expression_text(properties)}", EQUALITY_SELECTIVITY)
    return StepInfo("Filter", " AND ".join(f"{name}.{key} = {expression_text(value)}"
                                           for key, value in properties.items),
                    EQUALITY_SELECTIVITY ** len(properties.items))


def _relationship_text(source: str, rel: ast.RelationshipPattern, length: str, target: str, direction: str) -> str:
    """An expand as Neo4j details it, in the direction it walks: `(a)-[r:KNOWS]->(b)`, `(b)<-[r*..2]-(a)`."""
    types = ":" + "|".join(rel.types) if rel.types else ""
    body = f"[{rel.variable}{types}{length}]"
    return f"({source})<-{body}-({target})" if direction == IN else \
        f"({source})-{body}{'->' if direction == OUT else '-'}({target})"


def _length_text(low: int, high: int | None) -> str:
    """A variable length as Neo4j writes it: `*`, `*..3`, `*2..`, `*2..3`."""
    if low == 1:
        return "*" if high is None else f"*..{high}"
    return f"*{low}..{'' if high is None else high}"


# --- steps -----------------------------------------------------------------------------------------------

def _chain(steps: list[Step]) -> Matcher:
    """The steps as one lazy pipeline: each stage feeds on the one before, so a row costs one generator per step
    it passes, never a new frame of the chain itself per row and step."""
    if len(steps) == 1:
        only = steps[0]
        return lambda row, ctx: (r for r, _ in only(row, ctx, ()))

    def match(row: dict, ctx: ExecutionContext) -> Iterator[dict]:
        rows: Iterator[tuple[dict, tuple]] = steps[0](row, ctx, ())
        for step in steps[1:-1]:
            rows = _stage(step, rows, ctx)
        return _last_stage(steps[-1], rows, ctx)
    return match


def _stage(step: Step, rows: Iterator[tuple[dict, tuple]], ctx: ExecutionContext) -> Iterator[tuple[dict, tuple]]:
    for row, used in rows:
        yield from step(row, ctx, used)


def _last_stage(step: Step, rows: Iterator[tuple[dict, tuple]], ctx: ExecutionContext) -> Iterator[dict]:
    """The last stage hands on the rows alone (the trail of relationships ends with the pattern)."""
    for row, used in rows:
        for out, _ in step(row, ctx, used):
            yield out


def _check_bound_node(name: str) -> Step:
    def check(row, ctx, used):
        value = row.get(name)
        if value is None:
            return
        if type(value) is not Vertex:
            raise type_error(f"Type mismatch: expected Node but was {type(value).__name__} for `{name}`")
        if ctx.txn.view(value) is not None:
            yield row, used
    return check


def _all_nodes_step(name: str) -> Step:
    def scan(row, ctx, used):
        for vertex in ctx.txn.vertices():
            ctx.check()
            new = dict(row)
            new[name] = vertex
            yield new, used
    return scan


def _label_scan_step(name: str, label: str) -> Step:
    def scan(row, ctx, used):
        for vertex in ctx.txn.vertices_with_label(label):
            ctx.check()
            new = dict(row)
            new[name] = vertex
            yield new, used
    return scan


def _seek_candidates(node: ast.NodePattern, state: _PlanState) -> list[tuple[str, ast.Expr, ast.Expr | None]]:
    """The (key, value, conjunct) equalities on `node` whose value is known before the node is found: its map's
    properties (conjunct None) and `WHERE n.key = value` conjuncts."""
    candidates = []
    if isinstance(node.properties, ast.MapLiteral):
        for key, value in node.properties.items:
            if free_variables(value) <= state.bound:
                candidates.append((key, value, None))
    for predicate in state.pending:
        if isinstance(predicate, ast.Comparison) and predicate.operators == ("=",):
            left, right = predicate.operands
            for prop, value in ((left, right), (right, left)):
                if isinstance(prop, ast.Property) and isinstance(prop.subject, ast.Variable) \
                        and prop.subject.name == node.variable and free_variables(value) <= state.bound:
                    candidates.append((prop.key, value, predicate))
    return candidates


def _nested_seek_candidates(node: ast.NodePattern, state: _PlanState) -> list[tuple[str, ast.Expr, ast.Expr]]:
    """The `WHERE n.a.b = value` conjuncts on `node` as (dotted path, value, conjunct): only an index of Memgraph's
    nested property `a.b` answers them (an inline map `{a: {b: …}}` compares the whole map, as in Memgraph)."""
    candidates = []
    for predicate in state.pending:
        if isinstance(predicate, ast.Comparison) and predicate.operators == ("=",):
            left, right = predicate.operands
            for prop, value in ((left, right), (right, left)):
                path = _nested_path(prop, node.variable)
                if path is not None and free_variables(value) <= state.bound:
                    candidates.append((path, value, predicate))
    return candidates


def _nested_path(expression: ast.Expr, variable: str) -> str | None:
    """`a.b.c` for the expression `variable.a.b.c` (two keys or more), else None."""
    keys = []
    while isinstance(expression, ast.Property):
        keys.append(expression.key)
        expression = expression.subject
    if len(keys) < 2 or not isinstance(expression, ast.Variable) or expression.name != variable:
        return None
    return ".".join(reversed(keys))


def _dynamic_label_scan_step(name: str, names_of, any_of: bool, storage, seek) -> Step:
    """Finds the nodes of the labels a dynamic label names on the row: those of the rarest for `$(…)` that carry
    the others too, of each for `$any(…)`. With `seek`, a (key, value) of the node's map, only the
    nodes with that value, through an index of the runtime label when there is one (`MERGE (n:$($l) {id: $id})`
    need not scan the label per row)."""
    def scan(row, ctx, used):
        names = label_names(names_of(row, ctx))
        if seek is None:
            of_label = ctx.txn.vertices_with_label
            rank = storage.label_count
        else:
            key, value = seek[0], seek[1](row, ctx)
            if value is None:
                return
            of_label = lambda label: ctx.txn.vertices_by_property(label, key, value)
            rank = lambda label: (storage.indexes.find("NODE", label, (key,)) is None, storage.label_count(label))
        if not names:
            vertices = () if any_of else ctx.txn.vertices()
        elif any_of:
            vertices = _each_once(of_label(label) for label in dict.fromkeys(names))
        else:
            vertices = of_label(min(names, key=rank))
            if len(set(names)) > 1:
                view = ctx.txn.view
                vertices = (v for v in vertices if all(label in view(v).labels for label in names))
        for vertex in vertices:
            ctx.check()
            new = dict(row)
            new[name] = vertex
            yield new, used
    return scan


def _each_once(scans) -> Iterator:
    seen = set()
    for scan in scans:
        for vertex in scan:
            if vertex not in seen:
                seen.add(vertex)
                yield vertex


def _with_row_types(types, types_of, make_step: Callable[[tuple | None], Step]) -> Step:
    """`make_step(types)`, or for dynamic types (`types_of` given) a step that makes it per row from the types
    the row names; a row naming none that a relationship can have matches nothing."""
    if types_of is None:
        return make_step(types)

    def step(row, ctx, used):
        row_types = types_of(row, ctx)
        if row_types == ():
            return
        yield from make_step(row_types)(row, ctx, used)
    return step


def _seek_step(name: str, label: str, key: str, value) -> Step:
    def seek(row, ctx, used):
        wanted = value(row, ctx)
        if wanted is None:
            return
        for vertex in ctx.txn.vertices_by_property(label, key, wanted):
            new = dict(row)
            new[name] = vertex
            yield new, used
    return seek


def _filter_vertex(name: str, test: Callable) -> Step:
    def check(row, ctx, used):
        version = ctx.txn.view(row[name])
        if version is not None and test(version):
            yield row, used
    return check


def _property_filter(name: str, properties) -> Step:
    def check(row, ctx, used):
        wanted = properties(row, ctx)
        if wanted is None:
            return
        if not isinstance(wanted, dict):
            raise type_error("Type mismatch: expected a map of properties")
        version = ctx.txn.view(row[name])
        if version is None:
            return
        props = version.props
        for key, value in wanted.items():
            if equals(props.get(key), value) is not True:
                return
        yield row, used
    return check


def _filter_step(predicate) -> Step:
    def check(row, ctx, used):
        if predicate(row, ctx) is True:
            yield row, used
    return check


def _edge_matches(edge: Edge, wanted: dict | None, ctx) -> bool:
    if wanted is None:
        return True
    props = ctx.view(edge).props
    return all(equals(props.get(key), value) is True for key, value in wanted.items())


def _expand_step(source: str, rel: str, target: str, direction: str, types, to_bound: bool, rel_bound: bool,
                 properties, track_edges: bool) -> Step:
    if not rel_bound and not to_bound and properties is None:
        return _plain_expand_step(source, rel, target, direction, types, track_edges)

    def expand(row, ctx, used):
        start = row[source]
        if start is None:
            return
        wanted = properties(row, ctx) if properties is not None else None
        if rel_bound:
            edge = row[rel]
            if edge is None:
                return
            candidates = [(edge, other) for e, other in ctx.txn.expand(start, direction, types) if e is edge]
        else:
            candidates = ctx.txn.expand(start, direction, types)
        target_value = row.get(target) if to_bound else None
        for edge, other in candidates:
            if track_edges and edge in used:
                continue
            if to_bound and other is not target_value:
                continue
            if wanted is not None and not _edge_matches(edge, wanted, ctx):
                continue
            new = dict(row)
            new[rel] = edge
            new[target] = other
            yield new, (used + (edge,) if track_edges else used)
    return expand


def _plain_expand_step(source: str, rel: str, target: str, direction: str, types, track_edges: bool) -> Step:
    """The common expand, `(a)-[r:T]->(b)` with `r` and `b` new and no property map: one loop over the pairs the
    storage returns, the trail (`used`) grown only when the pattern has another relationship to keep apart."""
    def expand(row, ctx, used):
        start = row[source]
        if start is None:
            return
        for edge, other in ctx.txn.expand(start, direction, types):
            if track_edges:
                if edge in used:
                    continue
                new = row.copy()
                new[rel] = edge
                new[target] = other
                yield new, used + (edge,)
            else:
                new = row.copy()
                new[rel] = edge
                new[target] = other
                yield new, used

    def ends(row, ctx, used) -> list:
        """The `target` of each row `expand` would yield, without the rows (`MatchPlan.ends_of`)."""
        return ends_at(row[source], ctx, used)

    def ends_at(start, ctx, used) -> list:
        """`ends` of a row whose `source` is `start`."""
        if start is None:
            return []
        return ctx.txn.far_ends(start, direction, types, used if track_edges else ())

    def moves(row, ctx, used) -> list:
        """(`target`, trail) of each row `expand` would yield, without the rows (`MatchPlan.ends_of`)."""
        start = row[source]
        if start is None:
            return []
        pairs = ctx.txn.expand(start, direction, types)
        if track_edges:
            return [(other, used + (edge,)) for edge, other in pairs if edge not in used]
        return [(other, used) for _, other in pairs]
    expand.ends, expand.ends_at, expand.moves = ends, ends_at, moves
    expand.source, expand.target = source, target
    return expand


def _var_expand_step(source: str, rel: str, target: str, direction: str, types, low: int, high: int | None,
                     to_bound: bool, properties, leftwards: bool) -> Step:
    def expand(row, ctx, used):
        start = row[source]
        if start is None:
            return
        wanted = properties(row, ctx) if properties is not None else None
        target_value = row.get(target) if to_bound else None
        txn = ctx.txn
        stack = [(start, ())]
        while stack:
            vertex, path = stack.pop()
            depth = len(path)
            if depth >= low and (not to_bound or vertex is target_value):
                new = dict(row)
                new[rel] = list(reversed(path)) if leftwards else list(path)
                new[target] = vertex
                yield new, used + path
            if high is not None and depth >= high:
                continue
            ctx.check()
            for edge, other in reversed(list(txn.expand(vertex, direction, types))):
                if edge in path or edge in used:
                    continue
                if wanted is not None and not _edge_matches(edge, wanted, ctx):
                    continue
                stack.append((other, path + (edge,)))
    return expand


def _shortest_step(source: str, rel: str, target: str, direction: str, types, low: int, high: int | None,
                   properties, find_all: bool, single: bool) -> Step:
    def shortest(row, ctx, used):
        start, end = row.get(source), row.get(target)
        if start is None or end is None:
            return
        wanted = properties(row, ctx) if properties is not None else None
        for path in _bfs(ctx, start, end, direction, types, low, high, wanted, find_all):
            new = dict(row)
            new[rel] = path[0] if single and path else list(path)
            yield new, used
            if not find_all:
                return
    return shortest


_REVERSED = {OUT: IN, IN: OUT, BOTH: BOTH}


def _bfs(ctx, start, end, direction, types, low, high, wanted, find_all) -> list[tuple]:
    """Shortest paths from `start` to `end` as edge tuples (all of them with `find_all`)."""
    if start is end:
        return [()] if low == 0 else _bfs_cycle(ctx, start, direction, types, high, wanted, find_all)
    return _bidirectional(ctx, start, end, direction, types, high, wanted, find_all)


def _bidirectional(ctx, start, end, direction, types, high, wanted, find_all) -> list[tuple]:
    """Breadth-first from both ends at once, always growing the smaller frontier: the search touches about
    the square root of what a one-sided search touches. Parents are kept per layer, never whole paths.

    Every vertex a layer shares with the other side lies at the same total distance (a shorter meeting would have
    been seen when the other side grew), so one shortest path needs only the layer's first meeting vertex: the
    layer stops growing there, and the path is the one the whole layer would have given first; its length is the
    meeting vertex's distance, so only a search for all paths keeps each vertex's depth."""
    forward: dict = {start: ()}
    backward: dict = {end: ()}
    forward_frontier, backward_frontier = [start], [end]
    forward_depth = backward_depth = 0
    depth_of_backward = {end: 0}
    depth_of_forward = {start: 0}
    while forward_frontier and backward_frontier:
        if high is not None and forward_depth + backward_depth >= high:
            return []
        if len(forward_frontier) <= len(backward_frontier):
            forward_depth += 1
            forward_frontier, meeting = _grow(ctx, forward_frontier, forward, backward, direction, types, wanted,
                                              find_all)
            if find_all:
                depth_of_forward.update(dict.fromkeys(forward_frontier, forward_depth))
        else:
            backward_depth += 1
            backward_frontier, meeting = _grow(ctx, backward_frontier, backward, forward, _REVERSED[direction],
                                               types, wanted, find_all)
            if find_all:
                depth_of_backward.update(dict.fromkeys(backward_frontier, backward_depth))
        if meeting and not find_all:
            path = _paths_to(meeting[0], forward)[0] + tuple(reversed(_paths_to(meeting[0], backward)[0]))
            return [] if high is not None and len(path) > high else [path]
        if meeting:
            # At most `high`: the loop's guard stops a search whose next layer would pass it.
            best = min(depth_of_forward[v] + depth_of_backward[v] for v in meeting)
            paths = []
            for vertex in meeting:
                if depth_of_forward[vertex] + depth_of_backward[vertex] != best:
                    continue
                for head in _paths_to(vertex, forward):
                    for tail in _paths_to(vertex, backward):
                        paths.append(head + tuple(reversed(tail)))
            return paths
    return []


def _grow(ctx, frontier: list, parents: dict, other_side: dict, direction, types, wanted, whole_layer: bool
          ) -> tuple[list, list]:
    """One breadth-first layer: the newly reached vertices (entered in `parents` with the (vertex, edge) pairs
    they came from) and those of them `other_side` has reached. Unless `whole_layer`, see `_grow_first`."""
    if not whole_layer:
        return _grow_first(ctx, frontier, parents, other_side, direction, types, wanted)
    layer: dict = {}
    meeting: list = []
    for vertex, edges in ctx.txn.expand_each(frontier, direction, types):  # which checks for termination
        for edge in edges:
            other = edge.dst if edge.src is vertex else edge.src
            if other in parents or (wanted is not None and not _edge_matches(edge, wanted, ctx)):
                continue
            entry = layer.get(other)
            if entry is not None:
                entry.append((vertex, edge))
                continue
            layer[other] = [(vertex, edge)]
            if other in other_side:
                meeting.append(other)
    parents.update(layer)
    return list(layer), meeting


def _grow_first(ctx, frontier: list, parents: dict, other_side: dict, direction, types, wanted
                ) -> tuple[list, list]:
    """`_grow` for one shortest path: a vertex keeps only the first (vertex, edge) it was reached by, the one
    `_paths_to` would take first, and the layer stops at the first vertex the other side has reached. Without a
    property map to test, the layer's vertices enter `parents` at once (one lookup an edge, not two)."""
    if wanted is None:
        layer_list: list = []
        for vertex, edges in ctx.txn.expand_each(frontier, direction, types):  # which checks for termination
            for edge in edges:
                other = edge.dst if edge.src is vertex else edge.src
                if other in parents:
                    continue
                parents[other] = ((vertex, edge),)
                layer_list.append(other)
                if other in other_side:
                    return layer_list, [other]
        return layer_list, []
    layer: dict = {}
    for vertex, edges in ctx.txn.expand_each(frontier, direction, types):  # which checks for termination
        for edge in edges:
            other = edge.dst if edge.src is vertex else edge.src
            if other in parents or (wanted is not None and not _edge_matches(edge, wanted, ctx)) or other in layer:
                continue
            layer[other] = ((vertex, edge),)
            if other in other_side:
                parents.update(layer)
                return list(layer), [other]
    parents.update(layer)
    return list(layer), []


def _paths_to(vertex, parents: dict) -> list[tuple]:
    """Every shortest edge sequence from the search's origin to `vertex`, read back through the parents."""
    entries = parents[vertex]
    if not entries:
        return [()]
    paths = []
    for previous, edge in entries:
        for path in _paths_to(previous, parents):
            paths.append(path + (edge,))
    return paths


def _bfs_cycle(ctx, start, direction, types, high, wanted, find_all) -> list[tuple]:
    """The shortest cycles through `start` (a one-sided search that keeps its paths)."""
    frontier = deque([(start, ())])
    found: list[tuple] = []
    best: int | None = None
    visited_depth = {start: 0}
    while frontier:
        vertex, path = frontier.popleft()
        depth = len(path)
        if best is not None and depth >= best:
            break
        if high is not None and depth >= high:
            continue
        ctx.check()
        for edge, other in ctx.txn.expand(vertex, direction, types):
            if edge in path or (wanted is not None and not _edge_matches(edge, wanted, ctx)):
                continue
            new_path = path + (edge,)
            if other is start:
                found.append(new_path)
                best = len(new_path)
                if not find_all:
                    return found
                continue
            seen = visited_depth.get(other)
            if seen is not None and (seen < depth + 1 or not find_all):
                continue
            visited_depth[other] = depth + 1
            frontier.append((other, new_path))
    return found


def _bind_path(part: ast.PatternPart) -> Step:
    element = part.element
    node_names = [node.variable for node in element.nodes]
    rel_names = [rel.variable for rel in element.relationships]
    name = part.variable

    def bind(row, ctx, used):
        vertices = [row[node_names[0]]]
        edges = []
        for index, rel_name in enumerate(rel_names):
            value = row[rel_name]
            hops = value if isinstance(value, list) else [value]
            current = vertices[-1]
            for edge in hops:
                edges.append(edge)
                current = edge.dst if edge.src is current else edge.src
                vertices.append(current)
        new = dict(row)
        new[name] = PathValue(tuple(vertices), tuple(edges))
        yield new, used
    return bind
