"""The isolation levels Memgraph documents, and their names in the settings and in Cypher."""
from __future__ import annotations

import enum

from graphplex.databases.errors import ClientError


class IsolationLevel(enum.Enum):
    SNAPSHOT_ISOLATION = "SNAPSHOT_ISOLATION"
    READ_COMMITTED = "READ_COMMITTED"
    READ_UNCOMMITTED = "READ_UNCOMMITTED"

    @classmethod
    def parse(cls, value: "str | IsolationLevel") -> "IsolationLevel":
        """Accepts the enum, `"SNAPSHOT_ISOLATION"` or the Cypher spelling `"SNAPSHOT ISOLATION"`, any case."""
        if isinstance(value, cls):
            return value
        exact = _BY_VALUE.get(value) if type(value) is str else None
        if exact is not None:  # every transaction the coordinator begins names its level so
            return exact
        name = str(value).strip().upper().replace(" ", "_")
        try:
            return cls[name]
        except KeyError:
            raise ClientError(
                f"Unknown isolation level '{value}'. Expected one of SNAPSHOT_ISOLATION, READ_COMMITTED, "
                "READ_UNCOMMITTED.", "Neo.ClientError.General.InvalidArguments") from None


_BY_VALUE = {level.value: level for level in IsolationLevel}
