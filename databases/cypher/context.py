"""What an executing query carries: its storage transaction, parameters, counters and database identity."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from graphplex.databases.errors import ClientError
from graphplex.databases.storage import Edge, StorageTransaction, Vertex

if TYPE_CHECKING:
    from graphplex.databases.cypher import ast
    from graphplex.databases.cypher.plan import Plan


@dataclass(init=False)
class Counters:
    """The update counters of a statement; `dbms` exports it as the driver's `SummaryCounters`.

    A count still at zero is the class's: creating one (every statement does, most change nothing) sets nothing,
    and the first `+=` of a count gives the instance its own."""

    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    indexes_added: int = 0
    indexes_removed: int = 0
    constraints_added: int = 0
    constraints_removed: int = 0
    system_updates: int = 0

    def __init__(self, **counts: int) -> None:
        if counts:
            unknown = counts.keys() - _NAMES
            if unknown:
                raise TypeError(f"Counters has no count {', '.join(sorted(unknown))}")
            self.__dict__.update(counts)

    @property
    def contains_updates(self) -> bool:
        return any(_graph_counts(self))

    @property
    def contains_system_updates(self) -> bool:
        return self.system_updates > 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _COUNTERS}

    def add(self, other: "Counters") -> None:
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


# The counters' names, looked up once (every statement's summary reads them).
_COUNTERS = tuple(f.name for f in fields(Counters))
_NAMES = frozenset(_COUNTERS)
_GRAPH_COUNTERS = tuple(name for name in _COUNTERS if name != "system_updates")
_graph_counts = attrgetter(*_GRAPH_COUNTERS)


class BatchTransaction(Protocol):
    """The transaction of one batch of `CALL { } IN TRANSACTIONS`, as whoever runs the statement creates it
    (`ExecutionContext.new_batch`). The creator decides what it carries: under the DBMS, the user's read filter and
    write guard, the memory limit, registration for SHOW TRANSACTIONS, and termination together with the outer
    transaction. Phases: the batch's subquery runs over `transaction`; then exactly one of `commit` or `rollback`,
    after which the batch is no longer listed."""

    transaction: StorageTransaction

    def transaction_id(self) -> str:
        """The id users see in REPORT STATUS and SHOW TRANSACTIONS (`{database}-transaction-{n}`)."""

    def commit(self) -> int | None:
        """Commits the batch; returns its commit timestamp (None when it wrote nothing)."""

    def rollback(self) -> None:
        """Rolls the batch back; nothing of it stays."""


class StatementDoor(Protocol):
    """Lets in a statement that a procedure runs inside the statement calling it (`apoc.cypher.run`, `apoc.do.when`,
    `apoc.periodic.iterate` …), as whoever runs the outer statement provides it (`Database.execute(statements=…)`).
    The inner statement is no side door: it is let in as a top-level statement would be (the limit on its text,
    its route, the caller's privileges, the transaction's rules on what it may mix and which database it may
    write); the database then plans it, and the procedure runs the plan over the caller's transaction."""

    def admit(self, text: str, read_only: bool, schema: bool = False) -> "ast.Statement":
        """`text` parsed, once admitted for the calling transaction. `read_only` (a procedure of mode READ) refuses
        a statement that writes, as Neo4j refuses a write restricted to READ; a schema command is refused unless
        `schema` (a procedure of mode SCHEMA, `apoc.schema.assert`)."""


class NestedStatements(Protocol):
    """What procedures use (`ExecutionContext.statements`): a statement admitted through the door of the calling
    transaction, then planned by the database."""

    def plan(self, text: str, read_only: bool, schema: bool = False) -> "Plan":
        """The plan of `text`, admitted for the calling transaction (`StatementDoor.admit`)."""


# The dialects a session answers in (`Host.dialect`): Neo4j's, and Memgraph's for Memgraph's clients. Named here,
# at the bottom, so that the engine and the coordinator (`graphplex.dialects`) compare the same strings.
NEO4J, MEMGRAPH = "neo4j", "memgraph"


