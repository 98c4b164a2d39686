"""Column-at-a-time scans: a statement that starts by scanning one label runs its filter and aggregation over the
label's property columns (`storage.columns`) with numpy instead of row by row.

Which statements: a first clause `MATCH (n:Label) [WHERE …]` (one node, one label, no inline properties) that the
planner answers with a label scan, and whose WHERE and, when the next clause aggregates, grouping keys and
aggregates (count(*), count, sum, avg, min, max, none DISTINCT) are built only of what `_compile` below takes:
properties of `n`, literals and parameters of the four column kinds, arithmetic, comparisons, boolean logic, IS
NULL, STARTS WITH / ENDS WITH / CONTAINS. The prefix replaces the MATCH (and the aggregation): it yields the rows
the replaced operators would have yielded, and the rest of the pipeline runs on them unchanged.

Exactness: the column evaluation computes only what numpy computes as Cypher does; anything else — a column whose
values mix kinds, an integer that could overflow, a division by zero, a value the operator does not take (a type
error in Cypher) — raises `_RowByRow` before a row is produced, and the replaced operators run row by row instead,
with their own errors and results. So does every run the storage gives no column scan (see `storage.columns`:
older snapshots, restricted users, the on-disk engine, small labels) and every profiled run. The nodes a commit
changed since the columns were built, or the transaction wrote itself, are read row by row through the
transaction's view, with the WHERE compiled the ordinary way, and go on into the same aggregation.

Row order differs from the row-by-row scan only where Cypher leaves it undefined (no ORDER BY): groups come in the
order their first row appears in the column scan, then those the changed nodes add.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from graphplex.databases.cypher import ast
from graphplex.databases.cypher.aggregates import seeded_accumulator
from graphplex.databases.cypher.analysis import conjuncts
from graphplex.databases.cypher.context import ExecutionContext
from graphplex.databases.cypher.expressions import Scope, compile_expression
from graphplex.databases.cypher.plan import Operator
from graphplex.databases.cypher.termination import checked_rows
from graphplex.databases.cypher.values import group_key
from graphplex.databases.storage import Column, column_scan

# Off only for tests that compare the column path with the row path.
ENABLED = True

_SEEDABLE = frozenset({"count*", "count", "sum", "avg", "min", "max"})
_INT_LIMIT = 1 << 63
_EXACT_FLOAT_INT = 1 << 53  # integers below this convert to floats exactly


class _RowByRow(Exception):
    """The column evaluation cannot give Cypher's answer for this run: run the replaced operators instead."""


# An expression's values over the scanned positions are a `Column` as storage keeps a property's: kind, values,
# nulls (True where null), and for integers the largest magnitude any value may have.
Vectorised = Callable[["_Evaluation"], Column]


class _Evaluation:
    """One run's inputs to the vectorised expressions: the scan, the parameters, the positions that count."""

    def __init__(self, scan, ctx: ExecutionContext, np) -> None:
        self.scan = scan
        self.ctx = ctx
        self.np = np
        self.size = scan.size
        self.usable = scan.usable

    def constant(self, value: object) -> Column:
        np = self.np
        kind = _kind_of(value)
        nulls = np.zeros(self.size, np.bool_)
        if kind == "null":
            return Column("null", np.zeros(self.size, np.bool_), ~nulls)
        if kind == "str":
            values = np.empty(self.size, object)
            values[:] = value
            return Column(kind, values, nulls)
        values = np.full(self.size, value, {"int": np.int64, "float": np.float64, "bool": np.bool_}[kind])
        return Column(kind, values, nulls, abs(value) if kind == "int" else 0)


def _kind_of(value: object) -> str:
    if value is None:
        return "null"
    kind = {int: "int", float: "float", bool: "bool", str: "str"}.get(type(value))
    if kind is None:
        raise _RowByRow()
    if kind == "int" and not -_INT_LIMIT < value < _INT_LIMIT:
        raise _RowByRow()
    return kind


# --- compiling expressions ----------------------------------------------------------------------------------

