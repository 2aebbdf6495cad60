"""The country master: one row per economy, with codes, names, groups and population."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from babel import Locale

from readiness.data.build.sources import read_idi_table
from readiness.paths import MANUAL_DIR

ITU_REGION_NAMES = {
    "AFR": "Africa",
    "AMS": "Americas",
    "ARB": "Arab States",
    "ASP": "Asia-Pacific",
    "CIS": "CIS",
    "EUR": "Europe",
}
INCOME_CODES = {
    "L": "Low income",
    "LM": "Lower middle income",
    "UM": "Upper middle income",
    "H": "High income",
}
_LANG_COLUMNS = {
    "en": ("UNTERM English Short", "official_name_en"),
    "fr": ("UNTERM French Short", "official_name_fr"),
    "es": ("UNTERM Spanish Short", "official_name_es"),
    "ru": ("UNTERM Russian Short", "official_name_ru"),
    "zh": ("UNTERM Chinese Short", "official_name_cn"),
    "ar": ("UNTERM Arabic Short", "official_name_ar"),
}

# UNTERM short names end with the article in brackets: "Republic of Korea (the)", "Bhoutan (le)".
_ARTICLE = r"\s*\((the|le|la|l'|l’|les|el|los|las)\)$"
# Economies UNTERM does not name are named from CLDR (through Babel, pinned in requirements.txt)
# by their ISO alpha-2 code, or by CLDR's code where ISO has none: XK for Kosovo, as the World
# Bank uses. CLDR has no region for the Channel Islands: data/manual/country_names.csv names it.
_CLDR_REGION = {"XKX": "XK"}

COLUMNS = [
    "iso3", "m49", "name_en", "name_fr", "name_es", "name_ru", "name_zh", "name_ar", "name_wb",
    "un_member", "m49_region", "m49_subregion", "itu_region", "wb_region", "income_group",
    "lending_category", "ldc", "lldc", "sids", "sids_status", "transition",
    "developing_2020", "population", "population_year",
]  # fmt: skip


def wb_class_path(raw: Path) -> Path:
    """The newest World Bank CLASS workbook in classifications/ (`WB_CLASS_FY<year>.xlsx`)."""
    found = [
        (int(match.group(1)), path)
        for path in (raw / "classifications").glob("WB_CLASS_FY*.xlsx")
        if (match := re.fullmatch(r"WB_CLASS_FY(\d{4})\.xlsx", path.name))
    ]
    return max(found)[1] if found else raw / "classifications" / "WB_CLASS_FY2026.xlsx"


def read_wb_class(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """World Bank CLASS (the newest fiscal year's workbook in the raw set, FY2026 in the committed
    one): the 218 economies, and group composition (incl. the UN LDC list)."""
    path = wb_class_path(raw)
    economies = pd.read_excel(path, sheet_name="List of economies", dtype=str)
    economies = economies[economies["Region"].notna()].copy()
    composition = pd.read_excel(path, sheet_name="composition", dtype=str)
    return economies, composition


def read_income_history(raw: Path, economies: set[str]) -> pd.DataFrame:
    """OGHIST: the income group based on each calendar year's GNI (row 'Data for calendar year')."""
    sheet = pd.read_excel(
        raw / "classifications" / "WB_OGHIST.xlsx",
        sheet_name="Country Analytical History",
        header=None,
        dtype=str,
    )
    year_row = sheet.index[sheet[1].astype(str).str.startswith("Data for calendar year")][0]
    years = pd.to_numeric(sheet.loc[year_row, 2:], errors="coerce")
    body = sheet[sheet[0].isin(economies)]
    long = body.melt(id_vars=[0], value_vars=list(years.index), var_name="col", value_name="g")
    long["year"] = long["col"].map(years)
    long["income_group"] = long["g"].str.strip().str.rstrip("*").map(INCOME_CODES)
    out = long.dropna(subset=["year", "income_group"]).rename(columns={0: "iso3"})
    out["year"] = out["year"].astype(int)
    return (
        out[["iso3", "year", "income_group"]].sort_values(["iso3", "year"]).reset_index(drop=True)
    )


