"""The Cypher abstract syntax tree: small frozen dataclasses that the planner walks without knowing the parser.

Every expression node derives from `Expr`, every clause from `Clause`; `children()` gives uniform traversal.
"""
from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
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


SOURCE = "source"


def node(cls):
    """`@dataclass(frozen=True)` for the AST's ~110 classes, at a tenth of the cost: `dataclass` compiles six
    methods per class (~1.2 ms each class, over 0.1 s of every start), so here it only records the fields
    (`fields`, `replace` and `match` work as ever) and the methods are made without compiling. Instances are
    immutable, equal and hashed by class and field values (but `source`, the text a node was read from, which
    says where it came from rather than what it means), and shown as dataclasses show them."""
    if cls.__doc__ is None:   # else `dataclass` spends time on `inspect.signature` to write one
        cls.__doc__ = cls.__name__
    cls = dataclass(cls, init=False, repr=False, eq=False)
    names = tuple(f.name for f in fields(cls))
    defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
    cls.__init__ = _initializer(cls, names, defaults)
    cls._field_values = staticmethod(_values_of(tuple(name for name in names if name != SOURCE)))
    cls.__eq__, cls.__hash__, cls.__repr__ = _node_eq, _node_hash, _node_repr
    cls.__setattr__, cls.__delattr__ = _frozen_setattr, _frozen_delattr
    return cls


_set = object.__setattr__


def _initializer(cls, names: tuple[str, ...], defaults: dict):
    count = len(names)

    def __init__(self, *args, **kwargs):
        if kwargs or len(args) != count:
            args = _bind(cls, names, defaults, args, kwargs)
        for name, value in zip(names, args):
            _set(self, name, value)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _bind(cls, names: tuple[str, ...], defaults: dict, args: tuple, kwargs: dict) -> list:
    """The field values of a call with keywords or defaults, with Python's errors for a wrong call."""
    if len(args) > len(names):
        raise TypeError(f"{cls.__qualname__}.__init__() takes {len(names) + 1} positional arguments but "
                        f"{len(args) + 1} were given")
    kwargs = dict(kwargs)
    values = list(args)
    for name in names[len(args):]:
        if name in kwargs:
            values.append(kwargs.pop(name))
        elif name in defaults:
            values.append(defaults[name])
        else:
            raise TypeError(f"{cls.__qualname__}.__init__() missing required argument: '{name}'")
    if kwargs:
        raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return values


def _values_of(names: tuple[str, ...]):
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda self: (one(self),)
    return lambda self: ()


def _node_eq(self, other):
    if other.__class__ is self.__class__:
        return self._field_values(self) == other._field_values(other)
    return NotImplemented


def _node_hash(self):
    return hash(self._field_values(self))


def _node_repr(self):
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
    return f"{self.__class__.__qualname__}({shown})"


def _frozen_setattr(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}")


# --- expressions -------------------------------------------------------------------------------------------


@node
class Literal(Expr):
    value: object


@node
class Parameter(Expr):
    name: str


@node
class Variable(Expr):
    name: str


@node
class Property(Expr):
    subject: Expr
    key: str


@node
class Subscript(Expr):
    subject: Expr
    index: Expr


@node
class Slice(Expr):
    subject: Expr
    start: Expr | None
    end: Expr | None


@node
class LabelCheck(Expr):
    """`n:A:B` (all labels present; for a relationship, its type is one of them)."""

    subject: Expr
    labels: tuple[str, ...]


@node
class LabelPredicate(Expr):
    """`n:A|B`, `n:A&!B`, `n:%`: a label expression richer than a conjunction of names."""

    subject: Expr
    labels: "LabelExpr"


@node
class ListLiteral(Expr):
    items: tuple[Expr, ...]


@node
class MapLiteral(Expr):
    items: tuple[tuple[str, Expr], ...]


@node
class MapProjection(Expr):
    """`v {.a, .*, k: expr, w}`: items are ("property", key), ("all",), ("literal", key, expr), ("variable", name)."""

    subject: Variable
    items: tuple[tuple, ...]


@node
class FunctionCall(Expr):
    name: str
    args: tuple[Expr, ...]
    distinct: bool = False

    @property
    def lower_name(self) -> str:
        return self.name.lower()