def _compile(expr: ast.Expr, variable: str) -> Vectorised | None:
    """The vectorised form of `expr` over the scanned node `variable`, or None when it takes another form."""
    if isinstance(expr, ast.Property):
        if not (isinstance(expr.subject, ast.Variable) and expr.subject.name == variable):
            return None
        key = expr.key

        def prop(ev: _Evaluation) -> Column:
            column = ev.scan.column(key)
            if column is None or column.bound >= _INT_LIMIT:
                raise _RowByRow()
            return Column(column.kind, column.values, column.nulls, column.bound)
        return prop
    if isinstance(expr, ast.Literal):
        if expr.value is not None and type(expr.value) not in (int, float, bool, str):
            return None
        value = expr.value
        return lambda ev: ev.constant(value)
    if isinstance(expr, ast.Parameter):
        name = expr.name

        def parameter(ev: _Evaluation) -> Column:
            if name not in ev.ctx.parameters:
                raise _RowByRow()  # the row path reports the missing parameter
            return ev.constant(ev.ctx.parameters[name])
        return parameter
    if isinstance(expr, ast.Arithmetic):
        if expr.operator not in _ARITHMETIC:
            return None
        return _binary(expr.left, expr.right, variable, _ARITHMETIC[expr.operator])
    if isinstance(expr, ast.Negate):
        operand = _compile(expr.operand, variable)
        return None if operand is None else lambda ev: _negate(ev, operand(ev))
    if isinstance(expr, ast.Comparison):
        operands = [_compile(operand, variable) for operand in expr.operands]
        if any(operand is None for operand in operands):
            return None
        operators = expr.operators

        def comparison(ev: _Evaluation) -> Column:
            values = [operand(ev) for operand in operands]
            pairs = [_compare(ev, operator, a, b) for operator, a, b in zip(operators, values, values[1:])]
            return pairs[0] if len(pairs) == 1 else _and(ev, pairs)
        return comparison
    if isinstance(expr, (ast.And, ast.Or, ast.Xor)):
        items = [_compile(item, variable) for item in expr.items]
        if any(item is None for item in items):
            return None
        combine = {ast.And: _and, ast.Or: _or, ast.Xor: _xor}[type(expr)]
        return lambda ev: combine(ev, [_boolean(item(ev)) for item in items])
    if isinstance(expr, ast.Not):
        operand = _compile(expr.operand, variable)
        if operand is None:
            return None

        def negation(ev: _Evaluation) -> Column:
            value = _boolean(operand(ev))
            return Column("bool", ~value.values, value.nulls)
        return negation
    if isinstance(expr, ast.IsNull):
        operand = _compile(expr.operand, variable)
        if operand is None:
            return None
        negated = expr.negated

        def is_null(ev: _Evaluation) -> Column:
            nulls = operand(ev).nulls
            return Column("bool", ~nulls if negated else nulls.copy(), ev.np.zeros(ev.size, ev.np.bool_))
        return is_null
    if isinstance(expr, ast.StringPredicate) and expr.operator in _STRING_TESTS:
        test = _STRING_TESTS[expr.operator]
        return _binary(expr.left, expr.right, variable, lambda ev, a, b: _string_test(ev, test, a, b))
    return None


def _binary(left: ast.Expr, right: ast.Expr, variable: str, operation) -> Vectorised | None:
    a, b = _compile(left, variable), _compile(right, variable)
    if a is None or b is None:
        return None
    return lambda ev: operation(ev, a(ev), b(ev))


# --- operations -------------------------------------------------------------------------------------------------

def _null(ev: _Evaluation, kind: str = "null") -> Column:
    np = ev.np
    return Column(kind, np.zeros(ev.size, np.bool_), np.ones(ev.size, np.bool_))


def _numeric(a: Column, b: Column) -> bool:
    return a.kind in ("int", "float") and b.kind in ("int", "float")


def _floats(ev: _Evaluation, vec: Column):
    return vec.values.astype(ev.np.float64) if vec.kind == "int" else vec.values


