"""The scoring context: subjects and groups from a user's text, and lookups on one scoring run."""

from __future__ import annotations

import pytest

from readiness.errors import ReadinessError
from readiness.reports.build import scoring_context
from readiness.reports.context import (
    find_group,
    group_of,
    groups_of,
    resolve_subject,
    short_label,
    value_sources,
)


@pytest.fixture(scope="module")
def ctx(snapshot):
    return scoring_context(snapshot)


def test_a_group_is_found_by_code_or_label(snapshot):
    assert find_group(snapshot, "Africa", None).code == "ITU_AFR"
    assert find_group(snapshot, "ITU_AFR", None).code == "ITU_AFR"
    assert resolve_subject(snapshot, group="ldc").code == "LDC"


def test_an_economy_is_found_by_name_and_unknown_ones_are_refused(snapshot):
    assert resolve_subject(snapshot, country="Kenya").code == "KEN"
    with pytest.raises(ReadinessError, match="unknown economy"):
        resolve_subject(snapshot, country="Atlantis")
    with pytest.raises(ReadinessError, match="exactly one"):
        resolve_subject(snapshot)


def test_kenya_is_compared_with_its_region_income_group_ldc_and_the_world(ctx):
    groups = groups_of(ctx, "KEN")
    codes = [g.code for g in groups]
    assert codes[0] == "ITU_AFR" and codes[-1] == "WORLD"
    assert group_of(ctx, "itu_region", "KEN").code == "ITU_AFR"
    assert short_label(groups[0]) == "Africa (ITU-D)"


def test_every_value_kenya_uses_has_a_source(ctx):
    src = value_sources(ctx, ["KEN"])
    assert not src.empty
    assert src["source"].notna().all()
