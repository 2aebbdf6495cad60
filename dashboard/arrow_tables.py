"""Arrow copies of the shared views' tables, converted once and reused by every session.

`st.dataframe` converts a pandas table to Arrow on every run (pyarrow's `from_pandas`, a large
share of a page's server time when fifty sessions open it at once); given an Arrow table, it
only serialises it. A shared view's tables never change (dashboard/shared_views.py), so their
Arrow copy can be made once: `share()` marks the tables of a view as it is built, `for_display()`
returns the Arrow copy of a marked table (made on its first display) and any other table as it
is. A copy lives as long as its table: when the view leaves the cache, both go.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from typing import Any

import pandas as pd
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


def share(view: Any) -> None:
    """Mark the tables of a shared view: the view itself, or its dataclass fields."""
    if isinstance(view, pd.DataFrame):
        _mark(view)
    elif dataclasses.is_dataclass(view) and not isinstance(view, type):
        for f in dataclasses.fields(view):
            value = getattr(view, f.name)
            if isinstance(value, pd.DataFrame):
                _mark(value)


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