def _arithmetic(operator: str):
    def operation(ev: _Evaluation, a: Column, b: Column) -> Column:
        if a.kind == "null" or b.kind == "null":
            if a.kind in ("int", "float", "null") and b.kind in ("int", "float", "null"):
                return _null(ev)
            raise _RowByRow()
        if not _numeric(a, b):
            raise _RowByRow()
        np = ev.np
        nulls = a.nulls | b.nulls
        if a.kind == "int" and b.kind == "int":
            return _integer_arithmetic(ev, operator, a, b, nulls)
        x, y = _floats(ev, a), _floats(ev, b)
        with np.errstate(all="ignore"):
            if operator == "%":
                if np.isinf(x[~nulls & ev.usable]).any():
                    raise _RowByRow()  # math.fmod(±inf, y) fails on the row path
                values = np.fmod(x, y)
            else:
                values = _FLOAT_OPERATIONS[operator](x, y)
        return Column("float", values, nulls)
    return operation


def _integer_arithmetic(ev: _Evaluation, operator: str, a: Column, b: Column, nulls) -> Column:
    np = ev.np
    if operator in "+-":
        bound = a.bound + b.bound
    elif operator == "*":
        bound = a.bound * b.bound
    else:
        divisor_zero = (b.values == 0) & ~nulls & ev.usable
        if divisor_zero.any():
            raise _RowByRow()  # division by zero: the row path raises it
        bound = a.bound if operator == "/" else min(a.bound, b.bound)
    if bound >= _INT_LIMIT:
        raise _RowByRow()  # may overflow: the row path raises or computes it
    x, y = a.values, b.values
    if operator == "+":
        values = x + y
    elif operator == "-":
        values = x - y
    elif operator == "*":
        values = x * y
    else:
        if nulls.any():
            y = np.where(nulls, 1, y)
        if operator == "%":
            values = np.fmod(x, y)  # the remainder takes the dividend's sign, as in Java
        else:
            quotient = np.abs(x) // np.abs(y)
            values = np.where((x < 0) != (y < 0), -quotient, quotient)  # truncated, as in Java
    return Column("int", values, nulls, bound)


def _negate(ev: _Evaluation, a: Column) -> Column:
    if a.kind == "null":
        return a
    if a.kind not in ("int", "float"):
        raise _RowByRow()
    return Column(a.kind, -a.values, a.nulls, a.bound)


_ORDERING = {"<": "__lt__", ">": "__gt__", "<=": "__le__", ">=": "__ge__"}


def _category(kind: str) -> str:
    return "number" if kind in ("int", "float") else kind


def _compare(ev: _Evaluation, operator: str, a: Column, b: Column) -> Column:
    np = ev.np
    if a.kind == "null" or b.kind == "null":
        return _null(ev, "bool")
    nulls = a.nulls | b.nulls
    if _category(a.kind) != _category(b.kind):
        if operator in ("=", "<>"):
            return Column("bool", np.full(ev.size, operator == "<>"), nulls)
        return _null(ev, "bool")  # values of different types have no order
    x, y = a.values, b.values
    if a.kind != b.kind:  # an integer and a float: compared exactly only below 2^53
        if max(a.bound, b.bound) >= _EXACT_FLOAT_INT:
            raise _RowByRow()
        x, y = _floats(ev, a), _floats(ev, b)
    if operator == "=":
        values = x == y
    elif operator == "<>":
        values = x != y
    else:
        values = getattr(x, _ORDERING[operator])(y)
    return Column("bool", np.asarray(values, np.bool_), nulls)


def _boolean(vec: Column) -> Column:
    if vec.kind == "null":
        return Column("bool", vec.values, vec.nulls)
    if vec.kind != "bool":
        raise _RowByRow()  # a type error on the row path (where it is reached)
    return vec


def _and(ev: _Evaluation, items: list[Column]) -> Column:
    np = ev.np
    false = np.zeros(ev.size, np.bool_)
    unknown = np.zeros(ev.size, np.bool_)
    for item in items:
        false |= ~item.nulls & ~item.values
        unknown |= item.nulls
    return Column("bool", ~false, unknown & ~false)


