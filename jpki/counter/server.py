"""Serving the desk: loopback sockets by default, uvicorn with no access log.

By default the desk listens on 127.0.0.1 and ::1 only (one port for both), and answers only
requests addressed to those names (or ``localhost``). Any other address must be asked for
explicitly (:func:`explicit_binding`); the command line warns when it is.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass, field

from starlette.types import ASGIApp

from jpki.errors import InputError

__all__ = ["Binding", "BindError", "explicit_binding", "is_loopback", "loopback_binding", "serve"]

logger = logging.getLogger("jpki.counter")


class BindError(InputError):
    """The address or port cannot be listened on."""


@dataclass(frozen=True)
class Binding:
    """Listening sockets and the Host values requests to them may carry.

    :param sockets: bound and listening.
    :param hosts: accepted ``Host`` header values (``name:port``).
    :param url: the page's address to print or open.
    """

    sockets: tuple[socket.socket, ...] = field(repr=False)
    hosts: tuple[str, ...]
    url: str

    @property
    def port(self) -> int:
        """The port listened on."""
        return int(self.sockets[0].getsockname()[1])

    def close(self) -> None:
        """Close the sockets."""
        for sock in self.sockets:
            sock.close()


def is_loopback(address: str) -> bool:
    """Whether *address* is a loopback address (or the name ``localhost``)."""
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _bind(family: socket.AddressFamily, address: str, port: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((address, port))
        sock.listen(64)
    except OSError:
        sock.close()
        raise
    return sock


def loopback_binding(port: int) -> Binding:
    """Bind 127.0.0.1 and, when the system has IPv6, ::1 on the same *port* (0: any free).

    :raises BindError: 127.0.0.1 cannot be bound on *port* (in use, not allowed).
    """
    try:
        v4 = _bind(socket.AF_INET, "127.0.0.1", port)
    except OSError as exc:
        raise BindError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
    chosen = int(v4.getsockname()[1])
    sockets = [v4]
    hosts = [f"127.0.0.1:{chosen}", f"localhost:{chosen}"]
    try:
        sockets.append(_bind(socket.AF_INET6, "::1", chosen))
        hosts.append(f"[::1]:{chosen}")
    except OSError as exc:
        logger.info("not listening on [::1]:%d: %s", chosen, exc.strerror)
    return Binding(tuple(sockets), tuple(hosts), f"http://127.0.0.1:{chosen}/")


def explicit_binding(address: str, port: int) -> Binding:
    """Bind one given *address* (the caller has warned about a non-loopback one).

    :raises BindError: not an IP address, or it cannot be bound.
    """
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError as exc:
        raise BindError(f"not an IP address: {address!r}") from exc
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    try:
        sock = _bind(family, str(ip), port)
    except OSError as exc:
        raise BindError(f"cannot listen on {address}:{port}: {exc.strerror}") from exc
    chosen = int(sock.getsockname()[1])
    name = f"[{ip}]" if ip.version == 6 else str(ip)
    return Binding((sock,), (f"{name}:{chosen}",), f"http://{name}:{chosen}/")


def serve(app: ASGIApp, binding: Binding) -> None:
    """Run *app* on *binding*'s sockets until interrupted.

    uvicorn writes no access log and configures no logging of its own: request lines could
    name a reader or a date, and nothing about a resident goes to a log.
    """
    import uvicorn

    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        server_header=False,
        date_header=False,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    server.run(sockets=list(binding.sockets))
