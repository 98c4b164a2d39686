"""What a restricted user's storage transaction consults on every read and write.

`ReadFilter` makes what the user may not traverse invisible and what they may not read absent (as Neo4j does:
a query is filtered, not failed). `WriteGuard` refuses each write the user's privileges do not cover, with
Neo4j's messages. An unrestricted user's transactions carry neither, so they pay nothing."""
from __future__ import annotations

from graphplex.databases.errors import Forbidden
from graphplex.databases.storage import Vertex
from graphplex.databases.storage.records import Version
from graphplex.system_db.security.model import NODES, RELATIONSHIPS, Privileges


def roles_text(roles) -> str:
    ordered = sorted(roles, key=lambda role: (role != "PUBLIC", role))
    return ", ".join(ordered)


def forbidden(message: str) -> Forbidden:
    return Forbidden(message, "Neo.ClientError.Security.Forbidden")


class ReadFilter:
    """`filter(txn_view, entity, version)`: the version as the user may see it, or None."""

    def __init__(self, privileges: Privileges, database: str) -> None:
        self.privileges = privileges
        self.database = database
        self._traverse: dict[tuple, bool] = {}
        self._read: dict[tuple, bool] = {}

    def _may_traverse(self, segment: str, labels: frozenset) -> bool:
        key = (segment, labels)
        allowed = self._traverse.get(key)
        if allowed is None:
            allowed = self._traverse[key] = self.privileges.allows_graph("TRAVERSE", self.database, segment, labels)
        return allowed

    def _may_read(self, segment: str, labels: frozenset, prop: str) -> bool:
        key = (segment, labels, prop)
        allowed = self._read.get(key)
        if allowed is None:
            allowed = self._read[key] = self.privileges.allows_graph("READ", self.database, segment, labels, prop)
        return allowed

    def __call__(self, view, entity, version: Version) -> Version | None:
        if type(entity) is Vertex:
            segment, labels = NODES, version.labels
        else:
            segment, labels = RELATIONSHIPS, frozenset((entity.type,))
            if view(entity.src) is None or view(entity.dst) is None:
                return None
        if not self._may_traverse(segment, labels):
            return None
        props = version.props
        if all(self._may_read(segment, labels, key) for key in props):
            return version
        visible = {key: value for key, value in props.items() if self._may_read(segment, labels, key)}
        return Version(version.owner, version.labels, visible, version.deleted, version.older, props_shared=True)


class WriteGuard:
    """Checks each write of a transaction against the user's privileges on one database."""

    def __init__(self, privileges: Privileges, database: str, user: str, roles, storage) -> None:
        self.privileges = privileges
        self.database = database
        self.storage = storage
        self.suffix = f"is not allowed for user '{user}' with roles [{roles_text(roles)}]."
        self._known: dict[str, set] = {}

    def _graph(self, action: str, segment: str, labels, what: str, prop: str | None = None) -> None:
        if not self.privileges.allows_graph(action, self.database, segment, labels, prop):
            raise forbidden(f"{what} {self.suffix}")

    def create_vertex(self, labels, props: dict) -> None:
        labels = frozenset(labels)
        self._graph("CREATE", NODES, labels, f"Create node with labels '{', '.join(sorted(labels))}'")
        self._new_tokens(labels, "CREATE NEW NODE LABEL", "node label", self.storage.labels_in_use)
        for key in props:
            self._graph("SET PROPERTY", NODES, labels, f"Set property for property '{key}'", key)

    def create_edge(self, type_: str, props: dict) -> None:
        self._graph("CREATE", RELATIONSHIPS, (type_,), f"Create relationship with type '{type_}'")
        self._new_tokens((type_,), "CREATE NEW RELATIONSHIP TYPE", "relationship type", self.storage.types_in_use)
        for key in props:
            self._graph("SET PROPERTY", RELATIONSHIPS, (type_,), f"Set property for property '{key}'", key)

    def delete(self, entity, version: Version) -> None:
        if isinstance(entity, Vertex):
            self._graph("DELETE", NODES, version.labels,
                        f"Delete node with labels '{', '.join(sorted(version.labels))}'")
        else:
            self._graph("DELETE", RELATIONSHIPS, (entity.type,), f"Delete relationship with type '{entity.type}'")

    def set_property(self, entity, version: Version, key: str) -> None:
        segment, labels = (NODES, version.labels) if isinstance(entity, Vertex) else (RELATIONSHIPS, (entity.type,))
        self._graph("SET PROPERTY", segment, labels, f"Set property for property '{key}'", key)

    def change_labels(self, action: str, labels) -> None:
        for label in labels:
            if not self.privileges.allows_label_change(action, self.database, label):
                verb = "Set" if action == "SET LABEL" else "Remove"
                raise forbidden(f"{verb} label for label '{label}' {self.suffix}")
        if action == "SET LABEL":
            self._new_tokens(labels, "CREATE NEW NODE LABEL", "node label", self.storage.labels_in_use)

    def _new_tokens(self, tokens, action: str, what: str, in_use) -> None:
        """Labels and types never seen in the database need NAME MANAGEMENT (tokens in use are read once)."""
        known = self._known.get(action)
        if known is None or not known.issuperset(tokens):
            known = self._known[action] = set(in_use()) | (known or set())
        if not known.issuperset(tokens):
            if not self.privileges.allows(action, self.database):
                raise forbidden(f"Creating new {what} {self.suffix} See GRANT {action} ON DATABASE...")
            known.update(tokens)
