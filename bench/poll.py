"""Live poll under load: N participants answer at the same moment while a presenter watches.

Run: `.venv/bin/python bench/poll.py` from the repository root (`--help` for the flags).

It starts `streamlit run app.py` on a free 127.0.0.1 port with a store of its own (a temporary
SQLite file, READINESS_DB_URL), opens a poll through the store API and then, in Streamlit's own
protocol (the helpers of bench/load.py: HTTP GET, cookies, the `rerun_script` BackMsg):
1. a presenter client opens `poll?w=CODE&view=tally` and, as the browser does, reruns each
   fragment the server asks to rerun (`auto_rerun`: the tally every second), reading the
   participants' metric of every run;
2. N participant clients open `poll?w=CODE`, find the form's widgets by their keys in the first
   run's deltas, and once all have loaded send at the same moment one rerun that sets the
   factors (a multiselect), economy and role (selectboxes) and presses the form's submit button
   (its trigger value), as a phone's one tap does; the answer time is that rerun's, until its
   `script_finished` (the run shows "your answer is counted").

Printed: answers stored (read back from the store), answers lost (sent and confirmed, but not
stored), the stored tally against what the clients sent, p50/p95/max answer time, the time from
the last answer stored (its `answered_at`) until the presenter's screen showed all N, and the
CPU seconds of the server's process tree during the round. Every wait is bounded; the server
started is always stopped, by its process group id.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    StartedServer,
    _CookieJar,
    _Counter,
    _f,
    _pct,
    _rerun_msg,
    connect_stream,
    http_get,
    run_bounded,
    tree_cpu_seconds,
)

PAGE = "poll"
MAX_MESSAGES = 5_000  # per run; the poll's pages draw a few dozen elements
KEYS = ("poll_factors", "poll_economy", "poll_role", "poll_submit")  # dashboard/poll/participant


@dataclass
class Choice:
    """What participant i answers: factor indices (vocabulary order), economy and role indices
    into the widgets' options (economy None: not given)."""

    factors: tuple[int, ...]
    economy: int | None
    role: int | None


def choice_of(i: int, n_factors: int = 14, n_roles: int = 9) -> Choice:
    """A deterministic, varied answer: 1 to 3 factors, a role; every 5th gives no economy."""
    picks: list[int] = []
    for f in ((i * 3) % n_factors, (i * 5 + 1) % n_factors, (i * 7 + 4) % n_factors):
        if f not in picks:
            picks.append(f)
    return Choice(
        tuple(picks[: 1 + i % 3]),
        None if i % 5 == 4 else (i * 13) % 150,
        i % n_roles,
    )


@dataclass
class Participant:
    index: int
    ok: bool = False
    error: str = ""
    load_s: float | None = None
    answer_s: float | None = None  # submit sent -> its run's script_finished
    confirmed: bool = False  # the run showed the success message
    factors: list[str] = field(default_factory=list)  # option labels sent
    economy: str = ""
    role: str = ""
    finished_wall: float | None = None  # time.time() at the submit run's end


@dataclass
class Seen:
    wall: float  # time.time() when the presenter's metric arrived
    participants: int


@dataclass
class _Page:
    """What one run of a page told the client."""

    page_script_hash: str = ""
    query_string: str = ""
    widgets: dict[str, Any] = field(default_factory=dict)  # user key -> widget proto
    alerts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    metrics: list[tuple[str, str]] = field(default_factory=list)
    auto_reruns: dict[str, float] = field(default_factory=dict)  # fragment id -> interval
    finished: int = 0


def _take(msg: Any, page: _Page) -> bool:
    """Fold one ForwardMsg into `page`; True when it ends a run (not early for a rerun)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kind = msg.WhichOneof("type")
    if kind == "new_session" and msg.new_session.page_script_hash:
        page.page_script_hash = msg.new_session.page_script_hash
    elif kind == "navigation" and msg.navigation.page_script_hash:
        page.page_script_hash = msg.navigation.page_script_hash
    elif kind == "page_info_changed":
        page.query_string = msg.page_info_changed.query_string
    elif kind == "auto_rerun":
        page.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        etype = element.WhichOneof("type")
        if etype in ("multiselect", "selectbox", "button"):
            widget = getattr(element, etype)
            page.widgets[widget.id.rsplit("-", 1)[-1]] = widget
        elif etype == "alert":
            page.alerts.append(element.alert.body)
        elif etype == "metric":
            page.metrics.append((element.metric.label, element.metric.body))
        elif etype == "exception":
            page.exceptions.append(element.exception.message[:200])
    elif kind == "script_finished":
        status = msg.script_finished
        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return False
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            raise RuntimeError("script compile error")
        page.finished += 1
        return True
    return False


async def _read_run(ws: Any, page: _Page, deadline: float) -> None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for _ in range(MAX_MESSAGES):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no script_finished before the timeout")
        data = await asyncio.wait_for(ws.recv(), remaining)
        if isinstance(data, str):
            raise RuntimeError("text frame from the server")
        if _take(ForwardMsg.FromString(data), page):
            return
    raise RuntimeError(f"more than {MAX_MESSAGES} messages in one run")


@contextlib.asynccontextmanager
async def _session(base: str, query: str, timeout: float) -> Any:
    """HTTP GET of the page (cookies kept), then the websocket, as a browser's first load."""
    jar, counter = _CookieJar(), _Counter()
    deadline = time.monotonic() + timeout
    for path in (f"/{PAGE}?{query}", "/_stcore/health", "/_stcore/host-config"):
        status, _ = await http_get(base, path, jar, counter, max(0.1, deadline - time.monotonic()))
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
    ws_url = "ws" + base.rstrip("/")[4:] + "/_stcore/stream"
    async with connect_stream(ws_url, jar, deadline) as ws:
        yield ws


