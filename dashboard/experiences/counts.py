"""The factor counts: how many of the studies shown cite each factor, limiting beside enabling,
for all of them or by ITU-D region, group or sector."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import downloads, frozen, state
from dashboard.experiences.browse import count_line
from dashboard.experiences.reader import Reader
from dashboard.i18n import language, option_label, t
from readiness.data.groups import ITU_REGION_CODES
from readiness.experiences.charts import factor_chart
from readiness.experiences.vocabulary import FACTORS, SECTORS, factor_label, sector_label
from readiness.i18n import format_number, has, translate

BYS = ("all", "region", "group", "sector")
REGION_CODES = {name: code for code, name in ITU_REGION_CODES.items()}  # Africa -> ITU_AFR


def key_label(key: str, lang: str) -> str:
    """A count's key (a region, group or sector; "all") in the language."""
    if key == "all":
        return translate(lang, "experiences_page.by_all")
    code = REGION_CODES.get(key, key)
    if has(f"group.{code}"):
        return translate(lang, f"group.{code}")
    if key in SECTORS:
        return sector_label(key, lang)
    return key


def counts_table(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every key and factor in one row: enabling and limiting studies beside each other, and the
    studies of the key (0 stays 0)."""
    wide = counts.pivot_table(
        index=["key", "factor"], columns="side", values="studies", aggfunc="sum", fill_value=0
    ).reset_index()
    n = counts.groupby("key", sort=False)["n_studies"].max()
    keys = list(dict.fromkeys(counts["key"]))
    order = {f: i for i, f in enumerate(FACTORS)}
    for side in ("enabling", "limiting"):
        if side not in wide.columns:  # no study shown cites a factor on that side
            wide[side] = 0
    wide = wide.assign(
        _k=wide["key"].map({k: i for i, k in enumerate(keys)}), _f=wide["factor"].map(order)
    ).sort_values(["_k", "_f"])
    table = pd.DataFrame(
        {
            "key": wide["key"].map(lambda k: key_label(str(k), lang)),
            "factor": wide["factor"].map(lambda f: factor_label(f, lang) if f in order else f),
            "enabling": wide["enabling"].astype(int),
            "limiting": wide["limiting"].astype(int),
            "n_studies": wide["key"].map(n).astype(int),
        }
    ).reset_index(drop=True)
    return table.rename(columns=lambda c: translate(lang, f"experiences_page.col.{c}"))


def _counts(reader: Reader, studies: pd.DataFrame, factors: pd.DataFrame, by: str, key: tuple):
    """factor_counts of the studies shown, once per store version, filters and `by`."""
    from readiness.experiences.counts import factor_counts

    countries = state.base_snapshot().countries

    def build() -> pd.DataFrame:
        found = factor_counts(
            studies, factors, by=None if by == "all" else by, countries=countries
        ).reset_index(drop=True)
        frozen.share(found)
        return found

    return reader.shared("counts", by, key, build=build)


def show(reader: Reader, studies: pd.DataFrame, factors: pd.DataFrame, key: tuple) -> None:
    """The counts chart for one key (all the studies shown, a region, a group or a sector),
    and the table of every key."""
    lang = language()
    st.markdown(t("experiences_page.counts_intro"))
    by = st.segmented_control(
        t("experiences_page.by"), BYS, format_func=option_label("experiences_page.by_"),
        default="all", key="exp_by", required=True,
    )  # fmt: skip
    by = by or "all"
    counts = _counts(reader, studies, factors, by, key)
    keys = list(dict.fromkeys(counts["key"]))
    chosen = "all"
    if by != "all":
        chosen = st.selectbox(
            t(f"experiences_page.by_{by}"), keys, format_func=lambda k: key_label(k, lang),
            key=f"exp_key_{by}", width=420,
        )  # fmt: skip
    rows = counts[counts["key"] == chosen]
    n_key = int(rows["n_studies"].max()) if len(rows) else 0
    if n_key == 0:
        st.info(t("experiences_page.key_none", key=key_label(str(chosen), lang)))
        return

    def build() -> tuple:
        title = translate(
            lang,
            "experiences_page.counts_chart",
            key=key_label(str(chosen), lang),
            n=format_number(n_key, lang, 0),
            total=format_number(len(studies), lang, 0),
        )
        fig = factor_chart(rows, lang, title=title)
        table = counts_table(counts, lang)
        frozen.share(fig)
        frozen.share(table)
        return fig, table

    fig, table = reader.shared("counts_chart", by, chosen, lang, key, build=build)
    if by != "all":  # the studies of the key among those shown
        st.caption(count_line(n_key, len(studies)))
    downloads.figure(fig, table, t("experiences_page.counts_name"), key=f"exp_counts_{by}")


__all__ = ["counts_table", "key_label", "show"]
