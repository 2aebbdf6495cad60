"""Readers for the IoT and data-infrastructure sources: two-letter codes to ISO3, counts, dates.

Each reader returns tidy rows (code = ISO3, series, year, value, estimate) like the readers in
`sources.py`. How each source dates its values (the rule is in docs/METHOD.md):
- stocks from registries and directories are dated by the year whose end they record: a snapshot
  of 31 December, or of the first days of January, stands for the year just ended; snapshots taken
  during 2026, a year not closed in the other sources, are left for the refresh;
- a one-off snapshot (PeeringDB 2024-10-24, cables late 2022, cloud regions 2024) is dated by its
  year; Band Atlas's IoT list by its source, the GSMA map of November 2025.
Flags (low-sample IPv6 values, partial years, not applicable) come from `flags`; their details
are codes and numbers, never English words, so that `readiness.i18n.flag_text` can say them in
any language.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from readiness.paths import MANUAL_DIR

TIDY = ["code", "series", "year", "value", "estimate"]
FLAG_COLUMNS = ["iso3", "indicator", "year", "flag", "detail"]
# APNIC: below this many samples (in either scrape) a value is noisy (SOURCES.md; Russia).
LOW_SAMPLE = 1000
# APNIC: a later scrape differing by more than this many points is noted beside the value.
LATER_SCRAPE_CHANGE = 10.0
# Ookla: economy-years with fewer thousand tests than this are left out.
MIN_K_TESTS = 1.0
OOKLA_PARTIAL_YEAR = 2024
# Registry and directory snapshots used, by date -> the year whose end they record.
RIR_IP_SNAPSHOTS = {
    "2021-12-31": 2021, "2022-12-31": 2022, "2023-12-31": 2023, "2024-12-31": 2024,
    "2025-12-31": 2025,
}  # fmt: skip
RIR_ASN_YEAR = 2023  # the RIR files of 2024-01-04/05 record the stock at the end of 2023
PCH_SNAPSHOTS = {"2023-12-31": 2023, "2024-12-31": 2024, "2025-12-31": 2025}
PEERINGDB_YEAR = 2024  # 2024-10-24
BAND_ATLAS_YEAR = 2025  # GSMA Mobile IoT commercial launches map, November 2025
CABLES_YEAR = 2022  # the last CC-licensed map, late 2022
CLOUD_YEAR = 2024  # provider lists of about 2024 (official AWS/Azure lists: December 2024)
APNIC_FILE = "apnic_ipv6_capable_20251209.csv"
APNIC_YEAR = 2025
APNIC_LATER_FILE = "apnic_ipv6_capable_commit804e0a7.csv"
# Hong Kong and Macao landings are filed under China in the cable data; moved by name.
HONG_KONG_LANDINGS = (
    "Cape D", "Chung Hom Kok", "Deep Water Bay", "Lantau Island", "Tong Fuk", "Tseung Kwan O",
)  # fmt: skip
MACAO_LANDINGS = ("Taipa",)
# Codes the master names differently: Kosovo; Guernsey and Jersey are the WB's Channel Islands.
ISO2_FIXES = {"XK": "XKX", "GG": "CHI", "JE": "CHI"}
# Economies without an ISO 3166-1 code: registries and directories cannot list them under their
# own code (none of the staged files has Kosovo's user-assigned XK), so an absence is unknown.
NO_ISO_CODE = frozenset({"XKX"})
# Registry pseudo-codes with no economy: EU-wide (RIPE legacy), APNIC regional, unassigned pools.
NO_ECONOMY = {"EU", "AP", "ZZ", ""}
CLOUD_PROVIDERS = ("alibaba", "aws", "azure", "gcp", "ibm", "oci")


def read_csv(path: Path) -> pd.DataFrame:
    """A raw CSV with codes kept as text: Namibia's `NA` must not become missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")


def iso2_to_iso3(raw: Path) -> dict[str, str]:
    """ISO 3166 alpha-2 -> the master's ISO3 (country-codes.csv, plus Kosovo and CHI)."""
    codes = read_csv(raw / "classifications" / "country-codes.csv")
    pairs = codes[["ISO3166-1-Alpha-2", "ISO3166-1-Alpha-3"]]
    pairs = pairs[(pairs["ISO3166-1-Alpha-2"] != "") & (pairs["ISO3166-1-Alpha-3"] != "")]
    out = dict(zip(pairs["ISO3166-1-Alpha-2"], pairs["ISO3166-1-Alpha-3"], strict=True))
    out.update(ISO2_FIXES)
    return out


