"""The one module that owns Streamlit caching and session state.

Every cached computation takes the active data as an argument and is keyed by a data token, so
a session can swap in its own data: `active_snapshot()` returns the committed snapshot, or
`st.session_state["overlay_snapshot"]` (built by readiness.uploads.overlay) when a user has uploaded
data, keyed by `st.session_state["overlay_token"]`. Results are shared read-only objects.
Results of the committed data are in `st.cache_resource`; results of uploaded data are held by
the session itself (dashboard/overlay_cache.py) and released with it.

The committed snapshot can change under a running server (`readiness refresh` swaps the data
directory): dashboard/committed.py looks at its version at most every few seconds, loads a new
version once and names it by a new base token, so every cache re-keys; a script run keeps the
version it started with until it ends.

Shared view state (economy, peers, year, indicator, group, method) lives in session_state under
plain keys; widgets bind to it through `bind()`, and dashboard/urlstate.py mirrors it in the URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import frozen
from dashboard.committed import base_data
from dashboard.i18n import country_names, language, t
from dashboard.limits import capped_samples
from dashboard.overlay_cache import BASE_TOKEN, hold, token_cache
from readiness.data.catalogue import INDEX_CODE, Catalogue
from readiness.data.groups import Group, standard_groups
from readiness.data.snapshot import Snapshot
from readiness.i18n import plotly_separators, sort_key
from readiness.index.engine import build_index, build_index_years
from readiness.index.framework import Framework
from readiness.index.inputs import data_for_year
from readiness.index.method import Method
from readiness.index.result import Result
from readiness.index.selection import Panel
from readiness.index.uncertainty import (
    PUBLISHED_SAMPLES,
    PUBLISHED_SEED,
    Uncertainty,
    UncertaintySpec,
    run_uncertainty,
)
from readiness.paths import DATA_DIR

OVERLAY_SNAPSHOT = "overlay_snapshot"
OVERLAY_TOKEN = "overlay_token"
OVERLAY_DATA = "overlay_data"  # the OverlayData that holds results computed from the upload
UNCERTAINTY_SAMPLES = PUBLISHED_SAMPLES


# --- the active data ---------------------------------------------------------------------------
def base_snapshot() -> Snapshot:
    """The validated committed snapshot (read-only, shared), of the version this run uses."""
    return base_data().snapshot


def active_snapshot() -> Snapshot:
    """The session's data: the uploaded overlay when there is one, else the committed snapshot."""
    overlay = st.session_state.get(OVERLAY_SNAPSHOT)
    return overlay if overlay is not None else base_snapshot()


def data_token() -> str:
    """A cache key for the active data: the overlay's token, or the committed snapshot's ("base",
    "base@<version tag>" once a refresh switched it)."""
    overlay = st.session_state.get(OVERLAY_SNAPSHOT)
    if overlay is None:
        return base_data().token
    token = str(st.session_state.get(OVERLAY_TOKEN) or BASE_TOKEN)
    holder = st.session_state.get(OVERLAY_DATA)
    if token != BASE_TOKEN and (holder is None or holder.token != token):
        st.session_state[OVERLAY_DATA] = hold(overlay, token)  # set without set_overlay()
    return token


snapshot = active_snapshot  # the name the first pages used


def set_overlay(overlay: Snapshot, token: str) -> None:
    """Make a snapshot with the user's rows merged (readiness.uploads.overlay) this session's data.

    `token` must change whenever the overlay's content does: every cache is keyed by it. Once a
    refresh switched the committed snapshot, its token is added (the overlay was merged into it).
    """
    base = base_data().token
    token = token if base == BASE_TOKEN else f"{token}@{base}"
    st.session_state[OVERLAY_SNAPSHOT] = overlay
    st.session_state[OVERLAY_TOKEN] = token
    st.session_state[OVERLAY_DATA] = hold(overlay, token)  # released with the session


def clear_overlay() -> None:
    """Back to the committed snapshot for this session."""
    for key in (OVERLAY_SNAPSHOT, OVERLAY_TOKEN, OVERLAY_DATA):
        st.session_state.pop(key, None)


@token_cache(8)
def _inputs(token: str, _snap: Snapshot) -> tuple[Framework, Panel]:
    from readiness.index.inputs import panel_from_snapshot

    framework = Framework.from_catalogue(_snap.catalogue)
    return framework, panel_from_snapshot(_snap, framework)


