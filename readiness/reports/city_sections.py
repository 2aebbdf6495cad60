"""The tables of a city report, as text cells in the report's language (readiness.reports.city).

Each builder returns the frame it prints with stable column keys (`labelled` gives them their
`city_report.col.*` labels), so the drafted sentences read their figures from the cells exactly
as the tables print them (docs/REPORTS.md, "Drafted text"). Numbers are written the English way
here; the report's language writes them at the end (`readiness.reports.localise`), as in the
other reports.
A missing value is never 0: it is "not reported" or "no value".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from readiness.cities.kpis import (
    VERIFICATION_LEVELS,
    class_label,
    data_point_label,
    kpi_name,
    level_name,
    load_kpis,
    unit_label,
    verification_label,
)
from readiness.cities.national import MATCHES, NationalContext
from readiness.cities.scoring import CityScore
from readiness.i18n import has, translate
from readiness.reports.drafting import join_sentences
from readiness.reports.model import Table, format_rank, format_score, format_value, is_missing

PREFIX = "city_report"


def t(lang: str, key: str, **values: object) -> str:
    """A phrase of the report (`city_report.<key>`) in the language, filled as given."""
    return translate(lang, f"{PREFIX}.{key}", **values)


def city_number(x: object) -> str:
    """A city's value or target as entered: up to 4 decimals, none added, thousands grouped
    ("95,424", "84.51", "0"); never rounded to fewer digits than the city gave."""
    if is_missing(x):
        return ""
    v = float(x)  # type: ignore[arg-type]
    if v != 0 and abs(v) < 0.001:
        return f"{v:.3g}"
    text = f"{v:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def year_text(x: object) -> str:
    return "" if is_missing(x) else str(int(float(x)))  # type: ignore[arg-type]


def of_text(lang: str, n: object, total: object) -> str:
    """A count of a total, "13 of 91", in the language."""
    return t(lang, "text.of", n=n, total=total)


def rank_text(lang: str, rank: object, of: object) -> str:
    """A rank of N, "24 of 171", as the profile writes it."""
    return translate(lang, "profile.rank_of", rank=rank, of=of)


def separator(lang: str) -> str:
    """What the language puts between items that may hold commas ("; ", "؛ ", "；")."""
    return translate(lang, "report_text.body.list_separator")


def labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame with its column keys replaced by their labels (`city_report.col.*`)."""
    return frame.rename(columns=lambda c: t(lang, f"col.{c}"))


@dataclass
class Refs:
    """Short tags ("S1", "T1") that tie a table cell to its entry in the sources list."""

    sources: dict[str, str] = field(default_factory=dict)  # city source text -> S1
    targets: dict[tuple[str, str, str], str] = field(default_factory=dict)  # kind, text, url
    source_counts: dict[str, int] = field(default_factory=dict)

    def source(self, text: str) -> str:
        text = " ".join(str(text or "").split())
        if not text:
            return ""
        if text not in self.sources:
            self.sources[text] = f"S{len(self.sources) + 1}"
        self.source_counts[text] = self.source_counts.get(text, 0) + 1
        return self.sources[text]

    def target(self, kind: str, text: str, url: str) -> str:
        key = (kind, " ".join(str(text or "").split()), str(url or ""))
        if key not in self.targets:
            self.targets[key] = f"T{len(self.targets) + 1}"
        return self.targets[key]


# --- completeness and scores ----------------------------------------------------------------
def completeness_frame(score: CityScore, lang: str) -> pd.DataFrame:
    """KPIs, reported and scored per class (core, advanced, the unresolved Wi-Fi KPI) and all."""
    done = score.completeness()
    rows = [("class", cls, class_label(str(cls), lang), r) for cls, r in done.iterrows()]
    rows.append(("all", "all", t(lang, "row.all"), done.sum()))
    return pd.DataFrame(
        [
            {
                "key": key,
                "class": label,
                "kpis": str(int(r["kpis"])),
                "reported": str(int(r["reported"])),
                "scored": str(int(r["scored"])),
            }
            for _, key, label, r in rows
        ]
    )


def _score_cell(score: object, lang: str) -> str:
    return t(lang, "text.not_scored") if is_missing(score) else format_score(score)


