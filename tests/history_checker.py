"""A list-append history checker in the style of Jepsen's Elle, for the isolation levels graphplex promises.

The workload (tests/behaviour/test_histories.py) keeps a few keys, each a list; a transaction is a sequence of
`("append", key, value)` and `("r", key, [values read])` operations, and either commits or aborts. Every appended
value is unique, so each read names the version it saw: the version of a key is the list itself, and the *version
order* of a key is recovered from its final value (read after the run): every committed version is a prefix of it
(Kingsbury & Alvaro, "Elle: Inferring Isolation Anomalies from Experimental Observations", VLDB 2020, §3).

From the version orders the checker builds Adya's direct serialization graph over the committed transactions
(Adya, "Weak Consistency: A Generalized Theory and Optimistic Implementations for Distributed Transactions", MIT
1999, §3.4):

* ``ww`` T1 → T2: T2 installed the next version of a key after T1's (write dependency);
* ``wr`` T1 → T2: T2 read a version T1 installed (read dependency);
* ``rw`` T1 → T2: T1 read a version of a key and T2 installed the next one (anti-dependency);
* ``rt`` T1 → T2: T1's commit returned before T2 began (real time; Elle's ``-realtime`` variants). The engine takes
  a snapshot no earlier than `begin`, so a later transaction must follow an earlier commit. One session runs its
  transactions one after another, so these edges include the session (process) order.

and looks for the cycles and the non-cyclic anomalies a level must exclude:

=====================  ==============================================================================================
READ_UNCOMMITTED       G0 (dirty write: a cycle of ``ww`` edges, with ``rt``: G0-realtime) — a writer waits for the
                       other's lock, so writes to a key are never interleaved; and the write-side atomicity every level
                       keeps: lost-append (a committed append missing from the final value), aborted-write-survived (an
                       aborted append in it), duplicate-append, garbage-read (a value nobody appended),
                       incompatible-order (two committed versions of a key neither a prefix of the other) and internal
                       (a read after the transaction's own appends to a key does not end with exactly those appends).
                       Dirty reads are allowed: SEMANTICS.md says this level "prevents nothing", for reads.
READ_COMMITTED         the above, plus G1a (aborted read: a committed transaction saw an aborted append), G1b
                       (intermediate read: it saw a version that was not its writer's last to that key) and G1c
                       (circular information flow: a cycle of ``ww``/``wr`` edges; with ``rt``: G1c-realtime) — Adya's
                       PL-2. Non-repeatable reads, lost updates and read skew stay allowed.
SNAPSHOT_ISOLATION     the above, plus G-single (read skew: a cycle with exactly one ``rw`` edge), G-nonadjacent (a
                       cycle whose ``rw`` edges are never adjacent — Adya's G-SIb, which with G-SIa is what PL-SI
                       excludes), lost-update (two committed transactions read the same version of a key and both
                       appended to it: first committer wins must have aborted one) and non-repeatable-read (two reads
                       of a key in one transaction differ by more than its own appends in between). Cycles with
                       adjacent ``rw`` edges (G2-item, write skew) stay allowed, as SEMANTICS.md says.
=====================  ==============================================================================================

A cycle through ``rt`` edges is reported with the ``-realtime`` suffix only when no cycle without them exists.
Why a closed walk with non-adjacent ``rw`` edges is impossible under snapshot isolation: each ``ww``/``wr``/``rt``
edge T1 → T2 gives commit(T1) < start(T2), each ``rw`` edge T1 → T2 gives start(T1) < commit(T2); with no two
``rw`` edges adjacent these chain into a strictly increasing sequence of timestamps around the walk.
"""
from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

APPEND = "append"
READ = "r"

WRITE_SIDE = ("G0", "G0-realtime", "lost-append", "aborted-write-survived", "duplicate-append", "garbage-read",
              "incompatible-order", "internal")
READ_COMMITTED_EXCLUDES = WRITE_SIDE + ("G1a", "G1b", "G1c", "G1c-realtime")
SNAPSHOT_EXCLUDES = READ_COMMITTED_EXCLUDES + ("G-single", "G-single-realtime", "G-nonadjacent",
                                               "G-nonadjacent-realtime", "lost-update", "non-repeatable-read")