def _or(ev: _Evaluation, items: list[Column]) -> Column:
    np = ev.np
    true = np.zeros(ev.size, np.bool_)
    unknown = np.zeros(ev.size, np.bool_)
    for item in items:
        true |= ~item.nulls & item.values
        unknown |= item.nulls
    return Column("bool", true, unknown & ~true)


def _xor(ev: _Evaluation, items: list[Column]) -> Column:
    np = ev.np
    parity = np.zeros(ev.size, np.bool_)
    unknown = np.zeros(ev.size, np.bool_)
    for item in items:
        parity ^= item.values
        unknown |= item.nulls
    return Column("bool", parity, unknown)


def _string_test(ev: _Evaluation, test, a: Column, b: Column) -> Column:
    np = ev.np
    if a.kind == "null" or b.kind == "null" or a.kind != "str" or b.kind != "str":
        return _null(ev, "bool")  # the row path: null unless both are strings
    nulls = a.nulls | b.nulls
    values = np.fromiter(map(test, a.values, b.values), np.bool_, ev.size)
    return Column("bool", values, nulls)


_STRING_TESTS = {"STARTS WITH": str.startswith, "ENDS WITH": str.endswith, "CONTAINS": str.__contains__}
_FLOAT_OPERATIONS = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y,
                     "/": lambda x, y: x / y}
_ARITHMETIC = {operator: _arithmetic(operator) for operator in "+-*/%"}


# --- the prefix -----------------------------------------------------------------------------------------------

@dataclass
class _Aggregate:
    name: str
    argument: Vectorised | None


