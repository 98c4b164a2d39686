"""The HTTP server's routes (Starlette): Neo4j's discovery document and Query API, and the console's files.

HTTP framing, content negotiation and the browser's rules live here; the work is `QueryApi`'s, run in a worker
thread (a statement blocks; the event loop must not). Browser safety: no CORS (a page of another origin cannot
read an answer, and its preflight for JSON bodies is refused), a POST or DELETE with another origin's `Origin`
header is refused, bodies must be JSON (a cross-site form cannot send one without that preflight), and every
answer carries a Content-Security-Policy that lets the console load only its own files."""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
from importlib import resources
from typing import Callable
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from graphplex.bolt.disconnects import client_disconnected
from graphplex.databases.errors import ClientError, Neo4jError
from graphplex.http.authentication import CHALLENGE, principal_of
from graphplex.http.json_values import PLAIN, TYPED
from graphplex.http.query_api import Caller, QueryApi, Reply, error_body, query_request, status_of

log = logging.getLogger("graphplex.http")
CONSOLE_HEADER = ("x-requested-with", "graphplex-console")
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
_JSON_TYPES = (PLAIN, TYPED, "application/vnd.neo4j.query.v1.0")
_DISCONNECT_POLL = 0.2  # seconds between looks at whether the client of a running request is still there


class _Refused(Exception):
    """A request refused before any work: its status and error."""

    def __init__(self, status: int, error: Neo4jError) -> None:
        super().__init__(error.message)
        self.status = status
        self.error = error


def _json(status: int, body: dict | None, content_type: str = PLAIN, headers: dict | None = None) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return Response(data, status_code=status, media_type=content_type, headers=headers)


def build_app(dbms, api: QueryApi, bolt_address: str | None, max_body: int, version: str, max_workers: int,
              loopback_only: bool) -> "_SecurityHeaders":
    """The ASGI application of one HTTP server over `dbms`. Blocking work (logins, statements, rollbacks) runs on
    `max_workers` threads of the server's own; `loopback_only` (a server bound to a loopback address) accepts only
    requests that name a loopback host, so that a page of another site cannot reach it through DNS rebinding."""
    request_ids = itertools.count(1)
    limiter: list[anyio.CapacityLimiter] = []  # made on the server's event loop, at the first request
    console = resources.files("graphplex.http") / "console"
    has_console = console.is_dir()  # package data; a checkout without the bundle serves the API alone

    async def in_worker(function: Callable, *args) -> object:
        if not limiter:
            limiter.append(anyio.CapacityLimiter(max_workers))
        return await anyio.to_thread.run_sync(function, *args, limiter=limiter[0])

    async def discovery(request: Request) -> Response:
        if has_console and "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/browser/", status_code=303, headers={"vary": "Accept"})
        base = f"{request.url.scheme}://{request.url.netloc}"
        body: dict = {"bolt_routing": f"neo4j://{bolt_address}"} if bolt_address else {}
        body["query"] = f"{base}/db/{{databaseName}}/query/v2"
        if bolt_address:
            body["bolt_direct"] = f"bolt://{bolt_address}"
        body.update({"neo4j_version": version, "neo4j_edition": "community", "auth_config": {"oidc_providers": []}})
        return _json(200, body, headers={"vary": "Accept"})

    def endpoint(operation: Callable) -> Callable:
        """A Query API route. In order: the request's host and origin, the media type it accepts, its credentials
        (before its body is read: nobody sends megabytes unchecked), its body (up to `max_body` bytes), then
        `operation` on a worker thread; any error is an `errors` body with its status."""

        async def handle(request: Request) -> Response:
            console_request = request.headers.get(CONSOLE_HEADER[0]) == CONSOLE_HEADER[1]
            try:
                _check_host(request, loopback_only)
                _check_origin(request)
                content_type = _accepted(request.headers.get("accept"))
                principal = await in_worker(principal_of, dbms.security, dbms.settings.auth_enabled,
                                            request.headers.get("authorization"))
                media = request.headers.get("content-type", "").split(";")[0].strip().lower()
                data = await _body(request, max_body, media) if request.method == "POST" else None
                client = request.client
                caller = Caller(principal, f"{client.host}:{client.port}" if client else "", content_type != PLAIN,
                                f"http-{next(request_ids)}", [])
                work = asyncio.ensure_future(in_worker(_work, operation, caller, request, data, media))
                await _unless_the_client_leaves(request, work, caller.working)
                reply = work.result()
            except _Refused as refused:
                return _json(refused.status, error_body(refused.error))
            except Neo4jError as error:
                status = status_of(error)
                headers = {"www-authenticate": CHALLENGE} if status == 401 and not console_request else None
                return _json(status, error_body(error), headers=headers)
            except Exception as error:  # a bug: the client gets a code, the log gets the traceback
                log.error("internal error serving %s %s", request.method, request.url.path, exc_info=True)
                return _json(500, error_body(error))
            return _json(reply.status, reply.body, content_type)

        return handle

    async def _unless_the_client_leaves(request: Request, work: asyncio.Future, working: list) -> None:
        """Waits for `work`; if the client hangs up first, the transactions it works in are terminated (as on
        Bolt), so that nobody's abandoned statement runs on."""
        while not work.done():
            await asyncio.wait({work}, timeout=_DISCONNECT_POLL)
            if not work.done() and await request.is_disconnected():
                await in_worker(_terminate, working)
                await asyncio.wait({work})

    def _terminate(working: list) -> None:
        """On a worker: a terminated transaction with nobody in it rolls back at once, which may take a while."""
        error = client_disconnected()
        for txn in dbms.registry.all():
            if txn.connection_id in working:
                txn.terminate(error)

    def _work(operation: Callable, caller: Caller, request: Request, data: bytes | None, media: str) -> Reply:
        params = request.path_params
        query = None
        if request.method == "POST":
            try:
                query = query_request(_decoded(data), typed_in=data is not None and media != PLAIN)
            except RecursionError:
                raise _Refused(400, ClientError("Bad Request: the body is nested too deeply",
                                                "Neo.ClientError.Request.Invalid")) from None
        return operation(caller, params["database"], params.get("transaction_id"), query)

    routes = [
        Route("/", discovery, methods=["GET"]),
        Route("/db/{database}/query/v2",
              endpoint(lambda c, db, _, r: api.query(c, db, r)), methods=["POST"]),
        Route("/db/{database}/query/v2/tx",
              endpoint(lambda c, db, _, r: api.begin(c, db, r)), methods=["POST"]),
        Route("/db/{database}/query/v2/tx/{transaction_id}",
              endpoint(lambda c, db, tx, r: api.run(c, db, tx, r)), methods=["POST"]),
        Route("/db/{database}/query/v2/tx/{transaction_id}/commit",
              endpoint(lambda c, db, tx, r: api.commit(c, db, tx, r)), methods=["POST"]),
        Route("/db/{database}/query/v2/tx/{transaction_id}",
              endpoint(lambda c, db, tx, _: api.rollback(c, db, tx)), methods=["DELETE"]),
    ]
    if has_console:
        routes += [Route("/browser", lambda request: RedirectResponse("/browser/", status_code=308),
                         methods=["GET"]),
                   Mount("/browser", StaticFiles(directory=str(console), html=True))]
    return _SecurityHeaders(Starlette(routes=routes))


