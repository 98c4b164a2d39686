"""The Cypher abstract syntax tree: small frozen dataclasses that the planner walks without knowing the parser.

Every expression node derives from `Expr`, every clause from `Clause`; `children()` gives uniform traversal.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Iterator


class Node:
    """Base of every AST node: uniform traversal over the dataclass fields."""

    def children(self) -> Iterator["Node"]:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, tuple):
                for item in value:
                    if isinstance(item, Node):
                        yield item
                    elif isinstance(item, tuple):
                        yield from (x for x in item if isinstance(x, Node))

    def walk(self) -> Iterator["Node"]:
        """This node and all below it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()


class Expr(Node):
    """An expression."""


# --- expressions -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal(Expr):
    value: object


@dataclass(frozen=True)
class Parameter(Expr):
    name: str


@dataclass(frozen=True)
class Variable(Expr):
    name: str


@dataclass(frozen=True)
class Property(Expr):
    subject: Expr
    key: str


@dataclass(frozen=True)
class Subscript(Expr):
    subject: Expr
    index: Expr


@dataclass(frozen=True)
class Slice(Expr):
    subject: Expr
    start: Expr | None
    end: Expr | None


@dataclass(frozen=True)
class LabelCheck(Expr):
    """`n:A:B` (all labels present; for a relationship, its type is one of them)."""

    subject: Expr
    labels: tuple[str, ...]


@dataclass(frozen=True)
class LabelPredicate(Expr):
    """`n:A|B`, `n:A&!B`, `n:%`: a label expression richer than a conjunction of names."""

    subject: Expr
    labels: "LabelExpr"


