"""The records storage is made of: entities (vertices, edges), their versions, and the commit info they share.

An entity's `head` is its newest version, committed or not; each version points to the next older one. All the
versions a transaction writes share its `CommitInfo`, so setting `commit_ts` there publishes them all at once.
The rules of visibility and conflicts live in the engines' `mvcc` modules (`databases.storage.mvcc`, `.disk.mvcc`).
"""
from __future__ import annotations

import threading


class CommitInfo:
    """What readers need to know about the transaction that wrote a version: has it committed, and when."""

    __slots__ = ("commit_ts", "aborted", "txn", "released", "pending_ts")

    def __init__(self, txn: object | None = None, commit_ts: int | None = None) -> None:
        self.commit_ts = commit_ts
        # Set when the transaction has passed validation and is only waiting for its log sync to be published.
        self.pending_ts: int | None = None
        self.aborted = False
        self.txn = txn
        self.released: threading.Event | None = None

    @property
    def finished(self) -> bool:
        return self.commit_ts is not None or self.aborted


# Shared by every version that every possible reader already sees: lets the garbage collector drop the
# `CommitInfo` (and so the transaction) a long-lived version was written by.
ANCIENT = CommitInfo(commit_ts=0)


class Version:
    """One state of an entity. `props_shared` means `props` still belongs to an older version (copy before change)."""

    __slots__ = ("owner", "labels", "props", "deleted", "older", "props_shared")

    def __init__(self, owner: CommitInfo, labels: frozenset | None, props: dict, deleted: bool = False,
                 older: "Version | None" = None, props_shared: bool = False) -> None:
        self.owner = owner
        self.labels = labels
        self.props = props
        self.deleted = deleted
        self.older = older
        self.props_shared = props_shared


# The one version of every relationship without properties that every reader sees: the garbage collector gives
# it to such a relationship in place of its own (an 80-byte object each). Never changed: a writer stacks its own
# version on it (`props_shared` makes it copy the map), and the collector finds nothing to unlink below it.
PLAIN_RELATIONSHIP = Version(ANCIENT, None, {}, props_shared=True)


def shares_plain_version(version: Version) -> bool:
    """Whether `version`, once every reader sees it, may give way to `PLAIN_RELATIONSHIP`: a live relationship
    version (no labels) without properties."""
    return version.labels is None and not version.props and not version.deleted


class Vertex:
    """A node. `out` and `inc` map a relationship type to the edges of that type, in the order they were made (a
    tuple or an insertion-ordered dict: see `attach_edge`; read them only by iterating). `locker` is the commit
    info of the last transaction that write-locked the node without changing it, to create relationships in bulk
    (`mvcc.lock_ends`): a lock that costs no version (None: none)."""

    # `__weakref__`: the on-disk storage keeps a transaction's vertices in a weak identity map.
    __slots__ = ("gid", "head", "out", "inc", "locker", "__weakref__")

    def __init__(self, gid: int, head: Version) -> None:
        self.gid = gid
        self.head: Version | None = head
        self.out: dict[str, tuple["Edge", ...] | dict["Edge", None]] | None = None
        self.inc: dict[str, tuple["Edge", ...] | dict["Edge", None]] | None = None
        self.locker: CommitInfo | None = None

    def __repr__(self) -> str:
        return f"Vertex({self.gid})"


class Edge:
    """A relationship: its type and end points never change, only its properties and its existence do."""

    __slots__ = ("gid", "type", "src", "dst", "head", "__weakref__")
    # Relationships are never locked without a version of their own (a class attribute: no slot in each).
    locker = None

    def __init__(self, gid: int, type_: str, src: Vertex, dst: Vertex, head: Version) -> None:
        self.gid = gid
        self.type = type_
        self.src = src
        self.dst = dst
        self.head: Version | None = head

    def __repr__(self) -> str:
        return f"Edge({self.gid}:{self.type})"


def chain(version: Version | None) -> list[Version]:
    """`version` and every older one, newest first (the versions an index must keep entries for)."""
    versions = []
    while version is not None:
        versions.append(version)
        version = version.older
    return versions


def element_id(database_id: str, entity) -> str:
    """The stable string id users see, in Neo4j 5's shape: `4:{database}:{id}` for nodes, `5:…` for
    relationships. Internal ids are never reused, so an element id names one entity for ever."""
    return f"{4 if isinstance(entity, Vertex) else 5}:{database_id}:{entity.gid}"


def has_token(entity, version: Version, token: str) -> bool:
    """Whether `entity`, as `version`, carries `token`: a label of a node (its version's), the type of a
    relationship (its own, for every version)."""
    return token in version.labels if isinstance(entity, Vertex) else entity.type == token


# A node's relationships of one type on one side are a tuple while they are few (8 bytes an edge, no spare room,
# and a reader's snapshot `tuple(bucket)` is the bucket itself), a dict used as an insertion-ordered set (about 50
# bytes an edge) once there are more, so that adding and removing one stay cheap on a node with many.
SMALL_BUCKET = 32


def attach_edge(adjacency: dict, edge: Edge) -> None:
    """Enters `edge` (new: never entered yet) in one end's adjacency (type → the edges of that type, in order).
    A bucket is replaced, never changed in place, while it is a tuple."""
    bucket = adjacency.get(edge.type)
    if bucket is None:
        adjacency[edge.type] = (edge,)
    elif type(bucket) is not tuple:
        bucket[edge] = None
    elif len(bucket) < SMALL_BUCKET:
        adjacency[edge.type] = bucket + (edge,)
    else:
        grown = dict.fromkeys(bucket)
        grown[edge] = None
        adjacency[edge.type] = grown


def detach_edge(adjacency: dict | None, edge: Edge) -> None:
    """Takes `edge` out of one end's adjacency, if it is there."""
    if adjacency is None:
        return
    bucket = adjacency.get(edge.type)
    if bucket is None:
        return
    if type(bucket) is tuple:
        if edge in bucket:
            bucket = tuple(other for other in bucket if other is not edge)
            adjacency[edge.type] = bucket
    else:
        bucket.pop(edge, None)
    if not bucket:
        del adjacency[edge.type]


class LabelSets:
    """One shared frozenset per combination of labels: most nodes share a few combinations."""

    def __init__(self) -> None:
        self._sets: dict[tuple | frozenset, frozenset] = {}

    def get(self, labels) -> frozenset:
        shared = self._sets.get(labels) if type(labels) is tuple or type(labels) is frozenset else None
        if shared is None:
            key = labels if isinstance(labels, frozenset) else frozenset(labels)
            shared = self._sets.setdefault(key, key)
            if type(labels) is tuple:
                # The planner passes a CREATE's labels as the same tuple every time: remember it too.
                self._sets.setdefault(labels, shared)
        return shared
