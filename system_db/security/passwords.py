"""Password hashing: salted scrypt from the standard library, compared in constant time.

The stored form is `scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`: only this ever reaches the system database, its
log or its snapshots; `SET ENCRYPTED PASSWORD` takes a value of this form (as `SHOW USERS WITH AUTH` would show
it), so credentials can move between installations without their plain text."""
from __future__ import annotations

import hashlib
import hmac
import os

from graphplex.databases.errors import ClientError

_N, _R, _P = 2 ** 14, 8, 1   # about 70 ms and 16 MiB per hash: slow for guessing, fine for logging in
_PREFIX = "scrypt"
_MAX_MEMORY = 32 * 1024 * 1024   # hashlib.scrypt refuses parameters that need more
# Checked in place of a user that does not exist: scrypt with the parameters of every new hash, so that refusing an
# unknown user takes as long as refusing a wrong password (the time must not tell who exists). No password hashes to
# an all-zero digest, and a match would not log anyone in anyway.
_NOBODY = f"{_PREFIX}${_N}${_R}${_P}${'00' * 16}${'00' * 32}"


def hash_password(password: str) -> str:
    """A new salted hash of `password`."""
    if not isinstance(password, str) or password == "":
        raise ClientError("A password cannot be empty.", "Neo.ClientError.General.InvalidArguments")
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"{_PREFIX}${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def is_hash(value: str) -> bool:
    """Whether `value` is a hash that `verify_password` can check: the stored form, with scrypt parameters that
    hashlib accepts within its memory bound (n a power of two, about 128·r·n bytes at most 32 MiB) and hex salt and
    digest, so that a bad `SET ENCRYPTED PASSWORD` is refused at the command and not at the first login."""
    parts = value.split("$") if isinstance(value, str) else []
    if len(parts) != 6 or parts[0] != _PREFIX or not all(p.isascii() and p.isdigit() for p in parts[1:4]):
        return False
    n, r, p = (int(part) for part in parts[1:4])
    if not (1 < n <= 2 ** 20 and n & (n - 1) == 0 and 1 <= r and 1 <= p <= 16 and 128 * r * (n + 2 + p) <= _MAX_MEMORY):
        return False
    return all(_is_hex(part) for part in parts[4:]) and 16 <= len(parts[5]) // 2 <= 64


def _is_hex(text: str) -> bool:
    try:
        return text != "" and len(text) % 2 == 0 and bytes.fromhex(text).hex() == text.lower()
    except ValueError:
        return False


def checked_hash(value: str) -> str:
    """An already hashed password (`SET ENCRYPTED PASSWORD`), refused unless it has the stored form."""
    if not is_hash(value):
        raise ClientError("Incorrect format of encrypted password. Correct format is "
                          "'scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>'.", "Neo.ClientError.Statement.ArgumentError")
    return value


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash; the comparison takes the same time whatever differs."""
    if not is_hash(stored) or not isinstance(password, str):
        return False
    _, n, r, p, salt, expected = stored.split("$")
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                            dklen=len(expected) // 2)
    return hmac.compare_digest(digest.hex(), expected)


def verify_no_password(password: str) -> bool:
    """Spends the work of `verify_password` on a user who does not exist, and is always False."""
    verify_password(password, _NOBODY)
    return False