@dataclass(frozen=True)
class ListLiteral(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class MapLiteral(Expr):
    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class MapProjection(Expr):
    """`v {.a, .*, k: expr, w}`: items are ("property", key), ("all",), ("literal", key, expr), ("variable", name)."""

    subject: Variable
    items: tuple[tuple, ...]


@dataclass(frozen=True)
class FunctionCall(Expr):
    name: str
    args: tuple[Expr, ...]
    distinct: bool = False

    @property
    def lower_name(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class CountStar(Expr):
    pass


@dataclass(frozen=True)
class Arithmetic(Expr):
    """`+ - * / % ^` on two operands."""

    operator: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Negate(Expr):
    operand: Expr


@dataclass(frozen=True)
class UnaryPlus(Expr):
    operand: Expr


@dataclass(frozen=True)
class Comparison(Expr):
    """A chain `a < b <= c`: operators[i] relates operands[i] and operands[i + 1]; all must hold."""

    operators: tuple[str, ...]
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class And(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Xor(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True)
class StringPredicate(Expr):
    """`STARTS WITH`, `ENDS WITH`, `CONTAINS` or `=~`."""

    operator: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class In(Expr):
    item: Expr
    collection: Expr


@dataclass(frozen=True)
class IsNull(Expr):
    operand: Expr
    negated: bool = False


@dataclass(frozen=True)
class IsType(Expr):
    """`x IS [NOT] :: TYPE`; `types` are the normalised type names of a union."""

    operand: Expr
    types: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class Case(Expr):
    subject: Expr | None
    alternatives: tuple[tuple[Expr, Expr], ...]
    default: Expr | None


@dataclass(frozen=True)
class ListComprehension(Expr):
    variable: str
    source: Expr
    predicate: Expr | None
    projection: Expr | None


@dataclass(frozen=True)
class Quantifier(Expr):
    """`all|any|none|single(x IN list WHERE predicate)`."""

    kind: str
    variable: str
    source: Expr
    predicate: Expr | None


@dataclass(frozen=True)
class Reduce(Expr):
    accumulator: str
    initial: Expr
    variable: str
    source: Expr
    expression: Expr


# --- patterns ----------------------------------------------------------------------------------------------


class LabelExpr(Node):
    """A label expression in a pattern."""


@dataclass(frozen=True)
class LabelName(LabelExpr):
    name: str


@dataclass(frozen=True)
class LabelAll(LabelExpr):
    items: tuple[LabelExpr, ...]


@dataclass(frozen=True)
class LabelAny(LabelExpr):
    items: tuple[LabelExpr, ...]


@dataclass(frozen=True)
class LabelNot(LabelExpr):
    item: LabelExpr


@dataclass(frozen=True)
class LabelWildcard(LabelExpr):
    pass


def simple_labels(expr: LabelExpr | None) -> tuple[str, ...] | None:
    """The labels of a plain conjunction (`:A:B`, `:A&B`), or None when the expression is richer."""
    if expr is None:
        return ()
    if isinstance(expr, LabelName):
        return (expr.name,)
    if isinstance(expr, LabelAll):
        names: list[str] = []
        for item in expr.items:
            inner = simple_labels(item)
            if inner is None:
                return None
            names.extend(inner)
        return tuple(names)
    return None


@dataclass(frozen=True)
class NodePattern(Node):
    variable: str | None = None
    labels: LabelExpr | None = None
    properties: Expr | None = None
    predicate: Expr | None = None


@dataclass(frozen=True)
class RelationshipPattern(Node):
    """`direction` is "out" (->), "in" (<-) or "both" (undirected). `length` is None for a single hop, else
    (min, max) with None for an open bound."""

    variable: str | None = None
    types: tuple[str, ...] = ()
    direction: str = "both"
    length: tuple[int | None, int | None] | None = None
    properties: Expr | None = None
    predicate: Expr | None = None


@dataclass(frozen=True)
class PatternElement(Node):
    """Alternating nodes and relationships: len(nodes) == len(relationships) + 1."""

    nodes: tuple[NodePattern, ...]
    relationships: tuple[RelationshipPattern, ...] = ()


@dataclass(frozen=True)
class PatternPart(Node):
    """One comma-separated part of a pattern; `shortest` is None, "shortest" or "all"."""

    element: PatternElement
    variable: str | None = None
    shortest: str | None = None


@dataclass(frozen=True)
class PatternExpression(Expr):
    """A pattern used as a predicate (`WHERE (a)-->(b)`): true when it matches at least once."""

    part: PatternPart


@dataclass(frozen=True)
class PatternComprehension(Expr):
    part: PatternPart
    predicate: Expr | None
    projection: Expr


@dataclass(frozen=True)
class ShortestPathExpression(Expr):
    part: PatternPart


@dataclass(frozen=True)
class ExistsSubquery(Expr):
    """`EXISTS { … }`: `query` is a full query, or None with `pattern` (+ `where`)."""

    query: "Query | None" = None
    pattern: tuple[PatternPart, ...] = ()
    where: Expr | None = None


@dataclass(frozen=True)
class CountSubquery(Expr):
    query: "Query | None" = None
    pattern: tuple[PatternPart, ...] = ()
    where: Expr | None = None


@dataclass(frozen=True)
class CollectSubquery(Expr):
    query: "Query"


# --- clauses -----------------------------------------------------------------------------------------------


class Clause(Node):
    """A clause of a query."""


@dataclass(frozen=True)
class Use(Clause):
    graph: str


@dataclass(frozen=True)
class Match(Clause):
    pattern: tuple[PatternPart, ...]
    where: Expr | None = None
    optional: bool = False
    hints: tuple = ()


@dataclass(frozen=True)
class Unwind(Clause):
    expression: Expr
    variable: str


@dataclass(frozen=True)
class ReturnItem(Node):
    """A projected expression and its column name (the alias, or the expression's text as written)."""

    expression: Expr
    name: str
    aliased: bool = False


@dataclass(frozen=True)
class SortItem(Node):
    expression: Expr
    descending: bool = False


@dataclass(frozen=True)
class Projection(Node):
    items: tuple[ReturnItem, ...]
    star: bool = False
    distinct: bool = False
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None


@dataclass(frozen=True)
class With(Clause):
    projection: Projection
    where: Expr | None = None


@dataclass(frozen=True)
class Return(Clause):
    projection: Projection


@dataclass(frozen=True)
class Create(Clause):
    pattern: tuple[PatternPart, ...]


class SetItem(Node):
    """One assignment of SET (or of MERGE's ON CREATE / ON MATCH)."""


@dataclass(frozen=True)
class SetProperty(SetItem):
    target: Expr
    value: Expr


@dataclass(frozen=True)
class SetAllProperties(SetItem):
    variable: str
    value: Expr


@dataclass(frozen=True)
class MergeProperties(SetItem):
    variable: str
    value: Expr


@dataclass(frozen=True)
class SetLabels(SetItem):
    variable: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Merge(Clause):
    part: PatternPart
    on_create: tuple[SetItem, ...] = ()
    on_match: tuple[SetItem, ...] = ()


@dataclass(frozen=True)
class SetClause(Clause):
    items: tuple[SetItem, ...]


class RemoveItem(Node):
    """One item of REMOVE."""


@dataclass(frozen=True)
class RemoveProperty(RemoveItem):
    target: Expr


@dataclass(frozen=True)
class RemoveLabels(RemoveItem):
    variable: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Remove(Clause):
    items: tuple[RemoveItem, ...]


@dataclass(frozen=True)
class Delete(Clause):
    expressions: tuple[Expr, ...]
    detach: bool = False


@dataclass(frozen=True)
class Foreach(Clause):
    variable: str
    source: Expr
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class InTransactions(Node):
    batch_size: Expr | None = None
    on_error: str = "FAIL"
    report_status: str | None = None
    concurrency: Expr | None = None


@dataclass(frozen=True)
class CallSubquery(Clause):
    """`CALL [(scope)] { query } [IN TRANSACTIONS …]`; scope None means the importing-WITH form."""

    query: "Query"
    scope: tuple[str, ...] | str | None = None
    in_transactions: InTransactions | None = None
    optional: bool = False


@dataclass(frozen=True)
class CallProcedure(Clause):
    """`CALL name(args) YIELD …`; `arguments` None means implicit arguments (from parameters);
    `yield_items` is (name, alias) pairs, "*" or None."""

    name: str
    arguments: tuple[Expr, ...] | None = None
    yield_items: tuple[tuple[str, str], ...] | str | None = None
    where: Expr | None = None
    optional: bool = False


@dataclass(frozen=True)
class LoadCsv(Clause):
    source: Expr
    variable: str
    with_headers: bool = False
    field_terminator: str | None = None


# --- statements --------------------------------------------------------------------------------------------


class Statement(Node):
    """A parsed statement."""


@dataclass(frozen=True)
class SingleQuery(Node):
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Query(Statement):
    """One or more single queries joined by UNION (`union_all[i]` joins parts i and i+1)."""

    parts: tuple[SingleQuery, ...]
    union_all: tuple[bool, ...] = ()


@dataclass(frozen=True)
class UseSchema(Statement):
    """A schema command prefixed with `USE graph`."""

    graph: str
    statement: Statement


@dataclass(frozen=True)
class Explain(Statement):
    query: Statement


@dataclass(frozen=True)
class Profile(Statement):
    query: Statement


@dataclass(frozen=True)
class CreateIndex(Statement):
    name: str | Parameter | None
    entity_type: str
    label: str
    properties: tuple[str, ...]
    kind: str = "RANGE"
    if_not_exists: bool = False
    options: Expr | None = None


@dataclass(frozen=True)
class DropIndex(Statement):
    name: str | Parameter
    if_exists: bool = False


@dataclass(frozen=True)
class CreateConstraint(Statement):
    """`kind` is UNIQUENESS, KEY, PROPERTY_EXISTENCE or PROPERTY_TYPE."""

    name: str | Parameter | None
    entity_type: str
    label: str
    properties: tuple[str, ...]
    kind: str
    property_types: tuple[str, ...] = ()
    if_not_exists: bool = False
    options: Expr | None = None


@dataclass(frozen=True)
class DropConstraint(Statement):
    name: str | Parameter
    if_exists: bool = False


@dataclass(frozen=True)
class ShowSchema(Statement):
    """`SHOW [kind] INDEXES|CONSTRAINTS [YIELD …] [WHERE …] [RETURN …]`."""

    what: str
    kind: str = "ALL"
    yield_items: tuple[tuple[str, str], ...] | str | None = None
    where: Expr | None = None
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None
    return_clause: Return | None = None


# --- transaction control and management (executed by the coordinator) -------------------------------------


@dataclass(frozen=True)
class TransactionControl(Statement):
    """`BEGIN`, `COMMIT` or `ROLLBACK` written as a statement."""

    action: str


@dataclass(frozen=True)
class SetIsolationLevel(Statement):
    """`SET GLOBAL|SESSION|NEXT TRANSACTION ISOLATION LEVEL …`; `level` is SNAPSHOT_ISOLATION, READ_COMMITTED or
    READ_UNCOMMITTED."""

    scope: str
    level: str


@dataclass(frozen=True)
class ShowStatement(Statement):
    """The YIELD / WHERE / ORDER BY / SKIP / LIMIT / RETURN tail every SHOW command may carry."""

    yield_items: tuple[tuple[str, str], ...] | str | None = None
    where: Expr | None = None
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None
    return_clause: Return | None = None


@dataclass(frozen=True)
class ShowTransactions(ShowStatement):
    ids: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class TerminateTransactions(ShowStatement):
    ids: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class SetStorageMode(Statement):
    mode: str


@dataclass(frozen=True)
class ShowStorageInfo(Statement):
    """`SHOW STORAGE INFO [ON CURRENT DATABASE | ON DATABASE name]`; `database` None means the instance form."""

    database: str | Parameter | None = None
    current: bool = False


@dataclass(frozen=True)
class CreateSnapshot(Statement):
    pass


# --- database administration (executed against the system database) --------------------------------------


@dataclass(frozen=True)
class CreateDatabase(Statement):
    name: str | Parameter
    if_not_exists: bool = False
    or_replace: bool = False
    options: Expr | None = None
    wait: bool = False


@dataclass(frozen=True)
class DropDatabase(Statement):
    name: str | Parameter
    if_exists: bool = False
    dump_data: bool = False
    wait: bool = False


@dataclass(frozen=True)
class StartDatabase(Statement):
    name: str | Parameter
    wait: bool = False


@dataclass(frozen=True)
class StopDatabase(Statement):
    name: str | Parameter
    wait: bool = False


@dataclass(frozen=True)
class AlterDatabase(Statement):
    """`ALTER DATABASE name SET ACCESS READ ONLY|READ WRITE`; `access` is "READ ONLY" or "READ WRITE"."""

    name: str | Parameter
    access: str
    if_exists: bool = False


@dataclass(frozen=True)
class ShowDatabases(ShowStatement):
    """`SHOW DATABASES | DATABASE name | DEFAULT DATABASE | HOME DATABASE`; `scope` ALL, NAMED, DEFAULT or HOME."""

    scope: str = "ALL"
    name: str | Parameter | None = None


# --- the catalogue of procedures and functions --------------------------------------------------------------


@dataclass(frozen=True)
class ShowProcedures(ShowStatement):
    pass


@dataclass(frozen=True)
class ShowFunctions(ShowStatement):
    """`SHOW [ALL|BUILT IN|USER DEFINED] FUNCTIONS`; `kind` is ALL, BUILT IN or USER DEFINED."""

    kind: str = "ALL"


# --- users, roles and privileges (executed against the system database) -----------------------------------


@dataclass(frozen=True)
class UserSettings(Node):
    """What CREATE USER / ALTER USER set; None leaves a setting as it is."""

    password: str | Parameter | None = None
    encrypted: bool = False
    change_required: bool | None = None
    status: str | None = None
    home_database: str | Parameter | None = None
    remove_home_database: bool = False


@dataclass(frozen=True)
class CreateUser(Statement):
    name: str | Parameter
    settings: UserSettings
    if_not_exists: bool = False
    or_replace: bool = False


@dataclass(frozen=True)
class AlterUser(Statement):
    name: str | Parameter
    settings: UserSettings
    if_exists: bool = False


@dataclass(frozen=True)
class DropUser(Statement):
    name: str | Parameter
    if_exists: bool = False


@dataclass(frozen=True)
class RenameUser(Statement):
    name: str | Parameter
    new_name: str | Parameter
    if_exists: bool = False


@dataclass(frozen=True)
class ShowUsers(ShowStatement):
    current: bool = False


@dataclass(frozen=True)
class AlterCurrentUserPassword(Statement):
    old_password: str | Parameter
    new_password: str | Parameter


@dataclass(frozen=True)
class CreateRole(Statement):
    name: str | Parameter
    if_not_exists: bool = False
    or_replace: bool = False
    copy_of: str | Parameter | None = None


@dataclass(frozen=True)
class DropRole(Statement):
    name: str | Parameter
    if_exists: bool = False


@dataclass(frozen=True)
class RenameRole(Statement):
    name: str | Parameter
    new_name: str | Parameter
    if_exists: bool = False


@dataclass(frozen=True)
class ShowRoles(ShowStatement):
    populated: bool = False
    with_users: bool = False


@dataclass(frozen=True)
class GrantRoles(Statement):
    roles: tuple
    users: tuple


@dataclass(frozen=True)
class RevokeRoles(Statement):
    roles: tuple
    users: tuple


@dataclass(frozen=True)
class Privilege(Node):
    """One privilege as Neo4j 5 names it (`TRAVERSE`, `SET PROPERTY`, `TRANSACTION MANAGEMENT` …).

    `scope` is GRAPH, DATABASE, DBMS or LOAD; `targets` the graph or database names, "*", "HOME" or "DEFAULT"
    (or the URL/CIDR of LOAD, ALL DATA as "*"); `segment` NODES, RELATIONSHIPS or ELEMENTS with `labels` ("*" for
    all); `properties` for READ/MATCH/SET PROPERTY/MERGE; `qualifier` the labels of SET/REMOVE LABEL, the users
    of the transaction privileges, or the procedures and functions of EXECUTE."""

    name: str
    scope: str
    targets: tuple | str = "*"
    segment: str | None = None
    labels: tuple | str = "*"
    properties: tuple | str | None = None
    qualifier: tuple | str | None = None


@dataclass(frozen=True)
class PrivilegeCommand(Statement):
    """GRANT, DENY or REVOKE [GRANT|DENY] of one privilege to or from roles."""

    action: str
    privilege: Privilege
    roles: tuple
    revoke_kind: str | None = None


@dataclass(frozen=True)
class ShowPrivileges(ShowStatement):
    """`SHOW [ALL | ROLE r | USER u] PRIVILEGES [AS [REVOKE] COMMANDS]`; `filter` ALL, ROLE or USER."""

    filter: str = "ALL"
    names: tuple = ()
    as_commands: bool = False
    as_revoke: bool = False
