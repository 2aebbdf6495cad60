"""The IoT sources in the committed snapshot: absence, dates, codes, per-capita values and flags,
each checked against the raw files in ../shared/data/raw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness.data.build import iot

YEAR = 2025


def _values(snapshot, code: str, year: int | None = None) -> pd.Series:
    v = snapshot.indicator_values(code)
    if year is not None:
        v = v[v["year"] == year]
    return v.set_index("iso3")["value"]


def _population(snapshot, year: int) -> pd.Series:
    pop = snapshot.indicator_values("population")
    pop = pop[pop["year"] <= year].sort_values("year").groupby("iso3").last()
    return pop["value"]


def test_registry_absence_is_a_real_zero(snapshot, raw_dir):
    """RIR and PCH list every economy: an economy missing from their files has a 0, not nothing."""
    fac = iot.read_csv(raw_dir / "peeringdb" / "peeringdb_facilities_by_country_20241024.csv")
    codes = iot.iso2_to_iso3(raw_dir)
    listed = set(fac["iso2"].map(codes))
    facilities = _values(snapshot, "facilities_density", 2024)
    with_population = set(_population(snapshot, 2024).index)
    unlisted = (set(snapshot.countries["iso3"]) & with_population) - listed - iot.NO_ISO_CODE
    assert len(unlisted) > 50, "the zero rule is not exercised"
    assert (facilities.reindex(sorted(unlisted)) == 0).all()
    space = _values(snapshot, "ipv6_space", YEAR)
    # Kosovo has no ISO 3166 code for a registry to list it under: unknown, never 0
    assert "XKX" not in space.index and "XKX" not in _values(snapshot, "ixp_density").index
    # Central African Republic and Eritrea hold no IPv6 block (SOURCES.md): 0, scored as the worst
    assert space["CAF"] == 0 and space["ERI"] == 0
    ixp = _values(snapshot, "ixp_density", YEAR)
    ix = iot.read_csv(raw_dir / "ixp_directories" / "ixp_counts_by_country_2023-2026.csv")
    ix = ix[(ix["snapshot_date"] == "2025-12-31") & (ix["ixp_pch"].astype(int) > 0)]
    with_ixp = set(ix["iso2"].map(codes)) & set(ixp.index)
    assert ixp.notna().all() and set(ixp[ixp > 0].index) == with_ixp
    # Taiwan, China: no population, no ratio; Kosovo: unknown (above)
    assert len(ixp) == 216 and len(with_ixp) == 158


def test_measurements_and_listings_leave_absence_unknown(snapshot, raw_dir):
    """APNIC, Band Atlas and Ookla: an economy they do not report has no value, never 0."""
    apnic = iot.apnic_table(raw_dir)
    ipv6 = _values(snapshot, "ipv6_capable", YEAR)
    assert set(ipv6.index) == set(apnic["iso3"]) & set(snapshot.countries["iso3"])
    lpwa = _values(snapshot, "lpwa_networks", YEAR)
    assert len(lpwa) == 66 and "MWI" not in lpwa.index  # Malawi is not listed: unknown
    assert lpwa["BGD"] == 1  # Grameenphone NB-IoT, the one LDC listed
    assert lpwa["MYS"] == 0  # listed, but only "some cities": no commercial launch
    assert lpwa["USA"] == 2 and lpwa["VNM"] == 1
    ldc = set(snapshot.countries.loc[snapshot.countries["ldc"], "iso3"])
    assert set(lpwa.index) & ldc == {"BGD"}


def test_two_letter_codes_map_to_the_master(snapshot):
    ipv6 = _values(snapshot, "ipv6_capable", YEAR)
    assert ipv6["NAM"] == pytest.approx(1.82)  # Namibia's `NA` read as a code, not as missing
    assert "XKX" not in _values(snapshot, "asn_density", 2023).index  # no XK in any file
    assert ipv6["HKG"] == pytest.approx(7.29) and ipv6["MAC"] == pytest.approx(53.8)
    # Guernsey (50 samples, 0.37%) and Jersey (51, 0.37%) pool into the Channel Islands
    assert ipv6["CHI"] == pytest.approx(0.37)
    assert not snapshot.values["iso3"].isin(["GGY", "JEY", "EU", "AP"]).any()


def test_per_capita_values_are_counts_over_population(snapshot, raw_dir):
    pop = _population(snapshot, YEAR)
    ix = iot.read_csv(raw_dir / "ixp_directories" / "ixp_counts_by_country_2023-2026.csv")
    at_end = ix[(ix["iso3"] == "KEN") & (ix["snapshot_date"] == "2025-12-31")]
    kenya = int(at_end["ixp_pch"].iloc[0])
    assert kenya == 4  # KIXP Nairobi, KIXP Mombasa, LINX Nairobi, Asteroid Mombasa
    ixp = _values(snapshot, "ixp_density", YEAR)
    assert ixp["KEN"] == pytest.approx(4 / pop["KEN"] * 1e7, rel=1e-6)
    asn = iot.read_csv(raw_dir / "rir_delegated" / "rir_asn_by_country_20240105.csv")
    zaf = int(asn.loc[asn["iso3"] == "ZAF", "asn_count"].iloc[0])
    pop23 = _population(snapshot, 2023)
    assert _values(snapshot, "asn_density", 2023)["ZAF"] == pytest.approx(zaf / pop23["ZAF"] * 1e6)
    # PeeringDB is used only as counts: the snapshot holds one number per economy and year
    fac = snapshot.indicator_values("facilities_density")
    assert set(fac["year"]) == {2024} and fac["iso3"].is_unique


def test_values_are_dated_by_the_year_they_record(snapshot):
    """Year-end snapshots give their year; 2026 snapshots wait for the refresh."""
    years = {
        code: set(snapshot.indicator_values(code)["year"])
        for code in ("ipv6_space", "ixp_density", "asn_density", "ipv6_capable", "lpwa_networks")
    }
    assert years["ipv6_space"] == {2021, 2022, 2023, 2024, 2025}
    assert years["ixp_density"] == {2023, 2024, 2025}
    assert years["asn_density"] == {2023}
    assert years["ipv6_capable"] == years["lpwa_networks"] == {2025}
    assert snapshot.latest_year == 2025


def test_low_sample_ipv6_values_are_flagged_not_dropped(snapshot, raw_dir):
    flags = snapshot.flags_of("ipv6_capable")
    low = flags[flags["flag"] == "low_sample"].set_index("iso3")
    apnic = iot.apnic_table(raw_dir).set_index("iso3")
    later = iot.apnic_table(raw_dir, iot.APNIC_LATER_FILE).set_index("iso3")["samples"]
    fewest = np.minimum(apnic["samples"], later.reindex(apnic.index).fillna(apnic["samples"]))
    expected = set(apnic.index[fewest < iot.LOW_SAMPLE]) & set(snapshot.countries["iso3"])
    assert set(low.index) == expected
    ldc = set(snapshot.countries.loc[snapshot.countries["ldc"], "iso3"])
    assert {"COM", "DJI", "GMB", "LAO", "LSO", "TUV"} <= set(low.index) & ldc
    # flagged, and still carrying their value
    assert _values(snapshot, "ipv6_capable", YEAR).reindex(sorted(expected)).notna().all()
    assert low.loc["RUS", "detail"] == "1594;572"  # 1,594 samples, 572 in the later scrape
    changed = flags[flags["flag"] == "later_scrape"].set_index("iso3")
    assert changed.loc["KEN", "detail"] == "18.1"  # 1.15% on 2025-12-09, 18.1% in the later scrape


def test_landlocked_economies_have_no_cable_value_but_a_flag(snapshot):
    cables = _values(snapshot, "submarine_cables", 2022)
    flags = snapshot.flags_of("submarine_cables")
    na = set(flags.loc[flags["flag"] == "not_applicable", "iso3"])
    lldc = set(snapshot.countries.loc[snapshot.countries["lldc"], "iso3"])
    assert lldc <= na and len(na) == 44
    assert not na & set(cables.index)
    coastal_ldc_without = {"ERI", "TLS", "TUV"}
    assert (cables.reindex(sorted(coastal_ldc_without)) == 0).all()
    assert cables["KEN"] == 6 and cables["BGD"] == 2
    # Hong Kong's landings are moved out of China's
    assert cables["HKG"] >= 10 and cables["CHN"] >= 5


def test_zero_price_baskets_are_missing(snapshot):
    """ITU's '0' for a fixed-broadband basket (2022) marks no plan offered, never a free one."""
    prices = snapshot.values[snapshot.values["indicator"].str.startswith("price_")]
    assert (prices["value"] > 0).all()


def test_ookla_low_test_years_are_left_out(snapshot, raw_dir):
    speeds = iot.ookla_table(raw_dir)
    thin = speeds[(speeds["k_tests"] < iot.MIN_K_TESTS) & (speeds["d_type"] == "mobile")]
    got = snapshot.indicator_values("download_mobile")
    merged = thin.merge(got, on=["iso3", "year"], how="inner")
    assert len(thin) and merged.empty
    partial = snapshot.flags_of("download_mobile")
    assert set(partial["year"]) == {2024} and set(partial["flag"]) == {"partial_year"}


def test_every_new_indicator_names_a_source_with_an_absence_rule(snapshot):
    cat = snapshot.catalogue
    iot_codes = [i.code for i in cat.index_indicators() if i.pillar == "IOT"]
    assert len(iot_codes) >= 6
    for code in iot_codes:
        src = cat.source(cat.get(code).source)
        assert src.absence in ("zero", "unknown") and src.licence
    assert {cat.source(cat.get(c).source).absence for c in ("ixp_density", "asn_density")} == {
        "zero"
    }
    assert cat.source(cat.get("lpwa_networks").source).absence == "unknown"
    assert np.isfinite(snapshot.values["value"]).all()