class ColumnarPrefix:
    """The first `replaces` operators of a pipeline, run column-at-a-time when the storage gives a column scan."""

    def __init__(self, label: str, variable: str, predicate: Vectorised | None, row_predicate, replaced,
                 grouping=None, keys: list[Vectorised] | None = None, aggregates: list[_Aggregate] | None = None,
                 projected: list[tuple[str, Vectorised]] | None = None, row_projection: Operator | None = None) -> None:
        self.label = label
        self.variable = variable
        self.predicate = predicate
        self.row_predicate = row_predicate
        self.replaced = replaced
        self.replaces = len(replaced)
        self.grouping = grouping
        self.keys = keys or []
        self.aggregates = aggregates or []
        self.projected = projected
        self.row_projection = row_projection
        # Whether the aggregation's answer depends on where nodes read row by row are met (see `_aggregated`).
        self.order_dependent = grouping is not None and (
            bool(self.keys) or any(aggregate.name not in ("count*", "count") for aggregate in self.aggregates))

    def rows(self, ctx: ExecutionContext) -> Iterator[dict]:
        return checked_rows(self._rows(ctx), ctx)

    def _rows(self, ctx: ExecutionContext) -> Iterator[dict]:
        scan = column_scan(ctx.txn, self.label, fresh=self.order_dependent) if ENABLED else None
        produced = None
        if scan is not None:
            import numpy as np
            ev = _Evaluation(scan, ctx, np)
            try:
                with np.errstate(all="ignore"):
                    if self.grouping is not None:
                        produced = self._aggregated(ev)
                    elif self.projected is not None:
                        produced = self._projected(ev)
                    else:
                        produced = self._filtered(ev)
            except _RowByRow:
                produced = None
        if produced is None:
            rows: Iterator[dict] = iter(({},))
            for operator in self.replaced:
                rows = operator.run(rows, ctx)
            produced = rows
        yield from produced

    def _kept(self, ev: _Evaluation):
        """The positions the scan takes from the columns: usable, and (with a WHERE) where it is true."""
        keep = ev.usable
        if self.predicate is not None:
            condition = _boolean(self.predicate(ev))
            keep = keep & condition.values & ~condition.nulls
        return ev.np.flatnonzero(keep)

    def _delta_row(self, vertex, ctx: ExecutionContext) -> dict | None:
        """The row of a node read row by row (changed since the columns were built, or written by the reader), or
        None when the reader does not see it with the label or the WHERE does not hold."""
        version = ctx.txn.view(vertex)
        if version is None or self.label not in version.labels:
            return None
        row = {self.variable: vertex}
        if self.row_predicate is None or self.row_predicate(row, ctx) is True:
            return row
        return None

    def _delta_rows(self, ev: _Evaluation) -> Iterator[dict]:
        ctx = ev.ctx
        for vertex in ev.scan.delta:
            ctx.check()
            row = self._delta_row(vertex, ctx)
            if row is not None:
                yield row

    def _in_scan_order(self, ev: _Evaluation, positions, column_rows: Iterator[dict], finish) -> Iterator[dict]:
        """The column rows (one per kept position) with the nodes read row by row (each through `finish`) where
        the row-by-row scan meets them: at their place in the columns, new ones after."""
        ctx, placed = ev.ctx, ev.scan.placed
        waiting = 0
        for position, row in zip(positions.tolist(), column_rows):
            while waiting < len(placed) and placed[waiting][0] < position:
                yield from finish(self._delta_row(placed[waiting][1], ctx))
                waiting += 1
            ctx.check()
            yield row
        for vertex in [vertex for _, vertex in placed[waiting:]] + ev.scan.later:
            ctx.check()
            yield from finish(self._delta_row(vertex, ctx))

    def _filtered(self, ev: _Evaluation) -> Iterator[dict]:
        positions = self._kept(ev)
        vertices, variable = ev.scan.columns.vertices, self.variable
        column_rows = ({variable: vertices[position]} for position in positions.tolist())
        return self._in_scan_order(ev, positions, column_rows, lambda row: () if row is None else (row,))

    def _projected(self, ev: _Evaluation) -> Iterator[dict]:
        """The projection's rows: each column computed by numpy in one go, its values taken out into Python a
        chunk at a time (a LIMIT or a consumer that stops early pays for the rows it reads, not the label's); the
        rows of nodes read row by row through the projection as planned."""
        positions = self._kept(ev)
        names = [name for name, _ in self.projected]
        vecs = [_restricted(vectorised(ev), positions) for _, vectorised in self.projected]
        ctx, projection = ev.ctx, self.row_projection

        def finish(row):
            return () if row is None else projection.run(iter((row,)), ctx)
        column_rows = (dict(zip(names, values)) for values in _chunked_rows(vecs, len(positions)))
        return self._in_scan_order(ev, positions, column_rows, finish)

    def _aggregated(self, ev: _Evaluation) -> Iterator[dict]:
        if ev.scan.delta and self.order_dependent:
            # Nodes the reader wrote itself, or READ UNCOMMITTED ones (the scan rebuilt the columns for committed
            # changes): where the row path meets them decides the groups' order, a float sum's rounding and which
            # of equal values (0 and 0.0) a key or an extreme shows. Counts alone do not depend on it.
            raise _RowByRow()
        np = ev.np
        positions = self._kept(ev)
        count = len(positions)
        keys = [_restricted(key(ev), positions) for key in self.keys]
        group_ids, group_values, sizes = _groups(np, keys, count)
        groups_count = len(group_values)
        states = [_aggregate_states(np, aggregate, ev, positions, group_ids, sizes)
                  for aggregate in self.aggregates]

        groups: dict = {}
        for index, values in enumerate(group_values):
            key = tuple(group_key(value) for value in values)
            if key in groups:
                raise _RowByRow()  # two column groups one Cypher group: leave it to the row path
            groups[key] = (list(values), [seeded_accumulator(aggregate.name, counts[index], totals[index])
                                          for aggregate, (counts, totals, _) in zip(self.aggregates, states)], {})
        return self.grouping.run_seeded(groups, self._delta_rows(ev), ev.ctx)


_FIRST_CHUNK = 64
_LARGEST_CHUNK = 65536