@node
class CountStar(Expr):
    pass


@node
class Arithmetic(Expr):
    """`+ - * / % ^` on two operands."""

    operator: str
    left: Expr
    right: Expr


@node
class Negate(Expr):
    operand: Expr


@node
class UnaryPlus(Expr):
    operand: Expr


@node
class Comparison(Expr):
    """A chain `a < b <= c`: operators[i] relates operands[i] and operands[i + 1]; all must hold."""

    operators: tuple[str, ...]
    operands: tuple[Expr, ...]


@node
class And(Expr):
    items: tuple[Expr, ...]


@node
class Or(Expr):
    items: tuple[Expr, ...]


@node
class Xor(Expr):
    items: tuple[Expr, ...]


@node
class Not(Expr):
    operand: Expr


@node
class StringPredicate(Expr):
    """`STARTS WITH`, `ENDS WITH`, `CONTAINS` or `=~`."""

    operator: str
    left: Expr
    right: Expr


@node
class In(Expr):
    item: Expr
    collection: Expr


@node
class IsNull(Expr):
    operand: Expr
    negated: bool = False


@node
class IsType(Expr):
    """`x IS [NOT] :: TYPE`; `types` are the normalised type names of a union."""

    operand: Expr
    types: tuple[str, ...]
    negated: bool = False


@node
class Case(Expr):
    subject: Expr | None
    alternatives: tuple[tuple[Expr, Expr], ...]
    default: Expr | None


@node
class ListComprehension(Expr):
    variable: str
    source: Expr
    predicate: Expr | None
    projection: Expr | None


@node
class Quantifier(Expr):
    """`all|any|none|single(x IN list WHERE predicate)`."""

    kind: str
    variable: str
    source: Expr
    predicate: Expr | None


@node
class Reduce(Expr):
    accumulator: str
    initial: Expr
    variable: str
    source: Expr
    expression: Expr


# --- patterns ----------------------------------------------------------------------------------------------


class LabelExpr(Node):
    """A label expression in a pattern."""


@node
class LabelName(LabelExpr):
    name: str


@node
class LabelAll(LabelExpr):
    items: tuple[LabelExpr, ...]


@node
class LabelAny(LabelExpr):
    items: tuple[LabelExpr, ...]


@node
class LabelNot(LabelExpr):
    item: LabelExpr


@node
class LabelWildcard(LabelExpr):
    pass


@node
class DynamicLabels(LabelExpr):
    """`:$(expr)` and `:$all(expr)` (every label the STRING or LIST<STRING> value names), `:$any(expr)` (one of
    them): labels, or relationship types, known only on a row (Neo4j 5.26)."""

    expression: Expr
    any: bool = False


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


@node
class NodePattern(Node):
    variable: str | None = None
    labels: LabelExpr | None = None
    properties: Expr | None = None
    predicate: Expr | None = None


@node
class RelationshipPattern(Node):
    """`direction` is "out" (->), "in" (<-) or "both" (undirected). `length` is None for a single hop, else
    (min, max) with None for an open bound. `types` and `dynamic_types` are alternatives (`:A|$any($t)`);
    `colon_alternatives` says they were written with the colon Neo4j 5 deprecates after `|` (`:A|:B`)."""

    variable: str | None = None
    types: tuple[str, ...] = ()
    direction: str = "both"
    length: tuple[int | None, int | None] | None = None
    properties: Expr | None = None
    predicate: Expr | None = None
    dynamic_types: tuple[DynamicLabels, ...] = ()
    colon_alternatives: bool = False


@node
class PatternElement(Node):
    """Alternating nodes and relationships: len(nodes) == len(relationships) + 1."""

    nodes: tuple[NodePattern, ...]
    relationships: tuple[RelationshipPattern, ...] = ()


@node
class PatternPart(Node):
    """One comma-separated part of a pattern; `shortest` is None, "shortest" or "all"."""

    element: PatternElement
    variable: str | None = None
    shortest: str | None = None


@node
class PatternExpression(Expr):
    """A pattern used as a predicate (`WHERE (a)-->(b)`): true when it matches at least once."""

    part: PatternPart


