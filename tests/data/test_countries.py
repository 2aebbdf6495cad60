"""The country master tested as data: every row, every group list."""

from __future__ import annotations

import pandas as pd
import pytest

from readiness.data.build.countries import _check_names
from readiness.data.snapshot import INCOME_GROUPS, ITU_REGIONS, load_snapshot
from readiness.paths import MANUAL_DIR

WB_AGGREGATES = {
    "WLD", "LDC", "SSF", "HIC", "ARB", "EAS", "ECS", "LCN", "MEA", "NAC", "SAS",
    "LMC", "UMC", "LIC", "MIC", "LMY", "EUU", "OED", "IDA", "IBD", "FCS", "SST",
}  # fmt: skip
# The UN list of least developed countries after Bhutan (2023) and São Tomé and Príncipe (2024)
# graduated: 44 countries.
CURRENT_LDCS = {
    "AFG", "AGO", "BDI", "BEN", "BFA", "BGD", "CAF", "COD", "COM", "DJI", "ERI", "ETH", "GIN",
    "GMB", "GNB", "HTI", "KHM", "KIR", "LAO", "LBR", "LSO", "MDG", "MLI", "MMR", "MOZ", "MRT",
    "MWI", "NER", "NPL", "RWA", "SDN", "SEN", "SLB", "SLE", "SOM", "SSD", "TCD", "TGO", "TLS",
    "TUV", "TZA", "UGA", "YEM", "ZMB",
}  # fmt: skip

LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
ROWS = load_snapshot().countries.to_dict("records")


@pytest.mark.parametrize("row", ROWS, ids=[r["iso3"] for r in ROWS])
def test_each_economy_row(row):
    assert len(row["iso3"]) == 3 and row["iso3"].isupper()
    assert isinstance(row["name_en"], str) and row["name_en"].strip() == row["name_en"]
    assert isinstance(row["wb_region"], str)
    for lang in LANGUAGES:  # every economy, UN member or not, is named in all six languages
        name = row[f"name_{lang}"]
        assert isinstance(name, str) and name and name.strip() == name, lang
    if row["un_member"]:
        assert row["itu_region"] in ITU_REGIONS
        assert row["population"] > 0
        assert isinstance(row["m49"], str) and len(row["m49"]) == 3
    if not pd.isna(row["income_group"]):
        assert row["income_group"] in INCOME_GROUPS
    if row["sids"]:
        assert row["sids_status"] == ("UN member" if row["un_member"] else "associate member")
    else:
        assert pd.isna(row["sids_status"])


def test_universe_is_the_world_bank_economies_and_every_un_member(snapshot):
    c = snapshot.countries
    assert len(c) == 218
    assert c["un_member"].sum() == 193
    assert not set(c["iso3"]) & WB_AGGREGATES
    assert not set(snapshot.values["iso3"].unique()) & WB_AGGREGATES


def test_every_un_member_has_exactly_one_itu_region(snapshot):
    un = snapshot.countries[snapshot.countries["un_member"]]
    assert un["itu_region"].notna().all()
    assert not un["iso3"].duplicated().any()
    counts = un["itu_region"].value_counts()
    assert set(counts.index) == set(ITU_REGIONS)
    # ITU's CIS after GEO left: the seven of the IDI plus TJK and TKM; GEO, MDA, UKR are Europe.
    cis = set(un.loc[un["itu_region"] == "CIS", "iso3"])
    assert cis == {"ARM", "AZE", "BLR", "KAZ", "KGZ", "RUS", "UZB", "TJK", "TKM"}
    assert set(un.loc[un["iso3"].isin(["GEO", "MDA", "UKR"]), "itu_region"]) == {"Europe"}


def test_ldc_list_is_the_current_44(snapshot):
    ldc = set(snapshot.countries.loc[snapshot.countries["ldc"], "iso3"])
    assert ldc == CURRENT_LDCS
    assert "STP" not in ldc and "BTN" not in ldc


def test_other_development_groups(snapshot):
    c = snapshot.countries
    assert c["lldc"].sum() == 32
    assert c["transition"].sum() == 17
    sids = c[c["sids"]]
    assert {"MDV", "TUV", "FJI", "SGP", "JAM"} <= set(sids.loc[sids["un_member"], "iso3"])
    assert {"PRI", "ABW"} <= set(sids.loc[~sids["un_member"], "iso3"])


def test_kosovo_is_harmonised_to_xkx(snapshot):
    assert "XKX" in set(snapshot.countries["iso3"])
    assert "KSO" not in set(snapshot.values["iso3"].unique())
    kosovo = snapshot.values[snapshot.values["iso3"] == "XKX"]
    assert "ITU_DATAHUB" in set(kosovo["source"])


def test_names_in_six_languages_for_known_cases(snapshot):
    c = snapshot.countries.set_index("iso3")
    assert c.loc["CIV", "name_en"] == "Côte d’Ivoire"
    assert c.loc["TUR", "name_en"] == "Türkiye"
    assert c.loc["KOR", "name_en"] == "Republic of Korea"
    assert c.loc["DEU", "name_fr"] == "Allemagne"
    assert c.loc["CHN", "name_zh"] == "中国"


def test_income_history_follows_the_year(snapshot):
    h = snapshot.income_history
    assert set(h["income_group"]) == set(INCOME_GROUPS)
    india = h[h["iso3"] == "IND"].set_index("year")["income_group"]
    assert india[2000] == "Low income" and india[2010] == "Lower middle income"


def test_names_unterm_lacks_come_from_cldr_and_the_manual_file(snapshot):
    c = snapshot.countries.set_index("iso3")
    kosovo = c.loc["XKX", ["name_zh", "name_ru", "name_ar"]].tolist()
    assert kosovo == ["科索沃", "Косово", "كوسوفو"]  # CLDR (Babel), region XK
    # data/manual/country_names.csv, after UNSD M49 region 830
    assert c.loc["CHI", "name_zh"] == "海峡群岛"
    assert c.loc["CHI", "name_fr"] == "Îles Anglo-Normandes"
    manual = pd.read_csv(MANUAL_DIR / "country_names.csv", dtype=str)
    assert manual["source"].str.len().gt(0).all()
    assert not manual.duplicated(["iso3", "lang"]).any()
    assert set(manual["lang"]) <= set(LANGUAGES) and set(manual["iso3"]) <= set(c.index)


def test_the_build_refuses_an_economy_without_a_name():
    names = {f"name_{lang}": ["Kosovo"] for lang in LANGUAGES} | {"iso3": ["XKX"]}
    _check_names(pd.DataFrame(names))
    with pytest.raises(ValueError, match=r"XKX \(zh\).*country_names\.csv"):
        _check_names(pd.DataFrame(names | {"name_zh": [None]}))
