"""The rows an operator is estimated to produce (`EstimatedRows`, which Neo4j fills in on every operator of EXPLAIN
and PROFILE), from what the storage counts cheaply when the statement is planned: nodes, relationships, the nodes
of each label. graphplex plans by those counts too, not by these estimates; they describe, they decide nothing.

An estimate is a factor, the rows produced per row received, multiplied down the pipeline from the one row a
statement starts with. A predicate whose selectivity nothing tells keeps Neo4j's default fractions: an equality
0.1, a range 0.3, anything else 0.75.
"""
from __future__ import annotations

import sys

from graphplex.databases.cypher import ast
from graphplex.databases.storage import BOTH

EQUALITY_SELECTIVITY = 0.1
RANGE_SELECTIVITY = 0.3
DEFAULT_SELECTIVITY = 0.75
UNWIND_ROWS = 10.0  # the items of a list not known when planned
_RANGES = frozenset({"<", "<=", ">", ">="})


def selectivity(predicate: ast.Expr) -> float:
    """The fraction of rows `predicate` is expected to keep."""
    if isinstance(predicate, ast.Comparison) and len(predicate.operators) == 1:
        operator = predicate.operators[0]
        if operator == "=":
            return EQUALITY_SELECTIVITY
        if operator in _RANGES:
            return RANGE_SELECTIVITY
    if isinstance(predicate, ast.And):
        product = 1.0
        for item in predicate.items:
            product *= selectivity(item)
        return product
    return DEFAULT_SELECTIVITY


class Estimates:
    """Per-row factors of a pattern's steps, read from one storage's counts (taken once, when first asked)."""

    def __init__(self, storage) -> None:
        self.storage = storage
        self._counts: tuple[int, int] | None = None

    def nodes(self) -> float:
        """An all-nodes scan: every node."""
        return float(self._nodes_and_relationships()[0])

    def label(self, label: str) -> float:
        """A label scan: the label's nodes."""
        return float(self.storage.label_count(label))

    def seek(self, label: str) -> float:
        """An equality seek of an index on `label`: the equality's share of the label's nodes."""
        return self.label(label) * EQUALITY_SELECTIVITY

    def range_seek(self, label: str) -> float:
        """A range or prefix seek of an index on `label`: a range's share of the label's nodes."""
        return self.label(label) * RANGE_SELECTIVITY

    def relationship_range_seek(self) -> float:
        """A range seek of a relationship index: a range's share of all relationships."""
        return self._nodes_and_relationships()[1] * RANGE_SELECTIVITY

    def labelled(self, labels: tuple[str, ...]) -> float:
        """A filter on labels: the share of all nodes each label has."""
        nodes = self._nodes_and_relationships()[0]
        share = 1.0
        for label in labels:
            share *= self.storage.label_count(label) / nodes if nodes else 0.0
        return share

    def expand(self, direction: str, into: bool) -> float:
        """An expand: the mean degree in that direction; to a bound node, the chance one of them reaches it."""
        nodes, relationships = self._nodes_and_relationships()
        degree = relationships / nodes * (2 if direction == BOTH else 1) if nodes else 0.0
        return min(1.0, degree / nodes) if into and nodes else degree

    def var_expand(self, direction: str, low: int, high: int | None) -> float:
        """A variable-length expand: the paths of each length, the mean degree to that power (an unbounded one
        counted up to 3 relationships, or its least length if more)."""
        degree = self.expand(direction, False)
        top = high if high is not None else max(low, 3)
        return _powers_sum(degree, low, top)

    def _nodes_and_relationships(self) -> tuple[int, int]:
        if self._counts is None:
            self._counts = self.storage.counts()
        return self._counts


def _powers_sum(ratio: float, low: int, high: int) -> float:
    """ratio**low + … + ratio**high in closed form: a bound such as `*9223372036854775807` cannot be summed term by
    term, and a sum too large for a float is the largest float, not an overflow."""
    count = high - low + 1
    if count <= 0:
        return 0.0
    if ratio == 1.0:
        return float(count)
    if ratio == 0.0:
        return 1.0 if low == 0 else 0.0
    try:
        return ratio ** low * (ratio ** count - 1.0) / (ratio - 1.0)
    except OverflowError:
        return sys.float_info.max
