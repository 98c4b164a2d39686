"""Neo4j 5's Query API over graphplex's sessions: one statement in an implicit transaction, and explicit
transactions held across requests (docs/design/http-query-api.md has the wire format with its sources).

Every request runs in a DBMS transaction with all its rules, as a Bolt client's would: a `Session` of the
authenticated user on the database the path names, with the request's bookmarks, access mode and timeout. This
module knows nothing of HTTP framing: each operation returns a `Reply` (status and JSON body) that `app` sends.

Statuses, as Neo4j 5.26: 202 once a statement runs, even when an error comes after its first rows (the body then
ends with `errors`, and a 202 is not a success); 400, 404, 401, 403, 429 or 500 for an error before it runs; 200 for
a rollback."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Callable

from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.http.json_values import invalid_request, plain, plain_parameters, typed, typed_parameters
from graphplex.http.transactions import OpenTransaction, OpenTransactions, TransactionNotFound
from graphplex.session import Query, Session

# The status of an error raised before a statement runs, by its code (an exact code first, then its class).
_STATUS_OF_CODE = {
    "Neo.ClientError.Database.DatabaseNotFound": 404,
    "Neo.ClientError.Security.Unauthorized": 401,
    "Neo.ClientError.Security.AuthenticationRateLimit": 429,
    "Neo.ClientError.Security.CredentialsExpired": 403,
}
_STATUS_OF_CLASS = {"ClientError": 400, "TransientError": 400, "DatabaseError": 500}
_COUNTERS = (("containsUpdates", None), ("nodesCreated", "nodes_created"), ("nodesDeleted", "nodes_deleted"),
             ("propertiesSet", "properties_set"), ("relationshipsCreated", "relationships_created"),
             ("relationshipsDeleted", "relationships_deleted"), ("labelsAdded", "labels_added"),
             ("labelsRemoved", "labels_removed"), ("indexesAdded", "indexes_added"),
             ("indexesRemoved", "indexes_removed"), ("constraintsAdded", "constraints_added"),
             ("constraintsRemoved", "constraints_removed"), ("containsSystemUpdates", None),
             ("systemUpdates", "system_updates"))


def status_of(error: Neo4jError) -> int:
    """The HTTP status of an error raised before a statement ran."""
    if isinstance(error, TransactionNotFound):
        return 404
    status = _STATUS_OF_CODE.get(error.code)
    if status is None:
        parts = error.code.split(".")
        status = _STATUS_OF_CLASS.get(parts[1] if len(parts) > 1 else "", 500)
    return status


def error_body(error: Exception) -> dict:
    if not isinstance(error, Neo4jError):
        error = Neo4jError(f"{type(error).__name__}: {error}", "Neo.DatabaseError.General.UnknownError")
    return {"errors": [{"code": error.code, "message": error.message}]}


@dataclass
class Reply:
    status: int
    body: dict | None  # None: an empty body (a rollback)


@dataclass(frozen=True)
class QueryRequest:
    """A request's body (`QueryRequest` of Neo4j's server)."""

    statement: str | None = None
    parameters: dict = field(default_factory=dict)
    include_counters: bool = False
    access_mode: str = "WRITE"
    max_execution_time: float | None = None  # seconds; None: the server's default
    bookmarks: tuple[str, ...] = ()
    metadata: dict | None = None


@dataclass(frozen=True)
class Caller:
    """Who sends a request, from where, and in which value format they read the answer. `connection_id` names the
    request's work in SHOW TRANSACTIONS; `working` collects the connection ids of the transactions the request
    works in (its own, or the explicit transaction's), which are terminated if the client leaves meanwhile."""

    principal: object
    address: str
    typed_out: bool = False
    connection_id: str = "http"
    working: list = field(default_factory=list)


_FIELDS: dict[str, Callable[[object], bool]] = {
    "statement": lambda v: v is None or isinstance(v, str),
    "parameters": lambda v: v is None or isinstance(v, dict),
    "includeCounters": lambda v: isinstance(v, bool),
    "accessMode": lambda v: isinstance(v, str) and v.upper() in ("READ", "WRITE"),
    "maxExecutionTime": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "bookmarks": lambda v: v is None or (isinstance(v, list) and all(isinstance(b, str) for b in v)),
    "impersonatedUser": lambda v: v is None or isinstance(v, str),
    "txMetadata": lambda v: v is None or isinstance(v, dict),
}


def query_request(body: object, typed_in: bool) -> QueryRequest:
    """The request a decoded JSON body makes; unknown fields and ill-typed ones are refused."""
    if body is None:
        return QueryRequest()
    if not isinstance(body, dict):
        raise invalid_request("Bad Request")
    for name, value in body.items():
        check = _FIELDS.get(name)
        if check is None:
            raise invalid_request(f'Unrecognized field "{name}"')
        if not check(value):
            raise invalid_request(f'Invalid value for field "{name}"')
    if (body.get("impersonatedUser") or "").strip():
        raise ClientError("Impersonation is not supported", "Neo.ClientError.Security.Forbidden")
    raw = body.get("parameters") or {}
    parameters = typed_parameters(raw) if typed_in else plain_parameters(raw)
    timeout = body.get("maxExecutionTime") or None
    return QueryRequest(body.get("statement"), parameters, body.get("includeCounters", False),
                        body.get("accessMode", "WRITE").upper(), timeout, tuple(body.get("bookmarks") or ()),
                        body.get("txMetadata"))


class QueryApi:
    """The Query API's operations over one DBMS; the HTTP server calls them from worker threads."""

    def __init__(self, dbms, transactions: OpenTransactions) -> None:
        self.dbms = dbms
        self.transactions = transactions

    def _session(self, caller: Caller, database: str, request: QueryRequest) -> Session:
        session = Session(self.dbms, database, request.access_mode, list(request.bookmarks),
                          caller.principal, database_fixed=True)
        session.connection = (caller.connection_id, caller.address, "http")
        caller.working.append(caller.connection_id)
        return session

    # --- implicit transactions ---------------------------------------------------------------------------------

    def query(self, caller: Caller, database: str, request: QueryRequest) -> Reply:
        """`POST /db/{db}/query/v2`: one statement in an implicit transaction; its bookmarks in the answer."""
        if not request.statement or not request.statement.strip():
            raise invalid_request("statement cannot be null or empty")
        session = self._session(caller, database, request)
        try:
            query = Query(request.statement, metadata=request.metadata, timeout=request.max_execution_time)
            body, failed = _outcome(lambda: session.run(query, request.parameters), request, caller)
            if not failed:
                body["bookmarks"] = session.last_bookmarks()
        finally:
            session.close()
        return Reply(202, body)

    # --- explicit transactions ---------------------------------------------------------------------------------

    def begin(self, caller: Caller, database: str, request: QueryRequest) -> Reply:
        """`POST /db/{db}/query/v2/tx`: opens a transaction, running the statement if there is one."""
        session = self._session(caller, database, request)
        try:
            transaction = session.begin_transaction(metadata=request.metadata, timeout=request.max_execution_time)
            entry = self.transactions.add(session, transaction, caller.principal.user, database)
        except BaseException:
            session.close()
            raise
        return self._in_transaction(entry, caller, request, commit=False)

    def run(self, caller: Caller, database: str, transaction_id: str, request: QueryRequest) -> Reply:
        """`POST /db/{db}/query/v2/tx/{id}`: a statement in the transaction; with none, it only pushes the expiry
        on."""
        entry = self.transactions.take(transaction_id, caller.principal.user, database)
        caller.working.append(entry.session.connection[0])
        return self._in_transaction(entry, caller, request, commit=False)

    def commit(self, caller: Caller, database: str, transaction_id: str, request: QueryRequest) -> Reply:
        """`POST /db/{db}/query/v2/tx/{id}/commit`: runs a last statement if there is one, then commits."""
        entry = self.transactions.take(transaction_id, caller.principal.user, database)
        caller.working.append(entry.session.connection[0])
        return self._in_transaction(entry, caller, request, commit=True)

    def rollback(self, caller: Caller, database: str, transaction_id: str) -> Reply:
        """`DELETE /db/{db}/query/v2/tx/{id}`: 200 with an empty body, as Neo4j 5.26."""
        entry = self.transactions.take(transaction_id, caller.principal.user, database)
        self.transactions.release(entry, keep=False)
        return Reply(200, None)

    def _in_transaction(self, entry: OpenTransaction, caller: Caller, request: QueryRequest, commit: bool) -> Reply:
        """Runs the request's statement in `entry` (held by this request) and commits if asked. Any error ends the
        transaction, rolled back: the answer then has no `transaction` and the id is not found any more."""
        keep = False
        try:
            body: dict = {}
            if request.statement is not None and request.statement.strip():
                body, failed = _outcome(lambda: entry.transaction.run(request.statement, request.parameters),
                                        request, caller)
                if failed:
                    return Reply(202, body)
            if commit:
                entry.transaction.commit()
                body["bookmarks"] = entry.session.last_bookmarks()
                return Reply(202, body)
            keep = True
            body["transaction"] = {"id": entry.id, "expires": _instant(time.time() + self.transactions.idle_timeout)}
            return Reply(202, body)
        finally:
            self.transactions.release(entry, keep=keep)


def _outcome(run: Callable, request: QueryRequest, caller: Caller) -> tuple[dict, bool]:
    """The body of a statement's answer and whether it failed while streaming. An error before the statement runs
    (syntax, parameters, privileges) is raised, to be answered with its own status; one after it started is part
    of the 202 answer, after the rows produced until then."""
    result = run()
    encode = typed if caller.typed_out else plain
    values: list = []
    body: dict = {"data": {"fields": list(result.keys()), "values": values}}
    try:
        for record in result:
            values.append([encode(value) for value in record.values()])
        summary = result.consume()
    except Neo4jError as error:
        body.update(error_body(error))
        return body, True
    notices = [_notification(notice, summary.database) for notice in summary.notices]
    if notices:
        body["notifications"] = notices
    if request.include_counters:
        body["counters"] = _counters(summary.counters)
    if summary.profile is not None:
        body["profiledQueryPlan"] = _plan(summary.profile, profiled=True)
    elif summary.plan is not None:
        body["queryPlan"] = _plan(summary.plan, profiled=False)
    return body, False


def _counters(counters) -> dict:
    counts = counters.as_dict()
    special = {"containsUpdates": counters.contains_updates,
               "containsSystemUpdates": counters.contains_system_updates}
    return {name: special[name] if own is None else counts.get(own, 0) for name, own in _COUNTERS}


def _notification(notice, database: str) -> dict:
    entry = notice.as_notification(database)
    ordered = {key: entry[key] for key in ("code", "description", "severity", "title", "position") if key in entry}
    if entry.get("category"):
        ordered["category"] = entry["category"]
    return ordered


def _plan(plan: dict, profiled: bool) -> dict:
    """A plan as the Query API writes it: Bolt's `args` are `arguments`, a profile's `rows` are `records`, and a
    profile's figures come first, in the order of Neo4j's ProfiledPlanSerializer."""
    out: dict = {}
    if profiled:
        hits, misses = plan.get("pageCacheHits", 0), plan.get("pageCacheMisses", 0)
        out = {"dbHits": plan.get("dbHits", 0), "records": plan.get("rows", 0),
               "hasPageCacheStats": bool(hits or misses), "pageCacheHits": hits, "pageCacheMisses": misses,
               "pageCacheHitRatio": hits / (hits + misses) if hits + misses else 0.0, "time": plan.get("time", 0)}
    out.update({"operatorType": plan["operatorType"], "arguments": plain(plan.get("args", {})),
                "identifiers": list(plan.get("identifiers", [])),
                "children": [_plan(child, profiled) for child in plan.get("children", [])]})
    return out


def _instant(epoch_seconds: float) -> str:
    """`Instant.toString()` to the second: `2026-09-27T14:36:03Z`."""
    moment = dt.datetime.fromtimestamp(int(epoch_seconds), dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
