"""The socket guard of the refresh tests: once imported, no socket in this process may connect
anywhere but the loopback (127.0.0.0/8, ::1) or a Unix socket; each attempt is recorded."""

from __future__ import annotations

import ipaddress
import socket

CONNECTIONS: list[object] = []  # every loopback address a socket connected to
REFUSED: list[object] = []  # every other address a socket tried (and was refused)
_REAL_CONNECT = socket.socket.connect
_REAL_CONNECT_EX = socket.socket.connect_ex


def _loopback(family: int, address: object) -> bool:
    if family == getattr(socket, "AF_UNIX", None):
        return True
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:  # a name: only what resolves to loopback would do, so refuse names
        return str(host) == "localhost"


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _loopback(self.family, address):
        REFUSED.append(address)
        raise ConnectionRefusedError(f"test socket guard: connection to {address!r} refused")
    CONNECTIONS.append(address)
    return _REAL_CONNECT(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _loopback(self.family, address):
        REFUSED.append(address)
        raise ConnectionRefusedError(f"test socket guard: connection to {address!r} refused")
    CONNECTIONS.append(address)
    return _REAL_CONNECT_EX(self, address)  # type: ignore[arg-type]


# Installed on import (the refresh conftest imports it before any test runs), for the session.
socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
