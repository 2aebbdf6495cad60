"""The real library and its coding, shared by the tests of readiness/experiences."""

from __future__ import annotations

import pytest

from readiness.data.snapshot import load_snapshot
from readiness.experiences.coding import code_studies
from readiness.experiences.studies import load_library


@pytest.fixture(scope="session")
def library():
    return load_library()


@pytest.fixture(scope="session")
def coding(library):
    return code_studies(library)


@pytest.fixture(scope="session")
def countries():
    return load_snapshot().countries
