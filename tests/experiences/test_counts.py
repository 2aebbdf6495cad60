"""Factor counts by region, group and sector; related studies."""

from __future__ import annotations

import numpy as np
import pytest

from readiness.errors import ReadinessError
from readiness.experiences.counts import COUNT_COLUMNS, factor_counts, related_studies, top_factors
from readiness.experiences.vocabulary import FACTORS, SIDES


def test_counts_cover_every_factor_and_side(library, coding):
    counts = factor_counts(library, coding)
    assert tuple(counts.columns) == COUNT_COLUMNS
    assert len(counts) == len(FACTORS) * len(SIDES)
    assert set(counts["key"]) == {"all"} and (counts["n_studies"] == 50).all()
    data_security = counts[counts["factor"] == "data_security"]
    assert (data_security["studies"] == 0).all()  # 0 stays 0, not missing
    assert (data_security["share"] == 0).all()


def test_count_is_distinct_studies(library, coding):
    counts = factor_counts(library, coding).set_index(["side", "factor"])
    for (side, factor), row in counts.iterrows():
        hand = coding[(coding["side"] == side) & (coding["factor"] == factor)]["case_id"].nunique()
        assert row["studies"] == hand
        assert row["share"] == pytest.approx(hand / 50)


def test_ldc_and_africa(library, coding, countries):
    counts = factor_counts(library, coding, by="group", countries=countries)
    ldc = counts[counts["key"] == "LDC"]
    assert (ldc["n_studies"] == 19).all()
    assert top_factors(counts, "LDC", "enabling", 1)["factor"].tolist() == ["finance"]
    assert top_factors(counts, "LDC", "limiting", 1)["factor"].tolist() == ["shocks"]
    africa = counts[counts["key"] == "ITU_AFR"]
    assert (africa["n_studies"] == 26).all()
    # a study of SEN, GHA and TGO counts once in Africa
    region = factor_counts(library, coding, by="region", countries=countries)
    totals = region.groupby("key")["n_studies"].first()
    assert totals.to_dict() == {
        "ITU_AFR": 26, "ITU_AMS": 8, "ITU_ARB": 4, "ITU_ASP": 12, "ITU_CIS": 0, "ITU_EUR": 0,
    }  # fmt: skip
    empty = region[region["key"] == "ITU_EUR"]
    assert (empty["studies"] == 0).all() and empty["share"].isna().all()  # no studies, no share


def test_by_sector_counts_each_sector_of_a_study(library, coding):
    counts = factor_counts(library, coding, by="sector")
    n = counts.groupby("key")["n_studies"].first()
    assert n["environment"] == 20 and n["water"] == 15
    assert n.sum() > 50  # studies with several sectors count in each
    assert np.isfinite(counts["share"]).all()


def test_unknown_by_is_refused(library, coding):
    with pytest.raises(ReadinessError, match="count by"):
        factor_counts(library, coding, by="planet")


def test_related_studies_do_not_repeat(library, countries):
    related = related_studies("KEN", library, peers=["UGA", "TZA"], countries=countries)
    assert len(related["own"]) == 9
    assert set(related["peers"]["case_id"]) == {"CS010", "CS017", "CS023", "CS024", "CS025",
                                                "CS026"}  # fmt: skip
    ids = [set(v["case_id"]) for v in related.values()]
    assert not (ids[0] & ids[1]) and not (ids[0] & ids[2]) and not (ids[1] & ids[2])
    assert len(related["region"]) == 26 - 9 - 6
    asia = related_studies("KEN", library, region="Asia-Pacific", countries=countries)
    assert len(asia["region"]) == 12