EXCLUDED: dict[str, frozenset[str]] = {
    "READ_UNCOMMITTED": frozenset(WRITE_SIDE),
    "READ_COMMITTED": frozenset(READ_COMMITTED_EXCLUDES),
    "SNAPSHOT_ISOLATION": frozenset(SNAPSHOT_EXCLUDES),
}

DEPENDENCIES = ("ww", "wr")


@dataclass
class Txn:
    """One transaction of a history: its operations (with what reads returned), and whether it committed.

    `start` and `end` are monotonic times taken before `begin` and after `commit` returned; with both set, the
    transaction takes part in real-time edges."""
    id: int
    ops: list[tuple]
    committed: bool = True
    process: int = 0
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Anomaly:
    """An anomaly found: its Adya/Elle name, the transactions involved and a readable explanation."""
    name: str
    txns: tuple[int, ...]
    explanation: str

    def __str__(self) -> str:
        return f"{self.name}: {self.explanation}"


@dataclass
class Report:
    """The checker's verdict on one history at one level: the forbidden anomalies found, and figures."""
    level: str
    anomalies: list[Anomaly] = field(default_factory=list)
    committed: int = 0
    aborted: int = 0
    operations: int = 0
    edges: Counter = field(default_factory=Counter)

    @property
    def valid(self) -> bool:
        """Whether the history shows none of the anomalies its level excludes."""
        return not self.anomalies

    def names(self) -> set[str]:
        """The names of the anomalies found."""
        return {anomaly.name for anomaly in self.anomalies}

    def __str__(self) -> str:
        head = (f"{self.level}: {self.committed} committed, {self.aborted} aborted, {self.operations} operations, "
                f"edges {dict(self.edges)}")
        return "\n".join([head] + [f"  {anomaly}" for anomaly in self.anomalies])


def check(history: list[Txn], level: str, final: dict | None = None, realtime: bool = True,
          limit: int = 5) -> Report:
    """Checks `history` for the anomalies `level` excludes (see the module docstring).

    `final` maps each key to its value read after every transaction ended; without it the version order of a key
    is its longest committed read, and lost appends cannot be seen. At most `limit` anomalies of each name are
    reported."""
    if level not in EXCLUDED:
        raise ValueError(f"unknown isolation level {level!r}")
    return _Checker(history, level, final, realtime, limit).run()


