"""The serving process's sockets: Nagle's algorithm off on the server's listening sockets.

Streamlit (1.67, uvicorn) binds its listening socket as `socket.socket(family)`, whose protocol
number reads 0, and asyncio sets TCP_NODELAY only on sockets whose protocol reads IPPROTO_TCP:
every connection it accepts keeps Nagle's algorithm on. A response written in two parts (headers,
then body) then waits for the browser's delayed acknowledgement, 40 ms on Linux, before its
second part leaves: each request after the first on a kept-alive connection took 44 ms for a
267-byte script (curl, loopback), and a first visit fetches 61 scripts over six connections.

Linux copies TCP_NODELAY from a listening socket to the connections it accepts, so setting it
on the listener once, at the first script run, covers every later connection of the process.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

_done = False


def _descriptors() -> list[int]:
    for folder in (Path("/proc/self/fd"), Path("/dev/fd")):
        if folder.is_dir():
            return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit())
    return []


def no_delay_on_listeners() -> int:
    """Set TCP_NODELAY on every listening TCP socket of this process; returns how many."""
    found = 0
    for fd in _descriptors():
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=os.dup(fd))  # a duplicate: the server keeps its own
        except OSError:
            continue
        with sock:
            try:
                listening = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
                tcp = sock.family in (socket.AF_INET, socket.AF_INET6)
                if listening and tcp and sock.type == socket.SOCK_STREAM:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    found += 1
            except OSError:
                continue
    return found


def tune_once() -> None:
    """Once per process (the listening sockets exist before the first script runs)."""
    global _done
    if not _done:
        _done = True
        no_delay_on_listeners()