class Host(Protocol):
    """What a procedure may ask of whoever runs the statement that one database cannot know: the DBMS passes
    one down (`Database.execute(host=…)`) so that `tx.setMetaData`, `dbms.listConfig` or `db.info` answer for the
    DBMS transaction and settings without the database layer importing the DBMS. A database run on its own has
    none, and those procedures say so."""

    @property
    def dialect(self) -> str:
        """The dialect of the session running the statement: "neo4j", or "memgraph" for Memgraph's clients, which
        expect Memgraph's answers where the two differ."""

    def transaction_metadata(self) -> dict:
        """The metadata of the transaction running the statement (as SHOW TRANSACTIONS lists it)."""

    def set_transaction_metadata(self, metadata: dict) -> None:
        """Replaces the metadata of the transaction running the statement."""

    def settings(self) -> list[dict]:
        """Every setting as SHOW SETTINGS lists it: name, value, isDynamic, defaultValue, description,
        startupValue, isExplicitlySet, validValues, isDeprecated (values as strings)."""

    def database_created(self) -> str | None:
        """When the statement's database was created, ISO-8601 (None if nobody recorded it)."""

    def authorize_admin_procedure(self, name: str) -> None:
        """Raises Forbidden unless the caller may execute the admin procedure `name`."""

    def may_execute(self, name: str, admin: bool, user: str | None) -> bool:
        """Whether `user` (None: the caller) may execute the procedure `name` (SHOW PROCEDURES EXECUTABLE);
        another user's privileges need SHOW USER."""

    def in_composite(self) -> bool:
        """Whether the statement was sent to a composite database."""

    def graph_names(self) -> list[str]:
        """The constituents of the composite database the statement was sent to (`graph.names()`)."""

    def graph_properties(self, name: str) -> dict:
        """The PROPERTIES of the composite's constituent `name` (`graph.propertiesByName`)."""

    def graph_subquery(self, graph: str, body: str, arguments: dict, counters: "Counters") \
            -> Iterator[dict] | None:
        """The rows of `CALL { USE graph … }` (`body`, the text between its braces, given the imported
        `arguments`) when `graph` is not the statement's own: a composite database's constituent, run there, its
        updates added to `counters` once its rows are read. None: the subquery runs here, on the statement's own
        graph."""


@dataclass
class ExecutionContext:
    """Per-execution state shared by every operator and compiled expression of a plan."""

    txn: StorageTransaction
    parameters: dict
    counters: Counters = field(default_factory=Counters)
    database_name: str = "neo4j"
    # Opens the transaction of the next batch of `CALL { } IN TRANSACTIONS`; only implicit executions provide one.
    new_batch: Callable[[], BatchTransaction] | None = None
    # The only directory LOAD CSV may read from (None: LOAD CSV of files is refused).
    import_dir: str | None = None
    # (url, line) of the row LOAD CSV is producing, for file() and linenumber().
    csv_position: tuple[str, int] | None = None
    # The batches of `CALL { } IN TRANSACTIONS` committed so far: a failure of the statement names how many.
    transactions_committed: int = 0
    # What the DBMS running the statement answers for procedures (None: the database runs on its own).
    host: Host | None = None
    # Writes a checkpoint of the database now: (success, message), as `db.checkpoint()` reports it.
    checkpoint: Callable[[], tuple[bool, str]] | None = None
    # Forgets the database's cached plans; returns how many there were (`db.clearQueryCaches()`).
    clear_query_caches: Callable[[], int] | None = None
    # Lets procedures run statements of their own within this execution (None: they may not).
    statements: NestedStatements | None = None
    # What running the statement found to tell the user (`notifications.Notification`s: a rule that existed).
    notifications: list = field(default_factory=list)
    # The version each entity a trigger's transaction deleted was deleted in: a trigger still reads them, as
    # Memgraph lets it (`databases.cypher.triggers`); None for every other statement.
    last_known: dict | None = None

    def view(self, entity):
        """The version of a node or relationship this transaction sees; raises if it was deleted."""
        version = self.txn.view(entity)
        if version is None:
            if self.last_known is not None and entity in self.last_known:
                return self.last_known[entity]
            kind = "Node" if isinstance(entity, Vertex) else "Relationship"
            raise ClientError(f"{kind} with id {entity.gid} has been deleted in this transaction",
                              "Neo.ClientError.Statement.EntityNotFound")
        return version

    def check(self) -> None:
        """Termination point between rows: a terminated or timed-out transaction stops here."""
        if self.txn.termination is not None:
            self.txn.check_terminated()

    def element_id(self, entity: Vertex | Edge) -> str:
        return self.txn.storage.element_id(entity)
