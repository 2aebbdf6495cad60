"""`python -m readiness report`: files a user can open, batches as zips, one-line errors."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from pypdf import PdfReader

from readiness.reports.model import MC_SAMPLES, MC_SEED, format_score

needs_chromium = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None,
    reason="chart images need Debian chromium (make browser)",
)


@needs_chromium
def test_country_pdf_end_to_end(cli, tmp_path):
    out = tmp_path / "kenya.pdf"
    run = cli("report", "--country", "KEN", "--format", "pdf", "--out", str(out))
    assert run.code == 0, run.err
    assert run.out.startswith(f"wrote {out} (")
    reader = PdfReader(out)
    assert len(reader.pages) >= 3
    scores = cli("scores", "--format", "csv", "--uncertainty", str(MC_SAMPLES), "--seed",
                 str(MC_SEED))  # fmt: skip
    table = pd.read_csv(io.StringIO(scores.out)).set_index("iso3")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"Readiness index {format_score(table.loc['KEN', 'index'])}" in text


@needs_chromium
def test_group_batch_writes_one_report_per_member(cli, snapshot, tmp_path):
    out = tmp_path / "cis.zip"
    run = cli("report", "--group", "ITU_CIS", "--batch", "--format", "docx", "--out", str(out))
    assert run.code == 0, run.err
    members = snapshot.countries.loc[snapshot.countries["itu_region"] == "CIS", "iso3"]
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(f"readiness_{m}_{snapshot.latest_year}.docx" for m in members)
        doc = Document(io.BytesIO(zf.read(f"readiness_KAZ_{snapshot.latest_year}.docx")))
    assert doc.paragraphs[0].text == "Kazakhstan: IoT and smart-city readiness"
    assert f"[{len(members)}/{len(members)}]" in run.err  # progress per member
    assert not list(tmp_path.glob("*.part"))


def _descendants(root: int) -> set[int]:
    parent = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree, grew = tree | more, bool(more)
    return tree - {root}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@needs_chromium
def test_a_stopped_batch_stops_its_writers_and_browser(tmp_path):
    """SIGTERM mid-batch: the command exits, no writer process or chromium is left running,
    and no partial zip stays behind."""
    out = tmp_path / "ldc.zip"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    cmd = [sys.executable, "-m", "readiness", "report", "--group", "LDC", "--batch",
           "--format", "pdf", "--out", str(out)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 120
        for line in proc.stderr:  # progress lines: "[k/44] ISO3"
            if line.startswith("[3/") or time.monotonic() > deadline:
                break
        children = _descendants(proc.pid)
        assert children, "a batch runs writer processes and chromium"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=90) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 20
        while any(map(_alive, children)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if _alive(pid)]
        assert not out.exists() and not list(tmp_path.glob("*.part"))
    finally:
        if proc.poll() is None:
            proc.kill()


@needs_chromium
def test_group_by_name_and_year(cli, tmp_path):
    out = tmp_path / "africa.pptx"
    run = cli(
        "report", "--group", "Africa", "--year", "2022", "--format", "pptx", "--out", str(out)
    )
    assert run.code == 0, run.err
    from pptx import Presentation

    title = Presentation(str(out)).slides[0].shapes.title.text
    assert title == "ITU-D region: Africa: IoT and smart-city readiness"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "XYZ"], "unknown economy 'XYZ'"),
        (["--group", "LDCS"], "did you mean"),
        (["--country", "KEN", "--batch"], "--batch needs --group"),
        (["--country", "KEN", "--year", "1990"], "choose a year from"),
        (["--country", "KEN", "--method", "/nonexistent.yaml"], "method file not found"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(cli, tmp_path, args, message):
    run = cli("report", *args, "--format", "pdf", "--out", str(tmp_path / "r.pdf"))
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists()


def test_missing_output_folder_is_refused(cli, tmp_path):
    run = cli("report", "--country", "KEN", "--format", "pdf", "--out",
              str(tmp_path / "nowhere" / "r.pdf"))  # fmt: skip
    assert run.code == 2 and "does not exist" in run.err


def test_format_and_subject_are_required(cli, tmp_path):
    run = cli("report", "--country", "KEN", "--out", str(tmp_path / "r.pdf"))
    assert run.code == 2 and "--format" in run.err
    run = cli("report", "--country", "KEN", "--group", "LDC", "--format", "pdf", "--out", "x")
    assert run.code == 2 and "not allowed with" in run.err


@needs_chromium
def test_extra_user_data_flows_into_the_report_and_is_labelled(cli, tmp_path):
    extra = tmp_path / "survey.csv"
    extra.write_text("iso3,indicator,year,value\nKEN,internet_use,2025,41.5\n", encoding="utf-8")
    out = tmp_path / "k.docx"
    run = cli("report", "--country", "KEN", "--format", "docx", "--out", str(out),
              "--extra", str(extra))  # fmt: skip
    assert run.code == 0, run.err
    scores = cli("scores", "--format", "csv", "--extra", str(extra))
    assert scores.code == 0, scores.err
    table = pd.read_csv(io.StringIO(scores.out)).set_index("iso3")
    doc = Document(str(out))
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    index = next(r for r in rows if r[0] == "Index")
    assert index[1] == format_score(table.loc["KEN", "index"])
    data = next(r for r in rows if r[1:3] == ["Individuals using the Internet", "41.5"])
    assert data[6].startswith("User data") and "user data" in data[-1]
    gap = next(r for r in rows if r[0] == "Individuals using the Internet")
    assert gap[1] == "41.5 (user data)"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "User data: survey.csv" in text and "User data: User data" not in text