@node
class PatternComprehension(Expr):
    part: PatternPart
    predicate: Expr | None
    projection: Expr


@node
class ShortestPathExpression(Expr):
    part: PatternPart


@node
class ExistsSubquery(Expr):
    """`EXISTS { … }`: `query` is a full query, or None with `pattern` (+ `where`)."""

    query: "Query | None" = None
    pattern: tuple[PatternPart, ...] = ()
    where: Expr | None = None


@node
class CountSubquery(Expr):
    query: "Query | None" = None
    pattern: tuple[PatternPart, ...] = ()
    where: Expr | None = None


@node
class CollectSubquery(Expr):
    query: "Query"


# --- clauses -----------------------------------------------------------------------------------------------


class Clause(Node):
    """A clause of a query."""


GRAPH_BY_NAME = "graph.byName"


@node
class Use(Clause):
    """`USE name`, or `USE graph.byName(expr)` (`graph` GRAPH_BY_NAME, `argument` the expression): a composite
    database's constituent chosen per row."""

    graph: str
    argument: "Expr | None" = None


@node
class Match(Clause):
    pattern: tuple[PatternPart, ...]
    where: Expr | None = None
    optional: bool = False
    hints: tuple = ()


@node
class Unwind(Clause):
    expression: Expr
    variable: str


@node
class ReturnItem(Node):
    """A projected expression and its column name (the alias, or the expression's text as written)."""

    expression: Expr
    name: str
    aliased: bool = False


@node
class SortItem(Node):
    expression: Expr
    descending: bool = False


@node
class Projection(Node):
    items: tuple[ReturnItem, ...]
    star: bool = False
    distinct: bool = False
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None


@node
class With(Clause):
    projection: Projection
    where: Expr | None = None


@node
class Return(Clause):
    projection: Projection


@node
class Create(Clause):
    pattern: tuple[PatternPart, ...]


class SetItem(Node):
    """One assignment of SET (or of MERGE's ON CREATE / ON MATCH)."""


@node
class SetProperty(SetItem):
    target: Expr
    value: Expr


@node
class SetAllProperties(SetItem):
    variable: str
    value: Expr


@node
class MergeProperties(SetItem):
    variable: str
    value: Expr


@node
class SetLabels(SetItem):
    variable: str
    labels: tuple[str | DynamicLabels, ...]


@node
class Merge(Clause):
    part: PatternPart
    on_create: tuple[SetItem, ...] = ()
    on_match: tuple[SetItem, ...] = ()


@node
class SetClause(Clause):
    items: tuple[SetItem, ...]


class RemoveItem(Node):
    """One item of REMOVE."""


@node
class RemoveProperty(RemoveItem):
    target: Expr


@node
class RemoveLabels(RemoveItem):
    variable: str
    labels: tuple[str | DynamicLabels, ...]


@node
class Remove(Clause):
    items: tuple[RemoveItem, ...]


@node
class Delete(Clause):
    expressions: tuple[Expr, ...]
    detach: bool = False


@node
class Foreach(Clause):
    variable: str
    source: Expr
    clauses: tuple[Clause, ...]


@node
class InTransactions(Node):
    batch_size: Expr | None = None
    on_error: str = "FAIL"
    report_status: str | None = None
    concurrency: Expr | None = None


@node
class CallSubquery(Clause):
    """`CALL [(scope)] { query } [IN TRANSACTIONS …]`; scope None means the importing-WITH form."""

    query: "Query"
    scope: tuple[str, ...] | str | None = None
    in_transactions: InTransactions | None = None
    optional: bool = False
    # The subquery's text between its braces, as written: what a composite database sends to the constituent a
    # leading `USE` names (`CALL { USE shop.eu MATCH … }`).
    source: str = ""


@node
class CallProcedure(Clause):
    """`CALL name(args) YIELD …`; `arguments` None means implicit arguments (from parameters);
    `yield_items` is (name, alias) pairs, "*" or None."""

    name: str
    arguments: tuple[Expr, ...] | None = None
    yield_items: tuple[tuple[str, str], ...] | str | None = None
    where: Expr | None = None
    optional: bool = False
    # Memgraph's `PROCEDURE MEMORY LIMIT n KB|MB`, in bytes (None: no limit of its own, as `… UNLIMITED`).
    memory_limit: int | None = None