class _Checker:
    """One check of one history: version orders first, then the reads, then the graph and its cycles."""

    def __init__(self, history, level, final, realtime, limit) -> None:
        self.history = history
        self.excluded = EXCLUDED[level]
        self.final = final
        self.realtime = realtime
        self.limit = limit
        self.report = Report(level)
        self.committed = [txn for txn in history if txn.committed]
        self.writer: dict = {}          # (key, value) -> the transaction that appended it
        self.appends: dict = defaultdict(list)  # (txn id, key) -> values in order
        self.aborted: set = set()       # (key, value) appended by aborted transactions
        self.order: dict = {}           # key -> committed version order (values)
        self.edges: dict = defaultdict(set)  # (a, b) -> {(type, key)}

    def run(self) -> Report:
        report = self.report
        report.committed = len(self.committed)
        report.aborted = len(self.history) - report.committed
        report.operations = sum(len(txn.ops) for txn in self.history)
        self._index_appends()
        self._infer_version_orders()
        self._check_reads()
        self._add_write_edges()
        if self.realtime:
            self._add_realtime_edges()
        for (a, b), kinds in self.edges.items():
            for kind, _ in kinds:
                report.edges[kind] += 1
        self._check_cycles()
        return report

    def _found(self, name: str, txns, explanation: str) -> None:
        if name in self.excluded and sum(a.name == name for a in self.report.anomalies) < self.limit:
            self.report.anomalies.append(Anomaly(name, tuple(txns), explanation))

    # versions -------------------------------------------------------------------------------------------------

    def _index_appends(self) -> None:
        for txn in self.history:
            for op in txn.ops:
                if op[0] != APPEND:
                    continue
                _, key, value = op
                if (key, value) in self.writer:
                    raise ValueError(f"the workload appended {value!r} to {key!r} twice: values must be unique")
                self.writer[(key, value)] = txn
                self.appends[(txn.id, key)].append(value)
                if not txn.committed:
                    self.aborted.add((key, value))

    def _committed_values(self, key, values) -> list:
        """`values` without garbage and aborted values: the committed elements of a version."""
        return [v for v in values if (key, v) in self.writer and (key, v) not in self.aborted]

    def _infer_version_orders(self) -> None:
        if self.final is not None:
            for key, values in self.final.items():
                self._check_final(key, list(values))
            return
        for txn in self.committed:
            for op in txn.ops:
                if op[0] == READ and op[2] is not None:
                    stripped = self._committed_values(op[1], op[2])
                    if len(stripped) > len(self.order.get(op[1], ())):
                        self.order[op[1]] = list(dict.fromkeys(stripped))

    def _check_final(self, key, values: list) -> None:
        for value, count in Counter(values).items():
            if count > 1:
                self._found("duplicate-append", self._writer_ids(key, [value]),
                            f"{value!r} appears {count} times in the final value of {key!r}: {values}")
        garbage = [v for v in values if (key, v) not in self.writer]
        if garbage:
            self._found("garbage-read", (), f"final value of {key!r} holds {garbage}, never appended to it")
        survivors = [v for v in values if (key, v) in self.aborted]
        if survivors:
            self._found("aborted-write-survived", self._writer_ids(key, survivors),
                        f"final value of {key!r} holds {survivors}, appended by aborted transactions: {values}")
        order = list(dict.fromkeys(self._committed_values(key, values)))
        self.order[key] = order
        present = set(order)
        for txn in self.committed:
            missing = [v for v in self.appends.get((txn.id, key), ()) if v not in present]
            if missing:
                self._found("lost-append", (txn.id,),
                            f"T{txn.id} committed appending {missing} to {key!r}; the final value is {values}")

    def _writer_ids(self, key, values) -> tuple[int, ...]:
        return tuple(dict.fromkeys(self.writer[(key, v)].id for v in values if (key, v) in self.writer))

    # reads ----------------------------------------------------------------------------------------------------

    def _check_reads(self) -> None:
        lost_update_candidates: dict = defaultdict(list)  # (key, version) -> txn ids that read it, then appended
        for txn in self.committed:
            own: dict = defaultdict(list)       # key -> own appends so far
            last_read: dict = {}                # key -> (values, own appends count at that read)
            for position, op in enumerate(txn.ops):
                if op[0] == APPEND:
                    own[op[1]].append(op[2])
                    continue
                _, key, values = op
                values = list(values or ())
                self._check_read_values(txn, key, values)
                self._check_internal(txn, key, values, own[key], last_read.get(key))
                last_read[key] = (values, len(own[key]))
                version = self._committed_values(key, values)
                if not _is_prefix(version, self.order.get(key, [])):
                    self._found("incompatible-order", (txn.id,),
                                f"T{txn.id} read {key!r} = {values}, not a prefix of the version order "
                                f"{self.order.get(key, [])}")
                    continue
                if own[key]:
                    continue  # not an external read: it saw the transaction's own version
                self._add_read_edges(txn, key, version)
                if any(o[0] == APPEND and o[1] == key for o in txn.ops[position + 1:]):
                    lost_update_candidates[(key, tuple(version))].append(txn.id)
        for (key, version), ids in lost_update_candidates.items():
            ids = list(dict.fromkeys(ids))
            if len(ids) > 1:
                self._found("lost-update", ids, f"{', '.join(f'T{i}' for i in ids)} all read {key!r} = "
                                                f"{list(version)} and appended to it, and all committed")

    def _check_read_values(self, txn: Txn, key, values: list) -> None:
        if len(set(values)) != len(values):
            self._found("duplicate-append", (txn.id,), f"T{txn.id} read {key!r} = {values}, with duplicates")
        garbage = [v for v in values if (key, v) not in self.writer]
        if garbage:
            self._found("garbage-read", (txn.id,), f"T{txn.id} read {key!r} = {values}: {garbage} never appended "
                                                   f"to {key!r}")
        aborted = [v for v in values if (key, v) in self.aborted]
        if aborted:
            writers = self._writer_ids(key, aborted)
            self._found("G1a", (txn.id,) + writers, f"T{txn.id} read {key!r} = {values}, holding {aborted} of "
                                                    f"aborted {', '.join(f'T{i}' for i in writers)}")
        version = self._committed_values(key, values)
        if version:
            writer = self.writer[(key, version[-1])]
            mine = self.appends[(writer.id, key)]
            if writer is not txn and version[-1] != mine[-1]:
                self._found("G1b", (txn.id, writer.id),
                            f"T{txn.id} read {key!r} = {values}, an intermediate version of T{writer.id}, whose "
                            f"appends to {key!r} were {mine}")

    def _check_internal(self, txn: Txn, key, values: list, own: list, previous) -> None:
        mine = [v for v in values if self.writer.get((key, v)) is txn]
        if mine != own or (own and values[len(values) - len(own):] != own):
            self._found("internal", (txn.id,), f"T{txn.id} read {key!r} = {values} after appending {own} to it")
            return
        if previous is not None:
            before, count = previous
            expected = before + own[count:]
            if values != expected:
                self._found("non-repeatable-read", (txn.id,),
                            f"T{txn.id} read {key!r} = {before}, then {values} (expected {expected})")

    # edges ----------------------------------------------------------------------------------------------------

    def _edge(self, a: Txn, b: Txn, kind: str, key) -> None:
        if a is not b:
            self.edges[(a.id, b.id)].add((kind, key))

    def _add_read_edges(self, txn: Txn, key, version: list) -> None:
        order = self.order.get(key, [])
        if version:
            self._edge(self.writer[(key, version[-1])], txn, "wr", key)
        if len(version) < len(order):
            self._edge(txn, self.writer[(key, order[len(version)])], "rw", key)

    def _add_write_edges(self) -> None:
        for key, order in self.order.items():
            previous = None
            for value in order:
                writer = self.writer[(key, value)]
                if previous is not None and writer is not previous:
                    self._edge(previous, writer, "ww", key)
                previous = writer

    def _add_realtime_edges(self) -> None:
        """T1 → T2 when T1 ended before T2 started, transitively reduced by a sweep over begin/end events: on a
        start, edges from the frontier (ended transactions not yet followed by an ended successor)."""
        timed = [txn for txn in self.committed if txn.start is not None and txn.end is not None]
        # at equal times a start sorts first: no edge unless the order is certain
        events = sorted([(txn.start, 0, txn) for txn in timed] + [(txn.end, 1, txn) for txn in timed],
                        key=lambda event: (event[0], event[1]))
        frontier: dict[int, Txn] = {}
        predecessors: dict[int, list[Txn]] = {}
        for _, is_end, txn in events:
            if not is_end:
                predecessors[txn.id] = list(frontier.values())
                for before in predecessors[txn.id]:
                    self._edge(before, txn, "rt", None)
            else:
                for before in predecessors.get(txn.id, ()):
                    frontier.pop(before.id, None)
                frontier[txn.id] = txn

    # cycles ---------------------------------------------------------------------------------------------------

    def _check_cycles(self) -> None:
        searches = [("G0", ("ww",)), ("G1c", DEPENDENCIES)]
        for name, kinds in searches:
            if name not in self.excluded:
                continue
            cycle = _plain_cycle(self.edges, set(kinds))
            if cycle is None and self.realtime:
                cycle = _plain_cycle(self.edges, set(kinds) | {"rt"})
                name += "-realtime" if cycle else ""
            if cycle is not None:
                self._found(name, _cycle_ids(cycle), _describe(cycle))
        if "G-single" in self.excluded:
            for kinds, suffix in ((set(DEPENDENCIES), ""), (set(DEPENDENCIES) | {"rt"}, "-realtime")):
                if suffix and not self.realtime:
                    continue
                cycle = _nonadjacent_cycle(self.edges, kinds)
                if cycle is not None:
                    name = "G-single" if sum(kind == "rw" for _, kind, _, _ in cycle) == 1 else "G-nonadjacent"
                    self._found(name + suffix, _cycle_ids(cycle), _describe(cycle))
                    return