def _map_iso2(series: pd.Series, raw: Path, what: str) -> pd.Series:
    mapping = iso2_to_iso3(raw)
    keep = ~series.isin(NO_ECONOMY)
    unknown = sorted(set(series[keep]) - set(mapping))
    if unknown:
        raise ValueError(f"{what}: two-letter codes not in country-codes.csv: {unknown}")
    return series[keep].map(mapping)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["estimate"] = False
    out["year"] = out["year"].astype(int)
    out["value"] = pd.to_numeric(out["value"]).astype(float)
    return out[TIDY]


def _sum_by_code(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts summed per ISO3 (Guernsey and Jersey become the Channel Islands)."""
    return frame.groupby(["code", "series", "year"], as_index=False).agg(value=("value", "sum"))


def apnic_table(raw: Path, file: str = APNIC_FILE) -> pd.DataFrame:
    """One APNIC scrape per ISO3: capability (%) and samples; CHI pools GG and JE by samples."""
    df = read_csv(raw / "apnic_ipv6" / file)
    df = df[~df["Code"].isin(NO_ECONOMY)]
    df = df.assign(
        iso3=_map_iso2(df["Code"], raw, f"apnic_ipv6/{file}"),
        pct=pd.to_numeric(df["IPv6_Capable_Pct"]),
        samples=pd.to_numeric(df["Samples"]),
    )
    df["weighted"] = df["pct"] * df["samples"]
    out = df.groupby("iso3", as_index=False)[["weighted", "samples"]].sum()
    out["pct"] = (out["weighted"] / out["samples"]).round(2)
    return out[["iso3", "pct", "samples"]]


def read_apnic(raw: Path, series: list[str]) -> pd.DataFrame:
    """IPv6-capable users (%), APNIC's scrape of 2025-12-09 (the later one is undated)."""
    t = apnic_table(raw)
    out = pd.DataFrame(
        {"code": t["iso3"], "series": "ipv6_capable", "year": APNIC_YEAR, "value": t["pct"]}
    )
    return _tidy(out[out["series"].isin(series)])


def read_rir(raw: Path, series: list[str]) -> pd.DataFrame:
    """IPv6 /48s per economy at each year end (ipverse) and AS numbers at the end of 2023."""
    folder = raw / "rir_delegated"
    ip = read_csv(folder / "rir_ip_by_country_2021-2026.csv")
    ip = ip[ip["snapshot_date"].isin(RIR_IP_SNAPSHOTS)]
    parts = [
        pd.DataFrame(
            {
                "code": _map_iso2(ip["iso2"], raw, "rir_ip"),
                "series": "ipv6_slash48s",
                "year": ip["snapshot_date"].map(RIR_IP_SNAPSHOTS),
                "value": pd.to_numeric(ip["ipv6_slash48s"]),
            }
        )
    ]
    asn = read_csv(folder / "rir_asn_by_country_20240105.csv")
    parts.append(
        pd.DataFrame(
            {
                "code": _map_iso2(asn["iso2"], raw, "rir_asn"),
                "series": "asn_count",
                "year": RIR_ASN_YEAR,
                "value": pd.to_numeric(asn["asn_count"]),
            }
        )
    )
    out = _sum_by_code(pd.concat(parts, ignore_index=True).dropna(subset=["code"]))
    return _tidy(out[out["series"].isin(series)])


def read_pch(raw: Path, series: list[str]) -> pd.DataFrame:
    """Active IXPs per economy in PCH's directory at each year end (HK, RE, GF, IM moved)."""
    df = read_csv(raw / "ixp_directories" / "ixp_counts_by_country_2023-2026.csv")
    df = df[df["snapshot_date"].isin(PCH_SNAPSHOTS)]
    out = pd.DataFrame(
        {
            "code": _map_iso2(df["iso2"], raw, "ixp_directories"),
            "series": "ixp_pch",
            "year": df["snapshot_date"].map(PCH_SNAPSHOTS),
            "value": pd.to_numeric(df["ixp_pch"]),
        }
    )
    out = _sum_by_code(out.dropna(subset=["code"]))
    return _tidy(out[out["series"].isin(series)])


def read_peeringdb(raw: Path, series: list[str]) -> pd.DataFrame:
    """Interconnection and colocation facilities per economy (counts only, 2024-10-24)."""
    df = read_csv(raw / "peeringdb" / "peeringdb_facilities_by_country_20241024.csv")
    out = pd.DataFrame(
        {
            "code": _map_iso2(df["iso2"], raw, "peeringdb"),
            "series": "facilities",
            "year": PEERINGDB_YEAR,
            "value": pd.to_numeric(df["facilities"]),
        }
    )
    out = _sum_by_code(out.dropna(subset=["code"]))
    return _tidy(out[out["series"].isin(series)])


def lpwa_levels(raw: Path) -> pd.DataFrame:
    """Per listed market: commercial LTE-M and NB-IoT operators and the level 0-2."""
    df = read_csv(raw / "band_atlas" / "iot_networks.csv")
    df = df.assign(commercial=df["status"].str.strip().eq("commercial"))
    df["iso3"] = _map_iso2(df["market"], raw, "band_atlas")
    live = df[df["commercial"]]
    counts = live.groupby(["iso3", "technology"])["operator"].nunique().unstack(fill_value=0)
    counts = counts.reindex(index=sorted(set(df["iso3"])), columns=["LTE-M", "NB-IoT"]).fillna(0)
    counts["level"] = (counts["LTE-M"] > 0).astype(int) + (counts["NB-IoT"] > 0).astype(int)
    return counts.astype(int).rename_axis("iso3").reset_index()


def read_band_atlas(raw: Path, series: list[str]) -> pd.DataFrame:
    """The LTE-M/NB-IoT level of each listed market; markets not listed get no row (unknown)."""
    t = lpwa_levels(raw)
    out = pd.DataFrame(
        {"code": t["iso3"], "series": "lpwa_level", "year": BAND_ATLAS_YEAR, "value": t["level"]}
    )
    return _tidy(out[out["series"].isin(series)])


def cable_economies(raw: Path) -> pd.DataFrame:
    """(cable_id, iso3) for every landing, Hong Kong and Macao moved from China by name."""
    lp = read_csv(raw / "submarine_cables" / "cable_landing_points.csv")
    name = lp["landing_point"]
    china = lp["iso3"].eq("CHN")
    lp.loc[china & name.str.startswith(HONG_KONG_LANDINGS), "iso3"] = "HKG"
    lp.loc[china & name.str.startswith(MACAO_LANDINGS), "iso3"] = "MAC"
    return lp.loc[lp["iso3"] != "", ["cable_id", "iso3"]].drop_duplicates()


def read_cables(raw: Path, series: list[str]) -> pd.DataFrame:
    """Distinct in-service cables landing per economy (late 2022)."""
    cables = read_csv(raw / "submarine_cables" / "cables.csv")
    in_service = set(cables.loc[cables["is_planned"].str.lower() == "false", "cable_id"])
    landings = cable_economies(raw)
    landings = landings[landings["cable_id"].isin(in_service)]
    counts = landings.groupby("iso3")["cable_id"].nunique()
    out = pd.DataFrame(
        {
            "code": counts.index,
            "series": "cables_in_service",
            "year": CABLES_YEAR,
            "value": counts.to_numpy(),
        }
    )
    return _tidy(out[out["series"].isin(series)])


def ookla_table(raw: Path) -> pd.DataFrame:
    """Population-weighted mean download (Mbit/s) by ISO3, year and type, with k_tests."""
    folder = raw / "ookla_speeds"
    df = read_csv(folder / "internet_speed_summary_by_country.csv")
    names = read_csv(folder / "country_name_to_iso3.csv")
    mapping = dict(zip(names["Country"], names["iso3"], strict=True))
    df["iso3"] = df["Country"].map(mapping)
    unmapped = sorted(set(df.loc[df["iso3"].isna() | df["iso3"].eq(""), "Country"]))
    expected = {"Australian Indian Ocean Territories", "Guantanamo Bay Naval Base"}
    if set(unmapped) - expected:
        raise ValueError(f"ookla_speeds: names without ISO3: {sorted(set(unmapped) - expected)}")
    df = df[df["iso3"].notna() & df["iso3"].ne("")]
    return df.assign(
        year=df["year"].astype(int),
        value=pd.to_numeric(df["avg_d_mbps_w"]),
        k_tests=pd.to_numeric(df["k_tests"]),
    )


def read_ookla(raw: Path, series: list[str]) -> pd.DataFrame:
    """Fixed and mobile download speeds; economy-years under 1,000 tests are left out."""
    df = ookla_table(raw)
    df = df[df["k_tests"] >= MIN_K_TESTS]
    out = pd.DataFrame(
        {"code": df["iso3"], "series": df["d_type"], "year": df["year"], "value": df["value"]}
    )
    return _tidy(out[out["series"].isin(series)])


def read_cloud_regions(raw: Path, series: list[str]) -> pd.DataFrame:
    """Regions of six providers per economy: the package's counts, AWS and Azure at least as
    many as the providers' own December 2024 lists."""
    df = read_csv(raw / "cloud_regions" / "cloud_regions_by_country.csv")
    total = np.zeros(len(df))
    for provider in CLOUD_PROVIDERS:
        count = pd.to_numeric(df[f"pkg_{provider}"]).to_numpy(dtype=float)
        official = f"official_202412_{provider}"
        if official in df:
            count = np.maximum(count, pd.to_numeric(df[official]).to_numpy(dtype=float))
        total = total + count
    out = pd.DataFrame(
        {"code": df["iso3"], "series": "cloud_regions", "year": CLOUD_YEAR, "value": total}
    )
    return _tidy(out[out["series"].isin(series)])


def landlocked() -> set[str]:
    """Landlocked economies (data/manual/landlocked.csv): 'not applicable' for sea cables."""
    table = pd.read_csv(MANUAL_DIR / "landlocked.csv", dtype=str, keep_default_na=False)
    return set(table["iso3"])


def flags(raw: Path, universe: set[str]) -> pd.DataFrame:
    """Flags beside values: low-sample and much-changed IPv6 values, Ookla's partial year,
    submarine cables not applicable to landlocked economies."""
    rows: list[dict[str, object]] = []
    now = apnic_table(raw).set_index("iso3")
    later = apnic_table(raw, APNIC_LATER_FILE).set_index("iso3")
    pct_now, n_now = now["pct"].to_dict(), now["samples"].to_dict()
    pct_later, n_later = later["pct"].to_dict(), later["samples"].to_dict()
    for iso3 in now.index:
        n, pct = float(n_now[iso3]), float(pct_now[iso3])
        # Low in either scrape: Russia has 1,594 samples here and 572 in the later one.
        later_n = float(n_later.get(iso3, n))
        if min(n, later_n) < LOW_SAMPLE:
            # detail: the samples behind the value, then the later scrape's where that is low
            detail = str(int(n)) + (f";{int(later_n)}" if later_n < LOW_SAMPLE <= n else "")
            rows.append(_flag(iso3, "ipv6_capable", APNIC_YEAR, "low_sample", detail))
        if iso3 in pct_later and abs(float(pct_later[iso3]) - pct) > LATER_SCRAPE_CHANGE:
            detail = f"{float(pct_later[iso3]):.1f}"
            rows.append(_flag(iso3, "ipv6_capable", APNIC_YEAR, "later_scrape", detail))
    speeds = ookla_table(raw)
    partial = speeds[(speeds["year"] == OOKLA_PARTIAL_YEAR) & (speeds["k_tests"] >= MIN_K_TESTS)]
    for iso3, kind in zip(partial["iso3"], partial["d_type"], strict=True):
        code = {"fixed": "download_fixed", "mobile": "download_mobile"}[str(kind)]
        rows.append(_flag(str(iso3), code, OOKLA_PARTIAL_YEAR, "partial_year", "Q1_Q2"))
    for iso3 in sorted(landlocked()):
        rows.append(_flag(iso3, "submarine_cables", CABLES_YEAR, "not_applicable", "landlocked"))
    out = pd.DataFrame(rows, columns=FLAG_COLUMNS)
    out = out[out["iso3"].isin(universe)]
    return out.sort_values(["indicator", "iso3", "year", "flag"]).reset_index(drop=True)


def _flag(iso3: object, indicator: str, year: int, flag: str, detail: str) -> dict[str, object]:
    return {"iso3": iso3, "indicator": indicator, "year": year, "flag": flag, "detail": detail}


READERS = {
    "APNIC_IPV6": read_apnic,
    "RIR": read_rir,
    "PCH_IXP": read_pch,
    "PEERINGDB": read_peeringdb,
    "BAND_ATLAS": read_band_atlas,
    "CABLES": read_cables,
    "OOKLA": read_ookla,
    "CLOUD_REGIONS": read_cloud_regions,
}
