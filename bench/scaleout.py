"""Scale-out: the throughput of scripts/serve-cluster with K app processes, against K = 1.

Run: `.venv/bin/python bench/scaleout.py` from the repository root (`--help` for the flags).

Starts the real cluster (nginx in front of K `streamlit run`) on a free loopback port, once per
K and start, in turn (1, 2, 1, 2, ...: the machine's speed drifts over an hour, so only rounds
run side by side are compared). Each start gets a warm-up round, then rounds of N sessions opened
at once with bench/load.py's client (a browser's first load of the page, then a widget change).
N is large enough that a round lasts seconds, so it measures throughput rather than a burst.

Printed per round: sessions/s (N over the round's wall time), load p95, the server's CPU per
session (every app process and nginx), this generator's CPU per session, the cores the whole
machine kept busy, the CPU time stolen by the hypervisor (from /proc/stat), and the split of
sessions over the backends. Then, per K, the mean sessions/s and its ratio to K = 1, per start
and overall. Loopback only; every wait is bounded and every cluster is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import queue
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/load.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 240.0  # seconds for a cluster to print READY (K cold `streamlit run`)


@dataclass
class Round:
    processes: int
    start: int
    summary: load.RoundResult
    busy_cores: float  # whole machine, over the round
    steal_pct: float  # share of the machine's CPU time stolen by the hypervisor


def _cpu_jiffies() -> tuple[int, int, int]:
    """(total, idle + iowait, steal) jiffies of all cores, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    total = user + nice + system + idle + iowait + irq + softirq + steal
    return total, idle + iowait, steal


class Cluster:
    """scripts/serve-cluster K on a free loopback port, in its own process group."""

    def __init__(self, processes: int) -> None:
        self.port = load.free_port()
        self.proc = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve-cluster"), str(processes),
             "--port", str(self.port)],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_ready(self, timeout: float) -> str:
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise RuntimeError("serve-cluster did not start:\n" + "".join(seen)[-2000:])
            seen.append(line)
            if line.startswith("READY "):
                return line.split()[1]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything the script left behind
        self.proc.wait(timeout=10)


async def measure(args: argparse.Namespace) -> list[Round]:
    rounds: list[Round] = []
    deadline = time.monotonic() + args.time_limit
    hz = os.sysconf("SC_CLK_TCK")
    for start in range(args.starts):
        for k in args.processes:
            if time.monotonic() > deadline:
                print(f"time limit: stopping before start {start + 1}, K={k}", file=sys.stderr)
                return rounds
            cluster = Cluster(k)
            try:
                url = await asyncio.to_thread(cluster.wait_ready, START_TIMEOUT)
                pids = [cluster.proc.pid]
                if args.warmup:
                    await load.run_round(
                        url, args.page, args.warmup, query="", timeout=args.timeout, pids=pids
                    )
                for _ in range(args.rounds):
                    total0, idle0, steal0 = _cpu_jiffies()
                    summary, _ = await load.run_round(
                        url, args.page, args.n, query="", timeout=args.timeout, pids=pids
                    )
                    total1, idle1, steal1 = _cpu_jiffies()
                    total = max(1, total1 - total0)
                    busy = (total - (idle1 - idle0)) / hz / max(summary.wall_s, 1e-9)
                    r = Round(k, start + 1, summary, busy, 100 * (steal1 - steal0) / total)
                    rounds.append(r)
                    print(
                        f"  start {start + 1}, K={k}: {summary.sessions_per_s:.1f} sessions/s,"
                        f" {summary.errors} errors",
                        file=sys.stderr,
                    )
                    await asyncio.sleep(args.pause)
            finally:
                await asyncio.to_thread(cluster.stop)
                await asyncio.sleep(args.pause)
    return rounds


def _ms(seconds: float | None, n: int) -> str:
    return "-" if seconds is None else f"{1000 * seconds / n:.1f}"


def report(rounds: list[Round], args: argparse.Namespace) -> str:
    lines = [
        f"Scale-out: scripts/serve-cluster, page {args.page}, {args.n} sessions at once per round, "
        f"{args.rounds} rounds per start, {os.cpu_count()} cores.",
        "",
        "| start | K | sessions/s | load p95 s | errors | server CPU ms/session "
        "| generator CPU ms/session | cores busy | steal % | sessions per backend |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rounds:
        s = r.summary
        split = "/".join(str(v) for _, v in sorted(s.backends.items())) or "-"
        lines.append(
            f"| {r.start} | {r.processes} | {s.sessions_per_s:.1f} | {load._f(s.load_p95)} "
            f"| {s.errors} | {_ms(s.server_cpu_s, s.n)} | {_ms(s.client_cpu_s, s.n)} "
            f"| {r.busy_cores:.2f} | {r.steal_pct:.1f} | {split} |"
        )

    def mean_rate(k: int, start: int | None = None) -> float | None:
        rates = [
            r.summary.sessions_per_s
            for r in rounds
            if r.processes == k and (start is None or r.start == start)
        ]
        return statistics.fmean(rates) if rates else None

    base = args.processes[0]
    lines += [
        "",
        f"| K | mean sessions/s | ratio to K={base} | ratio per start |",
        "|---:|---:|---:|---|",
    ]
    starts = sorted({r.start for r in rounds})
    for k in args.processes:
        mean, ref = mean_rate(k), mean_rate(base)
        per_start = []
        for st in starts:
            a, b = mean_rate(k, st), mean_rate(base, st)
            if a is not None and b:
                per_start.append(f"{a / b:.2f}")
        ratio = f"{mean / ref:.2f}" if mean is not None and ref else "-"
        rate = "-" if mean is None else f"{mean:.1f}"
        lines.append(f"| {k} | {rate} | {ratio} | {', '.join(per_start) or '-'} |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--processes", default="1,2", help="app process counts, first is the base")
    p.add_argument("--starts", type=int, default=2, help="cluster starts per process count")
    p.add_argument("--rounds", type=int, default=3, help="measured rounds per start")
    p.add_argument("--n", type=int, default=150, help="sessions opened at once per round")
    p.add_argument("--warmup", type=int, default=25, help="sessions of the warm-up round (0: none)")
    p.add_argument("--page", default="map", choices=list(load.PAGES))
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per session step")
    p.add_argument("--pause", type=float, default=2.0, help="seconds between rounds")
    p.add_argument("--time-limit", type=float, default=1800.0, help="seconds for the whole run")
    args = p.parse_args(argv)
    try:
        args.processes = [int(x) for x in args.processes.split(",") if x]
    except ValueError:
        p.error("--processes takes comma-separated integers")
    if not args.processes or any(not 1 <= k <= 16 for k in args.processes):
        p.error("--processes: each count between 1 and 16")
    if not 1 <= args.n <= 300 or not 0 <= args.warmup <= 300:
        p.error("--n in 1..300 and --warmup in 0..300")
    if not 1 <= args.starts <= 10 or not 1 <= args.rounds <= 10:
        p.error("--starts and --rounds in 1..10")
    if not 1 <= args.time_limit <= 7200:
        p.error("--time-limit in 1..7200 s")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        rounds = load.run_bounded(measure(args), args.time_limit + START_TIMEOUT + 120)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(report(rounds, args))
    return 1 if any(r.summary.errors for r in rounds) else 0


if __name__ == "__main__":
    sys.exit(main())
