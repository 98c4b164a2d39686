"""The DBMS transaction: the one object behind every way in (implicit, explicit, BEGIN/COMMIT statements).

It opens a database transaction lazily on the first statement for each database, lets only one database be
written, never mixes graph, schema and administration workloads, and commits or rolls back all its children
together: the rules of the design card live here and nowhere else."""
from __future__ import annotations

import enum
import itertools
import _thread
import time
from typing import TYPE_CHECKING, Callable, ContextManager, Iterator, TypeVar

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.classify import READ, SCHEMA, TRANSACTION_CONTROL, WRITE, runs_on_system
from graphplex.databases.cypher.context import Counters, ExecutionContext
from graphplex.databases.cypher.parser import redact_passwords
from graphplex.databases.errors import ClientError, DatabaseError, Neo4jError, TransactionError, TransientError, error_for_code
from graphplex.batches import Batch
from graphplex.contracts import ChildTransaction
from graphplex.authorization import (check_access, check_password_change, check_writes, install_guards,
                                     manages_databases, may_access)
from graphplex.procedure_host import ProcedureHost
from graphplex.security import Principal
from graphplex.refusals import write_in_read_mode
from graphplex.nested_statements import TransactionStatements, restricted
from graphplex.routing import GRAPH, Request, request_for, route_for
from graphplex.confinement import UNCONFINED
from graphplex.triggers import before_commit
from graphplex.dialects import MEMGRAPH, NEO4J, error_in_dialect
from graphplex import memgraph_plans
from graphplex.result import Result, ResultSummary
from graphplex.system_db import SYSTEM, AliasEntry, Viewer
from graphplex.composites import GRAPH_ACCESS, statement_graph
from graphplex.remote import RemoteTransaction, bookmarks_for, remote_text

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

_ids = itertools.count(1)
T = TypeVar("T")
MULTIPLE_GRAPHS = ("Multiple graph references in the same query is not supported on standard databases. "
                   "This capability is supported on composite databases only.")


class Status(enum.Enum):
    ACTIVE = "Running"
    FAILED = "Marked for rollback"
    COMMITTED = "Committed"
    ROLLED_BACK = "Rolled back"