def _submit_states(page: _Page, choice: Choice, result: Participant) -> list[Any]:
    """The form's widget states with the choices, and its submit button pressed."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    missing = [k for k in KEYS if k not in page.widgets]
    if missing:
        raise RuntimeError(f"the page drew no widget with key(s) {missing}")
    factors = page.widgets["poll_factors"]
    result.factors = [factors.options[i] for i in choice.factors]
    states = [WidgetState(id=factors.id)]
    states[0].string_array_value.data.extend(result.factors)
    for key, index, attr in (("poll_economy", choice.economy, "economy"),
                             ("poll_role", choice.role, "role")):  # fmt: skip
        if index is not None:
            widget = page.widgets[key]
            value = widget.options[index % len(widget.options)]
            setattr(result, attr, value)
            states.append(WidgetState(id=widget.id, string_value=value))
    states.append(WidgetState(id=page.widgets["poll_submit"].id, trigger_value=True))
    return states


async def participant(
    base: str, code: str, index: int, go: asyncio.Event, loaded: asyncio.Queue[int],
    *, timeout: float, counted_text: str,
) -> Participant:  # fmt: skip
    """One phone: load `poll?w=CODE`, wait for `go`, answer in one rerun; never raises."""
    result = Participant(index)
    query = f"w={code}"
    url = f"{base}/{PAGE}?{query}"
    reported = False
    t0 = time.monotonic()
    try:
        async with _session(base, query, timeout) as ws:
            page = _Page(query_string=query)
            await ws.send(_rerun_msg(query, PAGE, "", url))
            await _read_run(ws, page, t0 + timeout)
            result.load_s = time.monotonic() - t0
            if page.exceptions:
                raise RuntimeError(f"page raised: {page.exceptions[0]}")
            states = _submit_states(page, choice_of(index), result)
            loaded.put_nowait(index)
            reported = True
            await asyncio.wait_for(go.wait(), timeout)
            answer = _Page(page_script_hash=page.page_script_hash)
            t1 = time.monotonic()
            await ws.send(_rerun_msg(page.query_string, "", page.page_script_hash, url, states))
            await _read_run(ws, answer, t1 + timeout)
            result.answer_s = time.monotonic() - t1
            result.finished_wall = time.time()
            result.confirmed = counted_text in answer.alerts
            if answer.exceptions:
                raise RuntimeError(f"answer run raised: {answer.exceptions[0]}")
            if not result.confirmed:
                raise RuntimeError(f"no confirmation; alerts: {answer.alerts[:2]}")
        result.ok = True
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        if not reported:
            loaded.put_nowait(-1 - index)
    return result


async def presenter(
    base: str, code: str, stop: asyncio.Event, seen: list[Seen], ready: asyncio.Event,
    *, label: str, timeout: float,
) -> str:  # fmt: skip
    """The projector: `poll?w=CODE&view=tally`, its fragments rerun as the browser reruns them
    (at the interval the server asked, one run at a time); every participants' metric read is
    appended to `seen`. Returns "" or the error."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    query = f"w={code}&view=tally"
    url = f"{base}/{PAGE}?{query}"
    try:
        async with _session(base, query, timeout) as ws:
            page = _Page(query_string=query)
            await ws.send(_rerun_msg(query, PAGE, "", url))
            await _read_run(ws, page, time.monotonic() + timeout)
            if page.exceptions:
                raise RuntimeError(f"presenter page raised: {page.exceptions[0]}")
            for lab, body in page.metrics:
                if lab == label:
                    seen.append(Seen(time.time(), int(body)))
            if not page.auto_reruns:
                raise RuntimeError("the presenter's page asked for no fragment reruns")
            ready.set()
            due = {fid: time.monotonic() + iv for fid, iv in page.auto_reruns.items()}
            running = False
            while not stop.is_set():
                now = time.monotonic()
                if not running:
                    fid = min(due, key=due.__getitem__)
                    if due[fid] <= now:
                        msg = BackMsg.FromString(
                            _rerun_msg(page.query_string, "", page.page_script_hash, url)
                        )
                        msg.rerun_script.fragment_id = fid
                        msg.rerun_script.is_auto_rerun = True
                        await ws.send(msg.SerializeToString())
                        due[fid] = now + page.auto_reruns[fid]
                        running = True
                        continue
                wait = 0.05 if running else max(0.0, min(due.values()) - now)
                try:
                    data = await asyncio.wait_for(ws.recv(), max(0.01, wait))
                except TimeoutError:
                    continue
                msg = ForwardMsg.FromString(data)
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "metric":
                    metric = msg.delta.new_element.metric
                    if metric.label == label:
                        seen.append(Seen(time.time(), int(metric.body)))
                elif kind == "script_finished":
                    running = False
        return ""
    except Exception as exc:
        ready.set()
        return f"{type(exc).__name__}: {exc}"[:300]


