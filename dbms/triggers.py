"""Running Memgraph's triggers when a DBMS transaction commits (`DBMSTransaction._commit` calls `before_commit`).

When the database a transaction writes has triggers, its changes are read once from its database transaction
(`databases.storage.triggers.changes_of`) just before it commits; a database without triggers costs nothing.

* BEFORE COMMIT triggers run in name order inside the committing transaction, on its child, before anything
  commits: their writes are part of it, and an error in one rolls the whole transaction back (its client gets the
  error, named after the trigger, as Memgraph words it).
* AFTER COMMIT triggers run once the transaction has committed, off the client's path: one worker thread per DBMS
  (`AfterCommitTriggers`) takes the commits in order and runs each trigger in a DBMS transaction of its own, so
  timeouts, TERMINATE, memory limits and privileges apply to it as to any; a failure is logged, never raised to
  the client whose transaction committed.

Either way the statement is a graph statement of the trigger's database: the statement router's privilege check
and the write guards are those of the trigger's owner for SECURITY DEFINER (Memgraph's default; the committing
user when the DBMS has no authentication and so no owner), of the committing user for SECURITY INVOKER. TriggerChanges
made by trigger statements fire no trigger."""
from __future__ import annotations

import logging
import queue
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

from graphplex.databases import triggers as cypher_triggers
from graphplex.databases.errors import AuthError, Neo4jError, error_for_code
from graphplex.databases.storage import AFTER_COMMIT, BEFORE_COMMIT, Trigger, TriggerChanges, changes_of
from graphplex.authorization import install_guards
from graphplex.nested_statements import TransactionStatements
from graphplex.procedure_host import ProcedureHost
from graphplex.routing import Request, route_for
from graphplex.system_db import SYSTEM, forbidden

if TYPE_CHECKING:
    from graphplex.dbms import DBMS
    from graphplex.security import Principal
    from graphplex.transaction import DBMSTransaction

log = logging.getLogger("graphplex.triggers")


def before_commit(txn: "DBMSTransaction") -> Callable[[], None] | None:
    """Runs the BEFORE COMMIT triggers of the local database `txn` writes; returns what schedules its AFTER COMMIT
    triggers once `txn` has committed (None when there is nothing to run)."""
    database = txn.writer
    if database is None or database not in txn.dbms.databases or database == SYSTEM or not txn.fires_triggers:
        return None   # no writer, or a remote alias (whose server runs its own triggers)
    defined = txn.dbms.databases[database].storage.schema.triggers
    child = txn.children.get(database)
    if not defined or child is None:  # no trigger, or a bulk load (its batches committed already)
        return None
    triggers = sorted(defined.values(), key=lambda t: t.name)
    changes = changes_of(child)
    fired = [trigger for trigger in triggers if cypher_triggers.fires(trigger.event, changes)]
    for trigger in fired:
        if trigger.phase == BEFORE_COMMIT:
            _run_before_commit(txn, database, child, trigger, changes)
    later = [trigger for trigger in fired if trigger.phase == AFTER_COMMIT]
    if not later:
        return None
    dbms, invoker, dialect = txn.dbms, txn.principal, txn.dialect
    return lambda: dbms.after_commit_triggers.submit(lambda: _run_after_commit(dbms, database, later, changes,
                                                                               invoker, dialect))


def _run_before_commit(txn: "DBMSTransaction", database: str, child, trigger: Trigger,
                       changes: TriggerChanges) -> None:
    try:
        principal = _principal(txn.dbms, trigger, txn.principal)
        request = _request(txn.dbms, trigger)
        route_for(request.statement).authorize(principal, request, database)
        with _guards_of(child, principal, database, txn.dbms.databases[database].storage):
            _execute(txn, database, child, request, trigger, changes)
    except Neo4jError as error:
        raise error_for_code(error.code, f"Trigger '{trigger.name}' caused the transaction to fail.\n"
                                         f"Exception: {error.message}") from error