def build_countries(raw: Path, un_members: set[str], population: pd.DataFrame) -> pd.DataFrame:
    """Join codes, names, UN/ITU/World Bank groups and the latest population into one table."""
    codes = pd.read_csv(
        raw / "classifications" / "country-codes.csv", dtype=str, keep_default_na=False
    ).replace("", np.nan)
    codes = codes[codes["ISO3166-1-Alpha-3"].notna()].set_index("ISO3166-1-Alpha-3")
    legacy = pd.read_csv(
        raw / "classifications" / "country-codes_2020-10-15_with_developed-developing.csv",
        dtype=str,
        keep_default_na=False,
    ).replace("", np.nan)
    legacy = legacy.dropna(subset=["ISO3166-1-Alpha-3"]).set_index("ISO3166-1-Alpha-3")
    economies, composition = read_wb_class(raw)
    wb = economies.set_index("Code")

    universe = sorted(set(wb.index) | un_members)
    out = pd.DataFrame({"iso3": universe}).set_index("iso3", drop=False)
    out["m49"] = codes["M49"].reindex(universe).map(lambda v: f"{int(v):03d}", na_action="ignore")
    out["name_wb"] = wb["Economy"].reindex(universe)
    for lang, (unterm, official) in _LANG_COLUMNS.items():
        names = codes[unterm].str.replace(_ARTICLE, "", regex=True).reindex(universe)
        if lang == "en":  # the World Bank's English names beat ISO's for the few UNTERM lacks
            names = names.fillna(out["name_wb"])
        names = names.fillna(codes[official].reindex(universe))
        names = names.fillna(_cldr_names(lang, codes["ISO3166-1-Alpha-2"].reindex(universe)))
        out[f"name_{lang}"] = names.fillna(_manual_names(lang).reindex(universe)).str.strip()
    _check_names(out)
    out["un_member"] = out["iso3"].isin(un_members)
    out["m49_region"] = codes["Region Name"].reindex(universe)
    out["m49_subregion"] = codes["Sub-region Name"].reindex(universe)
    out["itu_region"] = _itu_regions(raw).reindex(universe)
    out["wb_region"] = wb["Region"].reindex(universe)
    out["income_group"] = wb["Income group"].reindex(universe)
    out["lending_category"] = wb["Lending category"].reindex(universe)
    ldc = set(composition.loc[composition["WB_Group_Code"] == "LDC", "WB_Country_Code"])
    out["ldc"] = out["iso3"].isin(ldc)
    out["lldc"] = codes["Land Locked Developing Countries (LLDC)"].reindex(universe).eq("x")
    out["sids"] = codes["Small Island Developing States (SIDS)"].reindex(universe).eq("x")
    status = out["un_member"].map({True: "UN member", False: "associate member"})
    out["sids_status"] = status.where(out["sids"])
    transition = pd.read_csv(MANUAL_DIR / "transition_economies.csv", dtype=str)
    out["transition"] = out["iso3"].isin(set(transition["iso3"]))
    dev = legacy["Developed / Developing Countries"].reindex(universe)
    out["developing_2020"] = dev.map({"Developing": True, "Developed": False})
    latest = population.sort_values("year").groupby("code").last()
    out["population"] = latest["value"].reindex(universe)
    out["population_year"] = latest["year"].reindex(universe).astype("Int64")
    return out[COLUMNS].reset_index(drop=True)


def _cldr_names(lang: str, alpha2: pd.Series) -> pd.Series:
    """CLDR's name of each economy's region in the language; missing where CLDR has none."""
    territories = Locale.parse(lang).territories
    regions = alpha2.fillna(pd.Series(_CLDR_REGION)).reindex(alpha2.index)
    return regions.map(lambda code: territories.get(code) if isinstance(code, str) else None)


def _manual_names(lang: str) -> pd.Series:
    names = pd.read_csv(MANUAL_DIR / "country_names.csv", dtype=str)
    return names[names["lang"] == lang].set_index("iso3")["name"]


def _check_names(out: pd.DataFrame) -> None:
    missing = [
        f"{iso3} ({lang})"
        for lang in _LANG_COLUMNS
        for iso3 in out.loc[out[f"name_{lang}"].fillna("").eq(""), "iso3"]
    ]
    if missing:
        raise ValueError(
            f"no name for {', '.join(missing)}: add a row to data/manual/country_names.csv"
        )


def _itu_regions(raw: Path) -> pd.Series:
    idi = read_idi_table(raw)
    regions = idi.set_index("iso3")["region"].map(ITU_REGION_NAMES)
    manual = pd.read_csv(MANUAL_DIR / "itu_d_regions.csv", dtype=str).set_index("iso3")
    clash = sorted(set(regions.index) & set(manual.index))
    if clash:
        raise ValueError(f"data/manual/itu_d_regions.csv repeats economies the IDI has: {clash}")
    return pd.concat([regions, manual["itu_region"]]).sort_index()
