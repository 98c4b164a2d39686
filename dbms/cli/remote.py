"""`--uri bolt://…`: the shell and scripts against a Bolt server (graphplex's, or Neo4j's), through the official
`neo4j` driver, shaped like the in-process sessions the CLI otherwise uses."""
from __future__ import annotations

from graphplex.databases.errors import error_for_code

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")
_COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted", "properties_set",
             "labels_added", "labels_removed", "indexes_added", "indexes_removed", "constraints_added",
             "constraints_removed", "system_updates")


def _translated(error):
    """A driver error as graphplex's error of the same code (the CLI reports both the same way)."""
    code = getattr(error, "code", None) or "Neo.DatabaseError.General.UnknownError"
    return error_for_code(code, getattr(error, "message", None) or str(error))


class RemoteDBMS:
    def __init__(self, uri: str, auth) -> None:
        import neo4j
        self._neo4j = neo4j
        self.driver = neo4j.GraphDatabase.driver(uri, auth=auth or ("neo4j", ""))
        try:
            self.driver.verify_connectivity()
        except neo4j.exceptions.Neo4jError as error:
            self.driver.close()
            raise _translated(error) from None

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

    def _call(self, work):
        try:
            return work()
        except self.remote._neo4j.exceptions.Neo4jError as error:
            raise _translated(error) from None

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
                raise error_for_code("Neo.ClientError.Transaction.TransactionStartFailed",
                                     "Nested transactions are not supported.")
            self.transaction = self._call(self.session.begin_transaction)
            return
        if self.transaction is None:
            raise error_for_code("Neo.ClientError.Transaction.TransactionNotFound",
                                 f"No current transaction to {statement.lower()}.")
        transaction, self.transaction = self.transaction, None
        self._call(transaction.commit if statement == "COMMIT" else transaction.rollback)

    def close(self) -> None:
        if self.transaction is not None:
            self.transaction.close()
        self.session.close()

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
        return RemoteSummary({name: getattr(summary.counters, name, 0) for name in _COUNTERS})


class RemoteSummary:
    def __init__(self, counts: dict) -> None:
        self.counters = _Counters(counts)


class _Counters:
    def __init__(self, counts: dict) -> None:
        self._counts = counts

    def as_dict(self) -> dict:
        return dict(self._counts)
