"""The planner: walks a statement's clauses and builds the operator pipeline of a `Plan`.

It tracks the variables in scope clause by clause (and so reports undefined variables), picks access paths
through `PatternPlanner`, and inserts an Eager barrier wherever a clause that writes meets a clause that reads,
so that Cypher's read-then-write semantics hold on a lazy pipeline.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.analysis import pattern_variables
from graphplex.databases.cypher.catalog_commands import plan_catalog_command
from graphplex.databases.cypher.batched_writes import plan_batched_writes
from graphplex.databases.cypher.columnar import plan_columnar
from graphplex.databases.cypher.distinct_ends import plan_distinct_ends
from graphplex.databases.cypher.errors import syntax_error, type_error
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.lookup import find_procedure
from graphplex.databases.cypher.notifications import (
    cartesian_product, deprecations, dropped_nothing, importing_with, match_tokens, read_property_keys,
)
from graphplex.databases.cypher.patterns import PatternPlanner
from graphplex.databases.cypher.plan import Operator, Plan
from graphplex.databases.cypher.procedures import plan_procedure_call
from graphplex.databases.cypher.projection import plan_projection
from graphplex.databases.cypher.schema_commands import plan_schema_command
from graphplex.databases.cypher.type_check import check_clause
from graphplex.databases.cypher.updates import (
    compile_create, compile_delete, compile_merge, compile_remove_items, compile_set_items,
)
from graphplex.databases.cypher.values import group_key, type_name
from graphplex.databases.errors import ClientError

if TYPE_CHECKING:
    from graphplex.databases.storage import StorageEngine

_COORDINATOR_STATEMENTS = (
    ast.TransactionControl, ast.SetIsolationLevel, ast.ShowTransactions, ast.TerminateTransactions,
    ast.SetStorageMode, ast.ShowStorageInfo, ast.CreateSnapshot, ast.CreateDatabase, ast.DropDatabase,
    ast.StartDatabase, ast.StopDatabase, ast.AlterDatabase, ast.ShowDatabases, ast.CreateUser, ast.AlterUser,
    ast.DropUser, ast.RenameUser, ast.ShowUsers, ast.AlterCurrentUserPassword, ast.CreateRole, ast.DropRole,
    ast.RenameRole, ast.ShowRoles, ast.GrantRoles, ast.RevokeRoles, ast.PrivilegeCommand, ast.ShowPrivileges,
    ast.MemgraphPrivilegeCommand, ast.UseDatabase, ast.ShowCurrentDatabase, ast.CreateAlias, ast.AlterAlias,
    ast.DropAlias, ast.ShowAliases,
)
_READING = (ast.Match,)
_WRITING = (ast.Create, ast.Merge, ast.SetClause, ast.Remove, ast.Delete, ast.Foreach)


class Planner:
    """Plans statements for one storage (index availability decides access paths)."""

    def __init__(self, storage: StorageEngine) -> None:
        self.storage = storage

    # --- statements ----------------------------------------------------------------------------------------

    def plan(self, statement: ast.Statement) -> Plan:
        explain = profile = False
        if isinstance(statement, ast.UseSchema):
            statement = statement.statement
        if isinstance(statement, ast.Explain):
            statement, explain = statement.query, True
        elif isinstance(statement, ast.Profile):
            statement, profile = statement.query, True
        if isinstance(statement, (ast.ShowProcedures, ast.ShowFunctions, ast.ShowSettings)):
            plan = plan_catalog_command(statement, self)
        elif isinstance(statement, _COORDINATOR_STATEMENTS):
            raise ClientError(f"{type(statement).__name__} statements are run by the DBMS, not by one database: "
                              "run them in a DBMS session", "Neo.ClientError.Statement.UnsupportedOperationError")
        elif not isinstance(statement, ast.Query):
            plan = plan_schema_command(statement, self)
            plan.if_no_effect = tuple(n for n in [dropped_nothing(statement)] if n is not None)
        else:
            operators, columns, writes, reads = self.plan_query(statement, [])
            target = _use_target(statement)
            # Neo4j's rule: a statement that writes is "rw" when it returns rows, "w" when it does not.
            query_type = ("rw" if columns else "w") if writes else "r"
            plan = Plan(operators, columns, query_type, "write" if writes else "read",
                        frozenset(_parameters(statement)), target, _in_transactions(statement))
            plan.memory_limit = statement.memory_limit
            if len(statement.parts) == 1 and not writes:  # a write may change what a later row's WHERE reads
                plan.prefix = plan_columnar(statement.parts[0], operators, self.scope([])) \
                    or plan_distinct_ends(operators)
            elif len(statement.parts) == 1 and statement.memory_limit is None:
                plan.prefix = plan_batched_writes(statement.parts[0], operators, self.scope([]))
            self._note(plan, statement)
        plan.explain, plan.profile = explain, profile
        return plan

    def _note(self, plan: Plan, statement: ast.Query) -> None:
        """What the summary will report of the statement: the notifications found while planning, and, of a
        read-only statement (Neo4j looks at no other), the labels and types its MATCH clauses name that the database
        does not hold now and the property keys it reads that are no tokens (checked again when it runs)."""
        found = [n for operator in _walk_operators(plan.operators) for n in operator.notifications]
        plan.notifications = tuple(deprecations(statement) + found)
        if plan.query_type != "r":
            return
        keys = read_property_keys(statement)
        if keys:
            plan.unknown_keys = frozenset(self.storage.property_keys.missing(keys))
        labels, types = match_tokens(statement)
        if labels:
            plan.unknown_labels = frozenset(label for label in labels if not self.storage.label_count(label))
        if types:
            plan.unknown_types = frozenset(types - set(self.storage.types_in_use()))

    def plan_query(self, query: ast.Query, outer: list[str]) -> tuple[list[Operator], list[str], bool, bool]:
        """Operators, columns, and whether the query writes / reads."""
        planned = [self._plan_single(part, outer) for part in query.parts]
        if len(planned) == 1:
            return planned[0]
        columns = planned[0][1]
        for _, other_columns, _, _ in planned[1:]:
            if other_columns != columns:
                raise syntax_error("All sub queries in an UNION must have the same return column names")
        distinct = not all(query.union_all)
        if any(query.union_all) and not all(query.union_all):
            raise syntax_error("Invalid combination of UNION and UNION ALL")
        pipelines = [ops for ops, _, _, _ in planned]
        return ([_union(pipelines, distinct, columns)], columns, any(p[2] for p in planned),
                any(p[3] for p in planned))

    def _plan_single(self, query: ast.SingleQuery, outer: list[str]) -> tuple[list[Operator], list[str], bool, bool]:
        clauses = [c for c in query.clauses if not isinstance(c, ast.Use)]
        if any(isinstance(c, ast.Use) for c in query.clauses[1:]):
            raise syntax_error("USE can only appear at the beginning of a (sub-)query")
        state = _State(list(outer))
        for index, clause in enumerate(clauses):
            last = index == len(clauses) - 1
            if isinstance(clause, ast.Return) and not last:
                raise syntax_error("RETURN can only be used at the end of the query")
            planned = len(state.operators)
            self._maybe_eager(clause, state)
            self._plan_clause(clause, state, last)
            for operator in state.operators[planned:]:
                operator.identifiers = tuple(state.variables)
        if clauses and not isinstance(clauses[-1], (ast.Return,) + _WRITING + (ast.CallSubquery, ast.CallProcedure)):
            raise syntax_error(f"Query cannot conclude with {_clause_name(clauses[-1])} (must be a RETURN clause, "
                               "an update clause, a unit subquery call, or a procedure call with no YIELD)")
        return state.operators, state.columns, state.writes, state.reads

    def _maybe_eager(self, clause: ast.Clause, state: "_State") -> None:
        kind = "write" if isinstance(clause, _WRITING) else ("read" if isinstance(clause, _READING) else None)
        if kind is None:
            return
        if state.last_kind is not None and state.last_kind != kind:
            state.operators.append(_eager())
        state.last_kind = kind

    # --- clauses -----------------------------------------------------------------------------------------

    def _plan_clause(self, clause: ast.Clause, state: "_State", last: bool) -> None:
        check_clause(clause, state.kinds)
        scope = self.scope(state.variables)
        if isinstance(clause, ast.Match):
            state.reads = True
            self._plan_match(clause, state, scope)
        elif isinstance(clause, ast.Unwind):
            self._check_new_variable(clause.variable, state)
            value = compile_expression(clause.expression, scope)
            state.operators.append(_unwind(clause.variable, value))
            state.variables.append(clause.variable)
        elif isinstance(clause, (ast.With, ast.Return)):
            is_with = isinstance(clause, ast.With)
            operators, names = plan_projection(clause.projection, scope, state.variables, is_with,
                                               clause.where if is_with else None, after_writes=state.writes)
            state.operators.extend(operators)
            state.kinds = _projected_kinds(clause.projection, names, state)
            state.variables = list(names)
            if not is_with:
                state.columns = list(names)
        elif isinstance(clause, ast.Create):
            state.writes = True
            _check_create_variables(clause.pattern, state, "CREATE")
            create = compile_create(clause.pattern, scope)
            state.operators.append(_map_rows("Create", create))
            self._bind_pattern_variables(clause.pattern, state)
            _record_kinds(clause.pattern, state)
        elif isinstance(clause, ast.Merge):
            state.writes = state.reads = True
            self._plan_merge(clause, state, scope)
        elif isinstance(clause, ast.SetClause):
            state.writes = True
            state.operators.append(_map_rows("SetProperties", compile_set_items(clause.items, scope)))
        elif isinstance(clause, ast.Remove):
            state.writes = True
            state.operators.append(_map_rows("Remove", compile_remove_items(clause.items, scope)))
        elif isinstance(clause, ast.Delete):
            state.writes = True
            state.operators.append(_map_rows("DetachDelete" if clause.detach else "Delete",
                                             compile_delete(clause.expressions, clause.detach, scope)))
        elif isinstance(clause, ast.Foreach):
            state.writes = True
            self._plan_foreach(clause, state, scope)
        elif isinstance(clause, ast.CallSubquery):
            deprecated = importing_with(clause, state.variables)
            self._plan_call_subquery(clause, state)
            if deprecated is not None:
                state.operators[-1].notifications += (deprecated,)
        elif isinstance(clause, ast.CallProcedure):
            operator, names, standalone_columns = plan_procedure_call(clause, scope, state.variables,
                                                                      standalone=len(state.operators) == 0 and last)
            state.operators.append(operator)
            state.variables.extend(names)
            state.reads = True
            state.writes = state.writes or find_procedure(clause.name).mode == "WRITE"
            if standalone_columns is not None:
                state.columns = standalone_columns
        elif isinstance(clause, ast.LoadCsv):
            from graphplex.databases.cypher.load_csv import plan_load_csv
            self._check_new_variable(clause.variable, state)
            state.operators.append(plan_load_csv(clause, scope))
            state.variables.append(clause.variable)
        else:
            raise syntax_error(f"Unsupported clause {type(clause).__name__}")

    def _plan_match(self, clause: ast.Match, state: "_State", scope: Scope) -> None:
        _check_match_variables(clause.pattern, state)
        planner = PatternPlanner(self.storage, scope)
        match = planner.plan(clause.pattern, clause.where, set(state.variables))
        new = [name for name in match.new_variables if name not in state.variables]
        operator = _match(match, new, clause.optional)
        disconnected = cartesian_product(clause.pattern, set(state.variables))
        if disconnected is not None:
            operator.notifications = (disconnected,)
        state.operators.append(operator)
        state.variables.extend(new)
        _record_kinds(clause.pattern, state)

    def _plan_merge(self, clause: ast.Merge, state: "_State", scope: Scope) -> None:
        part = clause.part
        _check_create_variables((part,), state, "MERGE")
        match = PatternPlanner(self.storage, scope).plan((part,), None, set(state.variables))
        new = [name for name in match.new_variables if name not in state.variables]
        inner_scope = self.scope(state.variables + new)
        on_create = compile_set_items(clause.on_create, inner_scope) if clause.on_create else None
        on_match = compile_set_items(clause.on_match, inner_scope) if clause.on_match else None
        merge = compile_merge(part, match, on_create, on_match, scope)

        def run(rows, ctx):
            for row in rows:
                ctx.check()
                yield from merge(row, ctx)
        state.operators.append(Operator("Merge", "", run))
        state.variables.extend(new)
        _record_kinds((part,), state)

    def _plan_foreach(self, clause: ast.Foreach, state: "_State", scope: Scope) -> None:
        source = compile_expression(clause.source, scope)
        inner = _State(state.variables + [clause.variable])
        for inner_clause in clause.clauses:
            if not isinstance(inner_clause, _WRITING):
                raise syntax_error("Invalid use of " + _clause_name(inner_clause) + " inside FOREACH")
            self._plan_clause(inner_clause, inner, False)
        operators, name = inner.operators, clause.variable

        def run(rows, ctx):
            for row in rows:
                items = source(row, ctx)
                if items is None:
                    yield row
                    continue
                if not isinstance(items, list):
                    raise type_error("Type mismatch: expected List in FOREACH")
                for item in items:
                    local = dict(row)
                    local[name] = item
                    inner_rows: Iterator[dict] = iter((local,))
                    for operator in operators:
                        inner_rows = operator.run(inner_rows, ctx)
                    for _ in inner_rows:
                        pass
                yield row
        state.operators.append(Operator("Foreach", name, run, operators))

    def _plan_call_subquery(self, clause: ast.CallSubquery, state: "_State") -> None:
        if clause.scope is None:
            imported = list(state.variables)
            first = clause.query.parts[0].clauses[0] if clause.query.parts[0].clauses else None
            if not isinstance(first, ast.With):
                imported = []
        elif clause.scope == "*":
            imported = list(state.variables)
        else:
            for name in clause.scope:
                if name not in state.variables:
                    raise syntax_error(f"Variable `{name}` not defined")
            imported = list(clause.scope)
        operators, columns, writes, reads = self.plan_query(clause.query, imported)
        state.writes = state.writes or writes
        state.reads = state.reads or reads
        for name in columns:
            if name in state.variables:
                raise syntax_error(f"Variable `{name}` already declared in outer scope")
        if clause.in_transactions is not None:
            from graphplex.databases.cypher.transactions_call import plan_in_transactions
            state.operators.append(plan_in_transactions(clause, operators, imported, columns, self.scope([])))
        else:
            use = _subquery_use(clause)
            graph = None if use is None else (
                use.graph if use.argument is None else compile_expression(use.argument, self.scope(imported)))
            state.operators.append(_call_subquery(operators, imported, columns, clause.optional, graph,
                                                  clause.source))
        state.variables.extend(columns)
        if clause.in_transactions is not None and clause.in_transactions.report_status:
            state.variables.append(clause.in_transactions.report_status)

    # --- helpers -------------------------------------------------------------------------------------------

    def scope(self, variables: list[str]) -> Scope:
        return Scope(set(variables), _SubqueryCompiler(self))

    def _check_new_variable(self, name: str, state: "_State") -> None:
        if name in state.variables:
            raise syntax_error(f"Variable `{name}` already declared")

    def _bind_pattern_variables(self, pattern, state: "_State") -> None:
        for part in pattern:
            for node in part.element.nodes:
                if node.variable and node.variable not in state.variables:
                    state.variables.append(node.variable)
            for rel in part.element.relationships:
                if rel.variable and rel.variable not in state.variables:
                    state.variables.append(rel.variable)
            if part.variable:
                state.variables.append(part.variable)


class _State:
    def __init__(self, variables: list[str]) -> None:
        self.variables = variables
        self.operators: list[Operator] = []
        self.columns: list[str] = []
        self.writes = False
        self.reads = False
        self.last_kind: str | None = None
        self.kinds: dict[str, str] = {}


class _SubqueryCompiler:
    """Compiles the expressions that contain patterns or queries (EXISTS, COUNT, COLLECT, pattern
    comprehensions, pattern predicates, shortestPath) back through the planner."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner

    def compile_subquery_expression(self, expr: ast.Expr, scope: Scope):
        bound = set(scope.variables)
        if isinstance(expr, (ast.PatternExpression, ast.ShortestPathExpression)):
            if isinstance(expr, ast.PatternExpression):
                introduced = [name for name in pattern_variables(expr.part) if name not in bound]
                if introduced:
                    raise syntax_error(f"PatternExpressions are not allowed to introduce new variables: "
                                       f"'{introduced[0]}'.")
            part = _bound_shortest_path(expr.part, bound) if isinstance(expr, ast.ShortestPathExpression) else expr.part
            match = PatternPlanner(self.planner.storage, scope).plan((part,), None, bound)
            if isinstance(expr, ast.ShortestPathExpression):
                return _shortest_expression(match, part)
            return lambda row, ctx: next(iter(match.matcher(row, ctx)), None) is not None
        if isinstance(expr, ast.PatternComprehension):
            match = PatternPlanner(self.planner.storage, scope).plan((expr.part,), expr.predicate, bound)
            projection = compile_expression(expr.projection, scope.with_variables(*match.new_variables,
                                                                                  *(p for p in [expr.part.variable] if p)))
            return lambda row, ctx: [projection(found, ctx) for found in match.matcher(row, ctx)]
        if expr.query is None:
            match = PatternPlanner(self.planner.storage, scope).plan(expr.pattern, expr.where, bound)
            rows = lambda row, ctx: match.matcher(row, ctx)  # noqa: E731
        else:
            operators, columns, writes, _ = self.planner.plan_query(expr.query, list(scope.variables))
            if writes:
                raise syntax_error("An Exists Expression cannot contain any updates")
            rows = _subquery_rows(operators)
            if isinstance(expr, ast.CollectSubquery):
                if len(columns) != 1:
                    raise syntax_error("A Collect Expression must end with a single return column.")
                column = columns[0]
                return lambda row, ctx: [found[column] for found in rows(row, ctx)]
        if isinstance(expr, ast.ExistsSubquery):
            return lambda row, ctx: next(iter(rows(row, ctx)), None) is not None
        return lambda row, ctx: sum(1 for _ in rows(row, ctx))


