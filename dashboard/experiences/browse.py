"""The study list: every study the filters leave, with its source, and one study in full.

Everything a study says (the library's and what participants submitted alike) is shown as
text: in tables, or with st.text, never as markdown or HTML. A source's link is offered only
when it is a web address (http or https).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import frozen, state
from dashboard.experiences.reader import Reader
from dashboard.i18n import language, t
from readiness.experiences.studies import list_field
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
from readiness.i18n import translate

TABLE_COLUMNS = (
    "case_id", "economies", "city", "sectors", "technology", "year", "stage", "summary",
    "source_title", "publisher", "source_year", "link", "source_type", "caveat",
)  # fmt: skip
SELECTED = "exp_table"  # the study table's widget key (its row selection)


def web_links(field: object) -> list[str]:
    """The source's web addresses (several sources are joined by " ; "): only http and https
    ones without spaces, so a link is never `javascript:` or a local file."""
    found = []
    for part in str(field or "").split(";"):
        text = part.strip()
        if text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text):
            found.append(text)
    return found


def web_link(field: object) -> str | None:
    """The first web address of the source, or None."""
    links = web_links(field)
    return links[0] if links else None


def caveats(study: pd.Series | dict) -> list[str]:
    """Codes of what a reader should know about a study's source: a company's own account, a
    blog, a plan rather than a deployment, a participant's submission."""
    kind = str(study.get("source_type", "")).lower()
    found = []
    if "company" in kind:
        found.append("company")
    if "blog" in kind:
        found.append("blog")
    if study.get("stage") == "plan":
        found.append("plan")
    if study.get("origin") == "submitted":
        found.append("submitted")
    return found


Label = Callable[[str, str], str]


def _label(code: str, known: tuple[str, ...], label: Label, lang: str) -> str:
    return label(code, lang) if code in known else code


def study_table(studies: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """One row per study, its fields in the language (codes named), columns labelled."""

    def joined(field: object, label: Label, known: tuple[str, ...]) -> str:
        return ", ".join(_label(c, known, label, lang) for c in list_field(field))

    rows = {
        "case_id": studies["case_id"],
        "economies": studies["economies"].map(
            lambda f: ", ".join(names.get(c, c) for c in list_field(f))
        ),
        "city": studies["city_or_region"],
        "sectors": studies["sectors"].map(lambda f: joined(f, sector_label, SECTORS)),
        "technology": studies["technology"],
        "year": studies["year"],
        "stage": studies["stage"].map(lambda s: _label(s, STAGES, stage_label, lang)),
        "summary": studies["summary"],
        "source_title": studies["source_title"],
        "publisher": studies["source_publisher"],
        "source_year": studies["source_year"],
        "link": studies["source_url"].map(web_link),
        "source_type": studies["source_type"],
        "caveat": [
            "; ".join(translate(lang, f"experiences_page.caveat.{c}") for c in caveats(s))
            for s in studies[["source_type", "stage", "origin"]].to_dict("records")
        ],
    }
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS)).reset_index(drop=True)
    return table.rename(columns=lambda c: translate(lang, f"experiences_page.col.{c}"))


def factor_table(coding: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A study's coded factors: side, factor, the source's words, the rule that coded them."""
    order = {f: i for i, f in enumerate(FACTORS)}
    rows = coding.assign(
        _s=coding["side"].map({s: i for i, s in enumerate(SIDES)}),
        _f=coding["factor"].map(order),
    ).sort_values(["_s", "_f"], kind="stable")
    table = pd.DataFrame(
        {
            "side": rows["side"].map(lambda s: _label(s, SIDES, side_label, lang)),
            "factor": rows["factor"].map(lambda f: _label(f, FACTORS, factor_label, lang)),
            "words": rows["phrase"],
            "rule": rows["rule"],
        }
    ).reset_index(drop=True)
    return table.rename(columns=lambda c: translate(lang, f"experiences_page.col.{c}"))


def count_line(n: int, total: int) -> str:
    from readiness.i18n import format_number

    lang = language()
    return t(
        "experiences_page.n_of", n=format_number(n, lang, 0), total=format_number(total, lang, 0)
    )


def show(reader: Reader, studies: pd.DataFrame, factors: pd.DataFrame, key: tuple) -> None:
    """The list of the studies shown (a row selects one), then that study in full."""
    lang = language()
    names = state.name_map()

    def build() -> pd.DataFrame:
        table = study_table(studies, names, lang)
        frozen.share(table)
        return table

    table = reader.shared("study_table", lang, key, build=build)
    link = t("experiences_page.col.link")
    event = st.dataframe(
        frozen.for_display(table),
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(table)),
        column_config={
            link: st.column_config.LinkColumn(link, display_text=t("experiences_page.open_source"))
        },
        on_select="rerun",
        selection_mode="single-row",
        key=SELECTED,
    )
    st.caption(t("experiences_page.table_hint"))
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    at = rows[0] if rows and rows[0] < len(studies) else 0
    details(studies.iloc[at], factors, names, lang)


def details(study: pd.Series, factors: pd.DataFrame, names: dict[str, str], lang: str) -> None:
    """One study in full: its fields as text, its factors in the source's words, its source."""
    box = st.container(border=True, key="exp_study")
    box.subheader(t("experiences_page.details"))
    place = ", ".join(names.get(c, c) for c in list_field(study["economies"]))
    city = str(study["city_or_region"])
    box.text(f"{study['case_id']} · {place}" + (f" · {city}" if city else ""))
    for code in caveats(study):
        box.warning(t(f"experiences_page.caveat.{code}"), icon=":material/info:")
    facts = pd.DataFrame(
        {
            t("experiences_page.field"): [
                t("experiences_page.col.sectors"), t("experiences_page.col.technology"),
                t("experiences_page.col.year"), t("experiences_page.col.stage"),
                t("experiences_page.stage_detail"),
            ],
            t("experiences_page.value"): [
                ", ".join(_label(c, SECTORS, sector_label, lang)
                          for c in list_field(study["sectors"])),
                str(study["technology"]), str(study["year"]),
                _label(str(study["stage"]), STAGES, stage_label, lang), str(study["stage_detail"]),
            ],
        }
    )  # fmt: skip
    box.dataframe(facts, hide_index=True, width="stretch")
    box.markdown(f"**{t('experiences_page.summary')}**")
    box.text(str(study["summary"]))
    box.markdown(f"**{t('experiences_page.outcomes')}**")
    box.text(str(study["outcomes"]) or t("experiences_page.no_outcomes"))
    box.markdown(f"**{t('experiences_page.factors_title')}**")
    coding = factors[factors["case_id"] == study["case_id"]]
    if coding.empty:
        box.text(t("experiences_page.no_factors"))
    else:
        box.dataframe(factor_table(coding, lang), hide_index=True, width="stretch")
    box.markdown(f"**{t('experiences_page.source')}**")
    cited = ("source_title", "source_publisher", "source_year", "source_type")
    box.text(" · ".join(str(study[c]) for c in cited if str(study[c])))
    links = web_links(study["source_url"])
    for url in links:
        box.link_button(t("experiences_page.open_source"), url, icon=":material/open_in_new:")
        box.text(url)
    if not links:
        box.text(t("experiences_page.no_link"))


__all__ = [
    "caveats",
    "count_line",
    "details",
    "factor_table",
    "show",
    "study_table",
    "web_link",
    "web_links",
]