@node
class LoadCsv(Clause):
    source: Expr
    variable: str
    with_headers: bool = False
    field_terminator: str | None = None


# --- statements --------------------------------------------------------------------------------------------


class Statement(Node):
    """A parsed statement."""


@node
class SingleQuery(Node):
    clauses: tuple[Clause, ...]


@node
class Query(Statement):
    """One or more single queries joined by UNION (`union_all[i]` joins parts i and i+1)."""

    parts: tuple[SingleQuery, ...]
    union_all: tuple[bool, ...] = ()
    # Memgraph's `QUERY MEMORY LIMIT n KB|MB`, in bytes (None: no limit of its own, as `… UNLIMITED`).
    memory_limit: int | None = None


@node
class UseSchema(Statement):
    """A schema command prefixed with `USE graph`."""

    graph: str
    statement: Statement


@node
class Explain(Statement):
    query: Statement


@node
class Profile(Statement):
    query: Statement


@node
class CreateIndex(Statement):
    """`kind` is RANGE, TEXT, POINT, LOOKUP, VECTOR or FULLTEXT. A LOOKUP index with no label and no properties is
    Neo4j's lookup index of every label (or type), which always exists; with a label (and no properties) it is
    Memgraph's label or edge-type index, with no label and one property Memgraph's global index
    (`storage.schema.LookupIndex`). A FULLTEXT index may name several labels or types: `labels` holds them all, in
    the order written (`label` is the first). A VECTOR index written in Memgraph's syntax carries Memgraph's
    `WITH CONFIG` map as its `options`."""

    name: str | Parameter | None
    entity_type: str
    label: str | None
    properties: tuple[str, ...]
    kind: str = "RANGE"
    if_not_exists: bool = False
    options: Expr | None = None
    # Written in Memgraph's syntax (`ON :L(p)`), whose range indexes and uniqueness constraints stand apart.
    memgraph: bool = False
    labels: tuple[str, ...] = ()


@node
class DropIndex(Statement):
    """`of`: Memgraph's `DROP INDEX ON :L(p)` names no index but the one it drops by its schema (`name` None)."""

    name: str | Parameter | None
    if_exists: bool = False
    of: CreateIndex | None = None


@node
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
    # Written in Memgraph's syntax (`ON (n:L) ASSERT …`), whose uniqueness constraints and range indexes stand apart.
    memgraph: bool = False


@node
class DropConstraint(Statement):
    """`of`: Memgraph's `DROP CONSTRAINT ON (n:L) ASSERT …` drops the constraint of that rule (`name` None)."""

    name: str | Parameter | None
    if_exists: bool = False
    of: CreateConstraint | None = None


@node
class ShowSchema(Statement):
    """`SHOW [kind] INDEXES|CONSTRAINTS [YIELD …] [WHERE …] [RETURN …]`; `what` is INDEX INFO or CONSTRAINT INFO
    for Memgraph's `SHOW INDEX INFO` / `SHOW CONSTRAINT INFO` (Memgraph's columns, no YIELD)."""

    what: str
    kind: str = "ALL"
    yield_items: tuple[tuple[str, str], ...] | str | None = None
    where: Expr | None = None
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None
    return_clause: Return | None = None


# --- transaction control and management (executed by the coordinator) -------------------------------------


@node
class TransactionControl(Statement):
    """`BEGIN`, `COMMIT` or `ROLLBACK` written as a statement."""

    action: str


@node
class SetIsolationLevel(Statement):
    """`SET GLOBAL|SESSION|NEXT TRANSACTION ISOLATION LEVEL …`; `level` is SNAPSHOT_ISOLATION, READ_COMMITTED or
    READ_UNCOMMITTED."""

    scope: str
    level: str


@node
class ShowStatement(Statement):
    """The YIELD / WHERE / ORDER BY / SKIP / LIMIT / RETURN tail every SHOW command may carry."""

    yield_items: tuple[tuple[str, str], ...] | str | None = None
    where: Expr | None = None
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None
    return_clause: Return | None = None


@node
class ShowTransactions(ShowStatement):
    ids: tuple[Expr, ...] = ()