def _walk_operators(operators: list[Operator]) -> Iterator[Operator]:
    for operator in operators:
        yield operator
        yield from _walk_operators(operator.children)


def _subquery_rows(operators: list[Operator]):
    def rows(row, ctx):
        current: Iterator[dict] = iter((dict(row),))
        for operator in operators:
            current = operator.run(current, ctx)
        return current
    return rows


def _bound_shortest_path(part: ast.PatternPart, bound: set[str]) -> ast.PatternPart:
    """A shortestPath used as a value (not in MATCH) searches between nodes already bound, as in Neo4j; its
    relationship gets a name of its own when it has none, so the path can be read back from each match."""
    element = part.element
    if any(node.variable not in bound for node in (element.nodes[0], element.nodes[-1])):
        raise syntax_error("shortestPath requires bound nodes when not part of a MATCH clause.")
    relationship = element.relationships[0]
    if relationship.variable is not None:
        return part
    named = replace(relationship, variable="  shortest path relationship")
    return replace(part, element=replace(element, relationships=(named, *element.relationships[1:])))


def _shortest_expression(match, part: ast.PatternPart):
    from graphplex.databases.cypher.values import PathValue
    element = part.element

    def shortest(row, ctx):
        paths = []
        for found in match.matcher(row, ctx):
            rel = found[element.relationships[0].variable]
            edges = tuple(rel) if isinstance(rel, list) else (rel,)
            vertices = [found[element.nodes[0].variable]]
            for edge in edges:
                vertices.append(edge.dst if edge.src is vertices[-1] else edge.src)
            paths.append(PathValue(tuple(vertices), edges))
        if part.shortest == "all":
            return paths
        return paths[0] if paths else None
    return shortest


