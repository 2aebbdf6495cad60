"""The Experiences page's filters: the controls, the link that reopens them, and the studies
they leave (filtered once per store version and choice, for every session).

A link's filters are read when the link is not the one the page last wrote (a new session, or
a link from the profile), before the page header rewrites the query string; otherwise the
widgets are the truth and every run writes them back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass, fields

import pandas as pd
import streamlit as st

from dashboard import frozen, state
from dashboard.experiences.reader import Reader
from dashboard.i18n import language, t
from readiness.data.groups import INCOME_CODES, ITU_REGION_CODES
from readiness.experiences.vocabulary import (
    FACTORS,
    SECTORS,
    SIDES,
    STAGES,
    factor_label,
    sector_label,
    side_label,
    stage_label,
)

GROUPS: tuple[str, ...] = ("LDC", "LLDC", "SIDS", *ITU_REGION_CODES, *INCOME_CODES)
MAX_TEXT = 100  # characters of a search
# field -> the link's query parameter (apart from the shared ones: no "economy" or "group",
# which other pages own)
PARAMS = {
    "economy": "country",
    "group": "in",
    "sector": "sector",
    "technology": "tech",
    "factor": "factor",
    "side": "side",
    "stage": "stage",
    "text": "q",
}
PREFIX = "exp_f_"  # session keys of the filter widgets
_PUBLISHED = "_exp_published"  # the filters this page last wrote into the link


@dataclass(frozen=True)
class Filters:
    """What the user chose; "" is "any"."""

    economy: str = ""
    group: str = ""
    sector: str = ""
    technology: str = ""
    factor: str = ""
    side: str = ""
    stage: str = ""
    text: str = ""

    def key(self) -> tuple[str, ...]:
        return tuple(astuple(self))

    def active(self) -> bool:
        return any(self.key())

    def arguments(self) -> dict[str, str | None]:
        """Keyword arguments of readiness.experiences.studies.filter_studies."""
        return {f.name: (getattr(self, f.name) or None) for f in fields(self)}


def _options(economies: list[str]) -> dict[str, list[str]]:
    return {
        "economy": ["", *economies],
        "group": ["", *GROUPS],
        "sector": ["", *SECTORS],
        "factor": ["", *FACTORS],
        "side": ["", *SIDES],
        "stage": ["", *STAGES],
    }


def _linked() -> dict[str, str]:
    return {p: st.query_params[p] for p in PARAMS.values() if p in st.query_params}


def read_link(economies: list[str]) -> None:
    """The link's filters into the widgets when the link is not the one this page last wrote
    (a new session, or a link from another page such as the profile's); unknown values are
    left out, and a filter the link does not name is cleared."""
    linked = _linked()
    if linked == st.session_state.get(_PUBLISHED):
        return
    options = _options(economies)
    for name, param in PARAMS.items():
        raw = linked.get(param, "")
        if name in options:
            value = raw.strip()
            value = value.upper() if name in ("economy", "group") else value.lower()
            st.session_state[PREFIX + name] = value if value in options[name] else ""
        else:
            st.session_state[PREFIX + name] = raw[:MAX_TEXT]


def publish(filters: Filters) -> None:
    """The chosen filters into the query string (after the page header wrote the shared state),
    so a copied link reopens them."""
    wanted = {PARAMS[f.name]: getattr(filters, f.name) for f in fields(filters)}
    wanted = {k: v for k, v in wanted.items() if v}
    if _linked() != wanted:
        st.query_params.update(wanted)
    st.session_state[_PUBLISHED] = wanted


def _clear() -> None:
    for name in PARAMS:
        st.session_state[PREFIX + name] = ""


def _shown(label: Callable[[str], str], everything: str) -> Callable[[str], str]:
    """A picker's format_func: "" (any) as `everything`, a code as its label."""

    def shown(code: str) -> str:
        return label(code) if code else everything

    return shown


def controls(economies: list[str]) -> Filters:
    """The filters, in a bordered box above the page's tabs."""
    lang = language()
    names = state.name_map()
    options = _options(economies)
    labels: dict[str, Callable[[str], str]] = {
        "economy": lambda c: names.get(c, c),
        "group": lambda c: t(f"group.{c}"),
        "sector": lambda c: sector_label(c, lang),
        "factor": lambda c: factor_label(c, lang),
        "side": lambda c: side_label(c, lang),
        "stage": lambda c: stage_label(c, lang),
    }
    everything = t("experiences_page.all")
    chosen: dict[str, str] = {}
    box = st.container(border=True, key="exp_filters")
    rows = (("economy", "group", "sector", "stage"), ("factor", "side", "technology", "text"))
    for row in rows:
        for column, name in zip(box.columns(len(row)), row, strict=True):
            key = PREFIX + name
            if name in options:
                if st.session_state.get(key) not in options[name]:
                    st.session_state[key] = ""
                picked: str | None = column.selectbox(
                    t(f"experiences_page.{name}"),
                    options[name],
                    format_func=_shown(labels[name], everything),
                    key=key,
                )
                chosen[name] = picked or ""
            else:
                st.session_state.setdefault(key, "")
                chosen[name] = column.text_input(
                    t(f"experiences_page.{name}"),
                    max_chars=MAX_TEXT,
                    key=key,
                    help=t(f"experiences_page.{name}_help"),
                ).strip()
    if any(chosen.values()):
        box.button(t("experiences_page.clear"), on_click=_clear, icon=":material/filter_alt_off:")
    return Filters(**chosen)


def nothing_found(filters: Filters) -> str:
    """Why no study is shown: a group or an economy that no published study covers, said so."""
    alone = {k: v for k, v in zip(PARAMS, filters.key(), strict=True) if v}
    if set(alone) == {"group"}:
        return t("experiences_page.group_none", group=t(f"group.{filters.group}"))
    if set(alone) == {"economy"}:
        name = state.name_map().get(filters.economy, filters.economy)
        return t("experiences_page.economy_none", economy=name)
    return t("experiences_page.none_match")


def apply(reader: Reader, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The published studies the filters leave, and their coded factors (shared, read-only)."""
    from readiness.experiences.studies import filter_studies

    countries = state.base_snapshot().countries

    def build() -> tuple[pd.DataFrame, pd.DataFrame]:
        studies, factors = reader.studies(), reader.factors()
        if filters.active():
            kept = filter_studies(
                studies, factors=factors, countries=countries, **filters.arguments()
            ).reset_index(drop=True)
            factors = factors[factors["case_id"].isin(kept["case_id"])].reset_index(drop=True)
        else:
            kept = studies
        frozen.share(kept)
        return kept, factors

    return reader.shared("filtered", filters.key(), build=build)


__all__ = [
    "GROUPS",
    "PARAMS",
    "Filters",
    "apply",
    "controls",
    "nothing_found",
    "publish",
    "read_link",
]