def _run_after_commit(dbms: "DBMS", database: str, triggers: list[Trigger], changes: TriggerChanges,
                      invoker: "Principal", dialect: str) -> None:
    """Each trigger in a DBMS transaction of its own (Memgraph's `RunTriggersAfterCommit`), in the dialect of the
    session whose commit fired it, as a BEFORE COMMIT trigger runs in that session's transaction."""
    from graphplex.transaction import DBMSTransaction  # the coordinator imports this module
    for trigger in triggers:
        if dbms.closed:
            return
        try:
            txn = DBMSTransaction(dbms, database, principal=_principal(dbms, trigger, invoker), dialect=dialect)
        except Neo4jError as error:
            log.warning("Trigger '%s' failed with exception:\n%s", trigger.name, error.message)
            continue
        txn.fires_triggers = False
        txn.current_query = trigger.statement  # what SHOW TRANSACTIONS lists while it runs
        try:
            request = _request(dbms, trigger)
            child = txn.admit_graph(request, database)
            found = cypher_triggers.adapted(changes, child)
            if cypher_triggers.fires(trigger.event, found):  # not when what fired it is gone (Memgraph's check)
                _execute(txn, database, child, request, trigger, found)
                txn.commit()
        except Neo4jError as error:
            log.warning("Trigger '%s' failed with exception:\n%s", trigger.name, error.message)
        finally:
            txn.rollback()  # nothing to do once committed; else nothing of it stays, and it leaves the registry


def _request(dbms: "DBMS", trigger: Trigger) -> Request:
    """The trigger's statement as the router admits it (its values come with `_execute`)."""
    statement, text = cypher_triggers.trigger_statement(trigger)
    return Request(*dbms.parse(text, built=statement), text, {})


def _execute(txn: "DBMSTransaction", database: str, child, request: Request, trigger: Trigger,
             changes: TriggerChanges) -> None:
    """The trigger's statement on `child` with the values it was created with and its event's variables over
    `changes`, read to its end; what it deleted stays readable (`last_known`)."""
    parameters = {**(trigger.parameters or {}), **cypher_triggers.parameters(trigger.event, changes)}
    result = txn.dbms.databases[database].execute(
        request.text, parameters, transaction=child, statement=request.statement, check_statements=False,
        statements=TransactionStatements(txn, database), host=ProcedureHost(txn, database))
    result.ctx.last_known = changes.last_known
    result.consume()


def _principal(dbms: "DBMS", trigger: Trigger, invoker: "Principal") -> "Principal":
    """Whose privileges the trigger runs with: its owner's for SECURITY DEFINER, the invoker's otherwise (and
    when it has no owner: created without authentication)."""
    if trigger.security == "DEFINER" and trigger.owner is not None and dbms.settings.auth_enabled:
        try:
            return dbms.security.principal(trigger.owner)
        except AuthError as missing:  # the owner was dropped since
            raise forbidden(f"The owner of trigger '{trigger.name}' is not authorized to execute the query!") \
                from missing
    return invoker


@contextmanager
def _guards_of(child, principal: "Principal", database: str, storage) -> Iterator[None]:
    """The child's read filter and write guard as `principal`'s while a BEFORE COMMIT trigger runs on it."""
    saved = child.read_filter, child.write_guard
    child.read_filter = child.write_guard = None
    install_guards(child, principal, database, storage)
    try:
        yield
    finally:
        child.read_filter, child.write_guard = saved


class AfterCommitTriggers:
    """The DBMS's worker of AFTER COMMIT triggers: one daemon thread, started on first use, running the work of
    each commit in the order the commits handed it over."""

    def __init__(self) -> None:
        self._work: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def submit(self, work: Callable[[], None]) -> None:
        """Queues the work of one commit; the thread starts with the first, so a DBMS without AFTER COMMIT
        triggers never has one."""
        with self._lock:
            if self._stopped:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="graphplex-triggers", daemon=True)
                self._thread.start()
        self._work.put(work)

    def stop(self) -> None:
        """Takes no more work; what is queued is dropped (the DBMS is closing)."""
        with self._lock:
            self._stopped = True
        self._work.put(None)

    def join(self, timeout: float = 10.0) -> None:
        """Waits (at most `timeout` seconds) for the work running now to end, once `stop` was called: the DBMS
        closes its databases only after."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            work = self._work.get()
            if work is None or self._stopped:
                return
            try:
                work()
            except Exception:  # a worker that dies would silently drop every later commit's triggers
                log.exception("AFTER COMMIT triggers failed")
