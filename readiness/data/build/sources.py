"""Readers for each raw source, each returning tidy rows: code, year, value, estimate.

`code` is the source's own economy code or name; harmonisation to ISO3 happens in one place
(`readiness.data.build.snapshot`). Every reader keys on series codes, never on unit labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

TIDY = ["code", "series", "year", "value", "estimate"]

# ITU codes that differ from the World Bank's: Kosovo and Guernsey+Jersey (= WB Channel Islands).
ITU_CODE_FIXES = {"KSO": "XKX", "GBJ": "CHI"}
_ESTIMATE = re.compile(r"\bestimat", re.IGNORECASE)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[TIDY].copy()
    out["year"] = out["year"].astype(int)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    out["estimate"] = out["estimate"].astype(bool)
    return out.dropna(subset=["value"])


def read_wdi(raw: Path, series: list[str]) -> pd.DataFrame:
    """WDI long files `Country Name,Country Code,Year,Value`, one folder per series."""
    frames = []
    for code in series:
        path = raw / "wdi" / code.lower() / "data.csv"
        df = pd.read_csv(path, dtype={"Country Code": str}, encoding="utf-8")
        frames.append(
            pd.DataFrame(
                {
                    "code": df["Country Code"],
                    "series": code,
                    "year": df["Year"],
                    "value": df["Value"],
                    "estimate": False,
                }
            )
        )
    return _tidy(pd.concat(frames, ignore_index=True))


def read_itu_datahub(raw: Path, series: list[str]) -> pd.DataFrame:
    """ITU DataHub exports; the estimate flag comes from dataSource/dataNote ("ITU estimate")."""
    frames = []
    for path in sorted((raw / "itu_datahub").glob("*.csv")):
        df = pd.read_csv(path, encoding="utf-8-sig", dtype={"entityIso": str, "seriesCode": str})
        frames.append(df[df["seriesCode"].isin(series)])
    df = pd.concat(frames, ignore_index=True)
    note = df["dataSource"].fillna("") + " " + df["dataNote"].fillna("")
    out = pd.DataFrame(
        {
            "code": df["entityIso"].replace(ITU_CODE_FIXES),
            "series": df["seriesCode"],
            "year": df["dataYear"],
            "value": df["dataValue"],
            "estimate": note.str.contains(_ESTIMATE),
        }
    )
    # A price basket of 0% of GNI is ITU's mark for "no plan offered" (35 fixed-broadband rows of
    # 2022, e.g. Burundi, Eritrea), never a free plan: it is missing, not an affordable price.
    price = out["series"].str.endswith("_GNI") & (pd.to_numeric(out["value"], errors="coerce") == 0)
    return _tidy(out[~price])


def read_itu_idi(raw: Path, series: list[str]) -> pd.DataFrame:
    """IDI 2024 (latin-1, two blank ISO3 codes patched by name); `idi` gives 2024 and 2023."""
    df = read_idi_table(raw)
    rows = [
        pd.DataFrame({"code": df["iso3"], "series": "idi", "year": 2024, "value": df["idi_score"]}),
        pd.DataFrame({"code": df["iso3"], "series": "idi", "year": 2023, "value": df["idi_2023"]}),
    ]
    out = pd.concat(rows, ignore_index=True)
    out["estimate"] = False
    return _tidy(out[out["series"].isin(series)])


# The file's two non-ASCII names are mangled (U+FFFD saved as latin-1), so match around them.
_IDI_BLANK_ISO3 = {r"^C.{0,4}te d.Ivoire$": "CIV", r"^T.{0,4}rkiye$": "TUR"}


def read_idi_table(raw: Path) -> pd.DataFrame:
    """The IDI 2024 table with every ISO3 filled; fails if a blank code cannot be patched."""
    df = pd.read_csv(raw / "itu_idi_gci" / "itu_idi_2024.csv", encoding="latin-1", dtype=str)
    for pattern, iso3 in _IDI_BLANK_ISO3.items():
        hit = df["iso3"].isna() & df["economy_name"].str.contains(pattern, regex=True)
        df.loc[hit, "iso3"] = iso3
    blank = df.loc[df["iso3"].isna(), "economy_name"].tolist()
    if blank:
        raise ValueError(f"IDI 2024 rows without ISO3 that the build cannot patch: {blank}")
    for col in ("idi_score", "idi_2023"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


_GCI_2020 = {
    "gci_overall": "gci_overall",
    "gci_legal_measures": "legal",
    "gci_technical_measures": "technical",
    "gci_organisational_measures": "organizational",
    "gci_capacity_development": "capacity",
    "gci_cooperative_measures": "cooperation",
}


def read_itu_gci(raw: Path, series: list[str]) -> pd.DataFrame:
    """GCI overall 2020/2024 from Data360; pillars 2024 (Data360) and 2020 (from the ITU PDF)."""
    folder = raw / "itu_idi_gci"
    overall = pd.read_csv(folder / "itu_gci_overall_2020_2024_data360.csv", dtype=str)
    overall = overall[overall["INDICATOR"] == "ITU_GCI_GCI_OVRL_SCRE"]
    parts = [
        pd.DataFrame(
            {
                "code": overall["REF_AREA"],
                "series": "gci_overall",
                "year": overall["TIME_PERIOD"],
                "value": overall["OBS_VALUE"],
            }
        )
    ]
    p24 = pd.read_csv(folder / "itu_gci_2024_pillars_data360.csv", dtype={"iso3": str})
    for col in ("legal", "technical", "organizational", "capacity", "cooperation"):
        parts.append(
            pd.DataFrame({"code": p24["iso3"], "series": col, "year": 2024, "value": p24[col]})
        )
    p20 = pd.read_csv(folder / "itu_gci_2020_pillars_blavatnik.csv", encoding="utf-8-sig")
    unknown = set(p20["variable"]) - set(_GCI_2020)
    if unknown:
        raise ValueError(f"GCI 2020 file has variables the build does not know: {sorted(unknown)}")
    p20 = p20[p20["variable"] != "gci_overall"]  # the overall score comes from Data360
    parts.append(
        pd.DataFrame(
            {
                "code": p20["cc_iso3c"],
                "series": p20["variable"].map(_GCI_2020),
                "year": p20["ref_year"],
                "value": p20["value"],
            }
        )
    )
    out = pd.concat(parts, ignore_index=True)
    out["estimate"] = False
    return _tidy(out[out["series"].isin(series)])


_EGDI_OLD = {"e-gov-index": "egdi", "e-pat-index": "epi", "osi": "osi", "hci": "hci", "tii": "tii"}
_EGDI_2022 = {
    "E-Government Index": "egdi",
    "E-Participation Index": "epi",
    "Online Service Index": "osi",
    "Human Capital Index": "hci",
    "Telecommunication Infrastructure Index": "tii",
}
_EGDI_2024 = {
    "E_Index": "egdi",
    "E_Participation": "epi",
    "Online_Service": "osi",
    "Human_Capital": "hci",
    "Tele_Infra": "tii",
}


def read_un_egdi(raw: Path, series: list[str]) -> pd.DataFrame:
    """EGDI: ISO3-keyed files 2010-2018; name-keyed files 2022, 2024 and any later survey saved
    as `EGOV_DATA_<year>.csv` in the UN DESA Data Center's layout (code = the name)."""
    folder = raw / "egdi"
    parts = []
    for year in (2010, 2012, 2014, 2016, 2018):
        df = pd.read_csv(folder / f"egdi_{year}_unu-egov.csv", dtype={"country-code": str})
        for col, ser in _EGDI_OLD.items():
            parts.append(
                pd.DataFrame(
                    {"code": df["country-code"], "series": ser, "year": year, "value": df[col]}
                )
            )
    later = [  # surveys after 2024 in the Data Center's own layout (readiness refresh --from)
        (path.name, "Country Name", _EGDI_2022)
        for path in sorted(folder.glob("EGOV_DATA_*.csv"))
        if (m := re.fullmatch(r"EGOV_DATA_(\d{4})\.csv", path.name)) and int(m.group(1)) > 2024
    ]
    for file, name_col, columns in (
        ("EGOV_DATA_2022.csv", "Country Name", _EGDI_2022),
        ("EGOV_DATA_2024_modified-headers.csv", "Country", _EGDI_2024),
        *later,
    ):
        df = pd.read_csv(folder / file, dtype={name_col: str}, encoding="utf-8")
        for col, ser in columns.items():
            parts.append(
                pd.DataFrame(
                    {
                        "code": "name:" + df[name_col].str.strip(),
                        "series": ser,
                        "year": df["Survey Year"],
                        "value": df[col],
                    }
                )
            )
    out = pd.concat(parts, ignore_index=True)
    out["estimate"] = False
    return _tidy(out[out["series"].isin(series)])