def inputs() -> tuple[Framework, Panel]:
    """The framework and the years x economies x indicators panel of the active data."""
    return _inputs(data_token(), active_snapshot())


def method_key(method: Method) -> str:
    return json.dumps(method.to_dict(), sort_keys=True)


@token_cache(128)
def _result(token: str, year: int, key: str, _snap: Snapshot) -> Result:
    framework, panel = _inputs(token, _snap)
    method = Method.from_dict(json.loads(key))
    return build_index(data_for_year(panel, framework, method, year), framework, method)


def result(year: int | None = None, method: Method | None = None) -> Result:
    """The index for a reference year under a method (defaults: shared year and method)."""
    method = current_method() if method is None else method
    year = current_year() if year is None else year
    return in_language(_result(data_token(), int(year), method_key(method), active_snapshot()))


@st.cache_resource(show_spinner=False, max_entries=16)
def _catalogue(token: str, lang: str, _snap: Snapshot) -> Catalogue:
    return _snap.catalogue.translated(lang)


def catalogue() -> Catalogue:
    """The active data's catalogue, its names and definitions in the session's language."""
    return _catalogue(data_token(), language(), active_snapshot())


_RENAMED: dict[tuple[int, str], tuple[Framework, Framework]] = {}


def in_language(
    res: Result, lang: str | None = None, token: str | None = None, snap: Snapshot | None = None
) -> Result:
    """The result with the index, pillars and indicators named in the language (default: the
    session's). The numbers are the cached result's own; only the framework (names) is swapped.
    """
    lang = lang or language()
    if lang == "en":
        return res
    fw = res.framework
    hit = _RENAMED.get((id(fw), lang))
    if hit is None or hit[0] is not fw:
        cat = _catalogue(token or data_token(), lang, snap or active_snapshot())
        names = cat.names()
        if len(_RENAMED) > 256:  # one entry per framework and language; frameworks are few
            _RENAMED.clear()
        hit = _RENAMED[(id(fw), lang)] = (fw, fw.renamed(names))
    return replace(res, framework=hit[1])


def _behind_spinner(text: str, cached_func: Callable[..., Any], *args: Any) -> Any:
    """cached_func(*args) behind st.spinner, unless its value is surely cached already: a spinner
    starts a timer thread and sends the browser a message on every run, even a cached one."""
    if cached_func.cached(*args):  # type: ignore[attr-defined]
        return cached_func(*args)
    with st.spinner(text):
        return cached_func(*args)


@token_cache(16)
def _results_by_year(token: str, key: str, _snap: Snapshot) -> dict[int, Result]:
    framework, panel = _inputs(token, _snap)
    method = Method.from_dict(json.loads(key))
    years = range(_snap.first_index_year, _snap.latest_year + 1)
    return build_index_years(panel, framework, method, years)


def results_by_year(method: Method | None = None) -> dict[int, Result]:
    """One result per reference year, from the first index year to the latest."""
    method = current_method() if method is None else method
    results = _behind_spinner(
        t("busy.computing"), _results_by_year, data_token(), method_key(method), active_snapshot()
    )
    return {year: in_language(res) for year, res in results.items()}


@token_cache(16)
def _uncertainty(token: str, year: int, key: str, n: int, _snap: Snapshot) -> Uncertainty:
    framework, panel = _inputs(token, _snap)
    method = Method.from_dict(json.loads(key))
    data = data_for_year(panel, framework, method, year)
    return run_uncertainty(data, framework, method, UncertaintySpec(n=n, seed=PUBLISHED_SEED))


def uncertainty(
    year: int | None = None, method: Method | None = None, n: int = UNCERTAINTY_SAMPLES
) -> Uncertainty:
    """Monte Carlo rank intervals and sensitivity for the year and method (cached).

    `n` is capped at SESSION_MAX_SAMPLES (dashboard/limits.py), with a note when it is cut.
    """
    n, note = capped_samples(n)
    if note:
        st.caption(note)
    method = current_method() if method is None else method
    year = current_year() if year is None else year
    return _behind_spinner(
        t("busy.uncertainty", n=n),
        _uncertainty, data_token(), int(year), method_key(method), n, active_snapshot(),
    )  # fmt: skip


@token_cache(32)
def _groups(token: str, year: int, _snap: Snapshot) -> dict[str, Group]:
    return standard_groups(_snap.countries, year, _snap.income_history)


