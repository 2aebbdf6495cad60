"""compose.yaml and the Dockerfiles, read as files (no Docker engine needed).

The compose file runs the dashboard's replicas on one PostgreSQL server (the store of cities):
these tests parse it with PyYAML and check what the replicas and the server must agree on (the
URL the replicas get is read by the store's own URL parser), that the database's files live in a
named volume, that the replicas wait for the server's health check, that no password is
committed, and that the images install what they need. docs/DEPLOY.md, "PostgreSQL: the store
of cities (compose)", records a real run of these files.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness.store.engine import parse_url

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
LOCAL = ROOT / "deploy" / "compose.local.yaml"
DOCKERFILE = ROOT / "Dockerfile"
PG_DIR = ROOT / "deploy" / "postgres"
PASSWORD_VAR = "READINESS_DB_PASSWORD"
# ${NAME}, ${NAME:?message}, ${NAME?message}, ${NAME:-default}, ${NAME-default}
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[?-])(?P<arg>[^}]*))?\}")


class _ComposeLoader(yaml.SafeLoader):
    """PyYAML's safe loader plus compose's merge tags (!override, !reset) on any node."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        value: Any = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return {"tag": "!" + suffix, "value": value}


_ComposeLoader.add_multi_constructor("!", _tagged)


def _load(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ComposeLoader)  # a SafeLoader
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return _load(COMPOSE)


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # ["NAME=value", ...]
        env = dict(item.split("=", 1) for item in env)
    return {str(key): str(value) for key, value in env.items()}


