"""Fixtures of the cities tests: Karmøy's real values (tests/cities/karmoy.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from readiness.cities.template import template_frame
from tests.cities.karmoy import fill, read_sample


@pytest.fixture(scope="session")
def karmoy(raw_dir) -> pd.DataFrame:
    """The raw sample: kpi_code_mapped, data_point, value, unit, source_url, ..."""
    return read_sample(raw_dir)


@pytest.fixture(scope="session")
def karmoy_csv(karmoy) -> bytes:
    """The English CSV template with Karmøy's 14 values filled in."""
    return fill(template_frame("en"), karmoy).to_csv(index=False).encode("utf-8")