def groups(year: int | None = None) -> dict[str, Group]:
    """Every standard group, income groups as classified for `year`."""
    year = current_year() if year is None else year
    return _groups(data_token(), int(year), active_snapshot())


def group_labels() -> dict[str, str]:
    """Translated group names by code."""
    return {code: t(f"group.{code}") for code in groups()}


@token_cache(8)
def _names(token: str, lang: str, _snap: Snapshot) -> pd.Series:
    return country_names(_snap.countries, lang)


def names() -> pd.Series:
    """Economy names in the session's language, indexed by ISO3 (from the country master)."""
    return _names(data_token(), language(), active_snapshot())


@token_cache(8)
def _name_map(token: str, lang: str, _snap: Snapshot) -> dict[str, str]:
    return dict(_names(token, lang, _snap).items())


def name_map() -> dict[str, str]:
    """names() as a plain dict, for a picker's format_func (a Series lookup costs ~50x more)."""
    return _name_map(data_token(), language(), active_snapshot())


@token_cache(8)
def _measures(token: str, lang: str, _snap: Snapshot) -> pd.DataFrame:
    from readiness.figures import views

    return views.measures(_catalogue(token, lang, _snap)).set_index("code")


def measures() -> pd.DataFrame:
    """What a map or chart can show (views.measures) indexed by code; shared, read-only."""
    return _measures(data_token(), language(), active_snapshot())


@token_cache(8)
def _measure_names(token: str, lang: str, _snap: Snapshot) -> dict[str, str]:
    return dict(_measures(token, lang, _snap)["name"])


def measure_names() -> dict[str, str]:
    """Code -> name of what a map or chart can show, for a picker's format_func (a DataFrame
    lookup per option cost a map run about a millisecond)."""
    return _measure_names(data_token(), language(), active_snapshot())


def small_state_points() -> pd.DataFrame:
    """A point per small island or tiny economy, so the map can show a marker for it."""
    return _points(base_data().token)


@st.cache_resource(show_spinner=False, max_entries=2)
def _points(token: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "geo" / "points.csv", dtype={"iso3": "string"})


# --- shared view state --------------------------------------------------------------------------
@token_cache(8)
def _years(token: str, _snap: Snapshot) -> tuple[int, ...]:
    return tuple(range(_snap.first_index_year, _snap.latest_year + 1))


def years() -> list[int]:
    """The reference years the index can be computed for (first index year to the latest)."""
    return list(_years(data_token(), active_snapshot()))


def current_year() -> int:
    year = st.session_state.get("year")
    options = years()
    return int(year) if year in options else options[-1]


@token_cache(8)
def _scored_economies(token: str, lang: str, _snap: Snapshot) -> tuple[str, ...]:
    res = _result(token, _snap.latest_year, method_key(Method()), _snap)
    scored = set(res.index.dropna().index)
    return tuple(c for c in _sorted_economies(token, lang, _snap) if c in scored)


def scored_economies() -> list[str]:
    """ISO3 codes with an index score in the latest year, sorted by name."""
    return list(_scored_economies(data_token(), language(), active_snapshot()))


@token_cache(8)
def _sorted_economies(token: str, lang: str, _snap: Snapshot) -> tuple[str, ...]:
    n = _names(token, lang, _snap)
    key = sort_key(lang)  # the language's order: pinyin for Chinese, ñ after n in Spanish
    return tuple(sorted(n.index, key=lambda c: key(n[c])))


def all_economies() -> list[str]:
    """Every economy of the master, sorted by its name in the session's language."""
    return list(_sorted_economies(data_token(), language(), active_snapshot()))


def current_economy() -> str:
    iso3 = st.session_state.get("economy")
    economies = all_economies()
    return iso3 if iso3 in economies else scored_economies()[0]


def current_peers() -> list[str]:
    peers = st.session_state.get("peers") or []
    known = set(all_economies())
    return [p for p in peers if p in known]


def current_indicator() -> str:
    code = st.session_state.get("indicator")
    snap = active_snapshot()
    known = {INDEX_CODE, *snap.catalogue.pillar_codes, *snap.catalogue.codes}
    return code if code in known else INDEX_CODE


def current_method() -> Method:
    """The session's method (the published default until a user changes a choice)."""
    raw = st.session_state.get("method")
    if isinstance(raw, Method):
        return raw
    return Method()


def set_method(method: Method) -> None:
    st.session_state["method"] = method


