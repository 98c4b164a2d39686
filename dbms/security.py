"""Authentication and each user's privileges, for sessions and the DBMS transactions they run.

With `auth_enabled` off every session is the built-in administrator and nothing is checked (an embedded
application trusts itself). With it on, a session's credentials are verified against the system database;
failures say nothing about whether the user exists, neither in their answer nor in their time, and repeated
failures lock the user name for a while, counted before each check so that concurrent guesses get no more tries.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graphplex.databases.errors import AuthError, ClientError, error_for_code
from graphplex.system_db import (
    ADMIN_USER, Privileges, SecurityCommands, SecurityStore, verify_no_password, verify_password,
)

if TYPE_CHECKING:
    from graphplex.dbms import DBMS

UNAUTHORIZED = "The client is unauthorized due to authentication failure."
RATE_LIMITED = "The client has provided incorrect authentication details too many times in a row."
_MOST_REMEMBERED = 10_000   # user names with failed logins kept before the expired ones are dropped
CHANGE_REQUIRED = ("Permission denied. The credentials you provided were valid, but must be changed before you can "
                   "use this instance.")


@dataclass(frozen=True)
class Principal:
    """Who runs a transaction and what they may do."""

    user: str
    roles: tuple[str, ...]
    privileges: Privileges
    password_change_required: bool = False
    # The statements whose up-front privilege check these privileges passed, by (id of the statement, database):
    # see `authorization.check_statement`. A change of privileges makes a new principal, with none passed.
    passed: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def unrestricted(self) -> bool:
        return self.privileges.unrestricted


class Security:
    """The DBMS's users, roles and privileges (kept in `system`), and logging in."""

    def __init__(self, dbms: "DBMS") -> None:
        self.dbms = dbms
        self.store = SecurityStore(dbms.system)
        self.store.bootstrap(dbms.settings.initial_password)
        self.commands = SecurityCommands(self.store, self._privilege_graph)
        self._lock = threading.Lock()
        self._attempts: dict[str, _Attempts] = {}
        self._attempts_settled = threading.Condition(self._lock)
        self._principals: dict[str, Principal] = {}
        # Successful checks, keyed by a keyed digest of the password: a returning user skips the slow hash.
        self._secret = os.urandom(32)
        self._verified: set[tuple[str, str, bytes]] = set()

    def _privilege_graph(self, name: str) -> str | None:
        """What a GRANT, DENY or REVOKE on `name` is about: the database an alias names (`DBMS.database_name`),
        or the database `name`; None when there is none."""
        if name.lower() in self.dbms.aliases:
            return self.dbms.database_name(name)
        return name if self.dbms.entry(name) is not None else None

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
        self._admit(user)
        accepted = False
        try:
            record = self._record(user)
            if record is None:
                verify_no_password(password)   # as slow as a wrong password: the time tells nothing about who exists
            else:
                accepted = self._verify(user, password, record.credentials) and not record.suspended
        finally:
            self._settle(user, accepted)
        if not accepted:
            raise AuthError(UNAUTHORIZED, "Neo.ClientError.Security.Unauthorized")
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
        # A home database may be an alias: the HOME privileges are its target's, as every privilege is.
        home = self.dbms.database_name(record.home) if record.home else default
        principal = Principal(user, record.roles, Privileges(rules, home, default), record.password_change_required)
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

    def _admit(self, user: str) -> None:
        """Counts an attempt before its password is checked, atomically per user: no more checks run at once than
        failures remain before the lock, so concurrent guesses meet the limit as guesses in a row would. An attempt
        beyond them waits for the outcome of one being checked (a success starts the count afresh, a failure brings
        the lock nearer), then is admitted or refused. `auth_max_failed_attempts` 0 means no limit, as in Neo4j."""
        settings = self.dbms.settings
        limit = settings.auth_max_failed_attempts
        with self._attempts_settled:
            while True:
                attempts = self._attempts.setdefault(user, _Attempts())
                if time.monotonic() - attempts.last_failure >= settings.auth_lock_time:
                    attempts.failures = 0
                if limit > 0 and attempts.failures >= limit:
                    raise error_for_code("Neo.ClientError.Security.AuthenticationRateLimit", RATE_LIMITED)
                if limit <= 0 or attempts.failures + attempts.checking < limit:
                    attempts.checking += 1
                    return
                self._attempts_settled.wait()

    def _settle(self, user: str, accepted: bool) -> None:
        """The outcome of an admitted attempt: a success clears the user's failures, a failure adds one."""
        with self._attempts_settled:
            attempts = self._attempts[user]
            attempts.checking -= 1
            if accepted:
                attempts.failures = 0
            else:
                attempts.failures += 1
                attempts.last_failure = time.monotonic()
            if attempts.checking == 0 and attempts.failures == 0:
                del self._attempts[user]
            elif len(self._attempts) > _MOST_REMEMBERED:
                self._forget_expired_failures()
            self._attempts_settled.notify_all()

    def _forget_expired_failures(self) -> None:
        """Guesses at many made-up names must not grow memory without end: failures past the lock time count no
        more, so they are dropped."""
        expiry = time.monotonic() - self.dbms.settings.auth_lock_time
        for name in [name for name, a in self._attempts.items() if a.checking == 0 and a.last_failure <= expiry]:
            del self._attempts[name]


@dataclass
class _Attempts:
    """One user name's recent failed logins and the attempts being checked now."""

    failures: int = 0
    last_failure: float = 0.0
    checking: int = 0


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
