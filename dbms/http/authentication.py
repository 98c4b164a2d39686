"""Who an HTTP request comes from: its `Authorization` header checked by the DBMS's own login, with the same
users, password checks and failed-login limits as Bolt (`graphplex.security`)."""
from __future__ import annotations

import base64
import binascii

from graphplex.databases.errors import AuthError, ClientError

# Neo4j's challenge; the console asks not to get it (`X-Requested-With: graphplex-console`), so that the browser
# never shows its own login dialog nor keeps the credentials.
CHALLENGE = 'Basic realm="Neo4j", Bearer realm="Neo4j"'
NO_HEADER = "No authentication header supplied."


def principal_of(security, auth_enabled: bool, header: str | None):
    """The principal of a request with this `Authorization` header; AuthError (401) when it is missing, malformed
    or wrong, as Neo4j answers. With authentication off every request is the administrator, as on Bolt."""
    if not auth_enabled:
        return security.login(None)
    if not header:
        raise AuthError(NO_HEADER, "Neo.ClientError.Security.Unauthorized")
    scheme, _, token = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        return security.login(_basic(token.strip()))
    if scheme == "bearer":
        # graphplex has no single sign-on provider to check a token with, as Neo4j without one.
        return security.login(None)
    raise _invalid_header()


def _basic(token: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _invalid_header() from None
    user, colon, password = decoded.partition(":")
    if not colon:
        raise _invalid_header()
    return user, password


def _invalid_header() -> ClientError:
    return ClientError("Invalid authentication header.", "Neo.ClientError.Request.InvalidFormat")