def _chunked_rows(vecs: list[Column], count: int) -> Iterator[tuple]:
    """The values of `vecs` (each `count` long) row by row as Python values (None for null), converted in chunks
    that double from `_FIRST_CHUNK` to `_LARGEST_CHUNK`."""
    if not vecs:
        yield from ((),) * count
        return
    start, size = 0, _FIRST_CHUNK
    while start < count:
        end = min(start + size, count)
        columns = []
        for vec in vecs:
            values = vec.values[start:end].tolist()
            nulls = vec.nulls[start:end]
            if nulls.any():
                values = [None if null else value for value, null in zip(values, nulls.tolist())]
            columns.append(values)
        yield from zip(*columns)
        start, size = end, min(size * 2, _LARGEST_CHUNK)


def _restricted(vec: Column, positions) -> Column:
    """`vec` at the kept positions (as it is when every position is kept)."""
    if len(positions) == len(vec.nulls):
        return vec
    return Column(vec.kind, vec.values[positions], vec.nulls[positions], vec.bound)


def _groups(np, keys: list[Column], count: int) -> tuple[Any, list[tuple], list[int]]:
    """Each kept position's group number, each group's key values, and each group's number of rows, groups in order
    of first appearance. A group's values are its first row's, as the row path keeps them (of equal keys such as
    -0.0 and 0.0, the first met shows)."""
    if not keys:
        return np.zeros(count, np.int64), [()], [count]
    if count == 0:
        return np.zeros(0, np.int64), [], []
    combined = None
    radix = 1
    compact = len(keys) > 1  # one key's codes need not be dense: the counting below finds its distinct ones
    for key in keys:
        codes, size = _codes(np, key, compact)
        if radix * size >= _INT_LIMIT:
            raise _RowByRow()
        combined = codes if combined is None else combined * size + codes
        radix *= size
    if radix <= max(4 * count, 1 << 16):
        sizes = np.bincount(combined, minlength=radix)
        distinct = np.flatnonzero(sizes)
        sizes = sizes[distinct]
        lookup = np.zeros(radix, np.int64)  # zeros: `rank[lookup]` below reads the codes no row has too
        lookup[distinct] = np.arange(len(distinct))
    else:
        distinct, inverse, sizes = np.unique(combined, return_inverse=True, return_counts=True)
        lookup = None
        inverse = inverse.reshape(-1)
    if lookup is not None:
        first = _first_positions(np, combined, lookup, len(distinct))
    else:
        first = _first_positions(np, inverse, None, len(distinct))
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    # One gather per position: through the code → rank table when there is one, else through `inverse`.
    group_ids = rank[lookup][combined] if lookup is not None else rank[inverse]
    firsts = first[order]
    columns = [_python_values(key, firsts) for key in keys]
    return group_ids, list(zip(*columns)), sizes[order].tolist()


_FIRST_WINDOW = 4096


def _first_positions(np, codes, table, groups: int):
    """Each group's first position, from each position's code (`table[code]` its group, or the code itself when
    `table` is None). Every group most often shows up near the start: a window of positions is searched first,
    all of them only when a group is missing from it."""
    window = codes[:_FIRST_WINDOW]
    first = _firsts(np, window if table is None else table[window], groups)
    if len(window) < len(codes) and (first < 0).any():
        first = _firsts(np, codes if table is None else table[codes], groups)
    return first


def _firsts(np, dense, groups: int):
    first = np.full(groups, -1, np.int64)
    first[dense[::-1]] = np.arange(len(dense) - 1, -1, -1)  # the last write of each group is its first position
    return first


def _python_values(vec: Column, positions) -> list:
    """The values of `vec` at `positions` as Python values (None where null)."""
    if vec.kind == "null":
        return [None] * len(positions)
    values = vec.values[positions].tolist()
    nulls = vec.nulls[positions]
    if nulls.any():
        values = [None if null else value for value, null in zip(values, nulls.tolist())]
    return values