# --- operators -----------------------------------------------------------------------------------------------

def _eager() -> Operator:
    return Operator("Eager", "", lambda rows, ctx: iter(list(rows)))


def _unwind(name: str, value) -> Operator:
    def run(rows, ctx):
        for row in rows:
            items = value(row, ctx)
            if items is None:
                continue
            if not isinstance(items, list):
                items = [items]
            for item in items:
                out = dict(row)
                out[name] = item
                yield out
    return Operator("Unwind", name, run)


def _map_rows(name: str, writer) -> Operator:
    def run(rows, ctx):
        for row in rows:
            ctx.check()
            yield writer(row, ctx)
    return Operator(name, "", run)


def _match(match, new_variables: list[str], optional: bool) -> Operator:
    """A MATCH (or OPTIONAL MATCH) as one operator; PROFILE runs it with each of its steps measured apart."""
    run = _matching(match.matcher, new_variables, optional)

    def profiled(rows, ctx, meter):
        return _matching(match.profiled_matcher(meter), new_variables, optional)(rows, ctx)
    return Operator("Optional" if optional else "Match", "", run, steps=match.shown, profiled=profiled,
                    pattern=match)


def _matching(matcher, new_variables: list[str], optional: bool):
    if optional:
        def run(rows, ctx):
            for row in rows:
                found = False
                for result in matcher(row, ctx):
                    found = True
                    yield result
                if not found:
                    out = dict(row)
                    for name in new_variables:
                        out[name] = None
                    yield out
        return run

    def run(rows, ctx):
        for row in rows:
            yield from matcher(row, ctx)
    return run


