"""One Bolt connection's state machine (Bolt 5.0–5.4, 5.6, 5.7 and 4.1–4.4), on top of the coordinator's sessions.

Every Bolt transaction is a DBMS transaction: auto-commit RUNs are a session's implicit transactions, BEGIN opens
an explicit one, and `BEGIN`/`COMMIT`/`ROLLBACK` sent as Cypher (as pymgclient does) keep a session's statement
transaction open across RUNs. After a FAILURE everything but RESET and GOODBYE is IGNORED; RESET rolls back
whatever the connection had open."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from graphplex.databases.cypher.notifications import wanted
from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.bolt.packstream import Packed, Structure
from graphplex.bolt.values import Dialect
from graphplex.dialects import MEMGRAPH, NEO4J, code_in_dialect, dialect_of_client
from graphplex.refusals import nested_transaction
from graphplex.session import Query, Session

HELLO, GOODBYE, RESET, RUN, BEGIN, COMMIT, ROLLBACK = 0x01, 0x02, 0x0F, 0x10, 0x11, 0x12, 0x13
DISCARD, PULL, TELEMETRY, ROUTE, LOGON, LOGOFF = 0x2F, 0x3F, 0x54, 0x66, 0x6A, 0x6B
SUCCESS, RECORD, IGNORED, FAILURE = 0x70, 0x71, 0x7E, 0x7F
GQL_ERRORS = (5, 7)  # the first version whose FAILURE is a GQL error
log = logging.getLogger("graphplex.bolt")

_STATS = {"nodes_created": "nodes-created", "nodes_deleted": "nodes-deleted",
          "relationships_created": "relationships-created", "relationships_deleted": "relationships-deleted",
          "properties_set": "properties-set", "labels_added": "labels-added", "labels_removed": "labels-removed",
          "indexes_added": "indexes-added", "indexes_removed": "indexes-removed",
          "constraints_added": "constraints-added", "constraints_removed": "constraints-removed",
          "system_updates": "system-updates"}
# The statistics Memgraph's summaries carry: all seven once one is set, and integers only (mgconsole reads every
# value of `stats` as an integer).
_MEMGRAPH_STATS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
                   "labels_added", "labels_removed", "properties_set")


class Close(Exception):
    """The connection must be closed (after sending whatever responses were produced)."""

    def __init__(self, responses: list | None = None) -> None:
        super().__init__()
        self.responses = responses or []


def success(metadata: dict | None = None) -> Structure:
    return Structure(SUCCESS, (metadata or {},))


def failure(error: Exception, version: tuple[int, int], dialect: str = NEO4J) -> Structure:
    """FAILURE for `error`: from Bolt 5.7 the GQL error (status, description, Neo4j code, diagnostic record) that
    the driver's `gql_status` and `find_by_gql_status` read, before it `{code, message}`; the code as a client of
    `dialect` reads it (Memgraph's form for Memgraph's clients: `code_in_dialect`)."""
    if not isinstance(error, Neo4jError):
        error = Neo4jError(f"{type(error).__name__}: {error}", "Neo.DatabaseError.General.UnknownError")
    code = code_in_dialect(error, dialect)
    if version < GQL_ERRORS:
        return Structure(FAILURE, ({"code": code, "message": error.message},))
    return Structure(FAILURE, ({"gql_status": error.gql_status, "description": error.gql_status_description,
                                "message": error.message, "neo4j_code": code,
                                "diagnostic_record": {"OPERATION": "", "OPERATION_CODE": "0", "CURRENT_SCHEMA": "/",
                                                      "_classification": error.gql_classification}},))


def _invalid(message: str) -> ClientError:
    return ClientError(message, "Neo.ClientError.Request.Invalid")


@dataclass(frozen=True)
class _NotificationFilter:
    """What notifications the client wants (HELLO for the connection, BEGIN or RUN for a transaction): a minimum
    severity ("OFF", "WARNING", "INFORMATION"; None: all) and the categories (classifications) it disabled."""

    minimum_severity: str | None = None
    disabled: tuple[str, ...] = ()

    def over(self, extra: dict) -> "_NotificationFilter":
        """This filter with what a BEGIN or RUN sets in `extra` taking precedence."""
        severity = _field(extra, "notifications_minimum_severity", str)
        disabled = _field(extra, "notifications_disabled_classifications", list)
        if disabled is None:
            disabled = _field(extra, "notifications_disabled_categories", list)
        if severity is None and disabled is None:
            return self
        return _NotificationFilter(severity if severity is not None else self.minimum_severity,
                                   tuple(d for d in disabled if isinstance(d, str)) if disabled is not None
                                   else self.disabled)

    def kept(self, notices) -> list:
        return [n for n in notices if wanted(n, self.minimum_severity, self.disabled)]


@dataclass
class _Stream:
    result: object
    records: object
    started: float
    session: Session | None = None  # an auto-commit stream's own session, closed when the stream ends
    finished: bool = False
    notification_filter: _NotificationFilter = _NotificationFilter()


@dataclass
class ServerOptions:
    agent: str = "Neo4j/5.26.0"
    advertised_address: str | None = None
    routing_ttl: int = 300


class BoltConnection:
    """Handles the messages of one connection, in order; `handle` returns the responses to send."""

    def __init__(self, dbms, version: tuple[int, int], connection_id: str, client_address: str,
                 options: ServerOptions, server_address: str) -> None:
        self.dbms = dbms
        self.version = version
        self.connection_id = connection_id
        self.client_address = client_address
        self.options = options
        self.server_address = server_address
        self.state = "NEGOTIATION"
        self.principal = None
        self.dialect = Dialect(v5=version[0] >= 5, utc=version[0] >= 5)
        self.client_dialect = NEO4J  # Neo4j's or Memgraph's (`graphplex.dialects`), known at HELLO
        self.streams: dict[int, _Stream] = {}
        self.next_qid = 0
        self.session: Session | None = None      # the explicit transaction's session (BEGIN) …
        self.transaction = None                   # … and its transaction
        self.statement_session: Session | None = None  # a session inside a Cypher `BEGIN` (pymgclient)
        self.used_database: str | None = None  # chosen by USE DATABASE, for the messages that name no `db`
        # What SHOW TRANSACTIONS tells of this connection's sessions.
        self._session_connection = (connection_id, client_address, f"bolt-{version[0]}.{version[1]}")
        self.notification_filter = _NotificationFilter()  # the connection's (HELLO) …
        self.transaction_filter = _NotificationFilter()   # … and the explicit transaction's (BEGIN)

    @property
    def authenticated(self) -> bool:
        return self.state not in ("NEGOTIATION", "AUTHENTICATION")

    # --- dispatch --------------------------------------------------------------------------------------------

    def handle(self, message: Structure) -> list[Structure]:
        tag = message.tag
        if tag == GOODBYE:
            self.close()
            raise Close()
        if self.state == "FAILED":
            if tag == RESET:
                return [self._reset()]
            return [Structure(IGNORED, ())]
        try:
            return self._dispatch(tag, message.fields)
        except Close:
            raise
        except Exception as error:  # every error a client sees carries a code
            if not isinstance(error, Neo4jError):
                log.error("internal error handling message 0x%02X on %s", tag, self.connection_id, exc_info=True)
            if self.state in ("NEGOTIATION", "AUTHENTICATION"):
                self.close()
                raise Close([failure(error, self.version, self.client_dialect)])
            self.state = "FAILED"
            self._abandon_streams()
            return [failure(error, self.version, self.client_dialect)]

    def _dispatch(self, tag: int, fields: tuple) -> list[Structure]:
        state = self.state
        if state == "NEGOTIATION":
            if tag != HELLO:
                raise _invalid(f"Message 0x{tag:02X} is not allowed before HELLO")
            return [self._hello(_map(fields, 0))]
        if state == "AUTHENTICATION":
            if tag == LOGON:
                return [self._logon(_map(fields, 0))]
            raise _invalid(f"Message 0x{tag:02X} is not allowed before LOGON")
        if tag == RESET:
            return [self._reset()]
        if tag == HELLO:
            raise Close([failure(_invalid("HELLO was already received on this connection"), self.version,
                                       self.client_dialect)])
        if tag == RUN:
            return [self._run(_text(fields, 0), _map(fields, 1), _map(fields, 2))]
        if tag in (PULL, DISCARD):
            return self._pull(_map(fields, 0), discard=tag == DISCARD)
        if tag == BEGIN:
            return [self._begin(_map(fields, 0))]
        if tag == COMMIT:
            return [self._commit()]
        if tag == ROLLBACK:
            return [self._rollback()]
        if tag == ROUTE:
            return [self._route(_map(fields, 0), fields[1] if len(fields) > 1 else [], fields[2] if len(fields) > 2 else {})]
        if tag == TELEMETRY and self.version >= (5, 4):
            return [success()]
        if tag == LOGOFF and self.version >= (5, 1):
            self._require_idle("LOGOFF")
            self.principal = None
            self.used_database = None  # the next user starts on their home database
            self.state = "AUTHENTICATION"
            return [success()]
        raise _invalid(f"Unknown or unsupported message 0x{tag:02X}")

    # --- connection setup ------------------------------------------------------------------------------------

    def _hello(self, extra: dict) -> Structure:
        metadata = {"server": self.options.agent, "connection_id": self.connection_id}
        self.client_dialect = dialect_of_client(extra.get("user_agent"), self.dbms.settings.client_dialect)
        self.dialect.memgraph = self.client_dialect == MEMGRAPH
        self.notification_filter = _NotificationFilter().over(extra)
        if self.version >= (4, 3):
            metadata["hints"] = {}
        if self.version[0] == 4 and self.version >= (4, 3) and "utc" in (_field(extra, "patch_bolt", list) or []):
            self.dialect.utc = True
            metadata["patch_bolt"] = ["utc"]
        if self.version >= (5, 1):
            self.state = "AUTHENTICATION"
        else:
            self._authenticate(extra)
        return success(metadata)

    def _logon(self, auth: dict) -> Structure:
        self._authenticate(auth)
        return success()

    def _authenticate(self, auth: dict) -> None:
        scheme = auth.get("scheme", "none")
        if scheme == "basic":
            credentials = {"principal": _field(auth, "principal", str), "credentials": _field(auth, "credentials", str)}
        elif scheme == "none":
            credentials = None
        else:
            raise ClientError(f"Unsupported authentication scheme '{scheme}'", "Neo.ClientError.Security.Unauthorized")
        self.principal = self.dbms.security.login(credentials)
        self.state = "READY"

    # --- sessions ------------------------------------------------------------------------------------------------

    def _new_session(self, extra: dict) -> Session:
        if extra.get("imp_user"):
            raise ClientError("Impersonation is not supported", "Neo.ClientError.Security.Forbidden")
        named = _field(extra, "db", str) or None
        mode = "READ" if _field(extra, "mode", str) == "r" else "WRITE"
        bookmarks = [b for b in (_field(extra, "bookmarks", list) or []) if isinstance(b, str)]
        session = Session(self.dbms, named or self.used_database, mode, bookmarks, self.principal,
                          dialect=self.client_dialect, database_fixed=named is not None)
        session.connection = self._session_connection
        return session

    @staticmethod
    def _timeout(extra: dict) -> float | None:
        value = extra.get("tx_timeout")
        # 0 is the driver's "no timeout", which overrides the transaction_timeout setting too.
        return value / 1000.0 if isinstance(value, int) and value >= 0 else None

    # --- RUN, PULL, DISCARD --------------------------------------------------------------------------------------

    def _run(self, text: str, parameters: dict, extra: dict) -> Structure:
        parameters = self.dialect.decode(parameters)
        started = time.perf_counter()
        if self.state in ("TX_READY", "TX_STREAMING"):
            result = self.transaction.run(text, parameters)
            qid = self.next_qid
            self.next_qid += 1
            self.streams[qid] = _Stream(result, iter(result), started, notification_filter=self.transaction_filter)
            self.state = "TX_STREAMING"
            return success({"fields": result.keys(), "t_first": _ms(started), "qid": qid})
        if self.state != "READY":
            raise _invalid(f"RUN is not allowed in state {self.state}")
        if self.statement_session is not None:
            session, own = self.statement_session, False
        else:
            session, own = self._new_session(extra), True
        query = Query(text, metadata=_field(extra, "tx_metadata", dict) or None, timeout=self._timeout(extra))
        database = session.database
        try:
            result = session.run(query, parameters)
        except BaseException:
            if own and not session.in_statement_transaction:
                session.close()
            raise
        if session.database != database:  # USE DATABASE: the connection's next sessions use it too
            self.used_database = session.database
        if session.in_statement_transaction:
            self.statement_session = session
            own = False
        elif not own:
            self.statement_session = None
            own = True
        self.streams = {-1: _Stream(result, iter(result), started, session if own else None,
                                    notification_filter=self.notification_filter.over(extra))}
        self.state = "STREAMING"
        return success({"fields": result.keys(), "t_first": _ms(started)})

    def _pull(self, extra: dict, discard: bool) -> list[Structure]:
        if self.state not in ("STREAMING", "TX_STREAMING"):
            raise _invalid(f"{'DISCARD' if discard else 'PULL'} is not allowed in state {self.state}")
        n = extra.get("n", -1)
        qid = extra.get("qid", -1)
        if not isinstance(n, int) or n == 0 or n < -1:
            raise _invalid(f"Invalid number of records to {'discard' if discard else 'pull'}: {n}")
        stream = self._stream(qid)
        responses: list[Structure] = []
        taken = 0
        more = False
        while n == -1 or taken < n:
            try:
                record = next(stream.records)
            except StopIteration:
                break
            taken += 1
            if not discard:
                responses.append(Structure(RECORD, (self.dialect.encode_all(record),)))
        else:
            more = self._has_more(stream)
        if more:
            responses.append(success({"has_more": True}))
            return responses
        responses.append(success(self._finish(stream)))
        return responses

    @staticmethod
    def _has_more(stream: _Stream) -> bool:
        try:
            peeked = next(stream.records)
        except StopIteration:
            return False
        stream.records = _chain(peeked, stream.records)
        return True

    def _stream(self, qid: int) -> _Stream:
        if qid == -1:
            if self.state == "STREAMING":
                return self.streams[-1]
            open_ids = [q for q, s in self.streams.items() if not s.finished]
            if not open_ids:
                raise _invalid("There is no open result to pull from")
            return self.streams[max(open_ids)]
        stream = self.streams.get(qid)
        if stream is None or stream.finished:
            raise _invalid(f"There is no open result with qid {qid}")
        return stream

    def _finish(self, stream: _Stream) -> dict:
        summary = stream.result.consume()
        stream.finished = True
        metadata = {"type": summary.query_type, "t_last": _ms(stream.started), "db": summary.database,
                    "has_more": False}
        stats = self._stats(summary.counters)
        if stats:
            metadata["stats"] = stats
        if summary.plan is not None:
            metadata["plan"] = summary.plan
        if summary.profile is not None:
            metadata["profile"] = summary.profile
        notices = stream.notification_filter.kept(summary.notices)
        if self.version >= (5, 6):
            metadata["statuses"] = summary.statuses(notices) if notices else _plain_statuses(summary)
        elif notices:
            metadata["notifications"] = [self._notification(notice, summary.database) for notice in notices]
        if self.state == "STREAMING":
            session = stream.session
            if session is not None:
                bookmarks = session.last_bookmarks()
                if bookmarks:
                    metadata["bookmark"] = bookmarks[-1]
                session.close()
            self.streams = {}
            self.state = "READY"
        elif all(s.finished for s in self.streams.values()):
            self.state = "TX_READY"
        return metadata

    def _stats(self, counters) -> dict:
        """The summary's statistics as the connection's dialect gives them."""
        counts = counters.as_dict()
        if self.client_dialect == MEMGRAPH:
            if not any(counts.get(name) for name in _MEMGRAPH_STATS):
                return {}
            return {_STATS[name]: counts.get(name, 0) for name in _MEMGRAPH_STATS}
        stats = {_STATS[name]: count for name, count in counts.items() if count}
        if not stats:  # no counter set (most statements): neither kind of update either
            return stats
        if counters.contains_updates:
            stats["contains-updates"] = True
        if counters.contains_system_updates:
            stats["contains-system-updates"] = True
        return stats

    def _notification(self, notice, database: str) -> dict:
        """A `notifications` entry; Memgraph's have four strings only (mgconsole reads every value as a string) and
        its severities are INFO and WARNING."""
        entry = notice.as_notification(database)
        if self.client_dialect != MEMGRAPH:
            return entry
        severity = "INFO" if entry["severity"] == "INFORMATION" else entry["severity"]
        return {"severity": severity, "code": entry["code"], "title": entry["title"],
                "description": entry["description"]}

    # --- explicit transactions -----------------------------------------------------------------------------------

    def _begin(self, extra: dict) -> Structure:
        self._require_idle("BEGIN")
        if self.statement_session is not None:
            raise nested_transaction()
        session = self._new_session(extra)
        try:
            self.transaction = session.begin_transaction(metadata=_field(extra, "tx_metadata", dict) or None,
                                                         timeout=self._timeout(extra))
        except BaseException:
            session.close()
            raise
        self.session = session
        self.transaction_filter = self.notification_filter.over(extra)
        self.streams = {}
        self.next_qid = 0
        self.state = "TX_READY"
        return success()

    def _commit(self) -> Structure:
        if self.state != "TX_READY":
            raise _invalid(f"COMMIT is not allowed in state {self.state}")
        session, transaction = self.session, self.transaction
        self.session = self.transaction = None
        self.state = "READY"
        try:
            transaction.commit()
            bookmarks = session.last_bookmarks()
        finally:
            session.close()
        return success({"bookmark": bookmarks[-1]} if bookmarks else {})

    def _rollback(self) -> Structure:
        if self.state not in ("TX_READY", "TX_STREAMING"):
            raise _invalid(f"ROLLBACK is not allowed in state {self.state}")
        self._end_transaction()
        self.state = "READY"
        return success()

    def _require_idle(self, what: str) -> None:
        if self.state != "READY":
            raise _invalid(f"{what} is not allowed in state {self.state}")

    # --- routing, reset, close -----------------------------------------------------------------------------------

    def _route(self, context: dict, bookmarks, extra) -> Structure:
        database = _field(extra, "db", str) if isinstance(extra, dict) else extra
        if database is not None and not isinstance(database, str):
            raise _invalid(f"Expected a database name, got {type(database).__name__}")
        if not database:
            database = self.principal.privileges.home
        address = self.options.advertised_address or _field(context, "address", str) or self.server_address
        servers = [{"addresses": [address], "role": role} for role in ("ROUTE", "READ", "WRITE")]
        return success({"rt": {"ttl": self.options.routing_ttl, "db": database, "servers": servers}})

    def _reset(self) -> Structure:
        if self.state in ("NEGOTIATION", "AUTHENTICATION"):
            self.close()
            raise Close([failure(_invalid("RESET before authentication"), self.version, self.client_dialect)])
        self._abandon_streams()
        self._end_transaction()
        if self.statement_session is not None:
            self.statement_session.close()  # rolls back a Cypher-level BEGIN
            self.statement_session = None
        self.state = "READY"
        return success()

    def _abandon_streams(self) -> None:
        """Closes the sessions of the results the client gave up (by RESET, a FAILURE or leaving). Closing runs
        the rest of an auto-commit statement, whose error then has nobody to go to: the session is closed and
        rolled back all the same."""
        for stream in self.streams.values():
            if stream.session is not None:
                try:
                    stream.session.close()
                except Neo4jError:
                    pass
        self.streams = {}

    def _end_transaction(self) -> None:
        if self.transaction is not None:
            try:
                self.transaction.rollback()
            finally:
                self.session.close()
        self.session = self.transaction = None

    def close(self) -> None:
        """The client left (GOODBYE, a closed socket, an error): everything it had open is rolled back."""
        try:
            self._abandon_streams()
            self._end_transaction()
        finally:
            if self.statement_session is not None:
                self.statement_session.close()
                self.statement_session = None


# The statuses of an outcome without notifications (most statements' summaries), encoded once per outcome.
_PLAIN_STATUSES: dict[str, Packed] = {}


def _plain_statuses(summary) -> Packed:
    encoded = _PLAIN_STATUSES.get(summary.outcome)
    if encoded is None:
        encoded = _PLAIN_STATUSES[summary.outcome] = Packed(summary.statuses(()))
    return encoded


def _chain(first, rest):
    yield first
    yield from rest


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _map(fields: tuple, index: int) -> dict:
    value = fields[index] if len(fields) > index else {}
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _invalid(f"Expected a map as field {index + 1}, got {type(value).__name__}")
    return value


def _field(extra: dict, key: str, kind: type) -> object:
    """`extra[key]`, None when absent or null; a value of another kind is a malformed request."""
    value = extra.get(key)
    if value is not None and not isinstance(value, kind):
        raise _invalid(f"Expected {kind.__name__} for {key!r}, got {type(value).__name__}")
    return value


def _text(fields: tuple, index: int) -> str:
    value = fields[index] if len(fields) > index else None
    if not isinstance(value, str):
        raise _invalid(f"Expected a string as field {index + 1}")
    return value