@node
class TerminateTransactions(ShowStatement):
    ids: tuple[Expr, ...] = ()


@node
class SetStorageMode(Statement):
    mode: str


@node
class ShowStorageInfo(Statement):
    """`SHOW STORAGE INFO [ON CURRENT DATABASE | ON DATABASE name]`; `database` None means the instance form."""

    database: str | Parameter | None = None
    current: bool = False


@node
class CreateSnapshot(Statement):
    pass


# --- Memgraph's triggers (databases.cypher.triggers) -----------------------------------------------------------

@node
class CreateTrigger(Statement):
    """`CREATE TRIGGER name [SECURITY DEFINER|INVOKER] [ON [()|-->] CREATE|UPDATE|DELETE] BEFORE|AFTER COMMIT
    EXECUTE statement`. `event` is Memgraph's name of the event type (ANY, CREATE, () CREATE, --> UPDATE …),
    `phase` BEFORE COMMIT or AFTER COMMIT, `statement` the text after EXECUTE."""

    name: str
    event: str
    phase: str
    statement: str
    security: str = "DEFINER"


@node
class DropTrigger(Statement):
    name: str


@node
class ShowTriggers(Statement):
    """`SHOW TRIGGERS` (or `SHOW TRIGGER INFO`)."""


# --- database administration (executed against the system database) --------------------------------------


@node
class CreateDatabase(Statement):
    name: str | Parameter
    if_not_exists: bool = False
    or_replace: bool = False
    options: Expr | None = None
    wait: bool = False


@node
class DropDatabase(Statement):
    """`DROP DATABASE name`; `cascade_aliases` (CASCADE ALIASES) drops the aliases that name it, which otherwise
    keep it from being dropped."""

    name: str | Parameter
    if_exists: bool = False
    dump_data: bool = False
    wait: bool = False
    cascade_aliases: bool = False


@node
class StartDatabase(Statement):
    name: str | Parameter
    wait: bool = False


@node
class StopDatabase(Statement):
    name: str | Parameter
    wait: bool = False


@node
class AlterDatabase(Statement):
    """`ALTER DATABASE name SET ACCESS READ ONLY|READ WRITE`; `access` is "READ ONLY" or "READ WRITE"."""

    name: str | Parameter
    access: str
    if_exists: bool = False


@node
class CreateCompositeDatabase(CreateDatabase):
    """`CREATE COMPOSITE DATABASE name`: a database of no graph of its own, whose constituents are the aliases
    named `name.part`."""


@node
class DropCompositeDatabase(DropDatabase):
    """`DROP COMPOSITE DATABASE name`: DROP DATABASE that refuses a standard database (CASCADE ALIASES drops the
    constituents with it, never the databases they name)."""


@node
class CreateAlias(Statement):
    """`CREATE ALIAS name FOR DATABASE target`, remote when `url` is given (`AT url USER user PASSWORD password
    [DRIVER {…}]`); `properties` is the alias's own map (`PROPERTIES {…}`)."""

    name: str | Parameter
    target: str | Parameter
    if_not_exists: bool = False
    or_replace: bool = False
    url: str | Parameter | None = None
    user: str | Parameter | None = None
    password: str | Parameter | None = None
    driver: Expr | None = None
    properties: Expr | None = None


@node
class AlterAlias(Statement):
    """`ALTER ALIAS name SET DATABASE …`: each field not None is changed (`target` with `url` for a remote)."""

    name: str | Parameter
    if_exists: bool = False
    target: str | Parameter | None = None
    url: str | Parameter | None = None
    user: str | Parameter | None = None
    password: str | Parameter | None = None
    driver: Expr | None = None
    properties: Expr | None = None


@node
class DropAlias(Statement):
    name: str | Parameter
    if_exists: bool = False


@node
class ShowAliases(ShowStatement):
    """`SHOW ALIAS[ES] [name] FOR DATABASE[S]`."""

    name: str | Parameter | None = None


@node
class ShowDatabases(ShowStatement):
    """`SHOW DATABASES | DATABASE name | DEFAULT DATABASE | HOME DATABASE`; `scope` ALL, NAMED, DEFAULT or HOME."""

    scope: str = "ALL"
    name: str | Parameter | None = None