def _subquery_use(clause: ast.CallSubquery) -> ast.Use | None:
    """The USE every part of a subquery's body starts with, if they all start with the same one."""
    uses = {part.clauses[0] if part.clauses and isinstance(part.clauses[0], ast.Use) else None
            for part in clause.query.parts}
    return uses.pop() if len(uses) == 1 else None


def _call_subquery(operators: list[Operator], imported: list[str], columns: list[str], optional: bool,
                   graph=None, source: str = "") -> Operator:
    """CALL { … }: the body's rows for each row. A body whose USE names another graph than the statement's runs
    there, as the host says (a composite database's constituent: `Host.graph_subquery`); `graph` is its name, or
    the compiled argument of `graph.byName(…)`, which names it row by row."""
    def body(row, ctx) -> Iterator[dict]:
        arguments = {name: row[name] for name in imported}
        if graph is not None and ctx.host is not None:
            name = graph if isinstance(graph, str) else graph(row, ctx)
            if not isinstance(name, str):
                raise type_error(f"graph.byName() expects the name of a graph, a String, not {type_name(name)}")
            elsewhere = ctx.host.graph_subquery(name, source, arguments, ctx.counters)
            if elsewhere is not None:
                return elsewhere
        inner: Iterator[dict] = iter((arguments,))
        for operator in operators:
            inner = operator.run(inner, ctx)
        return inner

    def run(rows, ctx):
        for row in rows:
            inner = body(row, ctx)
            if not columns:
                for _ in inner:
                    pass
                yield row
                continue
            produced = False
            for result in inner:
                produced = True
                out = dict(row)
                for name in columns:
                    out[name] = result[name]
                yield out
            if optional and not produced:
                out = dict(row)
                for name in columns:
                    out[name] = None
                yield out
    return Operator("CallSubquery", ", ".join(columns), run, operators)


