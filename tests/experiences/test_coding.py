"""The coding rule on the real 50 studies: complete, verbatim, traceable, no dead keyword."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from readiness.errors import ReadinessError
from readiness.experiences.coding import (
    CODING_COLUMNS,
    KEYWORD_RULE,
    OVERRIDE_RULE,
    code_phrase,
    code_studies,
    load_overrides,
    split_phrases,
)
from readiness.experiences.vocabulary import FACTORS, SIDES, factor_keywords


def _phrases(library):
    rows = zip(library["case_id"], library["enabling"], library["limiting"], strict=True)
    return [
        (cid, side, p)
        for cid, en, li in rows
        for side, field in (("enabling", en), ("limiting", li))
        for p in split_phrases(field)
    ]


def test_every_library_phrase_gets_a_factor(library, coding):
    assert tuple(coding.columns) == CODING_COLUMNS
    phrases = _phrases(library)
    assert len(phrases) == 178
    coded = set(zip(coding["case_id"], coding["side"], coding["phrase"], strict=True))
    assert coded == set(phrases)
    assert set(coding["factor"]) <= set(FACTORS)
    assert set(coding["side"]) == set(SIDES)
    assert not coding.duplicated(["case_id", "side", "phrase", "factor"]).any()


def test_each_phrase_is_a_verbatim_segment_of_its_study(library, coding):
    fields = library.set_index("case_id")
    for row in coding.itertuples(index=False):
        segments = [s.strip() for s in fields.loc[row.case_id, row.side].split(";")]
        assert row.phrase in segments, row


def test_each_coded_factor_is_traced_to_the_words(coding):
    keywords = factor_keywords()
    overrides = load_overrides()
    for row in coding.itertuples(index=False):
        if row.rule.startswith(KEYWORD_RULE):
            keyword = row.rule.removeprefix(KEYWORD_RULE)
            assert keyword in keywords[row.factor]
            assert re.search(keyword, row.phrase.lower()), row
        else:
            assert row.rule.startswith(OVERRIDE_RULE), row
            hit = overrides[
                (overrides["case_id"] == row.case_id)
                & (overrides["phrase"] == row.phrase)
                & (overrides["factor"] == row.factor)
            ]
            assert len(hit) == 1, row


def test_no_dead_keyword(library):
    texts = [p.lower() for _, _, p in _phrases(library)]
    for factor, keywords in factor_keywords().items():
        for k in keywords:
            assert any(re.search(k, t) for t in texts), f"{factor}: '{k}' finds no phrase"


def test_overrides_name_real_phrases_and_add_a_factor(library):
    phrases = set(_phrases(library))
    overrides = load_overrides()
    assert len(overrides) == 14
    for row in overrides.itertuples(index=False):
        assert (row.case_id, row.side, row.phrase) in phrases, row
        keyword_factors = {f for f, r in code_phrase(row.phrase) if r.startswith(KEYWORD_RULE)}
        assert row.factor not in keyword_factors, f"{row.phrase}: override repeats a keyword"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("lack of affordable devices, financing and skills", {"finance", "devices", "skills"}),
        ("cashless top-up via mobile money or agents", {"payments"}),
        ("GSMA M4D Utilities grant funding", {"finance"}),
        ("no reliable power, banking or quality healthcare", {"power", "payments"}),
        ("low-power long-range radio", {"connectivity"}),
        ("low-cost off-the-shelf parts", {"devices"}),
        ("about 1 in 5 adults literate", {"skills"}),
        ("timely, predictable access to harmonised spectrum (GSMA)", {"regulation"}),
        ("little evidence on costs and benefits", {"evidence"}),
        ("slow repairs in drought", {"operations", "shocks"}),
        ("pay-per-use revenue earmarked for O&M", {"finance", "payments", "operations"}),
        ("real-time demand data allowing preventive network planning", {"operations", "evidence"}),
        ("evidence base still thin in low-income communities", {"evidence"}),
        ("cooperation of several ministries and the telecom operator",
         {"partnerships", "government"}),
        ("most villagers have no phones and there is no mobile network",
         {"connectivity", "devices"}),
    ],
)  # fmt: skip
def test_spot_checks(phrase, expected):
    assert {f for f, _ in code_phrase(phrase)} == expected


def test_override_applies_to_its_study_only():
    assert [f for f, _ in code_phrase("local IoT firm", case_id="CS014")] == ["partnerships"]
    assert code_phrase("local IoT firm", case_id="CS001") == []


def test_uncoded_phrase_is_refused():
    studies = pd.DataFrame({"case_id": ["X1"], "enabling": ["a sunny afternoon"], "limiting": [""]})
    with pytest.raises(ReadinessError, match=r"match no factor.*sunny"):
        code_studies(studies)


def test_bad_override_file_is_refused(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("case_id,side,phrase,factor,reason\nCS001,both,x,money,\n", encoding="utf-8")
    with pytest.raises(ReadinessError) as err:
        load_overrides(path)
    assert "side 'both'" in str(err.value) and "factor 'money'" in str(err.value)
    assert "give a reason" in str(err.value)