class DBMSTransaction:
    """A container of database transactions, one per database used, committed or rolled back together."""

    # SHOW TRANSACTIONS' `outerTransactionId`: a DBMS transaction is never inside another (its batches are).
    outer_transaction_id = ""
    # Whether its commit runs the triggers of the database it writes (not for a trigger's own transaction).
    fires_triggers = True

    def __init__(self, dbms: "DBMS", database: str, *, access_mode: str = "WRITE", isolation_level: str | None = None,
                 metadata: dict | None = None, timeout: float | None = None, implicit: bool = False,
                 principal: Principal | None = None, dialect: str = NEO4J) -> None:
        self.dbms = dbms
        # The dialect of the session it belongs to (`graphplex.dialects`): what its statements answer in, and the
        # words of its own failure if it is terminated.
        self.dialect = dialect
        # Whether its writes may store Memgraph's property values (maps, mixed and nested lists): Memgraph stores
        # them, Neo4j refuses them, so the session's dialect decides (a bulk load, which writes back what a dump
        # holds, may too).
        self.memgraph_values = dialect == MEMGRAPH
        self.id = next(_ids)
        self.database = database
        self.access_mode = access_mode
        self.isolation_level = isolation_level or dbms.settings.isolation_level
        self.metadata = dict(metadata or {})
        self.timeout = timeout
        # Bytes of change state each of its database transactions (and batches) may hold; None: no limit.
        self.memory_limit = dbms.settings.transaction_memory_max
        self.principal = principal or dbms.security.administrator()
        self.user = self.principal.user
        self.implicit = implicit
        self.status = Status.ACTIVE
        self.failure: Neo4jError | None = None
        # Marked for rollback without a failure (the embedded API's `failure()`): it still reads, never writes.
        self.doomed = False
        self.children: dict[str, ChildTransaction] = {}
        self.writer: str | None = None
        self.kind: str | None = None
        self.start_time = time.time()
        # The statement running now and its parameters, for SHOW TRANSACTIONS (which masks passwords in them).
        self.current_query = ""
        self.current_parameters: dict = {}
        # Every statement it ran, in order (Memgraph's SHOW TRANSACTIONS lists them all).
        self.queries: list[str] = []
        self.bookmarks: dict[str, str] = {}
        self._results: list[Result] = []
        self.terminated: Neo4jError | None = None
        self.connection_id = ""
        self.client_address = ""
        self.protocol = "embedded"
        # The session's own isolation levels (SET SESSION / NEXT), for SHOW STORAGE INFO.
        self.session_isolation: tuple[str | None, str | None] = (None, None)
        # The guard of the session or thread this transaction belongs to; its results step inside it.
        self.confinement: ContextManager = UNCONFINED
        # The batch of `CALL { } IN TRANSACTIONS` running now, if any (batches run one after the other).
        self.running_batch: Batch | None = None
        # What this transaction changed outside its children (a live database's storage mode, a setting): undone
        # if it does not commit, applied once it has.
        self._undo: list[Callable[[], None]] = []
        self._after_commit: list[Callable[[], None]] = []
        # Held by the thread doing this transaction's work (a statement, a step of its results, commit, rollback):
        # `terminate`, called from another thread, rolls back only a transaction nobody is working in.
        self._working = _thread.RLock()  # threading.RLock's own lock, without its wrapper call
        dbms.registry.add(self)
        # The bookmarks of the session that began it: a remote alias's child hands its remote the ones it made.
        self.given_bookmarks: list[str] = []
        limit = timeout if timeout is not None else dbms.settings.transaction_timeout
        self.time_limit = limit or None
        if limit:  # 0 means no timeout, as in the driver
            dbms.watchdog.watch(self, limit, client_configured=timeout is not None)

    # --- state -------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in (Status.ACTIVE, Status.FAILED)

    def time_left(self) -> float | None:
        """Seconds before the transaction's timeout (None: no timeout): what a remote child is given, so that
        the remote ends its part in time too."""
        if self.time_limit is None:
            return None
        return max(0.001, self.time_limit - (time.time() - self.start_time))

    def transaction_id(self, database: str | None = None) -> str:
        return f"{database or self.writer or self.database}-transaction-{self.id}"

    def _check_usable(self) -> None:
        if self.terminated is not None and self.is_open:
            self.fail(self.terminated)
            self._rollback_children()
        if self.terminated is not None and self.status is Status.FAILED:
            raise self.terminated
        if self.status is Status.FAILED:
            raise TransactionError("Transaction failed") from self.failure
        if not self.is_open:
            raise TransactionError(f"Trying to execute query in a closed transaction ({self.status.value.lower()})",
                                   "Neo.ClientError.Transaction.TransactionNotFound")

    def fail(self, error: Neo4jError) -> None:
        """Marks the whole DBMS transaction for rollback; every later use raises, naming this failure."""
        if self.failure is None:
            self.failure = error
        if self.status is Status.ACTIVE:
            self.status = Status.FAILED
        for child in self.children.values():
            if child.is_open:
                child.mark_failed(error)

    def doom(self) -> None:
        """Marks the transaction for rollback: reads still run, every write is refused and commit rolls back."""
        self.doomed = True

    def _check_doomed(self, info) -> None:
        if self.doomed and info.category != READ:
            raise TransactionError("The transaction has been marked for rollback: it refuses every further write",
                                   "Neo.ClientError.Transaction.TransactionMarkedAsFailed")

    # --- statements --------------------------------------------------------------------------------------

    def run(self, text: str, parameters: dict | None = None) -> Result:
        """Runs one statement in this transaction: lets it in at the door (`routing.request_for`), routes it,
        checks the rules, opens the child it needs."""
        with self._working:
            self._check_usable()
            request = self._guarded(lambda: request_for(self.dbms, text, dict(parameters or {})))
            return self._run(request)

    def run_request(self, request: Request) -> Result:
        """Runs a statement its caller (a session, which routes before it has a transaction) let in at the door."""
        with self._working:
            self._check_usable()
            return self._run(request)

    def _run(self, request: Request) -> Result:
        self.current_query, self.current_parameters = request.text, request.parameters
        self.queries.append(request.text)
        self._check_doomed(request.info)
        return self._guarded(lambda: self._route(request))

    def _route(self, request: Request) -> Result:
        """The statement router's answer for this statement: a refusal, or its handler."""
        check_password_change(self.principal, request.statement)
        route = route_for(request.statement)
        if route.refusal is not None:
            raise route.refusal(request.statement)
        return route.handler(self, request)

    def authorize(self, request: Request, database: str) -> None:
        """The privilege the route table names for this kind of statement, checked when its handler says."""
        route_for(request.statement).authorize(self.principal, request, database)

    def _guarded(self, work: Callable[[], T]) -> T:
        """Runs a step of a statement: whatever fails fails the transaction, and never as a bare Python exception
        (the user still gets a code)."""
        try:
            return work()
        except Neo4jError as error:
            self._statement_failed(error)
            raise
        except Exception as unexpected:
            error = DatabaseError(f"{type(unexpected).__name__}: {unexpected}", "Neo.DatabaseError.General.UnknownError")
            self._statement_failed(error)
            raise error from unexpected

    # --- handlers of the route table (`graphplex.routing`) ------------------------------------------------

    def change_setting(self, request: Request, name: str, value: object) -> None:
        """`SET GLOBAL …`: the setting is kept in the catalog through the system child and applies to the DBMS
        once this transaction commits."""
        with self._working:
            self._check_usable()
            self.current_query, self.current_parameters = request.text, request.parameters
            self._guarded(lambda: self._change_setting(request, name, value))

    def _change_setting(self, request: Request, name: str, value: object) -> None:
        self.authorize(request, SYSTEM)
        self.dbms.catalog.store_setting(self.write_system(), name, value)
        self.after_commit(lambda: setattr(self.dbms.settings, name, value))

    def run_graph(self, request: Request) -> Result:
        """A graph or schema statement: on its database's child, once the rules of the transaction allow it."""
        self._check_composite_session()
        database = statement_graph(self.dbms, self.database, request.info.database, request.statement)
        remote = self.dbms.remote_alias(database)
        if remote is not None:
            return self._run_remote(request, remote)
        composite = database if self.dbms.is_composite(database) else None
        child = self.admit_graph(request, database, graph_free=composite is not None)
        handle = self.dbms.databases[database]
        batches = (lambda: self.new_batch(database)) if self.implicit else None
        query_result = handle.execute(request.text, request.parameters, transaction=child, new_batch=batches,
                                      statement=request.statement, check_statements=not self.implicit,
                                      statements=TransactionStatements(self, database),
                                      host=ProcedureHost(self, database, composite))
        return self._result(query_result, request.text, request.parameters, database)

    def _check_composite_session(self) -> None:
        """A session on a composite database needs ACCESS on it and the composite online, whichever constituent a
        statement uses (the composite's own child is opened only for statements that read no graph)."""
        if self.dbms.is_composite(self.database):
            check_access(self.principal, self.database)
            self._check_online(self.database)

    def _run_remote(self, request: Request, alias: AliasEntry) -> Result:
        """A statement on a remote alias: run by the remote server in this transaction's child there, once the rules
        of the transaction allow it (what it may read and write there is the remote user's business, as in
        Neo4j); its rows are read from the remote as the result is consumed."""
        keys, rows, counters = self._remote_rows(request, alias)
        query_type = "w" if request.info.category == WRITE else "r"

        def summary() -> ResultSummary:
            return ResultSummary(request.text, request.parameters, counters(), query_type, alias.name)
        return self._track(self._new_result(keys, self._records(rows), summary))

    def _remote_rows(self, request: Request, alias: AliasEntry):
        """A statement run on a remote alias's child, once the rules of the transaction let it in: its keys,
        rows and counters (`RemoteTransaction.run`)."""
        info = request.info
        if info.category not in (READ, WRITE):
            raise ClientError(f"A remote database alias runs queries only; run {info.category.lower()}s on the "
                              f"remote server itself: {redact_passwords(request.text)}",
                              "Neo.ClientError.Statement.NotSystemDatabaseError")
        if info.other_graphs:   # the remote knows the alias's target by its own name, not by the alias's
            raise ClientError("A query on a remote database alias may name it with USE only at its start: "
                              f"{redact_passwords(request.text)}", "Neo.ClientError.Statement.SemanticError")
        self._check_kind(info.category, request.text)
        child = self.child(alias.name)
        if info.category == WRITE and not info.explain:
            self._check_write(alias.name)
        # An implicit transaction's one statement runs as the remote's auto-commit transaction when nothing would
        # have to be undone (a read), or when it must (CALL { } IN TRANSACTIONS commits batch by batch).
        auto_commit = self.implicit and (info.category == READ or info.in_transactions)
        return child.run(request.text, request.parameters, auto_commit)

    def constituent_rows(self, composite: str, graph: str, body: str, arguments: dict,
                         counters: Counters) -> Iterator[dict]:
        """The rows of a composite's `CALL { USE graph … }` subquery: its body run on the constituent `graph`
        names (a local database or a remote alias), in this transaction's child there and under its rules, the
        variables it imports passed as parameters (a node cannot be: as in Neo4j, nodes, relationships and paths
        stay in their graph)."""
        text = "".join(f"WITH {_parameter(name)} AS {_name(name)} " for name in arguments) + remote_text(body)
        request = request_for(self.dbms, text, arguments)
        database = statement_graph(self.dbms, composite, graph, request.statement)
        if self.dbms.is_composite(database):
            raise ClientError(GRAPH_ACCESS, "Neo.ClientError.Statement.SemanticError")
        remote = self.dbms.remote_alias(database)
        if remote is not None:
            keys, rows, updates = self._remote_rows(request, remote)
        else:
            child = self.admit_graph(request, database)
            query_result = self.dbms.databases[database].execute(
                request.text, request.parameters, transaction=child, statement=request.statement,
                check_statements=False, statements=TransactionStatements(self, database),
                host=ProcedureHost(self, database))
            keys, rows = query_result.keys, iter(query_result)

            def updates() -> Counters:
                return query_result.counters

        def counted() -> Iterator[dict]:
            for row in rows:
                yield dict(zip(keys, row))
            counters.add(updates())
        return counted()

    def admit_nested(self, request: Request, database: str, read_only: bool, schema: bool = False) -> None:
        """A statement a procedure runs inside the statement running now on `database` (`nested_statements`): the
        checks of a top-level graph statement, and the procedure's mode (READ: no writes; WRITE: no schema; SCHEMA,
        `schema`: schema commands too, under the rule that a transaction does not mix them with data writes)."""
        info = request.info
        if route_for(request.statement) is not GRAPH or info.category not in (READ, WRITE, SCHEMA):
            raise ClientError("Not a graph statement: it cannot run inside a procedure: "
                              f"{redact_passwords(request.text)}", "Neo.ClientError.Statement.SemanticError")
        if info.database is not None and info.database.lower() != database:
            raise ClientError(MULTIPLE_GRAPHS, "Neo.ClientError.Statement.SemanticError")
        if read_only and info.category != READ:
            raise restricted(self.principal, "Write" if info.category == WRITE else "Schema", "READ")
        if self.dbms.is_composite(database) and info.category != READ:
            raise ClientError(GRAPH_ACCESS, "Neo.ClientError.Statement.SemanticError")
        if info.category == SCHEMA and not schema:
            raise restricted(self.principal, "Schema", "WRITE")
        self._check_kind(info.category, request.text)
        self._check_other_graphs(info, database)
        self.authorize(request, database)
        if info.category in (WRITE, SCHEMA) and not info.explain:
            self._check_write(database)

    def admit_graph(self, request: Request, database: str, graph_free: bool = False) -> ChildTransaction:
        """The child of `database` for a top-level graph statement, once the rules of the transaction let it in:
        a user's (`run_graph`) or one the DBMS runs on its own terms (Memgraph's trigger commands, a trigger's
        statement). `graph_free`: a composite's statement, which reads no graph (its own is empty) and writes only
        in its `CALL { USE constituent … }` subqueries."""
        info = request.info
        self._check_kind(info.category, request.text)
        self._check_database(database, request.statement, request.text)
        if not graph_free:   # a composite's statement: `composites.statement_graph` checked what it USEs
            self._check_other_graphs(info, database)
        self.authorize(request, database)
        child = self.child(database)
        if info.category in (WRITE, SCHEMA) and not info.explain and not graph_free:
            self._check_write(database)   # a composite's statement writes in its constituents (checked there)
        return child

    def run_administration(self, request: Request) -> Result:
        """An administration command: written through the system database's child, once its privilege is
        checked; the catalog is synchronised when this transaction commits."""
        self._check_kind(request.info.category, request.text)
        self.authorize(request, SYSTEM)
        counters = Counters()
        counters.system_updates = self.dbms.system_commands.execute(
            request.statement, self.write_system(), request.parameters, self.user,
            self.dbms.settings.default_database)
        return self._wrap([], (), counters, request.text, request.parameters, SYSTEM, "s")

    def show_administration(self, request: Request) -> Result:
        """SHOW DATABASES, USERS, ROLES or PRIVILEGES: read through the system database's child."""
        self._check_kind(request.info.category, request.text)
        self.authorize(request, SYSTEM)
        child = self.child(SYSTEM)
        viewer = Viewer(self.user, self.principal.privileges.home, lambda name: may_access(self.principal, name),
                        manages_databases(self.principal))
        plan = self.dbms.system_commands.show(request.statement, child, request.parameters, viewer)
        counters = Counters()
        ctx = ExecutionContext(child, request.parameters, counters, SYSTEM)
        records = [tuple(row[c] for c in plan.columns) for row in plan.rows(ctx)]
        return self._wrap(plan.columns, records, counters, request.text, request.parameters, SYSTEM, "r")

    # --- the rules ---------------------------------------------------------------------------------------

    def _check_kind(self, category: str, text: str) -> None:
        if category == TRANSACTION_CONTROL:
            return
        kind = self.kind
        if kind is None or kind == category:
            self.kind = category
            return
        allowed = {(READ, WRITE): WRITE, (WRITE, READ): WRITE, (READ, SCHEMA): SCHEMA, (SCHEMA, READ): SCHEMA}
        upgraded = allowed.get((kind, category))
        if upgraded is None:
            raise error_for_code("Neo.ClientError.Transaction.ForbiddenDueToTransactionType",
                                 f"Tried to execute {category} after executing {kind}")
        self.kind = upgraded

    def _check_database(self, database: str, statement, text: str) -> None:
        self._check_online(database)
        if database == SYSTEM and not isinstance(statement, (ast.ShowProcedures, ast.ShowFunctions,
                                                             ast.ShowSettings)) and not runs_on_system(statement):
            raise ClientError("Not a recognised system command or procedure. This Cypher command can only be "
                              f"executed in a user database: {redact_passwords(text)}",
                              "Neo.ClientError.Statement.SemanticError")

    def _check_online(self, database: str) -> None:
        self.dbms.database_named(database)
        if self.dbms.entry(database).status != "online":
            raise TransientError(f"Database '{database}' is unavailable.",
                                 "Neo.TransientError.General.DatabaseUnavailable")

    def _check_other_graphs(self, info, database: str) -> None:
        """`USE` at the start of a subquery or a UNION part may only name the statement's own database: reaching
        another one makes the query a composite one, which standard databases refuse (Neo4j 5). Two explicit `USE`
        that differ fail Neo4j's semantic analysis (a SyntaxError); an inner one against the session's database
        fails at routing (a SemanticError, or DatabaseNotFound when no such database exists)."""
        for name in info.other_graphs:
            if name == ast.GRAPH_BY_NAME:
                raise ClientError("Dynamic graph references are supported only in composite databases.",
                                  "Neo.ClientError.Statement.SemanticError")
            name = self.dbms.database_name(name)
            if name == database:
                continue
            if info.database is not None:
                raise ClientError(MULTIPLE_GRAPHS, "Neo.ClientError.Statement.SyntaxError")
            self.dbms.catalog_entry(name)
            raise ClientError(MULTIPLE_GRAPHS, "Neo.ClientError.Statement.SemanticError")

    def check_access_mode(self, database: str) -> None:
        """A transaction opened with access mode READ refuses to write `database`."""
        if self.access_mode == "READ":
            raise write_in_read_mode(database)

    def _check_write(self, database: str) -> None:
        self.check_access_mode(database)
        entry = self.dbms.entry(database)
        if entry is not None and entry.access == "read-only":
            raise ClientError(f"Database '{database}' is read-only: writes are not allowed.",
                              "Neo.ClientError.General.WriteOnReadOnlyAccessDatabase")
        if self.writer is None:
            self.writer = database
        elif self.writer != database:
            raise ClientError(f"Writing to more than one database per transaction is not allowed. Attempted write "
                              f"to {database}, currently writing to {self.writer}",
                              "Neo.ClientError.Statement.AccessMode")

    # --- children, and what is changed beside them --------------------------------------------------------

    def write_system(self) -> ChildTransaction:
        """The system database's child, claimed as this transaction's one writer: for what changes the catalog
        (administration commands, STORAGE MODE, SET GLOBAL); the catalog is synchronised once it commits."""
        self._check_write(SYSTEM)
        return self.child(SYSTEM)

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """`undo` runs if this transaction rolls back (or fails to commit): for a change made outside its
        children, such as switching a live database's storage mode."""
        self._undo.append(undo)

    def after_commit(self, apply: Callable[[], None]) -> None:
        """`apply` runs once this transaction has committed: for a change that must not be seen before."""
        self._after_commit.append(apply)

    def child(self, database: str) -> ChildTransaction:
        """This transaction's child on `database`, begun on first use (the ACCESS privilege is checked then)."""
        child = self.children.get(database)
        if child is None:
            if database != SYSTEM:  # the system graph is read and written by administration commands only
                check_access(self.principal, database)
            child = self._begin(database)
            self.children[database] = child
            if self.terminated is not None:
                child.terminate(self.terminated)
                child.check_terminated()
        return child

    def _begin(self, database: str) -> ChildTransaction:
        """A database transaction as every one this transaction creates has it: its isolation level, the memory
        limit of a transaction and, for a restricted user, the read filter and write guards."""
        remote = self.dbms.remote_alias(database)
        if remote is not None:
            return RemoteTransaction(remote, self.dbms.remote_drivers.driver(remote), access_mode=self.access_mode,
                                     metadata=self.metadata, timeout=self.time_left(),
                                     bookmarks=bookmarks_for(remote.name, self.given_bookmarks))
        handle = self.dbms.databases[database]
        transaction = handle.begin(self.isolation_level, self.memory_limit)
        transaction.memgraph_values = self.memgraph_values
        if database != SYSTEM:
            install_guards(transaction, self.principal, database, handle.storage)
        return transaction

    def begin_bulk_write(self, database: str) -> None:
        """Declares this transaction a bulk load into `database` (`graphplex import`, `load`): it gets the checks a
        write statement gets (the database online, ACCESS, a write privilege, a writable access mode, one writer),
        and then writes only through `new_batch(database)`, whose batches commit one after the other."""
        if database == SYSTEM:
            raise ClientError("The system database cannot be bulk loaded.",
                              "Neo.ClientError.Statement.NotSystemDatabaseError")
        self._check_online(database)
        check_access(self.principal, database)
        check_writes(self.principal, database)
        self._check_write(database)

    # --- batches of CALL { } IN TRANSACTIONS -------------------------------------------------------------

    def new_batch(self, database: str) -> Batch:
        """The transaction of the next batch of `CALL { } IN TRANSACTIONS` on `database`, which only an implicit
        transaction runs (`databases.cypher.context.BatchTransaction`): guarded and limited as a child, listed by
        SHOW TRANSACTIONS with this transaction as its outer one, and stopped when this transaction is."""
        if self.terminated is not None:
            raise self.terminated
        batch = Batch(self, next(_ids), database, self._begin(database))
        self.running_batch = batch
        self.dbms.registry.add(batch)
        if self.terminated is not None:  # terminated while the batch began: `terminate` may not have seen it
            batch.transaction.terminate(self.terminated)
        return batch

    def batch_committed(self, database: str, committed_at: int) -> None:
        """A committed batch stays committed whatever happens next: the session's bookmarks name it."""
        self.bookmarks[database] = self.dbms.bookmark(database, committed_at)

    def batch_ended(self, batch: Batch) -> None:
        self.dbms.registry.remove(batch)
        if self.running_batch is batch:
            self.running_batch = None

    # --- results -----------------------------------------------------------------------------------------

    def _records(self, rows: Iterator[tuple]) -> Iterator[tuple]:
        """The rows of a statement as its result hands them out: each step inside this transaction's work lock,
        stopped by a termination, and a failure failing the transaction."""
        while True:
            with self._working:
                try:
                    if self.terminated is not None:
                        raise self.terminated
                    row = next(rows)
                except StopIteration:
                    return
                except Neo4jError as error:
                    failure = error_in_dialect(error, self.dialect)
                    self._statement_failed(failure)
                    raise failure
            yield row

    def _result(self, query_result, text: str, parameters: dict, database: str) -> Result:
        plan = query_result.plan

        def records():
            return self._records(iter(query_result))

        # A Memgraph client reads EXPLAIN's and PROFILE's plan from the rows, not from the summary.
        in_rows = self.dialect == MEMGRAPH and (plan.explain or plan.profile)

        def summary() -> ResultSummary:
            return ResultSummary(text, parameters, query_result.counters, plan.query_type,
                                 database, plan.describe(database=database) if plan.explain and not in_rows else None,
                                 query_result.plan_description() if plan.profile and not in_rows else None,
                                 query_result.notifications + plan.notifications_after(query_result.counters))
        if in_rows:
            described = query_result.plan_description if plan.profile else lambda: plan.describe(database=database)
            keys, rows = memgraph_plans.answered_in_rows(plan.profile, records(), described)
            return self._track(self._new_result(keys, rows, summary))
        return self._track(self._new_result(query_result.keys, records(), summary))

    def _track(self, result: Result) -> Result:
        self._results.append(result)
        return result

    def result_of(self, request: Request, keys: list[str], records, query_type: str) -> Result:
        """The result of a statement a handler answered itself (no graph plan, no counters)."""
        return self._wrap(keys, records, Counters(), request.text, request.parameters, self.database, query_type)

    def _wrap(self, keys, records, counters, text, parameters, database, query_type) -> Result:
        return self._track(self._new_result(keys, iter(records),
                                            lambda: ResultSummary(text, parameters, counters, query_type, database)))

    def _new_result(self, keys, records, summary) -> Result:
        """A result of this transaction: an implicit transaction commits once its result is exhausted (read to
        the end, consumed or closed); every step of the stream runs inside the owner's confinement. A closed result
        is forgotten: commit has nothing left to run of it, and a long transaction does not keep every result.
        (The result is not named in what it calls back: a result holding a function that holds the result would
        be a reference cycle, and every statement's objects would wait for the cyclic garbage collector.)"""
        return Result(keys, records, summary, on_exhausted=self._result_exhausted, on_closed=self._forget_closed,
                      confinement=self.confinement)

    def _forget_closed(self) -> None:
        """A result was closed: it is forgotten (with any other closed one)."""
        results = self._results
        if results:
            self._results = [result for result in results if not result.closed()]

    def _result_exhausted(self) -> None:
        if self.implicit and self.is_open:
            self.commit()

    def _statement_failed(self, error: Neo4jError) -> None:
        """A failed statement ends its transaction at once, as in Neo4j: an implicit one is rolled back; an explicit
        one lets go of its database transactions (and their locks) but stays FAILED, so that `run` and `commit`
        keep naming the cause until the user rolls it back or closes it."""
        self.fail(error)
        if self.implicit:
            self.rollback()
        else:
            self._rollback_children()

    # --- ending ------------------------------------------------------------------------------------------

    def commit(self) -> dict[str, str]:
        """Commits every child (readers first, then the single writer); any failure rolls back all of them."""
        with self._working:
            return self._commit()

    def _commit(self) -> dict[str, str]:
        if self.terminated is not None and self.is_open:
            self.rollback()
            raise self.terminated
        if self.status is Status.FAILED:
            failure = self.failure
            self.rollback()
            raise TransactionError("Transaction failed") from failure
        if self.doomed and self.is_open:
            self.rollback()
            raise TransactionError("The transaction was marked for rollback: it was rolled back",
                                   "Neo.ClientError.Transaction.TransactionMarkedAsFailed")
        if not self.is_open:
            raise TransactionError("Trying to commit closed transaction",
                                   "Neo.ClientError.Transaction.TransactionNotFound")
        # Statements run when their results are read: whatever was not read runs to its end now.
        pending, self._results = self._results, []
        try:
            for result in pending:
                if not result._exhausted:
                    result.consume()
        except Neo4jError as error:
            self.rollback()
            if error is self.terminated:
                raise
            raise TransactionError("Transaction failed") from error
        if self.status is Status.FAILED:
            failure = self.failure
            self.rollback()
            raise TransactionError("Transaction failed") from failure
        try:
            after_triggers = before_commit(self)
            for name, child in self.children.items():
                if name != self.writer:
                    child.commit()
            writer = self.children.get(self.writer)
            if writer is not None:  # a bulk load's writer writes through its batches only
                ts = writer.commit()
                if ts is not None:   # a remote's commit gives its bookmark, a local one its timestamp
                    self.bookmarks[self.writer] = ts if isinstance(ts, str) else self.dbms.bookmark(self.writer, ts)
        except Neo4jError as error:
            failure = error_in_dialect(error, self.dialect)
            self.failure = self.failure or failure
            self._rollback()
            raise failure
        self.status = Status.COMMITTED
        self.dbms.registry.remove(self)
        if SYSTEM in self.children and self.writer == SYSTEM:
            self.dbms.sync_catalog()
            self.dbms.security.changed()
        for apply in self._after_commit:
            apply()
        if after_triggers is not None:
            after_triggers()
        return dict(self.bookmarks)

    def rollback(self) -> None:
        """Rolls back every child; rolling back an ended transaction does nothing."""
        with self._working:
            self._rollback()

    def _rollback(self) -> None:
        if not self.is_open:
            return
        self._rollback_children()
        self.status = Status.ROLLED_BACK
        self.dbms.registry.remove(self)
        for undo in reversed(self._undo):
            undo()

    def _rollback_children(self) -> None:
        for child in self.children.values():
            if child.is_open:
                child.rollback()

    def terminate(self, error: Neo4jError) -> None:
        """Stops the transaction at its next check; its client sees `error` and everything is rolled back.

        Called from another thread, it only marks the transaction, its children and its running batch: the thread
        working in the transaction meets the mark at its next termination point and rolls back itself (rolling
        back under its feet would race its writes). A transaction nobody is working in is rolled back here."""
        if self.terminated is None:
            self.terminated = error
        for child in self.children.values():
            child.terminate(error)
        batch = self.running_batch
        if batch is not None:
            batch.transaction.terminate(error)
        if self._working.acquire(blocking=False):
            try:
                if self.is_open:
                    self.fail(error)
                    self._rollback_children()
            finally:
                self._working.release()


def _name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _parameter(name: str) -> str:
    return "$" + _name(name)