def restrict(history: list[Txn], keep) -> list[Txn]:
    """The history seen through the keys for which `keep(key)` holds: each transaction keeps its other operations,
    status and times (a transaction left with no operation is dropped). Checks one database of a multi-database
    history, say."""
    restricted = []
    for txn in history:
        ops = [op for op in txn.ops if keep(op[1])]
        if ops:
            restricted.append(Txn(txn.id, ops, txn.committed, txn.process, txn.start, txn.end))
    return restricted


def _is_prefix(short: list, long: list) -> bool:
    return len(short) <= len(long) and long[:len(short)] == short


def _adjacency(edges: dict, kinds: set) -> dict:
    """a -> [(b, kind, key)] over the edges of the given kinds; a data edge is named rather than a real-time one
    between the same two transactions."""
    adjacent: dict = defaultdict(list)
    for (a, b), labels in edges.items():
        for kind, key in sorted(labels, key=lambda label: (label[0] == "rt", repr(label))):
            if kind in kinds:
                adjacent[a].append((b, kind, key))
                break
    return adjacent


def _strongly_connected(adjacent: dict) -> dict:
    """Tarjan's algorithm, iteratively: node -> component number."""
    index: dict = {}
    low: dict = {}
    component: dict = {}
    stack: list = []
    on_stack: set = set()
    counter = 0
    nodes = set(adjacent) | {b for targets in adjacent.values() for b, *_ in targets}
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = adjacent.get(node, ())
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child][0]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = node
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component