def _union(pipelines: list[list[Operator]], distinct: bool, columns: list[str]) -> Operator:
    def run(rows, ctx):
        for row in rows:
            seen: set = set()
            for operators in pipelines:
                current: Iterator[dict] = iter((dict(row),))
                for operator in operators:
                    current = operator.run(current, ctx)
                for result in current:
                    if distinct:
                        key = tuple(group_key(result[c]) for c in columns)
                        if key in seen:
                            continue
                        seen.add(key)
                    yield result
    return Operator("Union" if distinct else "UnionAll", "", run, [ops[-1] for ops in pipelines if ops])


def _use_target(query: ast.Query) -> str | None:
    first = query.parts[0].clauses[0] if query.parts[0].clauses else None
    return first.graph if isinstance(first, ast.Use) else None


def _parameters(statement: ast.Node) -> set[str]:
    """The parameters a statement reads, so that a missing one fails before execution: `$name`s, and the inputs
    without a default of a procedure called without arguments, which it takes from the parameters of the same
    names."""
    names = set()
    for node in statement.walk():
        if isinstance(node, ast.Parameter):
            names.add(node.name)
        elif isinstance(node, ast.CallProcedure) and node.arguments is None:
            names.update(name for name, _, default in find_procedure(node.name).inputs if default is ...)
    return names


