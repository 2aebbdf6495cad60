"""`readiness refresh` as a user runs it, on a copy of data/ (READINESS_DATA_DIR), and the proof
that every other command stays offline: no socket is ever connected."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from readiness.commands.refresh import Bars, bar
from readiness.paths import DATA_DIR, REPO_ROOT, default_raw_dir

ITU_FILE = "itu_datahub/individuals_using_internet.csv"


def _export(raw: Path, target: Path, value: str, header_fix: str | None = None) -> Path:
    """A DataHub export of i99H for Kenya, its 2024 value set to `value`."""
    with (raw / ITU_FILE).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    body = [r for r in rows[1:] if r[6] == "KEN"]
    for row in body:
        if row[9] == "2024":
            row[8] = value
    header = (
        rows[0] if header_fix is None else [header_fix if c == "dataValue" else c for c in rows[0]]
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *body])
    return target


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    raw = default_raw_dir()
    if not raw.is_dir():
        pytest.skip(f"raw data not present at {raw}")
    data = tmp_path / "served" / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setenv("READINESS_DATA_DIR", str(data))
    monkeypatch.setenv("READINESS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("READINESS_RAW_DIR", str(raw))
    return data


def test_refresh_from_files_in_hand_then_rollback(cli, served, tmp_path):
    _export(default_raw_dir(), tmp_path / "hand" / "ken.csv", "41.25")
    report = tmp_path / "out" / "changes.csv"
    res = cli("refresh", "--from", str(tmp_path / "hand"), "--report", str(report))
    assert res.code == 0, res.err
    assert "What changed:" in res.out and "internet_use KEN 2024: 34.9762 -> 41.25" in res.out
    assert f"report: {report}" in res.out and "switched: now serving" in res.out
    assert "time: " in res.out and "build " in res.out
    assert "from: ken.csv -> itu_datahub/individuals_using_internet.csv" in res.err
    rows = pd.read_csv(report)
    assert rows[["change", "iso3", "indicator", "year"]].values.tolist() == [
        ["revised", "KEN", "internet_use", 2024]
    ]
    values = pd.read_csv(served / "values.csv")
    assert (values["value"] == 41.25).sum() == 1
    back = cli("refresh", "--rollback")
    assert back.code == 0, back.err
    assert back.out.startswith("now serving build-data snapshot")
    assert (served / "values.csv").read_bytes() == (DATA_DIR / "values.csv").read_bytes()
    bad = cli("refresh", "--rollback", "--only", "wb")
    assert bad.code == 2 and "--rollback takes no other option" in bad.err


def test_a_broken_file_exits_2_and_changes_nothing(cli, served, tmp_path):
    _export(default_raw_dir(), tmp_path / "hand" / ITU_FILE, "41.25", header_fix="value")
    before = (served / "values.csv").read_bytes()
    res = cli("refresh", "--from", str(tmp_path / "hand"))
    assert res.code == 2
    assert "refresh failed; nothing changed:" in res.err
    assert "header lacks dataValue (an ITU DataHub export)" in res.err
    assert "still serving build-data snapshot" in res.err
    assert (served / "values.csv").read_bytes() == before and res.out == ""
    none = cli("refresh", "--rollback")
    assert none.code == 2 and "nothing to roll back" in none.err


def test_unknown_source_is_one_line(capsys):
    from readiness.commands.cli import main

    assert main(["refresh", "--only", "nope"]) == 2  # refused before anything is read
    assert "unknown source(s) ['nope']" in capsys.readouterr().err


def test_progress_bars_on_a_terminal_and_lines_elsewhere():
    assert bar("itu", 512 << 10, 1 << 20, width=10) == "itu        [#####.....]  50%  512.0 kB"
    assert bar("wb", 3, 12, width=4) == "wb         [#...]  25%  3/12"
    assert bar("pch", 7, None, width=5) == "pch        [ ... ] 7"

    class Outcome:
        def text(self) -> str:
            return "itu: 10 file(s) in 1.0 s"

    quiet = io.StringIO()
    bars = Bars(quiet, tty=False)
    bars.progress("itu", 1, 2)
    bars.log("build ...")
    bars.source_done(Outcome())  # type: ignore[arg-type]
    assert quiet.getvalue() == "itu: 10 file(s) in 1.0 s\n"
    shown = io.StringIO()
    bars = Bars(shown, tty=True, every=0.0)
    bars.progress("itu", 1, 2)
    bars.source_done(Outcome())  # type: ignore[arg-type]
    assert "[" in shown.getvalue() and shown.getvalue().endswith(
        "\r\x1b[Kitu: 10 file(s) in 1.0 s\n"
    )


# Every command but `refresh` without --from runs with socket connections made to fail; the
# calls run in one fresh process (READINESS_DATA_DIR is read at import) and report back.
_OFFLINE = r"""
import json, socket, sys
tried = []
def refuse(*args, **kwargs):
    tried.append(repr(args)[:160])
    raise OSError("offline test: no network call allowed")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse
try:  # the guard works: this attempt is the one entry expected in `tried`
    socket.create_connection(("192.0.2.1", 80), timeout=1)
except OSError:
    pass
from readiness.commands.cli import main
codes = {}
for argv in json.loads(sys.argv[1]):
    codes[" ".join(argv)] = main(argv)
print(json.dumps({"codes": codes, "tried": tried}), file=sys.__stderr__)
"""


def test_every_other_command_opens_no_socket(served, tmp_path):
    _export(default_raw_dir(), tmp_path / "hand" / "ken.csv", "41.25")
    commands = [
        ["scores", "--format", "csv"],
        ["gaps", "--group", "LDC", "--format", "csv"],
        ["gaps", "--country", "KEN", "--format", "csv"],
        ["countries", "--format", "csv"],
        ["values", "--indicator", "internet_use", "--format", "csv"],
        ["coverage", "--format", "csv"],
        ["refresh", "--from", str(tmp_path / "hand")],  # files in hand: no network either
        ["refresh", "--rollback"],
    ]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", _OFFLINE, json.dumps(commands)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert len(report["tried"]) == 1 and "192.0.2.1" in report["tried"][0]  # the self-check
    assert set(report["codes"].values()) == {0}, report["codes"]


def test_only_some_sources_one_line_each_and_a_refused_one_named(served, tmp_path):
    """Against the loopback replay of newer data: --only itu,pch with PCH refusing (403)."""
    from tests.refresh.replayed import newer_raw, point_at, serving

    raw = newer_raw(default_raw_dir(), tmp_path / "newer")
    with serving(raw) as server:
        server.fault(r"^/pch/", "403", times=-1)
        env = point_at(server, dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
        proc = subprocess.run(
            [sys.executable, "-m", "readiness", "refresh", "--only", "itu,pch"],
            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
        )  # fmt: skip
        hosts = {entry["path"].split("/")[1] for entry in server.log}
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()  # not a terminal: one line per source, no bars
    assert lines[0].startswith("itu: 8 file(s) in ")
    assert lines[1].startswith("pch: FAILED: HTTP 403 from 127.0.0.1:")
    assert lines[2].startswith("source not refreshed: pch: HTTP 403") and len(lines) == 3
    assert "internet_use KEN 2024: 34.9762 -> 40.5" in proc.stdout
    assert "tertiary_enrolment" not in proc.stdout  # the World Bank was not asked
    assert hosts == {"itu", "pch"}
