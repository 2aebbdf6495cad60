"""A throwaway PostgreSQL server on 127.0.0.1, from Debian's binaries, in a temporary directory.

tests/store and bench/store.py use it; run it by hand to get a scratch server until Ctrl-C:
`.venv/bin/python scripts/pgtemp.py` prints a `postgresql+psycopg://` URL. It needs only the
PostgreSQL binaries (`bash scripts/ensure-postgres.sh`; READINESS_PG_ROOT overrides where they
are looked for) and psycopg, not the readiness package.

initdb and postgres refuse to run as root, so under uid 0 they run as the `postgres` system user
(setpriv), which owns the temporary directory. The server is stopped and its directory removed
by `stop()` (or leaving the `with` block); it listens on loopback only, with a random password.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psycopg

PG_ROOT = Path(os.environ.get("READINESS_PG_ROOT", "/usr/lib/postgresql"))  # Debian's layout
PREFERRED_VERSION = "15"
USER = "postgres"
START_TIMEOUT = 30.0


class PostgresStartError(RuntimeError):
    """The server could not be initialised or did not come up; the message says why."""


def find_bin_dir() -> Path | None:
    """Debian's PostgreSQL binaries: version 15 if present, else the newest, else None."""
    found = sorted(
        (p.parent for p in PG_ROOT.glob("*/bin/postgres") if (p.parent / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    preferred = [p for p in found if p.parent.name == PREFERRED_VERSION]
    chosen = preferred or found[-1:]
    return chosen[0] if chosen else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TempPostgres:
    """One server: `start()` returns once it accepts connections; `url(db)` names a database."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or find_bin_dir()
        self.password = secrets.token_urlsafe(16)
        self.port = 0
        self.root: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of a database on this server (password included)."""
        return f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def start(self) -> str:
        if self.bin_dir is None:
            raise PostgresStartError(
                f"no PostgreSQL binaries under {PG_ROOT}/*/bin; "
                "run `bash scripts/ensure-postgres.sh`"
            )
        self.root = Path(tempfile.mkdtemp(prefix="readiness-pg-"))
        data = self.root / "data"
        (self.root / "pwfile").write_text(self.password + "\n", encoding="utf-8")
        self._hand_over(self.root)
        self._run(
            "initdb", "-D", str(data), "-U", USER, "--pwfile", str(self.root / "pwfile"),
            "--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C.UTF-8",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        self.port = free_port()
        log = (self.root / "server.log").open("wb")
        self._process = subprocess.Popen(
            self._as_owner(
                str(self.bin_dir / "postgres"), "-D", str(data), "-p", str(self.port),
                "-h", "127.0.0.1", "-k", str(self.root), "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=120",
            ),
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        self._wait_ready()
        return self.url()

    def create_database(self, name: str) -> str:
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Fast shutdown (sessions ended, transactions rolled back), then remove the directory."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=15)
        self._process = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> TempPostgres:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _conninfo(self) -> str:
        return (
            f"host=127.0.0.1 port={self.port} user={USER} password={self.password} dbname=postgres"
        )

    def _as_owner(self, *command: str) -> list[str]:
        if os.getuid() != 0:
            return list(command)
        return ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups", "--", *command]

    def _hand_over(self, root: Path) -> None:
        if os.getuid() == 0:
            owner = pwd.getpwnam(USER)
            for path in (root, root / "pwfile"):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        root.chmod(0o700)

    def _run(self, program: str, *args: str) -> None:
        assert self.bin_dir is not None
        done = subprocess.run(
            self._as_owner(str(self.bin_dir / program), *args),
            capture_output=True, text=True, timeout=120, cwd=self.root,
        )  # fmt: skip
        if done.returncode != 0:
            self.stop()
            raise PostgresStartError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")

    def _wait_ready(self) -> None:
        assert self._process is not None and self.root is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                psycopg.connect(self._conninfo(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        log = (self.root / "server.log").read_text(encoding="utf-8", errors="replace")
        self.stop()
        raise PostgresStartError(f"PostgreSQL did not start on 127.0.0.1; its log:\n{log[-2000:]}")


def main() -> None:
    with TempPostgres() as server:
        print(server.url(), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