def _codes(np, key: Column, compact: bool = True) -> tuple[Any, int]:
    """A key's values as codes (null the last code), and how many codes: integers and booleans in a narrow range
    by their offset from the least (numbered densely by counting when `compact`), others by sorting into their
    distinct values."""
    nulls = key.nulls
    if key.kind == "null":
        return np.zeros(len(nulls), np.int64), 1
    valid = ~nulls if nulls.any() else None  # None: every value is there (no mask to apply: a copy saved)
    if valid is not None and not valid.any():
        return np.zeros(len(nulls), np.int64), 1
    values = key.values if valid is None else key.values[valid]
    if key.kind in ("int", "bool"):
        values = values.astype(np.int64, copy=False)
        low, high = int(values.min()), int(values.max())
        if high - low < max(4 * len(values), 1 << 16):
            offsets = values - low if low else values
            if not compact:
                return _with_nulls(np, offsets, valid, high - low + 1), high - low + 2
            present = np.flatnonzero(np.bincount(offsets, minlength=high - low + 1))
            lookup = np.empty(high - low + 1, np.int64)
            lookup[present] = np.arange(len(present))
            return _with_nulls(np, lookup[offsets], valid, len(present)), len(present) + 1
    uniques, inverse = np.unique(values, return_inverse=True)
    return _with_nulls(np, inverse.reshape(-1), valid, len(uniques)), len(uniques) + 1


def _with_nulls(np, codes, valid, null_code: int):
    """`codes` of the valid positions spread over all positions, `null_code` at the others (None: all valid)."""
    if valid is None:
        return codes
    spread = np.full(len(valid), null_code, np.int64)
    spread[valid] = codes
    return spread


def _aggregate_states(np, aggregate: _Aggregate, ev: _Evaluation, positions, group_ids, sizes: list[int]):
    """Per group: the count (rows, or non-null values) and the sum / float total / extreme of `aggregate`; and the
    kind of values aggregated. `sizes` holds each group's number of rows."""
    groups_count = len(sizes)
    if aggregate.argument is None:
        return sizes, [None] * groups_count, "int"
    vec = _restricted(aggregate.argument(ev), positions)
    if vec.kind == "null":
        return [0] * groups_count, [None] * groups_count, "null"
    valid = ~vec.nulls
    ids, values = group_ids[valid], vec.values[valid]
    counts = np.bincount(ids, minlength=groups_count).tolist()
    name = aggregate.name
    if name == "count":
        return counts, [None] * groups_count, vec.kind
    if name in ("sum", "avg"):
        if vec.kind not in ("int", "float"):
            raise _RowByRow()  # a type error on the row path
        if name == "sum" and vec.kind == "int":
            if vec.bound * max(len(values), 1) >= _INT_LIMIT:
                raise _RowByRow()
            totals = np.zeros(groups_count, np.int64)
        else:
            totals = np.zeros(groups_count, np.float64)
            values = values.astype(np.float64)
        np.add.at(totals, ids, values)  # in row order, as the row path adds: the same float rounding
        return counts, totals.tolist(), "int" if totals.dtype.kind == "i" else "float"
    if vec.kind == "float" and np.isnan(values).any():
        raise _RowByRow()  # NaN's place in Cypher's order
    if vec.kind == "str":
        pick = min if name == "min" else max
        if groups_count == 1:
            return counts, [pick(values.tolist()) if len(values) else None], vec.kind
        best: list = [None] * groups_count
        for group, value in zip(ids.tolist(), values.tolist()):
            current = best[group]
            best[group] = value if current is None else pick(current, value)
        return counts, best, vec.kind
    if vec.kind == "bool":
        values = values.astype(np.int64)
    return counts, _extremes(np, name, ids, values, groups_count, vec.kind), vec.kind


def _extremes(np, name: str, ids, values, groups_count: int, kind: str) -> list:
    """Each group's smallest or largest value (None for a group without values)."""
    if not len(values):
        return [None] * groups_count
    if groups_count == 1:
        extremes = [values.min() if name == "min" else values.max()]
    else:
        if values.dtype.kind == "i":
            limits = np.iinfo(values.dtype)
            start = limits.max if name == "min" else limits.min
        else:
            start = np.inf if name == "min" else -np.inf
        extremes = np.full(groups_count, start, values.dtype)
        (np.minimum if name == "min" else np.maximum).at(extremes, ids, values)
        present = np.bincount(ids, minlength=groups_count) > 0
        extremes = [value if has else None for value, has in zip(extremes.tolist(), present.tolist())]
    if groups_count == 1:
        extremes = [extremes[0].item()]
    if kind == "float":
        _first_zeros(np, ids, values, extremes)
    return [bool(value) if kind == "bool" and value is not None else value for value in extremes]