def read_odin(raw: Path, series: list[str]) -> pd.DataFrame:
    """ODIN 2022/23 (latin-1): the 'All Categories' overall score; licence footer rows dropped."""
    df = pd.read_csv(raw / "open_data_govtech" / "ODIN_2022_23_raw.csv", encoding="latin-1")
    df = df[pd.to_numeric(df["Year"], errors="coerce").notna()]
    df = df[df["Data categories"] == "All Categories"]
    score = "Overall score" if "Overall score" in df else "Overall"
    out = pd.DataFrame(
        {
            "code": df["Country Code"],
            "series": "overall",
            "year": pd.to_numeric(df["Year"]),
            "value": df[score],
            "estimate": False,
        }
    )
    return _tidy(out[out["series"].isin(series)])


def read_wb_gtmi(raw: Path, series: list[str]) -> pd.DataFrame:
    """GovTech Maturity Index 2022, indicator level, long format."""
    df = pd.read_csv(raw / "open_data_govtech" / "gtmi_2022_long.csv", encoding="utf-8-sig")
    df = df[df["variable"].isin(series)]
    out = pd.DataFrame(
        {
            "code": df["cc_iso3c"],
            "series": df["variable"],
            "year": df["ref_year"],
            "value": df["value"],
            "estimate": False,
        }
    )
    return _tidy(out)


READERS: dict[str, Callable[[Path, list[str]], pd.DataFrame]] = {
    "WDI": read_wdi,
    "ITU_DATAHUB": read_itu_datahub,
    "ITU_IDI": read_itu_idi,
    "ITU_GCI": read_itu_gci,
    "UN_EGDI": read_un_egdi,
    "ODIN": read_odin,
    "WB_GTMI": read_wb_gtmi,
}
