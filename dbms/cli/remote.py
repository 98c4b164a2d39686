"""`--uri bolt://…`: the shell and scripts against a Bolt server (graphplex's, or Neo4j's), through the official
`neo4j` driver, shaped like the in-process sessions the CLI otherwise uses."""
from __future__ import annotations

from graphplex.databases.errors import error_for_code
from graphplex.cli.exits import Unavailable, UsageError, unavailable
from graphplex.refusals import nested_transaction

_SCHEMES = tuple(f"{scheme}{tls}://" for scheme in ("bolt", "neo4j") for tls in ("", "+s", "+ssc"))
_GONE = "Neo.TransientError.General.DatabaseUnavailable"
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")
_COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set",
             "labels_added", "labels_removed", "indexes_added", "indexes_removed", "constraints_added",
             "constraints_removed", "system_updates")


def _translated(error, uri: str = "the server"):
    """A driver error as graphplex's error of the same code (the CLI reports both the same way). Errors of the
    driver itself (no server, a failed transaction) get the code a server would have sent."""
    import neo4j.exceptions as driver
    if isinstance(error, (driver.ServiceUnavailable, driver.SessionExpired)):
        return error_for_code(_GONE, f"Cannot reach {uri}: {error}. Check that the server is running and the "
                                     "address is right.")
    if isinstance(error, driver.AuthError) and not getattr(error, "code", None):
        return error_for_code("Neo.ClientError.Security.Unauthorized", str(error))
    if isinstance(error, driver.TransactionError):
        return error_for_code("Neo.ClientError.Transaction.TransactionMarkedAsFailed",
                              f"{str(error).rstrip('.')}. The transaction was rolled back.")
    code = getattr(error, "code", None) or "Neo.DatabaseError.General.UnknownError"
    sent = getattr(error, "gql_status", None)  # the driver's fallback 50N42 is no status the server chose
    return error_for_code(code, getattr(error, "message", None) or str(error),
                          sent if sent and sent != "50N42" else None)


def _driver():
    """The `neo4j` driver module, or an error that says how to install it."""
    try:
        import neo4j
    except ImportError:
        raise unavailable("--uri needs the neo4j driver: pip install neo4j (the graphplex[test] extra includes it)",
                          "Neo.ClientError.General.InvalidArguments") from None
    return neo4j


class RemoteDBMS:
    """A Bolt server seen through the driver, with the part of the DBMS interface the CLI uses."""

    def __init__(self, uri: str, auth) -> None:
        if not uri.startswith(_SCHEMES):
            raise UsageError(f"--uri {uri}: use bolt://HOST:PORT (or neo4j://, with +s or +ssc for TLS)")
        neo4j = self._neo4j = _driver()
        self.uri = uri
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=auth or ("neo4j", ""))
        except (ValueError, neo4j.exceptions.ConfigurationError) as error:
            raise UsageError(f"--uri {uri} is not a usable address ({error}); use bolt://HOST:PORT") from None
        try:
            self.driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as error:
            self.driver.close()
            raise Unavailable(_translated(error, uri)) from None

    def session(self, database: str | None = None, auth=None) -> "RemoteSession":
        return RemoteSession(self, database)

    def close(self) -> None:
        self.driver.close()


class RemoteSession:
    def __init__(self, remote: RemoteDBMS, database: str | None) -> None:
        self.remote = remote
        self.session = remote.driver.session(database=database)
        self.transaction = None
        self.database = database or self._call(lambda: self.session.run("RETURN 1").consume().database)

    @property
    def in_statement_transaction(self) -> bool:
        """Whether BEGIN (or `:begin`) opened a transaction not yet ended."""
        return self.transaction is not None

    def _call(self, work):
        exceptions = self.remote._neo4j.exceptions
        try:
            return work()
        except (exceptions.Neo4jError, exceptions.DriverError) as error:
            raise _translated(error, self.remote.uri) from None

    def run(self, text: str, parameters: dict | None = None) -> "RemoteResult":
        statement = text.strip().rstrip(";").strip().upper()
        if statement in _CONTROL:
            self._control(statement)
            return RemoteResult(self, None)
        runner = self.transaction or self.session
        return RemoteResult(self, self._call(lambda: runner.run(text, parameters or {})))

    def _control(self, statement: str) -> None:
        if statement == "BEGIN":
            if self.transaction is not None:
                raise nested_transaction()
            self.transaction = self._call(self.session.begin_transaction)
            return
        if self.transaction is None:
            raise error_for_code("Neo.ClientError.Transaction.TransactionNotFound",
                                 f"No current transaction to {statement.lower()}.")
        transaction, self.transaction = self.transaction, None
        try:
            self._call(transaction.commit if statement == "COMMIT" else transaction.rollback)
        finally:
            self._close_quietly(transaction)

    def _close_quietly(self, closable) -> None:
        """Closes a transaction or session whose server may be gone: nothing more to report then."""
        exceptions = self.remote._neo4j.exceptions
        try:
            closable.close()
        except (exceptions.Neo4jError, exceptions.DriverError, OSError):
            pass

    def close(self) -> None:
        if self.transaction is not None:
            self._close_quietly(self.transaction)
        self._close_quietly(self.session)

    def __enter__(self) -> "RemoteSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class RemoteResult:
    def __init__(self, owner: RemoteSession, result) -> None:
        self.owner = owner
        self.result = result

    def keys(self) -> list[str]:
        return list(self.result.keys()) if self.result is not None else []

    def __iter__(self):
        if self.result is None:
            return iter(())
        return iter(self.owner._call(lambda: list(self.result)))

    def single(self):
        return self.owner._call(self.result.single)

    def value(self):
        return self.owner._call(self.result.value)

    def consume(self) -> "RemoteSummary":
        if self.result is None:
            return RemoteSummary({})
        summary = self.owner._call(self.result.consume)
        return RemoteSummary({name: getattr(summary.counters, name, 0) for name in _COUNTERS},
                             summary.plan, summary.profile)


class RemoteSummary:
    def __init__(self, counts: dict, plan: dict | None = None, profile: dict | None = None) -> None:
        self.counters = _Counters(counts)
        self.plan = plan
        self.profile = profile


def plan_rows(tree) -> list[dict] | None:
    """A plan tree (Bolt's, or the embedded summary's, which has the same shape) as the rows the printer shows:
    operator (indented by depth), details, and rows and time_ms when profiled; depth first."""
    if not tree:
        return None
    rows: list[dict] = []

    def walk(node: dict, depth: int) -> None:
        args = node.get("args") or {}
        row = {"operator": "  " * depth + str(node.get("operatorType", "")), "details": args.get("Details", "")}
        if "rows" in node:
            row.update(rows=node.get("rows", 0), time_ms=(node.get("time") or 0) / 1_000_000)
        rows.append(row)
        for child in node.get("children") or ():
            walk(child, depth + 1)
    walk(dict(tree), 0)
    return rows


class _Counters:
    def __init__(self, counts: dict) -> None:
        self._counts = counts

    def as_dict(self) -> dict:
        return dict(self._counts)
