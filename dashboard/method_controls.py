"""The method what-if controls: widgets bound to the session's Method, import and reset.

Each control writes a new Method (a `dataclasses.replace`-style variant of the current one)
through its on_change callback, before the page runs, so the URL and every cached result see
the change in the same run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from dashboard import state
from dashboard.i18n import option_label, t
from readiness.errors import ReadinessError
from readiness.index.framework import Framework
from readiness.index.method import (
    AGGREGATIONS,
    IMPUTATION_GROUPS,
    IMPUTATIONS,
    NORMALISATIONS,
    WEIGHTINGS,
    Method,
    MethodFileError,
    parse_method_text,
)

PREFIX = "m_"
ERROR = "_method_error"
UPLOAD = "method_upload"
WINDOWS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]  # 0: each indicator's own window
GEOMETRIC_BOUNDS = (1.0, 100.0)


def _weight_key(code: str) -> str:
    return f"{PREFIX}w_{code}"


def widget_values(framework: Framework, method: Method) -> dict[str, Any]:
    """The value of every control for a method."""
    overrides = method.weight_overrides
    values: dict[str, Any] = {
        f"{PREFIX}weighting": method.weighting,
        f"{PREFIX}normalisation": method.normalisation,
        f"{PREFIX}aggregation": method.aggregation,
        f"{PREFIX}imputation": method.imputation,
        f"{PREFIX}imputation_group": method.imputation_group or "itu_region",
        f"{PREFIX}pillar_coverage": float(method.pillar_coverage),
        f"{PREFIX}index_coverage": float(method.index_coverage),
        f"{PREFIX}window": method.window or 0,
    }
    for code in (*framework.pillars, *framework.indicators):
        values[_weight_key(code)] = float(overrides.get(code, framework.by_code[code].weight))
    return values


def init(framework: Framework, method: Method) -> None:
    """Give each control the current method's value unless the user has just set it."""
    for key, value in widget_values(framework, method).items():
        if key not in st.session_state:
            st.session_state[key] = value


def reset_widgets() -> None:
    for key in [k for k in st.session_state if str(k).startswith(PREFIX)]:
        del st.session_state[key]


def method_from_widgets(framework: Framework, current: Method) -> Method:
    """A method from the controls' values, keeping the choices the page does not expose."""
    s = st.session_state
    weights, overrides = {}, current.weight_overrides
    for code in (*framework.pillars, *framework.indicators):
        # an indicator's box exists only while its expander is open: else its weight stays
        default = framework.by_code[code].weight
        value = float(s.get(_weight_key(code), overrides.get(code, default)))
        if value != default:
            weights[code] = value
    aggregation = s[f"{PREFIX}aggregation"]
    bounds = list(current.bounds)
    if aggregation == "geometric" and bounds[0] <= 0:
        bounds = list(GEOMETRIC_BOUNDS)  # the geometric mean needs scores > 0 (COINr's scale)
    elif aggregation == "arithmetic" and tuple(bounds) == GEOMETRIC_BOUNDS:
        bounds = list(Method().bounds)
    changes = {
        "weighting": s[f"{PREFIX}weighting"],
        "weights": weights,
        "normalisation": s[f"{PREFIX}normalisation"],
        "aggregation": aggregation,
        "bounds": bounds,
        "imputation": s[f"{PREFIX}imputation"],
        "imputation_group": s[f"{PREFIX}imputation_group"],
        "pillar_coverage": float(s[f"{PREFIX}pillar_coverage"]),
        "index_coverage": float(s[f"{PREFIX}index_coverage"]),
        "window": int(s[f"{PREFIX}window"]) or None,
    }
    return Method.from_dict({**current.to_dict(), **changes})


def apply(framework: Framework) -> None:
    """on_change: store the method the controls now describe (or the problem with it)."""
    try:
        state.set_method(method_from_widgets(framework, state.current_method()))
        st.session_state.pop(ERROR, None)
    except ReadinessError as exc:
        st.session_state[ERROR] = str(exc)


def reset() -> None:
    state.set_method(Method())
    st.session_state.pop(ERROR, None)
    reset_widgets()


