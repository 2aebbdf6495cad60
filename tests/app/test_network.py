"""Nagle's algorithm is off on the connections the dashboard's server accepts."""

from __future__ import annotations

import socket

from streamlit.web.server.starlette.starlette_server import _bind_socket

from dashboard.network import no_delay_on_listeners


def _accepted_no_delay(listener: socket.socket) -> int:
    with socket.create_connection(listener.getsockname()[:2], timeout=5) as client:
        listener.settimeout(5)
        accepted, _ = listener.accept()
        with accepted:
            client.sendall(b"x")
            return accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_the_listening_socket_streamlit_binds_hands_on_no_delay_once_tuned():
    # The socket as Streamlit's server binds it (its own function, so a change upstream shows).
    listener = _bind_socket("127.0.0.1", 0, 8)
    with listener:
        assert listener.proto == 0  # why asyncio leaves Nagle on for what it accepts
        assert _accepted_no_delay(listener) == 0
        assert no_delay_on_listeners() >= 1
        assert _accepted_no_delay(listener) == 1


def test_only_listening_tcp_sockets_are_touched():
    with socket.socket() as idle, socket.socket(socket.AF_UNIX) as local:
        no_delay_on_listeners()
        assert idle.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        assert local.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 0