def level_frame(score: CityScore, level: str, lang: str) -> pd.DataFrame:
    """Scores (%) of the dimensions or sub-dimensions, with the KPIs reported (core, advanced)
    and scored beside each; "not scored" where no KPI of the level has a target."""
    table = score.dimensions if level == "dimension" else score.sub_dimensions
    rows = []
    for r in table.to_dict("records"):
        row = {"dimension": level_name("dimension", str(r["dimension"]), lang)}
        if level == "sub_dimension":
            row["sub_dimension"] = level_name("sub_dimension", str(r["sub_dimension"]), lang)
        row |= {
            "score": _score_cell(r["score"], lang),
            "kpis": str(int(r["kpis"])),
            "reported": str(int(r["reported"])),
            "reported_core": str(int(r["reported_core"])),
            "reported_advanced": str(int(r["reported_advanced"])),
            "scored": str(int(r["scored"])),
        }
        rows.append(row)
    return pd.DataFrame(rows)


# --- the KPI tables ---------------------------------------------------------------------------
def _quality(code: str, lang: str) -> str:
    code = str(code or "").strip()
    if not code:
        return t(lang, "text.quality_not_stated")
    key = f"u4ssc.data_quality.{code}"
    return translate(lang, key) if has(key) else code


def _target_cells(r: Mapping[Any, Any], refs: Refs, lang: str) -> tuple[str, str]:
    """The target (a ceiling marked <=) and where it comes from, with its tag in the sources."""
    if is_missing(r["target"]):
        return "", ""
    kind = str(r["target_source"])
    tag = refs.target(kind, str(r["target_reference"]), str(r["target_url"]))
    sign = "\u2264 " if r["direction"] == "lower" else ""
    source = translate(lang, f"u4ssc.target_source.{kind}") if kind else ""
    return sign + city_number(r["target"]), f"{source} [{tag}]".strip()


def _band(r: Mapping[Any, Any], lang: str) -> str:
    if not is_missing(r["band"]):
        return str(int(r["band"]))
    reason = str(r["reason"] or "no_target")
    return translate(lang, f"u4ssc.reason.{reason}")


