"""Report figures: one country report per format, and the batch of all 44 LDCs.

Targets (issue 13): one country report <= 2 s in each format once the image renderer is warm
(in the dashboard and in a batch); the 44-LDC batch <= 30 s (issue 6 had 5 s and 3 minutes).
Prints one figure per line; run with `.venv/bin/python bench/reports.py [--quick]` (--quick skips
the batch). Times are wall-clock on this machine; the load average is printed beside them
because the machine is shared.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FORMATS = ("docx", "pdf", "pptx")


def _cli(*args: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "readiness", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def fresh_process(tmp: Path, runs: int = 3) -> None:
    """The command a BDT officer runs: a new process, data loading and chromium included."""
    for fmt in FORMATS:
        out = tmp / f"KEN.{fmt}"
        times = [_cli("report", "--country", "KEN", "--format", fmt, "--out", str(out))
                 for _ in range(runs)]  # fmt: skip
        print(
            f"country report KEN .{fmt}, fresh process, median of {runs}: "
            f"{statistics.median(times):.2f} s (min {min(times):.2f}); "
            f"{out.stat().st_size / 1e3:.0f} kB; {_load()}"
        )


def in_process() -> None:
    """The dashboard's case: data scored, chromium kept open, one report per click."""
    from readiness.data.snapshot import load_snapshot
    from readiness.reports import export
    from readiness.reports.build import Subject, build_report, scoring_context
    from readiness.reports.export import image_server
    from readiness.reports.writers import figure_images, write_report

    snapshot = load_snapshot()
    started = time.perf_counter()
    ctx = scoring_context(snapshot)
    print(f"scoring context (index, 500-sample Monte Carlo, gap cubes): "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip
    with image_server():
        figure_images(build_report(snapshot, Subject.economy("UGA"), context=ctx))  # warm-up
        for code in ("KEN", "LDC"):
            subject = Subject.economy(code) if code == "KEN" else Subject.group(code)
            for fmt in FORMATS:
                if export._cache is not None:
                    export._cache.clear()  # every format draws its charts afresh
                started = time.perf_counter()
                report = build_report(snapshot, subject, context=ctx)
                images = figure_images(report)
                data = write_report(report, fmt, images)
                seconds = time.perf_counter() - started
                print(
                    f"{code} .{fmt} in process (warm chromium, scored data): {seconds:.2f} s "
                    f"(target 2 s: {'met' if seconds <= 2 else 'missed'}), "
                    f"{len(data) / 1e3:.0f} kB; {_load()}"
                )


def _tree_cpu(root: int) -> dict[int, tuple[float, str]]:
    """CPU seconds (user + system) and command line of `root` and its descendants (/proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent[int(entry)], stats[int(entry)] = int(fields[1]), fields
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    out = {}
    for pid in tree & stats.keys():
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except OSError:
            cmd = ""
        out[pid] = ((int(stats[pid][11]) + int(stats[pid][12])) / tick, cmd)
    return out


def _role(pid: int, root: int, cmd: str) -> str:
    if "chromium" in cmd or "chrome" in cmd:
        return "chromium"
    # The writers are forked (the same command line) or spawned; both are the root's children.
    return "main process" if pid == root else "writer processes"


def ldc_batch(tmp: Path) -> None:
    """The 44-LDC PDF batch from the command line, and where its CPU time goes (per process,
    sampled from /proc every 0.2 s: a process's last sample before it exits)."""
    out = tmp / "ldc.zip"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "readiness", "report", "--group", "LDC", "--batch",
           "--format", "pdf", "--out", str(out)]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    seen: dict[int, tuple[float, str]] = {}
    while proc.poll() is None and time.perf_counter() - started < 600:
        for pid, (cpu, command) in _tree_cpu(proc.pid).items():
            seen[pid] = (cpu, command or seen.get(pid, (0.0, ""))[1])  # a zombie has no cmdline
        time.sleep(0.2)
    if proc.poll() is None:
        proc.kill()
        raise SystemExit("LDC batch did not finish in 600 s")
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"LDC batch failed (exit {proc.returncode})")
    with zipfile.ZipFile(out) as zf:
        n = len(zf.namelist())
    print(
        f"LDC batch, {n} PDF reports in one zip, fresh process, one chromium: {seconds:.1f} s "
        f"({seconds / n:.2f} s per report; target 30 s: {'met' if seconds <= 30 else 'missed'}); "
        f"{out.stat().st_size / 1e6:.1f} MB; {_load()}"
    )
    roles: dict[str, float] = {}
    for pid, (cpu, command) in seen.items():
        role = _role(pid, proc.pid, command)
        roles[role] = roles.get(role, 0.0) + cpu
    split = ", ".join(f"{role} {cpu:.1f} s" for role, cpu in sorted(roles.items()))
    total = sum(roles.values())
    print(f"  CPU time of the batch: {total:.1f} s ({split}) on {os.cpu_count()} cores")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fresh_process(Path(tmp))
        in_process()
        if "--quick" not in sys.argv:
            ldc_batch(Path(tmp))


if __name__ == "__main__":
    main()