def set_shared(key: str, value: Any) -> None:
    st.session_state[key] = value


def bind(
    key: str, page: str, options: list | None = None, default: list | None = None
) -> dict[str, Any]:
    """Keyword arguments that bind a widget to the shared state `key`.

    The widget gets its own key per page (Streamlit drops a widget's state when its page is
    left); before it is drawn it takes the shared value, and its on_change copies the user's
    choice back, so every page and the URL see the same economy, year or indicator. A list
    (multiselect) keeps the values that are among `options`, or takes `default` while unset.
    """
    widget_key = f"_w_{page}_{key}"
    value = {
        "economy": current_economy,
        "year": current_year,
        "indicator": current_indicator,
        "peers": current_peers,
    }.get(key, lambda: st.session_state.get(key))()
    if default is not None:
        chosen = default if st.session_state.get(key) is None else value
        value = [v for v in chosen if options is None or v in options]
    elif options is not None and key != "peers" and value not in options:
        value = options[0]
    if st.session_state.get(widget_key) != value:
        st.session_state[widget_key] = value
    return {"key": widget_key, "on_change": _copy(key, widget_key)}


def _copy(key: str, widget_key: str) -> Callable[[], None]:
    def copy() -> None:
        st.session_state[key] = st.session_state[widget_key]

    return copy


# --- gap analytics (readiness.gaps: analysis, peers, datagaps) ------------------------------------
@token_cache(8)
def _gap_inputs(token: str, key: str, _snap: Snapshot) -> Any:
    from readiness.gaps.cube import gap_inputs as build

    return build(_snap, Method.from_dict(json.loads(key)))


def gap_inputs(method: Method | None = None) -> Any:
    """The gap cubes (values, scores, populations by year) for the active data and method."""
    method = current_method() if method is None else method
    return _behind_spinner(
        t("busy.computing"), _gap_inputs, data_token(), method_key(method), active_snapshot()
    )


@token_cache(8)
def _gap_table(token: str, key: str, _snap: Snapshot) -> pd.DataFrame:
    from readiness.gaps.analysis import gap_table as build

    return build(_gap_inputs(token, key, _snap))


@token_cache(16)
def _gap_table_in(token: str, key: str, lang: str, _snap: Snapshot) -> pd.DataFrame:
    """The gap table with its group labels, measure names and units in the language (the
    analytics write them in English); its numbers are the cached table's own."""
    from readiness.i18n import has, translate

    table = _gap_table(token, key, _snap)
    if lang == "en":
        return table
    cat = _catalogue(token, lang, _snap)
    names = cat.names()
    units = {i.code: str(i.unit) for i in cat.indicators}
    groups = [g for g in table["group"].unique() if has(f"group.{g}")]
    labels = {g: translate(lang, f"group.{g}") for g in groups}
    out = table.copy()
    out["name"] = out["code"].map(names).fillna(out["name"])
    out["unit"] = out["code"].map(units).fillna(out["unit"])
    out["group_label"] = out["group"].map(labels).fillna(out["group_label"])
    return out


@token_cache(16)
def _iot_gaps(token: str, year: int, _snap: Snapshot) -> pd.DataFrame:
    """readiness.gaps.iot's table of every standard group in `year` (no method in it)."""
    from readiness.gaps.iot import iot_gaps

    return iot_gaps(_snap, year, list(_groups(token, year, _snap).values()))


def gap_table(method: Method | None = None) -> pd.DataFrame:
    """Every standard group's gaps for every reference year and code (read-only)."""
    method = current_method() if method is None else method
    return _behind_spinner(
        t("busy.computing"), _gap_table, data_token(), method_key(method), active_snapshot()
    )


@token_cache(256)
def _peers(token: str, key: str, iso3: str, year: int, _snap: Snapshot) -> Any:
    from readiness.gaps.peers import find_peers

    return find_peers(iso3, year=year, inputs=_gap_inputs(token, key, _snap))


@token_cache(32)
def _strengths(token: str, year: int, key: str, _snap: Snapshot) -> pd.DataFrame:
    return _result(token, year, key, _snap).strengths_weaknesses(n=3)