def _in_transactions(statement: ast.Node) -> bool:
    return any(isinstance(node, ast.CallSubquery) and node.in_transactions is not None for node in statement.walk())


def _already_declared(name: str) -> Exception:
    return syntax_error(f"Variable `{name}` already declared")


def _check_match_variables(pattern: tuple[ast.PatternPart, ...], state: _State) -> None:
    """A path name is new and names nothing else; nodes and relationships keep the kind they were bound as."""
    nodes = {n.variable for part in pattern for n in part.element.nodes if n.variable}
    rels = {r.variable for part in pattern for r in part.element.relationships if r.variable}
    for part in pattern:
        if part.variable and (part.variable in state.variables or part.variable in nodes | rels):
            raise _already_declared(part.variable)
    for name in nodes:
        if state.kinds.get(name) in ("list", "map", "scalar"):
            raise syntax_error(f"Type mismatch: `{name}` defined with conflicting type {state.kinds[name].title()} "
                               "(expected Node)")
        if state.kinds.get(name, "node") not in ("node", "value", "list", "map", "scalar"):
            raise syntax_error(f"Type mismatch: `{name}` defined with conflicting type "
                               f"{state.kinds[name].title()} (expected Node)")
    for name in rels:
        if state.kinds.get(name, "relationship") not in ("relationship", "value"):
            raise syntax_error(f"Type mismatch: `{name}` defined with conflicting type "
                               f"{state.kinds[name].title()} (expected Relationship)")