def _path(adjacent: dict, source, target, inside) -> list | None:
    """Shortest path source ⇝ target through nodes for which `inside` holds: [(a, kind, key, b)]."""
    previous = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for b, kind, key in adjacent.get(node, ()):
            if b == target:
                steps = [(node, kind, key, b)]
                while previous[node] is not None:
                    node, step = previous[node]
                    steps.append(step)
                return steps[::-1]
            if b not in previous and inside(b):
                previous[b] = (node, (node, kind, key, b))
                queue.append(b)
    return None


def _plain_cycle(edges: dict, kinds: set) -> list | None:
    """A shortest cycle through some node of a non-trivial strongly connected component, or None."""
    adjacent = _adjacency(edges, kinds)
    component = _strongly_connected(adjacent)
    sizes = Counter(component.values())
    for node in sorted(component, key=repr):
        if sizes[component[node]] > 1:
            return _path(adjacent, node, node, lambda b, c=component[node]: component.get(b) == c)
    return None


def _nonadjacent_cycle(edges: dict, dependency_kinds: set) -> list | None:
    """A cycle with at least one ``rw`` edge and no two ``rw`` edges adjacent (cyclically), preferring one with a
    single ``rw`` edge (G-single); found in the product graph (node, last edge was rw)."""
    plain = _adjacency(edges, dependency_kinds)
    anti = [(a, b, key) for (a, b), labels in edges.items() for kind, key in labels if kind == "rw"]
    product: dict = defaultdict(list)
    for a, targets in plain.items():
        for b, kind, key in targets:
            product[(a, False)].append(((b, False), kind, key))
            product[(a, True)].append(((b, False), kind, key))
    for a, b, key in anti:
        product[(a, False)].append(((b, True), "rw", key))
    component = _strongly_connected(product)
    closing = [(a, b, key) for a, b, key in anti
               if (a, False) in component and component[(a, False)] == component.get((b, True))]
    if not closing:
        return None
    for a, b, key in sorted(closing, key=repr):  # G-single: b reaches a without rw
        path = _path(plain, b, a, lambda n: True)
        if path is not None:
            return [(a, "rw", key, b)] + path
    a, b, key = sorted(closing, key=repr)[0]
    path = _path(product, (b, True), (a, False), lambda n, c=component[(a, False)]: component.get(n) == c)
    return [(a, "rw", key, b)] + [(x[0], kind, k, y[0]) for x, kind, k, y in path]


def _cycle_ids(cycle: list) -> tuple[int, ...]:
    return tuple(dict.fromkeys(a for a, *_ in cycle))


def _describe(cycle: list) -> str:
    text = f"T{cycle[0][0]}"
    for _, kind, key, b in cycle:
        text += f" -{kind}{'' if key is None else f'({key})'}-> T{b}"
    return text
