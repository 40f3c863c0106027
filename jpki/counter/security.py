"""The desk's guard: which requests are answered, and the headers every answer carries.

- **Host**: only the names the server is bound to (``127.0.0.1:PORT``, ``[::1]:PORT``,
  ``localhost:PORT`` by default). A page on another site that rebinds its DNS name to
  127.0.0.1 sends its own name as Host and is refused.
- **Origin**: a request that changes something (any method but GET and HEAD) must carry an
  ``Origin`` equal to the page's own; a missing Origin is refused too.
- **Token**: such a request must also carry the desk's session token (form field ``token`` or
  header ``X-Counter-Token``); :func:`token_matches` checks it in the routes, after the
  form is read.
- **Headers**: a strict Content-Security-Policy (everything from this server, no inline
  script or style, no framing), ``no-store`` so no resident data reaches the browser's disk
  cache, no referrer to other sites (``same-origin``: a stricter ``no-referrer`` would make
  the browser send ``Origin: null`` with the page's own forms), no sniffing.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jpki.texts import Msg, languages, render

__all__ = ["CSP", "SECURITY_HEADERS", "Guard", "new_token", "token_matches"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
"""The Content-Security-Policy of every answer."""

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("cache-control", "no-store"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), usb=(), serial=()"),
)
"""The headers added to every answer, refusals included."""

_SAFE_METHODS = frozenset({"GET", "HEAD"})
TOKEN_HEADER = "x-counter-token"  # noqa: S105 - a header name, not a secret


def new_token() -> str:
    """A fresh session token (256 random bits)."""
    return secrets.token_urlsafe(32)


def token_matches(expected: str, given: str | None) -> bool:
    """Whether *given* is the session token (compared in constant time)."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def _refusal(key: str) -> bytes:
    """The refusal in every language, one per line (the guard does not know the page's)."""
    return "\n".join(render(Msg(f"counter.refused.{key}"), lang) for lang in languages()).encode()


class Guard:
    """ASGI middleware enforcing the Host and Origin rules and adding the headers.

    :param app: the application behind it.
    :param hosts: the accepted ``Host`` values (``name:port``).
    """

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(host.lower() for host in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            await self._refuse(send, 421, "host")
            return
        if scope["method"] not in _SAFE_METHODS:
            origin = headers.get("origin")
            if origin is None or origin.lower() != f"http://{host}":
                await self._refuse(send, 403, "origin")
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.decode("latin-1").lower() not in dict(SECURITY_HEADERS)
                ]
                raw.extend((name.encode(), value.encode()) for name, value in SECURITY_HEADERS)
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse(send: Send, status: int, key: str) -> None:
        body = _refusal(key)
        headers = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS]
        headers.append((b"content-type", b"text/plain; charset=utf-8"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
