"""Authentication and each user's privileges, for sessions and the DBMS transactions they run.

With `auth_enabled` off every session is the built-in administrator and nothing is checked (an embedded
application trusts itself). With it on, a session's credentials are verified against the system database;
failures say nothing about whether the user exists, and repeated failures lock the user name for a while.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphplex.databases.errors import AuthError, ClientError, error_for_code
from graphplex.system_db import (
    ADMIN_USER, Privileges, SecurityCommands, SecurityStore, verify_no_password, verify_password,
)

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

UNAUTHORIZED = "The client is unauthorized due to authentication failure."
RATE_LIMITED = "The client has provided incorrect authentication details too many times in a row."
CHANGE_REQUIRED = ("Permission denied. The credentials you provided were valid, but must be changed before you can "
                   "use this instance.")


@dataclass(frozen=True)
class Principal:
    """Who runs a transaction and what they may do."""

    user: str
    roles: tuple[str, ...]
    privileges: Privileges
    password_change_required: bool = False

    @property
    def unrestricted(self) -> bool:
        return self.privileges.unrestricted


class Security:
    """The DBMS's users, roles and privileges (kept in `system`), and logging in."""

    def __init__(self, dbms: "DBMS") -> None:
        self.dbms = dbms
        self.store = SecurityStore(dbms.system)
        self.store.bootstrap(dbms.settings.initial_password)
        self.commands = SecurityCommands(self.store, lambda name: dbms.entry(name) is not None)
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}
        self._principals: dict[str, Principal] = {}
        # Successful checks, keyed by a keyed digest of the password: a returning user skips the slow hash.
        self._secret = os.urandom(32)
        self._verified: set[tuple[str, str, bytes]] = set()

    def administrator(self) -> Principal:
        """The principal of sessions when authentication is off, and of the embedded API."""
        return Principal(ADMIN_USER, ("PUBLIC", "admin"),
                         Privileges((), self.dbms.settings.default_database, self.dbms.settings.default_database,
                                    unrestricted=True))

    def login(self, auth) -> Principal:
        """The principal of a new session: the administrator when authentication is off, else the user whose
        credentials `auth` gives (`(user, password)`, a dict with `principal`/`credentials`, or an object with
        those attributes, like the driver's `basic_auth`)."""
        if not self.dbms.settings.auth_enabled:
            return self.administrator()
        user, password = _credentials(auth)
        self._check_rate(user)
        record = self._record(user)
        if record is None:
            verify_no_password(password)   # as slow as a wrong password: the time tells nothing about who exists
        if record is None or not self._verify(user, password, record.credentials) or record.suspended:
            self._fail(user)
            raise AuthError(UNAUTHORIZED, "Neo.ClientError.Security.Unauthorized")
        with self._lock:
            self._failures.pop(user, None)
        return self.principal(user)

    def principal(self, user: str) -> Principal:
        with self._lock:
            cached = self._principals.get(user)
        if cached is not None:
            return cached
        txn = self.dbms.system.begin()
        try:
            record = self.store.user(txn, user)
            if record is None:
                raise AuthError(UNAUTHORIZED, "Neo.ClientError.Security.Unauthorized")
            rules = self.store.rules(txn, set(record.roles))
        finally:
            txn.commit()
        default = self.dbms.settings.default_database
        principal = Principal(user, record.roles, Privileges(rules, record.home or default, default),
                              record.password_change_required)
        with self._lock:
            self._principals[user] = principal
        return principal

    def changed(self) -> None:
        """Users, roles or privileges changed: the next transaction of each user sees the new ones."""
        with self._lock:
            self._principals.clear()

    def _record(self, user: str):
        txn = self.dbms.system.begin()
        try:
            return self.store.user(txn, user)
        finally:
            txn.commit()

    def _verify(self, user: str, password: str, stored: str) -> bool:
        key = (user, stored, hmac.new(self._secret, password.encode("utf-8"), hashlib.sha256).digest())
        if key in self._verified:
            return True
        if not verify_password(password, stored):
            return False
        with self._lock:
            if len(self._verified) > 10_000:
                self._verified.clear()
            self._verified.add(key)
        return True

    def _check_rate(self, user: str) -> None:
        settings = self.dbms.settings
        with self._lock:
            count, last = self._failures.get(user, (0, 0.0))
        if count >= settings.auth_max_failed_attempts and time.monotonic() - last < settings.auth_lock_time:
            raise error_for_code("Neo.ClientError.Security.AuthenticationRateLimit", RATE_LIMITED)

    def _fail(self, user: str) -> None:
        with self._lock:
            count, last = self._failures.get(user, (0, 0.0))
            if time.monotonic() - last >= self.dbms.settings.auth_lock_time:
                count = 0
            self._failures[user] = (count + 1, time.monotonic())


def _credentials(auth) -> tuple[str, str]:
    if auth is None:
        raise AuthError(UNAUTHORIZED, "Neo.ClientError.Security.Unauthorized")
    if isinstance(auth, (tuple, list)) and len(auth) == 2:
        user, password = auth
    elif isinstance(auth, dict):
        user, password = auth.get("principal"), auth.get("credentials")
    else:
        user, password = getattr(auth, "principal", None), getattr(auth, "credentials", None)
    if not isinstance(user, str) or not isinstance(password, str):
        raise AuthError(UNAUTHORIZED, "Neo.ClientError.Security.Unauthorized")
    return user, password


def credentials_expired() -> ClientError:
    return error_for_code("Neo.ClientError.Security.CredentialsExpired", CHANGE_REQUIRED)
