"""Overlays: a new snapshot with user rows marked USER, the committed one and data/ untouched,
previews that count what changes, and isolation between concurrent users."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from readiness.index.engine import score_snapshot
from readiness.paths import DATA_DIR
from readiness.uploads.overlay import (
    USER_SOURCE,
    Overlay,
    Provenance,
    apply_overlays,
    overlays_token,
    preview,
    user_mask,
)
from readiness.uploads.upload import validate_file

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"


def _overlay(snapshot, text: str, name: str = "u.csv", meta: str | None = None) -> Overlay:
    result = validate_file(
        text.encode(), name, snapshot, meta.encode() if meta else None, "meta.csv"
    )
    assert result.ok, [p.line() for p in result.problems]
    return result.overlay


def _data_hashes() -> dict[str, str]:
    return {
        str(p.relative_to(DATA_DIR)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(DATA_DIR.rglob("*"))
        if p.is_file()
    }


META = (
    "code,name,unit,direction,pillar,goalpost_lo,goalpost_hi\n"
    "g5_test,Tracker G5 (TEST),score 0-100,1,POLICY,0,100\n"
    "ctx_test,Context (TEST),count,1,context,0,10\n"
)


def test_override_and_add(snapshot):
    before = snapshot.values.copy()
    old = snapshot.values.query("iso3 == 'KEN' and indicator == 'internet_use' and year == 2024")
    assert len(old) == 1
    ov = _overlay(
        snapshot,
        "economy,year,internet_use,g5_test,ctx_test\nKEN,2024,55.5,40,3\nSEN,2024,,50,\n",
        meta=META,
    )
    after = apply_overlays(snapshot, [ov])
    assert after is not snapshot
    pd.testing.assert_frame_equal(snapshot.values, before)  # the input is untouched
    assert "g5_test" not in snapshot.catalogue.codes
    ken = after.values.query("iso3 == 'KEN' and indicator == 'internet_use' and year == 2024")
    assert ken["value"].tolist() == [55.5] and ken["source"].tolist() == [USER_SOURCE]
    assert len(after.values) == len(before) + 3  # four user rows, one replaces a value
    assert int(user_mask(after.values).sum()) == 4
    assert not after.values.duplicated(["iso3", "indicator", "year"]).any()
    assert list(after.values.dtypes.astype(str)) == list(before.dtypes.astype(str))
    g5 = after.catalogue.get("g5_test")
    assert (g5.role, g5.pillar, g5.source) == ("index", "POLICY", USER_SOURCE)
    assert after.catalogue.get("ctx_test").role == "context"
    src = after.catalogue.source(USER_SOURCE)
    assert src.licence == "as supplied by the user" and "u.csv" in src.citation
    assert "g5_test" in set(after.coverage["indicator"])
    # the new index indicator is scored in its pillar
    result = score_snapshot(snapshot=after)
    assert "g5_test" in result.framework.indicators
    assert result.raw.loc["SEN", "g5_test"] == 50


def test_later_overlay_wins(snapshot):
    first = _overlay(snapshot, "economy,year,internet_use\nKEN,2023,10\n", "a.csv")
    second = _overlay(snapshot, "economy,year,internet_use\nKenya,2023,20\n", "b.csv")
    after = apply_overlays(snapshot, [first, second])
    ken = after.values.query("iso3 == 'KEN' and indicator == 'internet_use' and year == 2023")
    assert ken["value"].tolist() == [20.0]
    assert "a.csv" in after.catalogue.source(USER_SOURCE).citation


def test_token_is_content_hash(snapshot):
    a = _overlay(snapshot, "economy,year,internet_use\nKEN,2023,10\nSEN,2023,11\n")
    b = _overlay(snapshot, "economy,year,internet_use\nSEN,2023,11\nKEN,2023,10\n")
    c = _overlay(snapshot, "economy,year,internet_use\nKEN,2023,10\nSEN,2023,12\n")
    assert a.rows.equals(b.rows)  # stored in key order
    assert a.token != c.token and len(a.token) == 64
    assert overlays_token([a]) != overlays_token([c]) and overlays_token([]) == ""
    same = Overlay(a.rows, a.indicators, a.provenance)
    assert same == a and hash(same) == hash(a)
    assert Overlay(a.rows, (), Provenance("other.csv", "0" * 64, "x")) != a


def test_preview_counts_and_ranks(snapshot):
    ov = _overlay(
        snapshot,
        "economy,year,indicator,value\nKEN,2023,internet_use,99\nKEN,2024,internet_use,99\n"
        "KEN,2024,coverage_4g,100\nKEN,2024,coverage_5g,100\nKEN,2024,fixed_broadband,50\n",
    )
    base = score_snapshot(year=2024, snapshot=snapshot)
    view = preview(snapshot, ov, year=2024)
    known = snapshot.values.set_index(["iso3", "indicator", "year"])["value"]
    expected_overridden = sum(
        (("KEN", c, y) in known.index) and known[("KEN", c, y)] != 99
        for c, y in [("internet_use", 2023), ("internet_use", 2024)]
    )
    assert view.added + view.overridden + view.unchanged == 5
    assert view.overridden >= expected_overridden
    assert view.economies == ("KEN",)
    ken = view.ranks.set_index("iso3").loc["KEN"]
    assert ken["rank_before"] == base.rank["KEN"]
    assert ken["index_after"] > ken["index_before"]
    assert ken["rank_after"] < ken["rank_before"]
    assert "1 economy affected" in view.summary()


def test_concurrent_users_are_isolated(snapshot):
    """Two users apply different overlays at the same time; neither sees the other's values."""
    hashes = _data_hashes()
    base_values = snapshot.values.copy()
    texts = {
        "alice": "economy,year,internet_use\nKEN,2024,11\n",
        "bob": "economy,year,internet_use\nKEN,2024,77\n",
    }
    seen: dict[str, list[float]] = {name: [] for name in texts}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def user(name: str) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                ov = _overlay(snapshot, texts[name], f"{name}.csv")
                mine = apply_overlays(snapshot, [ov])
                result = score_snapshot(year=2024, snapshot=mine)
                seen[name].append(float(result.raw.loc["KEN", "internet_use"]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=user, args=(n,)) for n in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert seen == {"alice": [11.0] * 3, "bob": [77.0] * 3}
    pd.testing.assert_frame_equal(snapshot.values, base_values)
    assert not user_mask(snapshot.values).any()
    assert _data_hashes() == hashes


def test_no_overlays_is_the_same_snapshot(snapshot):
    assert apply_overlays(snapshot, []) is snapshot


@pytest.mark.parametrize("value", [float(np.nextafter(50.0, 51.0)), 1e-300, 99.99999999999999])
def test_values_are_kept_exactly(snapshot, value):
    ov = _overlay(snapshot, f"economy,year,internet_use\nKEN,2024,{value!r}\n")
    assert ov.rows["value"].iloc[0] == value


def test_coverage_of_touched_indicators_matches_the_build(snapshot):
    from readiness.data.build.snapshot import coverage_table

    ov = _overlay(
        snapshot,
        "economy,year,internet_use,g5_test\nKEN,2024,55.5,40\nSEN,2019,,50\nFRA,2025,91,\n",
        meta=META.splitlines()[0] + "\n" + META.splitlines()[1] + "\n",
    )
    after = apply_overlays(snapshot, [ov])
    expected = coverage_table(after.values.astype({"estimate": int}), after.catalogue)
    got = after.coverage.set_index("indicator")
    want = expected.set_index("indicator")
    for code in ("internet_use", "g5_test", "gci"):
        assert got.loc[code].to_dict() == want.loc[code].to_dict(), code


def test_user_values_in_the_iot_pillar_score_and_replace_flags(snapshot):
    """The IoT pillar takes uploads like any pillar; a replaced value loses the snapshot's flag
    and a user's cable count for a landlocked economy is shown as given."""
    flagged = snapshot.flags_of("ipv6_capable")
    assert "RUS" in set(flagged.loc[flagged["flag"] == "low_sample", "iso3"])
    meta = (
        "code,name,unit,direction,pillar,goalpost_lo,goalpost_hi\n"
        "lorawan_test,LoRaWAN gateways (TEST),per million people,1,IOT,0,100\n"
    )
    ov = _overlay(
        snapshot,
        "economy,year,ipv6_capable,submarine_cables,lorawan_test\n"
        "RUS,2025,40,,\nRWA,2022,,1,\nMWI,2025,,,50\n",
        meta=meta,
    )
    merged = apply_overlays(snapshot, [ov])
    left = merged.flags_of("ipv6_capable")
    assert not ((left["iso3"] == "RUS") & (left["year"] == 2025)).any()
    cables = merged.flags_of("submarine_cables")
    assert "RWA" not in set(cables["iso3"]) and "UGA" in set(cables["iso3"])
    assert len(snapshot.flags_of("submarine_cables")) == 44  # the committed snapshot unchanged
    base = score_snapshot(2025, snapshot=snapshot)
    after = score_snapshot(2025, snapshot=merged)
    assert "lorawan_test" in after.framework.indicators
    assert after.framework.by_code["lorawan_test"].parent == "IOT"
    assert after.scores.loc["MWI", "IOT"] > base.scores.loc["MWI", "IOT"]
    assert after.scores.loc["RUS", "IOT"] > base.scores.loc["RUS", "IOT"]