@dataclass
class PollRound:
    n: int
    loaded: int
    answered: int  # confirmed by the page ("your answer is counted")
    stored: int  # participants the store counts
    lost: int  # confirmed but not stored
    tally_matches: bool  # the stored tally equals what the clients sent, factor by factor
    load_p50: float | None
    load_p95: float | None
    answer_p50: float | None
    answer_p95: float | None
    answer_max: float | None
    tally_lag_s: float | None  # last answered_at stored -> the presenter shows all N
    tally_after_last_reply_s: float | None  # last participant's reply -> presenter shows N
    presenter_updates: int
    server_cpu_s: float | None
    wall_s: float
    presenter_error: str
    errors: list[str]


def _factor_codes(labels: list[str]) -> list[str]:
    from readiness.experiences.vocabulary import FACTORS
    from readiness.i18n import translate

    by_label = {translate("en", f"experiences.factor.{c}"): c for c in FACTORS}
    return [by_label[x] for x in labels]


def check_store(url: str, code: str, sent: list[Participant]) -> dict[str, Any]:
    """What the store holds for the poll, against what the confirmed participants sent."""
    from readiness.store.engine import open_store

    with open_store(url) as store:
        tally = store.polls.tally(code).set_index("factor")
        answers = store.polls.answers(code)
    confirmed = [p for p in sent if p.confirmed]
    expected = Counter(f for p in confirmed for f in _factor_codes(p.factors))
    stored = int(tally["n_participants"].iloc[0]) if len(tally) else 0
    matches = all(int(tally.loc[f, "answers"]) == expected.get(f, 0) for f in tally.index)
    last = answers["answered_at"].max() if len(answers) else None
    return {
        "stored": stored,
        "answers_rows": len(answers),
        "tally_matches": bool(matches and stored == len(confirmed)),
        "last_answered": None if last is None else float(last.timestamp()),
    }


