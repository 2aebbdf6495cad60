"""Shareable state in the URL: the language, economy, peers, year, indicator, group, method and
the city shown on the Cities page (read there by dashboard/cities/controls.read_link).

The page itself is in the path (st.navigation). A link is read once, when a session starts;
after that the session state is the truth and every run writes it back to the query string, so
a copied link reopens the same view.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import streamlit as st

from dashboard import state
from dashboard.i18n import available_languages, language
from readiness.errors import ReadinessError
from readiness.i18n import DEFAULT_LANGUAGE
from readiness.index.method import Method

KEYS = ("economy", "peers", "year", "indicator", "group", "groups", "method", "city")
CITY = "cities_selected"  # the session key of the city shown (dashboard/cities/controls.SELECTED)
_RESTORED = "_url_restored"
ERROR = "_url_error"


def encode_method(method: Method) -> str:
    """The method's differences from the default, as compact JSON ("" when it is the default)."""
    default = Method().to_dict()
    diff = {k: v for k, v in method.to_dict().items() if v != default[k]}
    return json.dumps(diff, separators=(",", ":"), sort_keys=True) if diff else ""


def decode_method(text: str) -> Method:
    """A method from `encode_method` text; ReadinessError when it is not a valid method."""
    try:
        diff = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadinessError(f"the method in the link is not valid JSON ({exc.msg})") from None
    if not isinstance(diff, dict):
        raise ReadinessError("the method in the link must be a JSON object")
    return Method.from_dict({**Method().to_dict(), **diff})


def restore() -> None:
    """Read the link's query string into the session state, once per session."""
    if st.session_state.get(_RESTORED):
        return
    st.session_state[_RESTORED] = True
    params = st.query_params
    problems: list[str] = []
    if "lang" in params:
        lang = params["lang"].strip().lower()
        if lang in available_languages():
            st.session_state["lang"] = lang
        else:
            problems.append(f"lang={params['lang']}")
    if "economy" in params:
        st.session_state["economy"] = params["economy"].strip().upper()
    if "peers" in params:
        st.session_state["peers"] = [
            p.strip().upper() for p in params["peers"].split(",") if p.strip()
        ]
    if "year" in params:
        try:
            st.session_state["year"] = int(params["year"])
        except ValueError:
            problems.append(f"year={params['year']}")
    if "groups" in params:
        st.session_state["groups"] = [
            g.strip().upper() for g in params["groups"].split(",") if g.strip()
        ]
    if "indicator" in params:
        st.session_state["indicator"] = params["indicator"].strip()
    if "group" in params:
        st.session_state["group"] = params["group"].strip().upper()
    if "method" in params:
        try:
            state.set_method(decode_method(params["method"]))
        except ReadinessError as exc:
            problems.append(str(exc))
    if problems:
        st.session_state[ERROR] = "; ".join(problems)


def values(keys: Iterable[str]) -> dict[str, str]:
    """The query string for the shared state this page shows (and the language, if not English)."""
    out: dict[str, Any] = {}
    if language() != DEFAULT_LANGUAGE:
        out["lang"] = language()
    for key in keys:
        if key == "economy":
            out["economy"] = state.current_economy()
        elif key == "peers":
            peers = state.current_peers()
            if peers:
                out["peers"] = ",".join(peers)
        elif key == "year":
            out["year"] = str(state.current_year())
        elif key == "indicator":
            out["indicator"] = state.current_indicator()
        elif key == "group":
            group = st.session_state.get("group")
            if group:
                out["group"] = str(group)
        elif key == "groups":
            chosen = st.session_state.get("groups")
            if chosen is not None:
                out["groups"] = ",".join(chosen)
        elif key == "method":
            text = encode_method(state.current_method())
            if text:
                out["method"] = text
        elif key == "city":
            city = st.session_state.get(CITY)
            if city is not None:
                out["city"] = str(int(city))
    return out


def publish(keys: Iterable[str]) -> None:
    """Write the page's shared state into the URL (only when it changed)."""
    wanted = values(keys)
    if {k: st.query_params.get(k) for k in st.query_params} != wanted:
        st.query_params.from_dict(wanted)