def _first_zeros(np, ids, values, extremes: list) -> None:
    """A group whose extreme is a zero gets the zero that came first, as the row path keeps the first of equal
    values: -0.0 and 0.0 are equal in Cypher's order but not the same value."""
    for group, value in enumerate(extremes):
        if value == 0.0:
            first = np.flatnonzero((values == 0.0) & (ids == group))[0]
            extremes[group] = float(values[first])


# --- planning -----------------------------------------------------------------------------------------------

def plan_columnar(query: ast.SingleQuery, operators: list[Operator], scope: Scope) -> ColumnarPrefix | None:
    """A column-at-a-time prefix for the pipeline `operators` planned from `query`, or None when its start is no
    label scan the column path takes (see the module)."""
    clauses = [clause for clause in query.clauses if not isinstance(clause, ast.Use)]
    if not clauses or not isinstance(clauses[0], ast.Match) or not operators or operators[0].name != "Match":
        return None
    match = clauses[0]
    if match.optional or match.hints or len(match.pattern) != 1:
        return None
    part = match.pattern[0]
    if part.shortest or part.variable or part.element.relationships:
        return None
    node = part.element.nodes[0]
    if node.variable is None or not isinstance(node.labels, ast.LabelName) or node.properties is not None \
            or node.predicate is not None:
        return None
    steps = operators[0].steps
    if not steps or steps[0].name != "NodeByLabelScan" or any(step.name != "Filter" for step in steps[1:]):
        return None
    variable, label = node.variable, node.labels.name
    predicate = row_predicate = None
    if match.where is not None:
        predicate = _compile(match.where, variable)
        if predicate is None:
            return None
        # The row path filters conjunct by conjunct (each its own Filter step), keeping a row only where each is
        # true: a non-boolean part drops the row rather than failing an AND.
        inner = scope.with_variables(variable)
        parts = [compile_expression(part, inner) for part in conjuncts(match.where)]
        row_predicate = _all_true(parts)
    following = operators[1] if len(operators) > 1 else None
    if following is not None and following.grouping is not None:
        prefix = _aggregating_prefix(following.grouping, variable, label, predicate, row_predicate, operators[:2])
        if prefix is not None:
            return prefix
    if following is not None and following.projected is not None:
        columns = [(name, _compile(expression, variable)) for name, expression in following.projected]
        if all(column is not None for _, column in columns):
            return ColumnarPrefix(label, variable, predicate, row_predicate, operators[:2], projected=columns,
                                  row_projection=following)
    if predicate is None:
        return None  # a bare label scan: the row path yields the same rows as cheaply
    return ColumnarPrefix(label, variable, predicate, row_predicate, operators[:1])


def _all_true(parts: list):
    def predicate(row: dict, ctx: ExecutionContext) -> bool:
        return all(part(row, ctx) is True for part in parts)
    return predicate


def _aggregating_prefix(grouping, variable: str, label: str, predicate, row_predicate,
                        replaced: list[Operator]) -> ColumnarPrefix | None:
    keys = [_compile(expression, variable) for _, expression in grouping.keys]
    if any(key is None for key in keys):
        return None
    aggregates = []
    for aggregate in grouping.aggregates:
        if aggregate.name not in _SEEDABLE or aggregate.distinct:
            return None
        argument = None
        if aggregate.name == "count" and aggregate.expression == ast.Variable(variable):
            aggregates.append(_Aggregate("count*", None))  # the scanned node is never null
            continue
        if aggregate.expression is not None:
            argument = _compile(aggregate.expression, variable)
            if argument is None:
                return None
        aggregates.append(_Aggregate(aggregate.name, argument))
    return ColumnarPrefix(label, variable, predicate, row_predicate, replaced, grouping, keys, aggregates)
