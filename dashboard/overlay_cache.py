"""Caches for results computed from uploaded data: held by the session, released with it.

dashboard/state.py caches every computation under a data token. The committed data ("base") is
shared by all sessions (SharedValues, or `st.cache_resource` for unhashable arguments). Uploaded
data is not: its results live in an `OverlayData` that the session keeps in its own
`st.session_state`, so when the session goes away (Streamlit drops a disconnected session's
state) the results go with it; nothing keyed by an overlay token is ever put in a cross-session
cache. Two sessions holding the very same content
(same token) share one `OverlayData`, found through a registry of WEAK references that keeps
nothing alive by itself. Each holder keeps at most `max_entries` results per function, and at
most MAX_CACHED_OVERLAYS holders keep results at all (the least recently used are emptied).

A session that computes a result takes a lease on the holder, in a session-scoped
`st.cache_resource`: Streamlit releases it the moment the session disconnects, and when the last
lease goes the holder's results are dropped at once (the uploaded snapshot itself stays in the
session's state for Streamlit's reconnect window, then goes with it).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import streamlit as st

BASE_TOKEN = "base"  # the committed data; "base@<tag>" once a refresh switched it (committed.py)
MAX_ENTRIES_PER_OVERLAY = 8  # results kept per cached function for one overlay token
MAX_CACHED_OVERLAYS = 16  # overlay tokens whose results are kept at once, server-wide
MAX_LEASES = 4  # overlay tokens one session keeps a lease on (it applies one set at a time)
_SERIAL = itertools.count()

P = ParamSpec("P")
R = TypeVar("R")


class OverlayData:
    """One upload's merged snapshot, its token, and the results computed from it (bounded)."""

    def __init__(self, snapshot: Any, token: str) -> None:
        self.snapshot = snapshot
        self.token = token
        self.serial = next(_SERIAL)  # tells a new holder of the same token from an old one
        self._results: dict[str, OrderedDict[tuple[Any, ...], Any]] = {}
        self._leases = 0
        self._lock = threading.Lock()

    def get(self, name: str, key: tuple[Any, ...]) -> tuple[bool, Any]:
        with self._lock:
            table = self._results.get(name)
            if table is None or key not in table:
                return False, None
            table.move_to_end(key)
            return True, table[key]

    def put(self, name: str, key: tuple[Any, ...], value: Any, max_entries: int) -> None:
        with self._lock:
            table = self._results.setdefault(name, OrderedDict())
            table[key] = value
            table.move_to_end(key)
            while len(table) > max_entries:
                table.popitem(last=False)

    def entries(self) -> int:
        """How many results this holder keeps."""
        with self._lock:
            return sum(len(t) for t in self._results.values())

    def drop_results(self) -> None:
        with self._lock:
            self._results.clear()

    def acquire(self) -> None:
        with self._lock:
            self._leases += 1

    def release(self) -> None:
        """One session less uses the results; with none left, they are dropped."""
        with self._lock:
            self._leases -= 1
            if self._leases <= 0:
                self._leases = 0
                self._results.clear()


class _Lease:
    """A session's claim on a holder's results (weak: removing the data still frees it)."""

    def __init__(self, holder: OverlayData) -> None:
        self._holder = weakref.ref(holder)
        holder.acquire()

    def release(self) -> None:
        holder = self._holder()
        if holder is not None:
            holder.release()


def _release(lease: _Lease) -> None:
    lease.release()


@st.cache_resource(show_spinner=False, scope="session", max_entries=MAX_LEASES, on_release=_release)
def _lease(token: str, serial: int, _holder: OverlayData) -> _Lease:
    return _Lease(_holder)


