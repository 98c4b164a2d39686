"""Records, results and summaries, shaped like the official `neo4j` driver's."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Iterable, Iterator, Sequence

from graphplex.databases.cypher.context import Counters as SummaryCounters
from graphplex.databases.cypher.notifications import Notification, locate, result_status
from graphplex.databases.errors import ResultConsumedError
from graphplex.databases.graph_types import Node, Path, Relationship


class Record(Sequence):
    """One row: access by key (`record["name"]`) or position (`record[0]`)."""

    __slots__ = ("_keys", "_values", "_index")

    def __init__(self, keys: list[str], values: tuple, index: dict[str, int] | None = None) -> None:
        self._keys = keys
        self._values = values
        self._index = index if index is not None else {k: i for i, k in enumerate(keys)}

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                raise KeyError(key) from None
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record):
            return self._keys == other._keys and self._values == other._values
        return NotImplemented

    def __hash__(self) -> int:
        return hash((tuple(self._keys), self._values))

    def keys(self) -> list[str]:
        return list(self._keys)

    def values(self, *keys) -> list:
        if not keys:
            return list(self._values)
        return [self.get(k) if isinstance(k, str) else self[k] for k in keys]

    def items(self, *keys) -> list[tuple[str, Any]]:
        names = keys or self._keys
        return [(k, self.get(k)) for k in names]

    def get(self, key: str, default: Any = None) -> Any:
        index = self._index.get(key)
        return default if index is None else self._values[index]

    def value(self, key: int | str = 0, default: Any = None) -> Any:
        try:
            return self[key]
        except (KeyError, IndexError):
            return default

    def data(self, *keys) -> dict[str, Any]:
        return dict(self.items(*keys))

    def __repr__(self) -> str:
        inner = " ".join(f"{k}={v!r}" for k, v in zip(self._keys, self._values))
        return f"<Record {inner}>"


@dataclass(frozen=True)
class GqlStatusObject:
    """One GQL status of a statement, as the driver's `GqlStatusObject`: a notification (a warning, information)
    or the status of the outcome itself ("00000" rows came back, "02000" no data, "00001" no columns)."""

    gql_status: str
    status_description: str
    diagnostic_record: dict
    is_notification: bool

    @property
    def position(self) -> dict | None:
        return self.diagnostic_record.get("_position")

    @property
    def raw_classification(self) -> str | None:
        return self.diagnostic_record.get("_classification")

    @property
    def raw_severity(self) -> str | None:
        return self.diagnostic_record.get("_severity")

    @classmethod
    def from_status(cls, status: dict) -> "GqlStatusObject":
        return cls(status["gql_status"], status["status_description"], dict(status["diagnostic_record"]),
                   "neo4j_code" in status)


@dataclass
class ResultSummary:
    """What a consumed result reports: counters, the statement type, the database, the plan, notifications.

    `notices` are the statement's notifications as the engine found them; `notifications` and
    `gql_status_objects` show them as the driver does. `had_records` (set by the result once it is exhausted) tells
    which outcome status the GQL statuses end with."""

    query: str
    parameters: dict
    counters: SummaryCounters
    query_type: str
    database: str
    plan: dict | None = None
    profile: dict | None = None
    notices: tuple[Notification, ...] = ()
    result_available_after: int = 0
    result_consumed_after: int = 0
    has_columns: bool = False
    had_records: bool = False

    def __post_init__(self) -> None:
        self.notices = locate(self.notices, self.query)

    @property
    def notifications(self) -> list[dict] | None:
        """The notifications as the driver's `ResultSummary.notifications`: dicts of code, title, description,
        severity, category and position; None when there are none."""
        return [notice.as_notification(self.database) for notice in self.notices] or None

    @property
    def gql_status_objects(self) -> tuple[GqlStatusObject, ...]:
        """The statuses as the driver's `ResultSummary.gql_status_objects`, in its order (no data, warnings,
        success, information)."""
        return tuple(GqlStatusObject.from_status(status) for status in self.statuses())

    @property
    def outcome(self) -> str:
        """What the statement gave: "success" (records), "no data" (columns but no record), "omitted result"."""
        return "success" if self.had_records else ("no data" if self.has_columns else "omitted result")

    def statuses(self, notices: Iterable[Notification] | None = None) -> list[dict]:
        """The Bolt 5.6+ `statuses` of `notices` (by default all of them) and of the outcome, in the GQL order."""
        entries = [notice.as_status(self.database) for notice in (self.notices if notices is None else notices)]
        entries.append(result_status(self.outcome))
        return sorted(entries, key=lambda entry: _PRECEDENCE.get(entry["gql_status"][:2], -1), reverse=True)


_PRECEDENCE = {"02": 3, "01": 2, "00": 1, "03": 0}


class Result:
    """A lazy stream of records; `consume()` exhausts it and returns the summary.

    Its owner (the DBMS transaction that ran the statement) gives it, at construction, `summary` (builds the
    ResultSummary), `on_exhausted` (called once, after the last record was produced — an implicit transaction
    commits there), `on_closed` (called once, when the result is consumed or closed) and `confinement` (the guard of
    the session or thread the transaction belongs to: every step of the stream runs inside it)."""

    def __init__(self, keys: list[str], records: Iterator[tuple], summary: Callable[[], ResultSummary], *,
                 on_exhausted: Callable[[], None] | None = None, on_closed: Callable[[], None] | None = None,
                 confinement: ContextManager | None = None) -> None:
        self._keys = list(keys)
        self._index = {k: i for i, k in enumerate(self._keys)}
        self._records = records
        self._buffer: list[Record] = []
        self._summarise = summary
        self._on_exhausted = on_exhausted
        self._on_closed = on_closed
        self._confinement = confinement if confinement is not None else contextlib.nullcontext()
        self._exhausted = False
        self._consumed = False
        self._out_of_scope = False
        self._summary: ResultSummary | None = None
        self._produced = False

    def keys(self) -> list[str]:
        return list(self._keys)

    def closed(self) -> bool:
        """Whether the result was consumed or closed, or its transaction ended: its records can no longer be read."""
        return self._consumed or self._out_of_scope

    def _check_not_consumed(self) -> None:
        if self._consumed:
            raise ResultConsumedError("The result has been consumed. Fetch all needed records before calling "
                                      "Result.consume().")
        if self._out_of_scope:
            raise ResultConsumedError("The result is out of scope. The associated transaction has been closed. "
                                      "Results can only be used while the transaction is open.")

    def detach(self) -> None:
        """Reads the remaining records into memory (the statement runs to its end) so that they stay readable
        after the session moves on, as the driver does."""
        if self.closed():
            return
        while True:
            record = self._pull()
            if record is None:
                return
            self._buffer.append(record)

    def transaction_ended(self) -> None:
        """Its transaction ended (committed or rolled back): the result is out of scope, as in the driver. Nothing
        more of the statement runs."""
        self._out_of_scope = True
        self._exhausted = True
        self._buffer.clear()

    def _pull(self) -> Record | None:
        if self._exhausted:
            return None
        with self._confinement:
            try:
                values = next(self._records)
            except StopIteration:
                self._exhausted = True
                summary = self._summarise()  # a new summary each time: completed in place
                summary.has_columns = bool(self._keys)
                summary.had_records = self._produced
                self._summary = summary
                if self._on_exhausted is not None:
                    self._on_exhausted()
                return None
            except BaseException:
                self._exhausted = True  # the statement failed: nothing more will come, nothing is to be finished
                raise
        self._produced = True
        return Record(self._keys, values, self._index)

    def _next(self) -> Record | None:
        if self._buffer:
            return self._buffer.pop(0)
        return self._pull()

    def __iter__(self) -> Iterator[Record]:
        self._check_not_consumed()
        while True:
            record = self._next()
            if record is None:
                return
            yield record

    def __next__(self) -> Record:
        self._check_not_consumed()
        record = self._next()
        if record is None:
            raise StopIteration
        return record

    def peek(self) -> Record | None:
        self._check_not_consumed()
        record = self._next()
        if record is not None:
            self._buffer.insert(0, record)
        return record

    def fetch(self, n: int) -> list[Record]:
        self._check_not_consumed()
        records = []
        for _ in range(n):
            record = self._next()
            if record is None:
                break
            records.append(record)
        return records

    def single(self, strict: bool = False) -> Record | None:
        records = self.fetch(2)
        if len(records) == 1:
            self.consume()
            return records[0]
        if strict:
            from graphplex.databases.errors import ResultNotSingleError
            raise ResultNotSingleError("No records found. Make sure your query returns exactly one record."
                                       if not records else "More than one record found. Make sure your query "
                                       "returns exactly one record.")
        if records:
            import warnings
            warnings.warn("Expected a result with a single record, but found multiple.", stacklevel=2)
        self.consume()
        return records[0] if records else None

    def data(self, *keys) -> list[dict]:
        return [record.data(*keys) for record in self]

    def values(self, *keys) -> list[list]:
        return [record.values(*keys) for record in self]

    def value(self, key: int | str = 0, default: Any = None) -> list:
        return [record.value(key, default) for record in self]

    def consume(self) -> ResultSummary:
        """Discards the remaining records (the statement still runs to its end) and returns the summary."""
        if self._summary is None and not self._out_of_scope:
            while self._pull() is not None:
                pass
        self._buffer.clear()
        if not self._consumed:
            self._consumed = True
            if self._on_closed is not None:
                self._on_closed()
        return self._summary

    def close(self) -> None:
        """Closes the result as `consume()` does (the statement runs to its end; an implicit transaction then
        commits), without returning the summary; closing a closed result does nothing."""
        if not self.closed():
            self.consume()

    def to_networkx(self):
        """A networkx.MultiDiGraph of the nodes and relationships in the (remaining) records."""
        import networkx as nx

        graph = nx.MultiDiGraph()

        def add(value: Any) -> None:
            if isinstance(value, Node):
                graph.add_node(value.element_id, labels=set(value.labels), **dict(value))
            elif isinstance(value, Relationship):
                add(value.start_node)
                add(value.end_node)
                graph.add_edge(value.start_node.element_id, value.end_node.element_id, key=value.element_id,
                               type=value.type, **dict(value))
            elif isinstance(value, Path):
                for node in value.nodes:
                    add(node)
                for relationship in value.relationships:
                    add(relationship)
            elif isinstance(value, list):
                for item in value:
                    add(item)
            elif isinstance(value, dict):
                for item in value.values():
                    add(item)

        for record in self:
            for value in record.values():
                add(value)
        return graph