def kpi_frames(score: CityScore, refs: Refs, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """Per dimension (U4SSC order), its reported KPIs and data points as text rows."""
    levels = dict(zip(load_kpis()["code"], load_kpis()["verification_level"], strict=True))
    reported = score.kpis[score.kpis["value"].notna()]
    out = []
    for dimension, part in reported.groupby("dimension", sort=False):
        rows = []
        for r in part.to_dict("records"):
            target, target_source = _target_cells(r, refs, lang)
            rows.append(
                {
                    "kpi": f"{kpi_name(str(r['code']), lang)}\n{r['code']}",  # code, own line
                    "data_point": data_point_label(str(r["data_point"]), lang),
                    "value": city_number(r["value"]),
                    "unit": unit_label(str(r["unit"]), lang),
                    "year": year_text(r["year"]),
                    "target": target,
                    "target_source": target_source,
                    "band": _band(r, lang),
                    "data_quality": _quality(str(r["data_quality"]), lang),
                    "verification": t(lang, f"verification.{levels[str(r['code'])]}"),
                    "source": refs.source(str(r["source"])),
                }
            )
        frame = pd.DataFrame(rows)
        if not (frame["data_point"] != "").any():
            frame = frame.drop(columns="data_point")
        out.append((level_name("dimension", str(dimension), lang), frame))
    return out


def verification_note(lang: str) -> str:
    """What each short verification label means (the KPI list's own statement)."""
    parts = [
        translate(
            lang,
            "report_layout.writer.labelled",
            head=t(lang, f"verification.{level}"),
            tail=verification_label(level, lang),
        )
        for level in VERIFICATION_LEVELS
    ]
    return t(lang, "text.verification_note", legend=separator(lang).join(parts))


def missing_frame(score: CityScore, lang: str) -> pd.DataFrame:
    """The KPIs with no value at all: missing, never 0."""
    kpis = score.per_kpi()
    rows = [
        {
            "dimension": level_name("dimension", str(r["dimension"]), lang),
            "code": str(r["code"]),
            "kpi": kpi_name(str(r["code"]), lang),
            "class": class_label(str(r["core_advanced"]), lang),
        }
        for r in kpis[~kpis["reported"]].to_dict("records")
    ]
    return pd.DataFrame(rows, columns=["dimension", "code", "kpi", "class"])


# --- national context -------------------------------------------------------------------------
def national_scores_frame(nat: NationalContext, lang: str, book: Mapping[str, str]) -> pd.DataFrame:
    """The country's readiness index, rank of N, tier and IoT pillar for the year."""
    scored = not math.isnan(nat.index)
    tier = book.get(nat.tier, nat.tier) if scored and nat.tier else ""
    rows = [
        ("index", t(lang, "row.index"), _score_cell(nat.index, lang)),
        ("rank", t(lang, "row.rank"), rank_text(lang, format_rank(nat.rank), nat.ranked)
         if scored and not is_missing(nat.rank) else t(lang, "text.not_scored")),
        ("tier", t(lang, "row.tier"), tier or t(lang, "text.not_scored")),
        ("iot", t(lang, "row.iot"), _score_cell(nat.iot, lang)),
    ]  # fmt: skip
    return pd.DataFrame([{"key": k, "measure": label, "value": value} for k, label, value in rows])


def _national_note(row: Mapping[Any, Any], kpi_unit: str, lang: str) -> str:
    note = t(lang, f"national_note.{row['indicator']}")
    if not row["same_unit"]:
        return join_sentences(lang, [note, t(lang, "text.different_unit")])
    match = next(m for m in MATCHES if m.indicator == row["indicator"])
    if match.scale != 1 and not is_missing(row["value_in_kpi_unit"]):
        more = t(lang, "text.in_kpi_unit", value=format_value(row["value_in_kpi_unit"]),
                 unit=kpi_unit)  # fmt: skip
        return join_sentences(lang, [note, more])
    return note


def national_indicator_frame(
    nat: NationalContext, score: CityScore | None, lang: str, book: Mapping[str, str],
    source_names: Mapping[str, str],
) -> pd.DataFrame:  # fmt: skip
    """Each national indicator that matches a city KPI beside the city's value: values, years,
    units, source and how they differ. No ratio is drawn, least of all across units."""
    kpis = score.kpis if score is not None else None
    units = dict(zip(load_kpis()["code"], load_kpis()["unit"], strict=True))
    rows = []
    for r in nat.indicators.to_dict("records"):
        code, point = str(r["kpi_code"]), str(r["data_point"])
        city = None
        if kpis is not None:
            hit = kpis[(kpis["code"] == code) & (kpis["data_point"] == point)]
            city = hit.iloc[0] if len(hit) and not is_missing(hit.iloc[0]["value"]) else None
        name = kpi_name(code, lang)
        if point:
            name = translate(lang, "report_layout.writer.labelled", head=name,
                             tail=data_point_label(point, lang))  # fmt: skip
        kpi_unit = unit_label(units.get(code, ""), lang)
        has_value = not is_missing(r["value"])
        indicator = f"term.indicator.{r['indicator']}.name"
        estimate = t(lang, "text.estimate") if has_value and bool(r["estimate"]) else ""
        rows.append(
            {
                "kpi": name,
                "kpi_unit": kpi_unit,
                "city_value": city_number(city["value"]) if city is not None
                else translate(lang, "u4ssc.reason.not_reported"),
                "city_year": year_text(city["year"]) if city is not None else "",
                "national_indicator": translate(lang, indicator) if has(indicator)
                else str(r["indicator_name"]),
                "national_value": (format_value(r["value"]) + estimate) if has_value
                else t(lang, "text.no_value"),
                "national_unit": book.get(str(r["unit"]), str(r["unit"])),
                "national_year": year_text(r["year"]),
                "source": source_names.get(str(r["source"]), str(r["source"])),
                "note": _national_note(r, kpi_unit, lang),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def national_tables(
    nat: NationalContext, score: CityScore | None, lang: str, book: Mapping[str, str],
    source_names: Mapping[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[Table, ...]]:  # fmt: skip
    """The national frames (as read by the summary) and the tables the report prints."""
    country = book.get(nat.name, nat.name)
    scores = national_scores_frame(nat, lang, book)
    indicators = national_indicator_frame(nat, score, lang, book, source_names)
    tables = (
        Table(t(lang, "table.national_scores", country=country, year=nat.year),
              labelled(scores.drop(columns="key"), lang)),
        Table(t(lang, "table.national_indicators", country=country, year=nat.year),
              labelled(indicators, lang), t(lang, "text.national_table_note")),
    )  # fmt: skip
    return scores, indicators, tables
