"""Fixtures for the dashboard's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_outside_a_run():
    """Each test starts in English outside a script run: AppTest's stand-in language
    (dashboard.i18n.language) must not carry one test's language into the next."""
    from dashboard import i18n

    i18n._LAST_SEEN[0] = i18n.DEFAULT_LANGUAGE
    yield
    i18n._LAST_SEEN[0] = i18n.DEFAULT_LANGUAGE