def parse_method_file(name: str, content: bytes) -> Method:
    """A Method from an exported file (JSON by extension, else YAML); ReadinessError if not."""
    try:
        return parse_method_text(content, name)
    except MethodFileError as exc:
        problem = str(exc).split(": ", 1)[-1]
        raise ReadinessError(t("method.unreadable", problem=problem)) from None


def import_file(framework: Framework) -> None:
    """on_change of the uploader: read a method file (JSON or YAML) and make it current."""
    upload = st.session_state.get(UPLOAD)
    if upload is None:
        return
    try:
        method = parse_method_file(upload.name, upload.getvalue())
    except ReadinessError as exc:
        st.session_state[ERROR] = str(exc)
        return
    state.set_method(method)
    st.session_state.pop(ERROR, None)
    reset_widgets()


def draw(framework: Framework) -> None:
    """Every control of the what-if, in the order a user thinks about them."""
    kw = {"on_change": apply, "args": (framework,)}
    names = state.catalogue().names()  # pillar and indicator names in the session's language
    st.button(t("method.reset"), on_click=reset, icon=":material/restart_alt:", key="m_reset")
    st.markdown(f"**{t('method.pillar_weights')}**")
    _weight_inputs(framework, framework.pillars, names, kw)
    # A box per indicator, drawn only once the expander is opened (a rerun): the page's first
    # load is some thirty messages lighter. The key has no PREFIX, so a reset leaves it open.
    indicators = st.expander(
        t("method.indicator_weights"), key="method_indicator_weights", on_change="rerun"
    )
    if indicators.open:
        with indicators:
            for pillar in framework.pillars:
                st.caption(names.get(pillar, framework.by_code[pillar].name))
                _weight_inputs(framework, framework.children(pillar), names, kw)
    else:  # Streamlit would bring back a box's value from before it was last drawn: the method
        # holds the weight while the box is away (method_from_widgets reads it from there)
        for code in framework.indicators:
            st.session_state.pop(_weight_key(code), None)
    st.radio(
        t("method.weighting"),
        options=list(WEIGHTINGS),
        format_func=option_label("method.weighting_"),
        key=f"{PREFIX}weighting",
        horizontal=True,
        **kw,
    )
    for choice, options in (
        ("normalisation", NORMALISATIONS),
        ("aggregation", AGGREGATIONS),
        ("imputation", IMPUTATIONS),
    ):
        st.selectbox(
            t(f"method.{choice}"),
            options=list(options),
            format_func=option_label(f"method.{choice}_"),
            key=f"{PREFIX}{choice}",
            **kw,
        )
    st.selectbox(
        t("method.imputation_group"),
        options=list(IMPUTATION_GROUPS),
        format_func=option_label("method.imputation_group_"),
        key=f"{PREFIX}imputation_group",
        disabled=st.session_state.get(f"{PREFIX}imputation") == "none",
        **kw,
    )
    st.slider(
        t("method.pillar_coverage"),
        min_value=0.0,
        max_value=1.0,
        step=0.05,
        key=f"{PREFIX}pillar_coverage",
        help=t("method.coverage_help"),
        **kw,
    )
    st.slider(
        t("method.index_coverage"),
        min_value=0.0,
        max_value=1.0,
        step=0.05,
        key=f"{PREFIX}index_coverage",
        **kw,
    )
    st.selectbox(
        t("method.window"),
        options=WINDOWS,
        format_func={
            w: t("method.window_own") if w == 0 else t("method.window_years", n=w) for w in WINDOWS
        }.__getitem__,
        key=f"{PREFIX}window",
        **kw,
    )


def _weight_inputs(
    framework: Framework, codes: Sequence[str], names: Mapping[str, str], kw: dict[str, Any]
) -> None:
    """A weight box per code, two to a row, labelled with the code's name in `names`."""
    cols = st.columns(2)
    for i, code in enumerate(codes):
        cols[i % 2].number_input(
            names.get(code, framework.by_code[code].name),
            min_value=0.0,
            max_value=10.0,
            step=0.5,
            key=_weight_key(code),
            **kw,
        )
