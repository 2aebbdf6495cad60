"""`pip install .` gives a `readiness` command that works from any folder, data included."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (found,) = out.glob("readiness-*.whl")
    return found


def test_the_wheel_carries_snapshot_catalogue_maps_and_locales(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "readiness/_data/catalogue.yaml",
        "readiness/_data/values.csv",
        "readiness/_data/countries.csv",
        "readiness/_data/targets.yaml",
        "readiness/_data/manual/name_aliases.csv",
        "readiness/_data/geo/points.csv",
        "readiness/_static/topojson/world_50m.json",
        "readiness/locales/en.yaml",
        "readiness/locales/ar.yaml",
        "readiness/reports/writers/pdf.py",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "app_pages/", "dashboard/"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "readiness = readiness.commands.cli:main" in text


def test_the_console_script_runs_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
         str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Only the installed copy and the third-party packages are importable, not this checkout.
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("READINESS_DATA_DIR", None)
    script = target / "bin" / "readiness"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(script), *args], cwd=elsewhere, env=env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    where = subprocess.run(
        [sys.executable, "-c", "import readiness.paths as p; print(p.DATA_DIR)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()) == target / "readiness" / "_data"
    usage = run("--help")
    assert usage.returncode == 0 and usage.stdout.startswith("usage: readiness ")
    assert "report" in usage.stdout and "gaps" in usage.stdout
    scores = run("scores", "--year", "2024", "--format", "csv")
    assert scores.returncode == 0, scores.stderr
    rows = list(csv.DictReader(io.StringIO(scores.stdout)))
    assert len(rows) > 150 and {"KEN", "NPL"} <= {r["iso3"] for r in rows}
    wrong = run("scores", "--year", "1890")
    assert wrong.returncode == 2 and wrong.stderr.startswith("readiness scores: error:")