def _take_lease(holder: OverlayData) -> None:
    """This session's lease on `holder` (once per session and holder; no-op outside a run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is not None:
        _lease(holder.token, holder.serial, holder)


_LIVE: weakref.WeakValueDictionary[str, OverlayData] = weakref.WeakValueDictionary()
_RECENT: OrderedDict[str, None] = OrderedDict()  # tokens by last use, for MAX_CACHED_OVERLAYS
_LOCK = threading.Lock()


def hold(snapshot: Any, token: str) -> OverlayData:
    """The holder of `token`: the one another live session already has, or a new one.

    The caller keeps it in its session_state; the registry only points at it weakly.
    """
    with _LOCK:
        holder = _LIVE.get(token)
        if holder is None:
            holder = OverlayData(snapshot, token)
            _LIVE[token] = holder
        return holder


def live_tokens() -> set[str]:
    """Overlay tokens some live session still holds."""
    with _LOCK:
        return set(_LIVE.keys())


def cached_entries() -> int:
    """Results kept for uploaded data, over every live holder."""
    with _LOCK:
        holders = list(_LIVE.values())
    return sum(h.entries() for h in holders)


def _touch(token: str) -> None:
    """Mark `token` recently used; empty the results of holders beyond MAX_CACHED_OVERLAYS."""
    with _LOCK:
        _RECENT[token] = None
        _RECENT.move_to_end(token)
        for gone in [t for t in _RECENT if t not in _LIVE]:
            del _RECENT[gone]
        while len(_RECENT) > MAX_CACHED_OVERLAYS:
            old, _ = _RECENT.popitem(last=False)
            holder = _LIVE.get(old)
            if holder is not None:
                holder.drop_results()


class SharedValues:
    """The values of one cached function for the committed data: least recently used dropped
    beyond `max_entries`, each built once even when many sessions ask for it at the same time.

    A hit is a dict lookup under a lock (a few microseconds). `st.cache_resource` hashes every
    argument and inspects the function's signature on every call (150-190 us measured), and a
    page run makes twenty such calls.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[tuple, Any] = OrderedDict()
        self._building: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def __contains__(self, key: tuple) -> bool:
        with self._lock:
            return key in self._values

    def get_or_build(self, key: tuple, build: Callable[[], R]) -> R:
        """The value kept for `key` (hashable), built with `build()` if none is kept."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[no-any-return]
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per key; the others wait for it, then find its value
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key]  # type: ignore[no-any-return]
            try:
                value = build()
            finally:
                with self._lock:
                    self._building.pop(key, None)
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def forget(self, keep: str) -> None:
        """Drop the values of every committed-data token but `keep` (a refresh switched it)."""
        with self._lock:
            for key in [k for k in self._values if is_base(k[0]) and k[0] != keep]:
                del self._values[key]


def is_base(token: object) -> bool:
    """True for a token of the committed data (shared by every session), of any version."""
    return isinstance(token, str) and (token == BASE_TOKEN or token.startswith(BASE_TOKEN + "@"))


_SHARED: weakref.WeakSet[SharedValues] = weakref.WeakSet()  # every token_cache's base values


def forget_base(keep: str) -> None:
    """Drop every token_cache's values of committed data whose token is not `keep`."""
    for values in list(_SHARED):
        values.forget(keep)


def token_cache(max_entries: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Like `st.cache_resource(max_entries=...)` for a function whose first argument is a data
    token: shared for "base", held by the sessions that hold the overlay otherwise.

    Arguments whose name starts with `_` are not part of the key (as in Streamlit's caches).
    Base values whose key is hashable are kept in a SharedValues; a call with an unhashable
    argument goes to `st.cache_resource`, which hashes it by content. `func.cached(*args)` is
    True when that call's value is kept (a spinner can then be skipped).
    """

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        values = SharedValues(max_entries)
        _SHARED.add(values)
        unhashable = st.cache_resource(show_spinner=False, max_entries=max_entries)(func)
        signature = inspect.signature(func)
        keyed = [n for n in signature.parameters if not n.startswith("_")]
        positions = [i for i, n in enumerate(signature.parameters) if not n.startswith("_")]
        every = len(signature.parameters)
        name = f"{func.__module__}.{func.__qualname__}"
        per_overlay = min(max_entries, MAX_ENTRIES_PER_OVERLAY)

        def key_of(args: tuple, kwargs: dict) -> tuple:
            if not kwargs and len(args) == every:  # the usual call: every argument by position
                return tuple(args[i] for i in positions)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return tuple(bound.arguments[n] for n in keyed)

        def cached(*args: P.args, **kwargs: P.kwargs) -> bool:
            key = key_of(args, kwargs)
            try:
                return is_base(key[0]) and key in values
            except TypeError:  # unhashable: not known to be kept
                return False

        @functools.wraps(func)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            key = key_of(args, kwargs)
            token = key[0]  # the first argument is the token
            if is_base(token):
                try:
                    hash(key)
                except TypeError:
                    return unhashable(*args, **kwargs)
                return values.get_or_build(key, lambda: func(*args, **kwargs))
            holder = _LIVE.get(str(token))
            if holder is None:  # no session holds this data: compute, keep nothing
                return func(*args, **kwargs)
            hit, value = holder.get(name, key[1:])
            if not hit:
                value = func(*args, **kwargs)
                _take_lease(holder)
                holder.put(name, key[1:], value, per_overlay)
            _touch(holder.token)
            return value

        def clear() -> None:
            values.clear()
            unhashable.clear()

        call.clear = clear  # type: ignore[attr-defined]
        call.cached = cached  # type: ignore[attr-defined]
        return call

    return wrap


__all__ = [
    "BASE_TOKEN",
    "MAX_CACHED_OVERLAYS",
    "MAX_ENTRIES_PER_OVERLAY",
    "MAX_LEASES",
    "OverlayData",
    "SharedValues",
    "cached_entries",
    "forget_base",
    "hold",
    "is_base",
    "live_tokens",
    "token_cache",
]
