"""What one Bolt server lets its clients take: connections, message sizes and time.

The timeouts are DBMS settings (`bolt_handshake_timeout`, `bolt_auth_timeout`, `bolt_idle_timeout`, so a data
directory's graphplex.toml and `graphplex serve` options set them); a `BoltServer` argument overrides its setting."""
from __future__ import annotations

from dataclasses import dataclass

from graphplex.databases.errors import ClientError


class _FromSettings:
    def __repr__(self) -> str:
        return "FROM_SETTINGS"


# A BoltServer argument left at this takes the DBMS's setting.
FROM_SETTINGS = _FromSettings()

# Enough for the HELLO and LOGON of any real client (a few hundred bytes: agent, routing context, credentials);
# before logging in nothing bigger is needed, and anybody may send it.
UNAUTHENTICATED_MESSAGE_SIZE = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Checked once, when the server is made: a limit that is not a positive number is refused by name."""

    # Seconds from connecting to a complete handshake, and to a successful login (or since LOGOFF).
    handshake_timeout: float
    auth_timeout: float
    # Seconds an authenticated connection may wait for its next message (None: no limit).
    idle_timeout: float | None
    max_connections: int
    max_message_size: int
    unauthenticated_message_size: int
    # Of the connections, how many may be waiting to log in (None: an eighth, at least 8).
    max_unauthenticated: int | None = None

    def __post_init__(self) -> None:
        for name in ("handshake_timeout", "auth_timeout", "max_connections", "max_message_size",
                     "unauthenticated_message_size"):
            _positive(name, getattr(self, name))
        for name in ("idle_timeout", "max_unauthenticated"):
            if getattr(self, name) is not None:
                _positive(name, getattr(self, name))
        if self.max_unauthenticated is None:
            object.__setattr__(self, "max_unauthenticated", max(8, self.max_connections // 8))

    @classmethod
    def of(cls, settings, **given) -> "Limits":
        """The limits `given` (arguments left at FROM_SETTINGS take the settings' `bolt_*` values)."""
        for name in ("handshake_timeout", "auth_timeout", "idle_timeout"):
            if given.get(name, FROM_SETTINGS) is FROM_SETTINGS:
                given[name] = getattr(settings, f"bolt_{name}")
        return cls(**given)


def _positive(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ClientError(f"The Bolt server's {name} must be a positive number, got {value!r}",
                          "Neo.ClientError.General.InvalidArguments")