def _strings(node: Any) -> list[str]:
    """Every string anywhere in a parsed YAML tree (keys and values)."""
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _strings(key) + _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, str) else []


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    lines = [
        line
        for line in dockerfile.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


def _dockerignored(relative: str) -> bool:
    """Whether .dockerignore keeps `relative` (or a folder above it) out of the build context."""
    ignored = False
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
        regex = regex.replace(r"\?", "[^/]")
        parts = relative.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            ignored = not negate
    return ignored


def test_db_service_is_postgres_15_with_its_data_in_a_named_volume(
    compose: dict[str, Any],
) -> None:
    db = compose["services"]["db"]
    assert db["image"] == "readiness-postgres:15"
    assert (ROOT / db["build"] / "Dockerfile").is_file()
    targets = {}
    for mount in db["volumes"]:
        source, target = mount.split(":")[:2]
        targets[target] = source
    pgdata = dict(_instructions(PG_DIR / "Dockerfile"))["ENV"]
    assert "PGDATA=/var/lib/postgresql/data" in pgdata.split()
    volume = targets["/var/lib/postgresql/data"]
    # A name, not a host path: declared at the top level, kept by `docker compose down`.
    assert "/" not in volume and volume in compose["volumes"]
    assert "ports" not in db, "the database is reached on the compose network only"


def test_db_healthcheck_asks_the_server_over_tcp(compose: dict[str, Any]) -> None:
    check = compose["services"]["db"]["healthcheck"]
    assert check["test"][0] == "CMD-SHELL"
    words = shlex.split(check["test"][1])
    assert words[0] == "pg_isready"
    # Over TCP: the first start's setup server listens on the socket only, and is not ready.
    assert words[words.index("-h") + 1] == "127.0.0.1"
    env = _environment(compose["services"]["db"])
    assert words[words.index("-U") + 1] == env["POSTGRES_USER"]
    assert words[words.index("-d") + 1] == env["POSTGRES_DB"]
    assert int(check["retries"]) >= 3


def test_replicas_share_the_db_and_wait_for_it(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    db_env = _environment(compose["services"]["db"])
    assert app["deploy"]["replicas"] >= 2
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    url_text = _environment(app)["READINESS_DB_URL"]
    refs = list(INTERPOLATION.finditer(url_text))
    assert [m["name"] for m in refs] == [PASSWORD_VAR]
    # The URL as the store reads it, with a password where compose puts the variable's value.
    url = parse_url(INTERPOLATION.sub("s3cret-Only_for-the-test", url_text))
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "db" and "db" in compose["services"]
    assert url.port == 5432
    assert url.username == db_env["POSTGRES_USER"] == "readiness"
    assert url.database == db_env["POSTGRES_DB"] == "readiness"
    assert url.password == "s3cret-Only_for-the-test"
    # The server's password is the same variable.
    assert [m["name"] for m in INTERPOLATION.finditer(db_env["POSTGRES_PASSWORD"])] == [
        PASSWORD_VAR
    ]


@pytest.mark.parametrize("path", [COMPOSE, LOCAL], ids=["compose.yaml", "compose.local.yaml"])
def test_no_password_is_committed(path: Path) -> None:
    strings = _strings(_load(path))
    for text in strings:
        for match in INTERPOLATION.finditer(text):
            if match["name"] == PASSWORD_VAR:
                # Required (":?": compose stops with the message), never a default value.
                assert match["op"] == ":?", f"{text!r}: {PASSWORD_VAR} must be required"
    for service in _load(path).get("services", {}).values():
        for key, value in _environment(service or {}).items():
            if "PASSWORD" in key:
                assert INTERPOLATION.fullmatch(value), f"{key} is a password in clear"
            if "://" in value:
                userinfo = value.split("://", 1)[1].split("@", 1)
                if len(userinfo) == 2 and ":" in userinfo[0]:
                    secret = userinfo[0].split(":", 1)[1]
                    assert INTERPOLATION.fullmatch(secret), f"{key} has a password in clear"
    # Where compose reads the variable from besides the shell: never in git, never in an image.
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and "var" in ignored


def test_local_override_publishes_on_loopback_only_and_pulls_nothing() -> None:
    local = _load(LOCAL)["services"]
    ports = local["nginx"]["ports"]
    assert ports["tag"] == "!override"  # replaces compose.yaml's 0.0.0.0 binding
    assert ports["value"] and all(p.startswith("127.0.0.1:") for p in ports["value"])
    assert {name: s["pull_policy"] for name, s in local.items()} == {
        "db": "never",
        "app": "never",
        "nginx": "never",
    }


def test_app_image_installs_the_store() -> None:
    steps = _instructions(DOCKERFILE)
    runs = " && ".join(args for word, args in steps if word == "RUN")
    assert "pip install -r requirements.txt" in runs
    assert ("COPY", "requirements.txt .") in steps and ("COPY", ". .") in steps
    pins = {
        line.split("==")[0].lower(): line.split("==")[1]
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    for package in ("sqlalchemy", "alembic", "psycopg", "psycopg-binary"):
        assert package in pins, f"requirements.txt does not pin {package}"
    # The migrations travel with the code: nothing in .dockerignore drops readiness/.
    migrations = sorted((ROOT / "readiness" / "store" / "migrations").rglob("*.py"))
    assert migrations and any(p.parent.name == "versions" for p in migrations)
    for path in migrations:
        relative = path.relative_to(ROOT).as_posix()
        assert not _dockerignored(relative), f"{relative} would not be in the image"
    # Without READINESS_DB_URL the store is SQLite in a folder the app user may write.
    env = " ".join(args for word, args in steps if word == "ENV")
    assert "READINESS_STATE_DIR=/app/var" in env.split()
    assert "chown app:app /app/var" in runs
    assert steps.index(("USER", "app")) > max(i for i, s in enumerate(steps) if s[0] == "RUN")


def test_postgres_image_is_debians_postgresql_15() -> None:
    steps = _instructions(PG_DIR / "Dockerfile")
    assert steps[0] == ("FROM", "debian:bookworm-slim")
    runs = " && ".join(args for word, args in steps if word == "RUN")
    assert "apt-get install -y --no-install-recommends postgresql-15" in runs
    assert "create_main_cluster = false" in runs
    assert ("USER", "postgres") in steps
    health = dict(steps)["HEALTHCHECK"]
    assert "pg_isready" in health and "-h 127.0.0.1" in health
    entrypoint = PG_DIR / "entrypoint.sh"
    assert entrypoint.stat().st_mode & 0o111, "the entrypoint must stay executable"
    script = entrypoint.read_text(encoding="utf-8")
    # The official image's variables, so `image: postgres:15` is a drop-in replacement.
    for name in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PGDATA"):
        assert f"${name}" in script or "${" + name in script
    assert "--auth-host=scram-sha-256" in script
