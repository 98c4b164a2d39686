"""The drivers of the remote aliases: one driver, with its connection pool (and routing table, for a `neo4j://`
URL), per remote alias, made on first use and closed when the alias changes, is dropped, or the DBMS closes."""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Callable

from graphplex.remote.transaction import driver_errors, unavailable

if TYPE_CHECKING:
    import neo4j

    from graphplex.system_db import AliasEntry

# Neo4j's DRIVER settings of an alias (kept in seconds by `system_db.alias_commands`) → the Python driver's;
# `ssl_enforced` is the URL's scheme, and `logging_level` is shown but not applied (the driver logs through Python's
# `logging`, configured by the application).
_DRIVER_CONFIG = {"connection_timeout": "connection_timeout", "connection_max_lifetime": "max_connection_lifetime",
                  "connection_pool_acquisition_timeout": "connection_acquisition_timeout",
                  "connection_pool_idle_test": "liveness_check_timeout",
                  "connection_pool_max_size": "max_connection_pool_size"}


_QUIET = logging.NullHandler()   # added once: a logger keeps one handler object once


class RemoteDrivers:
    """`password(alias)` decrypts an alias's stored password; `connection_timeout` is the default of the time a
    driver waits to connect or for a pooled connection."""

    def __init__(self, password: Callable[["AliasEntry"], str], connection_timeout: Callable[[], float]) -> None:
        self._password = password
        self._connection_timeout = connection_timeout
        self._drivers: dict[str, tuple["AliasEntry", "neo4j.Driver"]] = {}
        self._lock = threading.Lock()

    def driver(self, alias: "AliasEntry") -> "neo4j.Driver":
        """The driver of `alias` as the catalog says it is now (a changed alias gets a new driver)."""
        with self._lock:
            known = self._drivers.get(alias.name)
            if known is not None and known[0] == alias:
                return known[1]
            if known is not None:
                _close(known[1])
            driver = self._new_driver(alias)
            self._drivers[alias.name] = (alias, driver)
            return driver

    def _new_driver(self, alias: "AliasEntry") -> "neo4j.Driver":
        import neo4j

        # The driver warns through `logging` (a remote that went away, a routing table it could not fetch): those
        # become the statement's DatabaseUnavailable here, so they reach the application's log handlers only, never
        # stderr through Python's last-resort handler.
        logging.getLogger("neo4j").addHandler(_QUIET)

        timeout = self._connection_timeout()
        # The remote's notifications are not the local client's to see (the driver would log each one).
        config = {"connection_timeout": timeout, "connection_acquisition_timeout": timeout,
                  "user_agent": "graphplex-remote-alias", "notifications_min_severity": "OFF"}
        config.update({_DRIVER_CONFIG[key]: value for key, value in alias.driver.items() if key in _DRIVER_CONFIG})
        try:
            return neo4j.GraphDatabase.driver(alias.url, auth=(alias.user, self._password(alias)), **config)
        except driver_errors() as error:
            raise unavailable(alias, error) from error

    def forget(self, keep: set[str]) -> None:
        """Closes the drivers of aliases that are no longer remote aliases of the catalog."""
        with self._lock:
            for name in [name for name in self._drivers if name not in keep]:
                _close(self._drivers.pop(name)[1])

    def close(self) -> None:
        self.forget(set())


def _close(driver: "neo4j.Driver") -> None:
    try:
        driver.close()
    except driver_errors():  # a driver whose remote went away closes what it can
        pass