@node
class UseDatabase(Statement):
    """Memgraph's `USE DATABASE name`: the session's statements that follow run against database `name`."""

    name: str | Parameter


@node
class ShowCurrentDatabase(Statement):
    """Memgraph's `SHOW [CURRENT] DATABASE`: the name of the database the session uses. Without CURRENT it is
    also Neo4j's `SHOW DATABASE`, every database, for a session in Neo4j's dialect."""

    current: bool = False


# --- the catalogue of procedures and functions --------------------------------------------------------------


@node
class ShowProcedures(ShowStatement):
    """`SHOW PROCEDURES [EXECUTABLE [BY CURRENT USER | BY user]]`: `executable` keeps the procedures a user may
    execute; `user` names them (None: the current user)."""

    executable: bool = False
    user: str | None = None


@node
class ShowFunctions(ShowStatement):
    """`SHOW [ALL|BUILT IN|USER DEFINED] FUNCTIONS`; `kind` is ALL, BUILT IN or USER DEFINED."""

    kind: str = "ALL"


@node
class ShowSettings(ShowStatement):
    """`SHOW SETTINGS [names]`: `names` are expressions giving a STRING or a LIST<STRING> each (none: all)."""

    names: tuple[Expr, ...] = ()


# --- users, roles and privileges (executed against the system database) -----------------------------------


@node
class UserSettings(Node):
    """What CREATE USER / ALTER USER set; None leaves a setting as it is."""

    password: str | Parameter | None = None
    encrypted: bool = False
    change_required: bool | None = None
    status: str | None = None
    home_database: str | Parameter | None = None
    remove_home_database: bool = False


@node
class CreateUser(Statement):
    name: str | Parameter
    settings: UserSettings
    if_not_exists: bool = False
    or_replace: bool = False


@node
class AlterUser(Statement):
    name: str | Parameter
    settings: UserSettings
    if_exists: bool = False


@node
class DropUser(Statement):
    name: str | Parameter
    if_exists: bool = False


@node
class RenameUser(Statement):
    name: str | Parameter
    new_name: str | Parameter
    if_exists: bool = False


@node
class ShowUsers(ShowStatement):
    current: bool = False


@node
class AlterCurrentUserPassword(Statement):
    old_password: str | Parameter
    new_password: str | Parameter


@node
class CreateRole(Statement):
    name: str | Parameter
    if_not_exists: bool = False
    or_replace: bool = False
    copy_of: str | Parameter | None = None


@node
class DropRole(Statement):
    name: str | Parameter
    if_exists: bool = False


@node
class RenameRole(Statement):
    name: str | Parameter
    new_name: str | Parameter
    if_exists: bool = False


@node
class ShowRoles(ShowStatement):
    populated: bool = False
    with_users: bool = False


@node
class GrantRoles(Statement):
    roles: tuple
    users: tuple


@node
class RevokeRoles(Statement):
    roles: tuple
    users: tuple


@node
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


@node
class PrivilegeCommand(Statement):
    """GRANT, DENY or REVOKE [GRANT|DENY] of one privilege to or from roles."""

    action: str
    privilege: Privilege
    roles: tuple
    revoke_kind: str | None = None


MEMGRAPH_ALL_PRIVILEGES = "ALL PRIVILEGES"


@node
class MemgraphPrivilegeCommand(Statement):
    """Memgraph's `GRANT|DENY privilege, … TO target` and `REVOKE privilege, … FROM target`: `privileges` are
    Memgraph's names (`TRANSACTION_MANAGEMENT`), or MEMGRAPH_ALL_PRIVILEGES alone; `target` a user or a role
    (Memgraph grants to either; the security model says how a user holds them), `target_kind` "USER" or "ROLE"
    when the statement says which (`TO USER alice`)."""

    action: str
    privileges: tuple[str, ...]
    target: str | Parameter
    target_kind: str | None = None


@node
class ShowPrivileges(ShowStatement):
    """`SHOW [ALL | ROLE r | USER u] PRIVILEGES [AS [REVOKE] COMMANDS]`; `filter` ALL, ROLE or USER."""

    filter: str = "ALL"
    names: tuple = ()
    as_commands: bool = False
    as_revoke: bool = False
