"""The key that encrypts remote aliases' passwords in the system database (`aliases.AliasSecrets`).

Neo4j keeps that key in a keystore named by its settings; graphplex keeps it in a file beside the data
(`aliases.key`, created on first use, readable by its owner only) or in a file the `alias_key_file` setting
names, so that a copy of the data directory without the key file does not give away the remote credentials. An
in-memory DBMS has a key of its own that dies with it. Encryption is Fernet (AES-128-CBC with an HMAC-SHA256, from
the `cryptography` package): a stored password cannot be read or altered without the key."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

from graphplex.databases.errors import ClientError


class FernetSecrets:
    """`AliasSecrets` under one Fernet key, read (or made) on first use: a DBMS whose aliases are all local never
    writes a key file."""

    def __init__(self, key: Callable[[], bytes]) -> None:
        self._key = key
        self._cipher = None
        self._lock = threading.Lock()

    @classmethod
    def ephemeral(cls) -> "FernetSecrets":
        """A key of this process only (an in-memory DBMS, whose aliases die with it)."""
        def generate() -> bytes:
            from cryptography.fernet import Fernet

            return Fernet.generate_key()
        return cls(generate)

    @classmethod
    def kept_in(cls, path: Path) -> "FernetSecrets":
        """The key kept in `path`, created there (mode 0600) when there is none."""
        return cls(lambda: _read_or_create(path))

    def _fernet(self):
        with self._lock:
            if self._cipher is None:
                from cryptography.fernet import Fernet

                key = self._key()
                try:
                    self._cipher = Fernet(key)
                except ValueError as error:
                    raise ClientError(f"The key for remote alias credentials is not a Fernet key: {error}",
                                      "Neo.ClientError.General.InvalidArguments") from None
            return self._cipher

    def encrypt(self, secret: str) -> str:
        return self._fernet().encrypt(secret.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet().decrypt(stored.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ClientError("The stored password of a remote alias cannot be decrypted with this DBMS's key "
                              "(was the key file replaced?): set it again with ALTER ALIAS … SET DATABASE "
                              "PASSWORD.", "Neo.ClientError.Security.Unauthorized") from None


def _read_or_create(path: Path) -> bytes:
    from cryptography.fernet import Fernet

    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    key = Fernet.generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key + b"\n")
        file.flush()
        os.fsync(file.fileno())
    return key