async def poll_round(
    base: str, db_url: str, code: str, n: int, *, pids: list[int], timeout: float = 120.0,
    settle: float = 15.0,
) -> tuple[PollRound, list[Participant], list[Seen]]:  # fmt: skip
    """One round: the presenter watching, N participants loading, then answering at once."""
    from readiness.i18n import translate

    label, counted = translate("en", "poll.participants"), translate("en", "poll.counted")
    stop, ready, go = asyncio.Event(), asyncio.Event(), asyncio.Event()
    seen: list[Seen] = []
    watcher = asyncio.create_task(
        presenter(base, code, stop, seen, ready, label=label, timeout=timeout)
    )
    await asyncio.wait_for(ready.wait(), timeout)
    cpu0, t0 = (tree_cpu_seconds(pids) if pids else 0.0), time.monotonic()
    loaded: asyncio.Queue[int] = asyncio.Queue()
    tasks = [
        asyncio.create_task(
            participant(base, code, i, go, loaded, timeout=timeout, counted_text=counted)
        )
        for i in range(n)
    ]
    ok_loads = 0
    for _ in range(n):  # every participant reports once: loaded (>= 0) or failed (< 0)
        ok_loads += (await asyncio.wait_for(loaded.get(), timeout)) >= 0
    go.set()  # all at the same moment
    results = list(await asyncio.gather(*tasks))
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline and not watcher.done():
        if any(s.participants >= n for s in seen):
            break
        await asyncio.sleep(0.05)
    stop.set()
    presenter_error = await asyncio.wait_for(watcher, timeout)
    server_cpu = tree_cpu_seconds(pids) - cpu0 if pids else None
    wall = time.monotonic() - t0
    store = await asyncio.to_thread(check_store, db_url, code, results)
    shown_all = next((s.wall for s in seen if s.participants >= n), None)
    last_reply = max((r.finished_wall for r in results if r.finished_wall), default=None)
    confirmed = sum(r.confirmed for r in results)
    loads = [r.load_s for r in results if r.load_s is not None]
    answers = [r.answer_s for r in results if r.answer_s is not None and r.confirmed]
    summary = PollRound(
        n=n,
        loaded=ok_loads,
        answered=confirmed,
        stored=store["stored"],
        lost=max(0, confirmed - store["stored"]),
        tally_matches=store["tally_matches"],
        load_p50=_pct(loads, 50),
        load_p95=_pct(loads, 95),
        answer_p50=_pct(answers, 50),
        answer_p95=_pct(answers, 95),
        answer_max=max(answers) if answers else None,
        tally_lag_s=None
        if shown_all is None or store["last_answered"] is None
        else shown_all - store["last_answered"],
        tally_after_last_reply_s=None
        if shown_all is None or last_reply is None
        else shown_all - last_reply,
        presenter_updates=len(seen),
        server_cpu_s=server_cpu,
        wall_s=wall,
        presenter_error=presenter_error,
        errors=sorted({r.error for r in results if r.error})[:3],
    )
    return summary, results, seen


def open_test_poll(db_url: str, title: str = "Load test poll") -> str:
    """A new open poll in the store at db_url (migrated on open); its code."""
    from readiness.store.engine import open_store

    with open_store(db_url) as store:
        return str(store.polls.open_poll(title, editor="bench-poll")["code"])


@contextlib.contextmanager
def started_server(db_url: str, log_dir: Path) -> Any:
    """`streamlit run app.py` (bench/load.py's StartedServer) on the store at db_url; stopped on
    exit, by its process group id."""
    before = os.environ.get("READINESS_DB_URL")
    os.environ["READINESS_DB_URL"] = db_url  # the child inherits it
    try:
        server = StartedServer(log_dir)
    finally:
        if before is None:
            os.environ.pop("READINESS_DB_URL", None)
        else:
            os.environ["READINESS_DB_URL"] = before
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def report(r: PollRound) -> str:
    lines = [
        f"Live poll, {r.n} participants answering at once ({os.cpu_count()} cores):",
        f"  loaded {r.loaded}/{r.n}; answers confirmed {r.answered}, stored {r.stored}, "
        f"lost {r.lost}; stored tally matches what was sent: {r.tally_matches}",
        f"  page load p50 {_f(r.load_p50)} s, p95 {_f(r.load_p95)} s",
        f"  answer time p50 {_f(r.answer_p50)} s, p95 {_f(r.answer_p95)} s, "
        f"max {_f(r.answer_max)} s",
        f"  presenter's tally showed all {r.n}: {_f(r.tally_lag_s)} s after the last answer "
        f"was stored ({_f(r.tally_after_last_reply_s)} s after the last reply reached its "
        f"phone); {r.presenter_updates} tally updates read",
        f"  server CPU {_f(r.server_cpu_s, 1)} s over {_f(r.wall_s, 1)} s of wall time",
    ]
    if r.presenter_error:
        lines.append(f"  presenter error: {r.presenter_error}")
    lines += [f"  error: {e}" for e in r.errors]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-poll-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'poll.sqlite3'}"
        code = await asyncio.to_thread(open_test_poll, db_url)
        with started_server(db_url, Path(tmp)) as server:
            # one warm-up load of each view (the first run of a page fills its caches)
            warm = await poll_round(server.url, db_url, code, 1, pids=[], timeout=args.timeout)
            if warm[0].answered != 1:
                print(f"warm-up failed: {warm[0].errors} {warm[0].presenter_error}")
            code = await asyncio.to_thread(open_test_poll, db_url, "Measured poll")
            summary, _, _ = await poll_round(
                server.url, db_url, code, args.n, pids=[server.proc.pid], timeout=args.timeout
            )
    if args.json:
        import json

        print(json.dumps(asdict(summary), indent=2))
    else:
        print(report(summary))
    return 0 if summary.lost == 0 and summary.stored == args.n else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=50, help="participants (1..200)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per client step")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if not 1 <= args.n <= 200 or not 1 <= args.timeout <= 600:
        p.error("--n in 1..200, --timeout in 1..600 s")
    try:
        return run_bounded(main_async(args), 3 * args.timeout + 300)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
