"""Shared views, converted for display once and reused by every session.

A shared view never changes once built (dashboard/shared_views.py), so what Streamlit would
convert it to on every run can be made once:
- tables: `st.dataframe` converts a pandas table to Arrow on every run (pyarrow's `from_pandas`,
  a large share of a page's server time when fifty sessions open it at once); given an Arrow
  table, it only serialises it. `share()` marks a view's tables as it is built; `for_display()`
  returns a marked table's Arrow copy (made on its first display), any other table as it is.
  A copy lives as long as its table: when the view leaves the cache, both go.
- figures: `st.plotly_chart` deep-copies a figure to a dict (`to_dict`, 2.5 ms for the data
  page's heat map) on every run. `share()` makes a view's figure a `SharedFigure`, whose dict
  is made once.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa

_lock = threading.Lock()
_marked: dict[int, weakref.ref] = {}  # id(table) -> the table, for the tables of shared views
_arrow: dict[int, pa.Table] = {}


def _forget(key: int) -> None:
    with _lock:
        _marked.pop(key, None)
        _arrow.pop(key, None)


def _mark(frame: pd.DataFrame) -> None:
    key = id(frame)
    with _lock:
        if key in _marked and _marked[key]() is frame:
            return
        _marked[key] = weakref.ref(frame)
        _arrow.pop(key, None)
    weakref.finalize(frame, _forget, key)


class SharedFigure(go.Figure):
    """A shared view's figure: its dict (what Streamlit and Plotly's JSON writer read) is made
    once, on first use. Never change it, nor the dict it returns: every session shows them."""

    def to_dict(self) -> dict:  # type: ignore[override]
        cached = self.__dict__.get("_shared_dict")
        if cached is None:
            cached = go.Figure.to_dict(self)
            self.__dict__["_shared_dict"] = cached
        return cached


def _freeze(fig: go.Figure) -> None:
    # The same object, now of the subclass (no copy of a large figure): a class of its own
    # adds only `to_dict`'s memo.
    if type(fig) is go.Figure:
        fig.__class__ = SharedFigure


def share(view: Any) -> None:
    """Mark the tables of a shared view (the view itself, or its dataclass fields) and make its
    figures `SharedFigure`s. Call it once the view is complete."""
    values = [view]
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        values = [getattr(view, f.name) for f in dataclasses.fields(view)]
    for value in values:
        if isinstance(value, pd.DataFrame):
            _mark(value)
        elif isinstance(value, go.Figure):
            _freeze(value)


def for_display(frame: pd.DataFrame) -> pd.DataFrame | pa.Table:
    """The Arrow copy of a shared view's table (made once), or the table itself."""
    key = id(frame)
    with _lock:
        ref = _marked.get(key)
        if ref is None or ref() is not frame:
            return frame
        table = _arrow.get(key)
    if table is None:
        try:
            table = pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
            return frame  # Streamlit's own conversion knows how to mend such columns
        with _lock:
            _arrow[key] = table
    return table


def shared_count() -> int:
    """How many tables are marked (for tests)."""
    with _lock:
        return len(_marked)
