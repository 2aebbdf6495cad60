"""The country profile's experiences: the economy's own studies, then its peers' (the peers
the profile found, readiness.gaps.peers), then the rest of its ITU-D region's."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from dashboard import frozen, state
from dashboard.experiences.browse import study_table
from dashboard.experiences.counts import REGION_CODES
from dashboard.experiences.reader import Reader, reader
from dashboard.i18n import language, t
from readiness.i18n import format_number, translate

PARTS = ("own", "peers", "region")
COLUMNS = ("case_id", "economies", "city", "sectors", "stage", "year", "summary", "source_title",
           "link", "caveat")  # fmt: skip


def _related(stored: Reader, iso3: str, peers: tuple[str, ...], region: str | None, lang: str):
    """The three tables (own, peers, region) in the language, once per store version."""
    from readiness.experiences.counts import related_studies

    names = state.name_map()
    countries = state.base_snapshot().countries

    def build() -> dict[str, pd.DataFrame]:
        found = related_studies(
            iso3, stored.studies(), peers=peers, region=region, countries=countries
        )
        shown = [translate(lang, f"experiences_page.col.{c}") for c in COLUMNS]
        out = {}
        for part in PARTS:
            table = study_table(found.get(part, stored.studies().iloc[0:0]), names, lang)[shown]
            frozen.share(table)
            out[part] = table
        return out

    return stored.shared("related", iso3, peers, region, lang, build=build)


def section(iso3: str, peers: Sequence[str] = ()) -> None:
    """The profile's section: three lists, each saying how many studies it holds (0 as 0)."""
    lang = language()
    name = state.name_map().get(iso3, iso3)
    countries = state.base_snapshot().countries.set_index("iso3")
    region = countries["itu_region"].get(iso3) if iso3 in countries.index else None
    region = None if region is None or pd.isna(region) else str(region)
    stored = reader()
    st.subheader(t("experiences_page.section"))
    st.caption(t("experiences_page.section_intro", economy=name))
    if stored.problem:
        st.caption(t("experiences_page.library_only"))
    tables = _related(stored, iso3, tuple(p for p in peers if p != iso3), region, lang)
    link = t("experiences_page.col.link")
    config = {
        link: st.column_config.LinkColumn(link, display_text=t("experiences_page.open_source"))
    }
    for part in PARTS:
        table = tables[part]
        where = t(f"group.{REGION_CODES[region]}") if region in REGION_CODES else region or ""
        heading = t(f"experiences_page.{part}", economy=name, region=where)
        count = t("experiences_page.n_studies", n=format_number(len(table), lang, 0))
        st.markdown(f"**{heading}** · {count}")
        if table.empty:
            st.caption(t(f"experiences_page.none_{part}", economy=name))
            continue
        st.dataframe(
            frozen.for_display(table), hide_index=True, width="stretch", column_config=config,
            height=min(300, 38 + 35 * len(table)), key=f"exp_profile_{part}",
        )  # fmt: skip
    # Run on its own (bench/dashboard.py), a page has no app.py navigation to link into.
    with contextlib.suppress(StreamlitPageNotFoundError):
        st.page_link(
            "app_pages/experiences.py", label=t("experiences_page.open_page"),
            icon=":material/forum:", query_params={"country": iso3},
        )  # fmt: skip


__all__ = ["section"]
