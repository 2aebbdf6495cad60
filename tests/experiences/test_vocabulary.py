"""The vocabulary: fixed codes, factors.yaml in the same order, labels in six languages."""

from __future__ import annotations

import pytest

from readiness.errors import ReadinessError
from readiness.experiences.vocabulary import (
    FACTORS,
    ROLES,
    SECTORS,
    SIDES,
    STAGES,
    factor_help,
    factor_keywords,
    factor_label,
    load_vocabulary,
    role_label,
    sector_label,
    side_label,
    stage_label,
)
from readiness.i18n import UN_LANGUAGES


def test_codes_are_the_contract():
    assert FACTORS == (
        "finance", "payments", "power", "connectivity", "devices", "skills", "regulation",
        "data_security", "partnerships", "government", "demand", "operations", "evidence",
        "shocks",
    )  # fmt: skip
    assert SIDES == ("enabling", "limiting")
    assert "plan" in STAGES and "planned" not in STAGES
    assert len(ROLES) == 9 and len(SECTORS) == 9


def test_factors_file_lists_the_codes_in_order():
    vocab = load_vocabulary()
    assert tuple(vocab["code"]) == FACTORS
    keywords = factor_keywords()
    assert all(k == k.lower() for ks in keywords.values() for k in ks)
    # every factor but data protection has keywords; none is found in the library's phrases
    assert [c for c, ks in keywords.items() if not ks] == ["data_security"]


def test_bad_vocabulary_file_is_refused(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text("factors:\n  - code: finance\n    keywords: [grant]\n", encoding="utf-8")
    with pytest.raises(ReadinessError, match="in this order"):
        load_vocabulary(path)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_labels_exist_in_every_language(lang):
    names = {factor_label(c, lang) for c in FACTORS}
    assert len(names) == len(FACTORS)  # distinct names
    assert all(factor_help(c, lang) for c in FACTORS)
    assert all(sector_label(c, lang) for c in SECTORS)
    assert all(stage_label(c, lang) for c in STAGES)
    assert all(role_label(c, lang) for c in ROLES)
    assert side_label("enabling", lang) != side_label("limiting", lang)
    if lang != "en":
        assert factor_label("finance", lang) != factor_label("finance", "en")


def test_unknown_code_is_named():
    with pytest.raises(ReadinessError, match="unknown factor 'money'"):
        factor_label("money")
