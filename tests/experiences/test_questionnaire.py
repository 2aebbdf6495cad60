"""The questionnaire and poll answers: every problem listed, text cleaned, nothing interpreted."""

from __future__ import annotations

import dataclasses

import pytest

from readiness.errors import ReadinessError
from readiness.experiences.coding import CHOSEN_RULE
from readiness.experiences.questionnaire import (
    LIMITS,
    clean_text,
    validate_poll_answer,
    validate_submission,
)

KNOWN = {"KEN", "UGA", "SEN", "FJI"}


def _fields(**changes):
    fields = {
        "economies": ["KEN", "UGA"],
        "city_or_region": "Kisumu",
        "sectors": ["water"],
        "technology": "LoRaWAN",
        "year": "2023-2024",
        "stage": "pilot",
        "summary": "Sensors on 40 boreholes report levels daily.",
        "outcomes": "",
        "enabling": ["finance", "partnerships"],
        "enabling_words": {"finance": "county budget line"},
        "limiting": ["power"],
        "limiting_words": {"power": "grid outages"},
        "source_title": "County water report",
        "source_publisher": "Kisumu County",
        "source_year": "2024",
        "source_url": "https://example.org/report",
        "source_type": "government",
        "role": "city",
        "language": "fr",
    }
    fields.update(changes)
    return fields


def test_a_good_submission():
    sub = validate_submission(_fields(), known_iso3=KNOWN)
    assert sub.economies == ("KEN", "UGA") and sub.stage == "pilot" and sub.language == "fr"
    assert sub.enabling == ("finance", "partnerships")
    assert sub.phrases("enabling") == "county budget line"
    rows = sub.coding("SUB-000001")
    assert ("SUB-000001", "enabling", "", "partnerships", CHOSEN_RULE) in rows
    assert ("SUB-000001", "limiting", "grid outages", "power", CHOSEN_RULE) in rows
    with pytest.raises(dataclasses.FrozenInstanceError):
        sub.summary = "x"  # type: ignore[misc]


def test_every_problem_is_listed():
    bad = _fields(
        economies=["XXX"], sectors=["mining"], stage="planned", summary="", technology="",
        year="next year", source_url="javascript:alert(1)", enabling=["money"], limiting=[],
        enabling_words={"power": "not chosen"}, role="king", language="de",
    )  # fmt: skip
    with pytest.raises(ReadinessError) as err:
        validate_submission(bad, known_iso3=KNOWN)
    text = str(err.value)
    for expected in ("economies: unknown ISO3 code(s) XXX", "sectors: 'mining'", "stage: 'planned'",
                     "summary: describe", "technology:", "year: a year", "source_url:",
                     "enabling: 'money'", "'power' is not a chosen enabling", "role: 'king'",
                     "language: 'de'", "factors: choose at least one"):  # fmt: skip
        assert expected in text, expected


def test_limits():
    long = _fields(summary="x" * (LIMITS["summary"] + 1), city_or_region="y" * 201,
                   enabling_words={"finance": "z" * 201})  # fmt: skip
    with pytest.raises(ReadinessError) as err:
        validate_submission(long, known_iso3=KNOWN)
    text = str(err.value)
    assert "summary: 2001 characters, at most 2000" in text
    assert "city_or_region: 201 characters, at most 200" in text
    assert "enabling_words (finance): at most 200" in text


def test_text_is_cleaned_never_interpreted():
    hostile = '<script>alert(1)</script> **md** [x](javascript:alert(1)) =HYPERLINK("x")'
    sub = validate_submission(
        _fields(summary="a\x00b\u202e\tc\n" + hostile, city_or_region="  Kisumu\x07 \n"),
        known_iso3=KNOWN,
    )
    assert sub.city_or_region == "Kisumu"
    assert sub.summary.startswith("ab\tc\n<script>")  # kept as typed, controls gone
    assert hostile in sub.summary
    assert clean_text("a;\x1bb") == "a;b"
    words = validate_submission(
        _fields(enabling_words={"finance": "grants; loans"}), known_iso3=KNOWN
    ).enabling_words
    assert words["finance"] == "grants, loans"  # a phrase never splits into two


def test_codes_from_text_and_repeats():
    sub = validate_submission(
        _fields(economies="ken; uga, KEN", sectors="Water", enabling="finance,finance"),
        known_iso3=KNOWN,
    )
    assert sub.economies == ("KEN", "UGA") and sub.sectors == ("water",)
    assert sub.enabling == ("finance",)


def test_poll_answer():
    answer = validate_poll_answer(["power", "finance"], "sen", "operator", known_iso3=KNOWN)
    assert answer.factors == ("power", "finance") and answer.iso3 == "SEN"
    with pytest.raises(ReadinessError) as err:
        validate_poll_answer(["power", "power", "x", "skills"], "ZZZ", "", 3, known_iso3=KNOWN)
    text = str(err.value)
    for expected in ("at most 3", "each at most once", "'x'", "unknown ISO3", "role: choose"):
        assert expected in text
    with pytest.raises(ReadinessError, match="choose at least one"):
        validate_poll_answer([], "KEN", "city", known_iso3=KNOWN)


@pytest.mark.parametrize("given", ["", None, "  "])
def test_a_poll_answer_may_leave_the_economy_out(given):
    answer = validate_poll_answer(["skills"], given, "academia", known_iso3=KNOWN)
    assert answer.iso3 == "" and answer.factors == ("skills",)
