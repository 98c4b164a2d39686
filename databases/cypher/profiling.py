"""What PROFILE measures per operator: the rows it produced, its database hits and its own time.

Only a profiled run pays for this: `Plan.profiled_rows` reads the store through a `MeteredTransaction` for the run,
and each operator that sees one (`Operator.run`) measures itself into its `Meter`, a MATCH each of its steps apart;
an unprofiled run pays one type check per operator run, nothing per row.

Attribution: the meter knows which operator is running (the one whose next row is being asked for; operators
pull their input, so the innermost one asked runs). Time and database hits go to that operator alone, so each
operator's figures are its own, not its input's.

Database hits count the requests graphplex's Cypher runtime made of the storage transaction while the operator ran:
- a scan (all nodes, a label, a relationship type): 1 for the lookup (per row it scans for), and 1 per node or
  relationship it found;
- an index seek (equality, range, prefix): 1 for the lookup, and 1 per entity it found;
- an expand: 1 per relationship it followed (the degree of the node, within the types asked);
- reading a node's or relationship's current version (its labels and properties: a filter on a property, a
  label check, a property projected): 1 per version read; a node, relationship or degree got directly: 1.
Neo4j's counting is an implementation detail of its store; these are the real counts of what graphplex did.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator


class Figures:
    """One operator's measured figures: rows produced, database hits, seconds of its own."""

    __slots__ = ("rows", "db_hits", "seconds")

    def __init__(self) -> None:
        self.rows = 0
        self.db_hits = 0
        self.seconds = 0.0


class Meter:
    """The figures of one profiled run, keyed by the operator or step they measure (`id` of it)."""

    def __init__(self) -> None:
        self.figures: dict[int, Figures] = {}
        self.outside = Figures()  # what happens between rows, outside every operator: ProduceResults' work
        self.current = self.outside
        self._since = time.perf_counter()

    def of(self, key: object) -> Figures:
        """The figures of `key` (an operator or a MATCH step), new ones the first time."""
        found = self.figures.get(id(key))
        if found is None:
            found = self.figures[id(key)] = Figures()
        return found

    def measured(self, rows: Iterator, figures: Figures) -> Iterator:
        """`rows`, with the time spent producing each and the hits made meanwhile charged to `figures`."""
        iterator = iter(rows)
        while True:
            previous = self._switch(figures)
            try:
                row = next(iterator)
            except StopIteration:
                return
            finally:
                self._switch(previous)
            figures.rows += 1
            yield row

    def step(self, key: object, step: Callable) -> Callable:
        """A MATCH step (row, ctx, used) → (row, used)… measured as its own operator."""
        figures = self.of(key)

        def measured(row, ctx, used):
            return self.measured(step(row, ctx, used), figures)
        return measured

    def _switch(self, figures: Figures) -> Figures:
        """Makes `figures` the running operator's, charging the time since the last switch to the one before."""
        now = time.perf_counter()
        previous = self.current
        previous.seconds += now - self._since
        self._since = now
        self.current = figures
        return previous


class MeteredTransaction:
    """A storage transaction whose reads count as database hits of the running operator (see the module's rule);
    everything else is the transaction's own, attributes read and written through."""

    __slots__ = ("_txn", "meter")

    def __init__(self, txn: Any, meter: Meter) -> None:
        object.__setattr__(self, "_txn", txn)
        object.__setattr__(self, "meter", meter)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._txn, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._txn, name, value)

    # one hit per version, entity or degree read
    def view(self, entity):
        self.meter.current.db_hits += 1
        return self._txn.view(entity)

    def vertex(self, gid: int):
        self.meter.current.db_hits += 1
        return self._txn.vertex(gid)

    def edge(self, gid: int):
        self.meter.current.db_hits += 1
        return self._txn.edge(gid)

    def labels(self, vertex):
        self.meter.current.db_hits += 1
        return self._txn.labels(vertex)

    def degree(self, *args, **kwargs) -> int:
        self.meter.current.db_hits += 1
        return self._txn.degree(*args, **kwargs)

    # one hit per relationship followed
    def expand(self, *args, **kwargs) -> Iterator:
        meter = self.meter
        for pair in self._txn.expand(*args, **kwargs):
            meter.current.db_hits += 1
            yield pair

    def expand_each(self, *args, **kwargs) -> Iterator:
        for vertex, edges in self._txn.expand_each(*args, **kwargs):
            yield vertex, self._followed(edges)

    def _followed(self, edges) -> Iterator:
        meter = self.meter
        for edge in edges:
            meter.current.db_hits += 1
            yield edge

    # one hit for the lookup, one per entity found
    def vertices(self) -> Iterator:
        return self._found(self._txn.vertices())

    def edges(self) -> Iterator:
        return self._found(self._txn.edges())

    def vertices_with_label(self, label: str) -> Iterator:
        return self._found(self._txn.vertices_with_label(label))

    def edges_with_type(self, type_: str) -> Iterator:
        return self._found(self._txn.edges_with_type(type_))

    def vertices_by_property(self, *args) -> Iterator:
        return self._found(self._txn.vertices_by_property(*args))

    def edges_by_property(self, *args) -> Iterator:
        return self._found(self._txn.edges_by_property(*args))

    def vertices_by_range(self, *args, **kwargs) -> Iterator:
        return self._found(self._txn.vertices_by_range(*args, **kwargs))

    def edges_by_range(self, *args, **kwargs) -> Iterator:
        return self._found(self._txn.edges_by_range(*args, **kwargs))

    def vertices_by_prefix(self, *args) -> Iterator:
        return self._found(self._txn.vertices_by_prefix(*args))

    def _found(self, entities: Iterator) -> Iterator:
        meter = self.meter
        meter.current.db_hits += 1
        for entity in entities:
            meter.current.db_hits += 1
            yield entity