# --- shared views: figures and tables built once per shared input (dashboard/shared_views.py) ----
@dataclass(frozen=True)
class Shared:
    """The shared inputs a view is built from: data token, method key, language and snapshot.

    A view may depend on nothing else (no session state), so it can be cached under these.
    """

    token: str
    key: str
    lang: str
    snap: Snapshot

    def t(self, key: str, /, **values: object) -> str:
        from readiness.i18n import translate

        return translate(self.lang, key, **values)

    def labelled(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The table with its column names translated (as dashboard.i18n.labelled)."""
        from readiness.i18n import has

        return frame.rename(columns=lambda c: self.t(f"col.{c}") if has(f"col.{c}") else c)

    def translated(self, values: pd.Series, prefix: str) -> pd.Series:
        """Code values as their `prefix.<code>` text (as dashboard.i18n.translated)."""
        return values.map(lambda v: self.t(f"{prefix}.{str(v).replace(' ', '_') or 'none'}"))

    def result(self, year: int) -> Result:
        res = _result(self.token, int(year), self.key, self.snap)
        return in_language(res, self.lang, self.token, self.snap)

    def results_by_year(self) -> dict[int, Result]:
        results = _results_by_year(self.token, self.key, self.snap)
        return {y: in_language(r, self.lang, self.token, self.snap) for y, r in results.items()}

    def catalogue(self) -> Catalogue:
        """The catalogue in the view's language."""
        return _catalogue(self.token, self.lang, self.snap)

    def default_result(self, year: int) -> Result:
        """The index for `year` under the published default method."""
        return _result(self.token, int(year), method_key(Method()), self.snap)

    def uncertainty(self, year: int, n: int) -> Uncertainty:
        return _uncertainty(self.token, int(year), self.key, int(n), self.snap)

    def names(self) -> pd.Series:
        return _names(self.token, self.lang, self.snap)

    def groups(self, year: int | None) -> dict[str, Group]:
        year = self.snap.latest_year if year is None else year
        return _groups(self.token, int(year), self.snap)

    def gap_inputs(self) -> Any:
        return _gap_inputs(self.token, self.key, self.snap)

    def gap_table(self) -> pd.DataFrame:
        return _gap_table_in(self.token, self.key, self.lang, self.snap)

    def iot_gaps(self, year: int) -> pd.DataFrame:
        """Every standard group's IoT gaps in `year` (readiness.gaps.iot), computed once."""
        return _iot_gaps(self.token, int(year), self.snap)

    def points(self) -> pd.DataFrame:
        return small_state_points()

    def strengths(self, year: int) -> pd.DataFrame:
        return _strengths(self.token, int(year), self.key, self.snap)

    def peers(self, iso3: str, year: int) -> Any:
        return _peers(self.token, self.key, iso3, int(year), self.snap)


# The modules whose functions are shared views, looked up by name in this order.
VIEW_MODULES = ("dashboard.shared_views", "dashboard.iot_gap_views", "dashboard.iot_profile_views")


def _view_function(name: str) -> Any:
    import importlib

    for module in VIEW_MODULES:
        found = getattr(importlib.import_module(module), name, None)
        if found is not None:
            return found
    raise AttributeError(f"no shared view {name!r} in {VIEW_MODULES}")


@token_cache(256)
def _shared_view(token: str, name: str, key: str, lang: str, args: tuple, _snap: Snapshot) -> Any:
    from readiness.figures.charts import numbers_in

    with numbers_in(lang):  # the view's chart texts write numbers as its language does
        view = _view_function(name)(Shared(token, key, lang, _snap), *args)
    figure = getattr(view, "figure", None)
    if figure is not None and hasattr(figure, "update_layout"):
        # axis ticks and Plotly-formatted hover numbers in the language's marks ("35,0"), set
        # once before the view is shared (the view's key holds the language)
        figure.update_layout(separators=plotly_separators(lang))
    frozen.share(view)  # its tables and figures are converted for display once, not every run
    return view


def view(name: str, *args: Any, method: Method | None = None, busy: str = "") -> Any:
    """dashboard.shared_views.<name>(shared inputs, *args): built once for every session that
    shows it with the same data, method and language, and shared read-only (never change it).

    Views of uploaded data are held by the sessions that hold the upload (token_cache). With
    `busy`, a spinner with that text shows while the view is built (not once it is cached).
    """
    method = current_method() if method is None else method
    key = tuple(tuple(a) if isinstance(a, list) else a for a in args)  # hashable, same key
    inputs = (data_token(), name, method_key(method), language(), key, active_snapshot())
    if busy:
        return _behind_spinner(busy, _shared_view, *inputs)
    return _shared_view(*inputs)
