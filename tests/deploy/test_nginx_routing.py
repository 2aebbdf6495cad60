"""deploy/nginx: the sticky routing of the template, rendered as compose's nginx image renders it.

The official nginx image sources /docker-entrypoint.d/*.envsh, then envsubst's every template
with the names of the environment's variables. These tests do the same with dash (the image's
/bin/sh), deploy/nginx/backends.envsh and envsubst, run Debian's nginx on the result in front of
small HTTP servers that answer with their own name, and check what a browser would see: new
visitors in turn, a cookie that keeps them on their backend, and a backup when it is down.
tests/deploy/test_cluster.py runs scripts/serve-cluster (the other renderer) with Streamlit.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
TEMPLATE = ROOT / "deploy" / "nginx" / "streamlit.conf.template"
ENVSH = ROOT / "deploy" / "nginx" / "backends.envsh"
# What the image's entrypoint (set -e) and its 20-envsubst-on-templates.sh do (no filter set).
RENDER = r"""
. "$ENVSH"
defined_envs=$(printf '${%s} ' $(awk "END { for (name in ENVIRON) { print name } }" </dev/null))
envsubst "$defined_envs" <"$TEMPLATE" >"$OUT"
"""

pytestmark = pytest.mark.skipif(
    not (Path(NGINX).exists() and shutil.which("envsubst") and shutil.which("dash")),
    reason=f"needs nginx at {NGINX}, envsubst and dash: run scripts/ensure-nginx.sh",
)


@dataclass
class Answer:
    backend: str  # the name the backend answered with
    cookie: str | None  # readiness_backend=... handed back by nginx, if any


class _Named(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def backends() -> Iterator[dict[str, str]]:
    """Two live backends named "A" and "B": {address: name}."""
    servers = []
    for name in "AB":
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Named)
        server.name = name  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield {f"127.0.0.1:{s.server_address[1]}": s.name for s in servers}  # type: ignore[attr-defined]
    for s in servers:
        s.shutdown()
        s.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _render(tmp: Path, listen: str, **env: str) -> Path:
    out = tmp / "default.conf"
    base = {"PATH": os.environ["PATH"], "LISTEN": listen, "STATIC_CACHE": str(tmp / "cache")}
    subprocess.run(
        ["dash", "-ec", RENDER],
        env=base | env | {"ENVSH": str(ENVSH), "TEMPLATE": str(TEMPLATE), "OUT": str(out)},
        check=True, timeout=30,
    )  # fmt: skip
    return out


def _main_conf(tmp: Path, snippet: Path) -> Path:
    tmp.chmod(0o755)  # workers (user nobody when started as root) write temp files here
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    temps = "\n".join(
        f"{kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}\ndaemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n access_log off;\n{temps}\n include {snippet};\n}}\n"
    )
    return conf


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Callable[[list[str]], str]]:
    """Starts nginx on a rendered config: call it with the backends' addresses; returns the URL."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(addresses: list[str]) -> str:
        port = _free_port()
        snippet = _render(tmp_path, f"127.0.0.1:{port}", READINESS_BACKENDS=" ".join(addresses))
        conf = _main_conf(tmp_path, snippet)
        proc = subprocess.Popen(
            [NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
            stdin=subprocess.DEVNULL,
        )
        procs.append(proc)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return f"http://127.0.0.1:{port}"
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (tmp_path / "error.log").read_text(errors="replace")
                    pytest.fail(f"nginx did not start:\n{log}")
                time.sleep(0.05)

    yield start
    for proc in procs:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _get(url: str, cookie: str | None = None) -> Answer:
    headers = {"Cookie": cookie} if cookie else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        cookies = [c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or []]
        ours = [c for c in cookies if c.startswith("readiness_backend=")]
        assert len(ours) <= 1, cookies
        return Answer(backend=r.read().decode(), cookie=ours[0] if ours else None)


def test_new_visitors_go_in_turn_and_stay_on_their_backend(
    nginx: Callable[[list[str]], str], backends: dict[str, str]
) -> None:
    url = nginx(sorted(backends))
    first = [_get(f"{url}/") for _ in range(8)]
    names = [a.backend for a in first]
    # in turn: fifty at once split 25/25, not like coin tosses
    assert names.count("A") == names.count("B") == 4, names
    assert all(names[i] != names[i + 1] for i in range(7)), names
    token = {a.backend: a.cookie for a in first}
    assert all(a.cookie == token[a.backend] for a in first), first
    assert set(token.values()) == {"readiness_backend=b0", "readiness_backend=b1"}
    for name, cookie in token.items():
        again = [_get(f"{url}/_stcore/stream", cookie) for _ in range(5)]
        assert {a.backend for a in again} == {name}, again
        assert all(a.cookie is None for a in again), "a pinned request got a new cookie"


@pytest.mark.parametrize(
    "cookie", ["readiness_backend=b7", "readiness_backend=127.0.0.1:22", "readiness_backend="]
)
def test_an_unknown_token_is_routed_as_new_and_pinned_anew(
    nginx: Callable[[list[str]], str], backends: dict[str, str], cookie: str
) -> None:
    order = sorted(backends)  # backend i of the list gets the token b<i>
    url = nginx(order)
    token = {backends[address]: f"readiness_backend=b{i}" for i, address in enumerate(order)}
    answers = [_get(f"{url}/", cookie) for _ in range(4)]
    assert {a.backend for a in answers} == {"A", "B"}, answers
    for a in answers:
        assert a.cookie == token[a.backend], a


def test_a_session_whose_backend_is_down_goes_to_a_backup_and_is_pinned_there(
    nginx: Callable[[list[str]], str], backends: dict[str, str]
) -> None:
    live = next(a for a, n in backends.items() if n == "A")
    dead = f"127.0.0.1:{_free_port()}"  # nothing listens there
    url = nginx([live, dead])  # b0 = A, b1 = the dead one
    moved = _get(f"{url}/", "readiness_backend=b1")
    assert moved == Answer(backend="A", cookie="readiness_backend=b0")
    assert _get(f"{url}/", "readiness_backend=b0") == Answer(backend="A", cookie=None)


def test_compose_resolves_the_app_service_to_every_address(tmp_path: Path) -> None:
    """READINESS_APP=app:8501 in compose; here "localhost", which resolves to 127.0.0.1."""
    port = _free_port()
    conf = _render(tmp_path, "8080", READINESS_APP=f"localhost:{port}")
    text = conf.read_text()
    assert f"server 127.0.0.1:{port} max_fails=0;" in text
    assert "upstream readiness_b0 {" in text
    assert "b0 readiness_b0;" in text
    assert "${" not in text, "a placeholder was left unrendered"
    check = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
         "-c", str(_main_conf(tmp_path, conf))],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr


def test_no_backend_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        ["dash", "-c", '. "$ENVSH"; printf "[%s]" "$UPSTREAM_SERVERS"'],
        env={"PATH": os.environ["PATH"], "ENVSH": str(ENVSH),
             "READINESS_APP": "no-such-host.invalid:8501"},
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.stdout == "[]"
    assert "no app backend" in done.stderr