_LOOPBACK_NAMES = frozenset({"localhost", "::1", "ip6-localhost"})


def _check_host(request: Request, loopback_only: bool) -> None:
    """A server on a loopback address answers only requests naming a loopback host: a page of another site whose
    name was re-pointed at 127.0.0.1 (DNS rebinding) is same-origin for the browser, but names its own host."""
    if not loopback_only:
        return
    host = request.headers.get("host", "")
    name = host[1:host.index("]")] if host.startswith("[") and "]" in host else host.rpartition(":")[0] or host
    if name.lower() not in _LOOPBACK_NAMES and not name.startswith("127."):
        raise _Refused(403, ClientError(f"The host {host!r} is not this server's name; a server on a loopback "
                                        "address answers only requests for localhost.",
                                        "Neo.ClientError.Security.Forbidden"))


def _check_origin(request: Request) -> None:
    """A browser sends `Origin` with every cross-site POST: one naming another host than the request's is
    refused, so that a page elsewhere cannot make a logged-in browser act."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    parts = urlsplit(origin)
    if parts.netloc != request.headers.get("host", "") or parts.scheme != request.url.scheme:
        raise _Refused(403, ClientError("Cross-origin requests are not allowed.",
                                        "Neo.ClientError.Security.Forbidden"))


def _accepted(accept: str | None) -> str:
    """The response's content type from `Accept`: plain JSON unless typed JSON is preferred; 406 when neither may
    be sent."""
    if not accept:
        return PLAIN
    for item in accept.split(","):
        media = item.split(";")[0].strip().lower()
        if media in (TYPED, "application/vnd.neo4j.query.v1.0"):
            return TYPED
        if media in (PLAIN, "application/*", "*/*"):
            return PLAIN
    raise _Refused(406, ClientError(f"Not acceptable: {accept}. Accept application/json or {TYPED}.",
                                    "Neo.ClientError.Request.Invalid"))


async def _body(request: Request, limit: int, media: str) -> bytes | None:
    """The body's bytes (None when empty), up to `limit`; a body of another media type than JSON is 415 (a
    cross-site form can only send those)."""
    size = 0
    chunks = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refused(413, ClientError(f"The request body is larger than the limit of {limit} bytes",
                                            "Neo.ClientError.Request.Invalid"))
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data.strip():
        return None
    if media not in _JSON_TYPES:
        raise _Refused(415, ClientError(f"Unsupported media type: {media or 'none'}. Send application/json or "
                                        f"{TYPED}.", "Neo.ClientError.Request.Invalid"))
    return data


def _decoded(data: bytes | None) -> object:
    """The JSON of a body; bad JSON, and the literals NaN and Infinity (not JSON), are 400."""
    if data is None:
        return None
    try:
        return json.loads(data, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError):
        raise _Refused(400, ClientError("Bad Request", "Neo.ClientError.Request.Invalid")) from None


def _not_json(literal: str) -> None:
    raise ValueError(f"{literal} is not JSON")


class _SecurityHeaders:
    """Adds the browser-safety headers to every response (an ASGI wrapper: cheaper than Starlette's middleware)."""

    def __init__(self, app) -> None:
        self.app = app
        self.extra = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.extra

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