def _check_create_variables(pattern: tuple[ast.PatternPart, ...], state: _State, clause: str) -> None:
    """CREATE and MERGE may reuse a bound node only as a plain end of a new relationship."""
    declared = set(state.variables)
    for part in pattern:
        if part.variable and part.variable in declared:
            raise _already_declared(part.variable)
        nodes = part.element.nodes
        for node in nodes:
            if not node.variable:
                continue
            if node.variable in declared:
                if len(nodes) == 1 or node.labels is not None or node.properties is not None:
                    raise _already_declared(node.variable)
                if state.kinds.get(node.variable, "node") not in ("node", "value"):
                    raise _already_declared(node.variable)
            declared.add(node.variable)
        for rel in part.element.relationships:
            if rel.variable and rel.variable in declared:
                raise _already_declared(rel.variable)
            if rel.variable:
                declared.add(rel.variable)
        if part.variable:
            declared.add(part.variable)


def _record_kinds(pattern: tuple[ast.PatternPart, ...], state: _State) -> None:
    for part in pattern:
        for node in part.element.nodes:
            if node.variable:
                state.kinds.setdefault(node.variable, "node")
        for rel in part.element.relationships:
            if rel.variable:
                state.kinds.setdefault(rel.variable, "relationship" if rel.length is None else "value")
        if part.variable:
            state.kinds[part.variable] = "path"


def _projected_kinds(projection: ast.Projection, names: list[str], state: _State) -> dict[str, str]:
    kinds = {}
    sources = {item.name: item.expression for item in projection.items}
    for name in names:
        expression = sources.get(name, ast.Variable(name))
        if isinstance(expression, ast.Variable):
            kinds[name] = state.kinds.get(expression.name, "value")
        elif isinstance(expression, (ast.ListLiteral, ast.ListComprehension, ast.PatternComprehension)):
            kinds[name] = "list"
        elif isinstance(expression, (ast.MapLiteral, ast.MapProjection)):
            kinds[name] = "map"
        elif isinstance(expression, ast.Literal) and expression.value is not None:
            kinds[name] = "scalar"
        else:
            kinds[name] = "value"
    return kinds


def _clause_name(clause: ast.Clause) -> str:
    names = {ast.Match: "MATCH", ast.Unwind: "UNWIND", ast.With: "WITH", ast.LoadCsv: "LOAD CSV",
             ast.CallProcedure: "CALL", ast.CallSubquery: "CALL"}
    if isinstance(clause, ast.Match) and clause.optional:
        return "OPTIONAL MATCH"
    return names.get(type(clause), type(clause).__name__.upper())

