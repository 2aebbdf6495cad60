"""Name harmonisation: aliases and names in the six UN languages map to one ISO3."""

from __future__ import annotations

import pytest

from readiness.data.harmonise import build_name_index, normalise_name


@pytest.fixture(scope="module")
def names(snapshot):
    return build_name_index(snapshot.countries)


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"),
        ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Republic of Korea", "KOR"),
        ("Korea, Rep.", "KOR"), ("Georgia (Country)", "GEO"), ("Allemagne", "DEU"),
        ("Alemania", "DEU"), ("Германия", "DEU"), ("德国", "DEU"), ("ألمانيا", "DEU"),
        ("  iran (islamic republic of) ", "IRN"), ("ken", "KEN"), ("Kosovo", "XKX"),
    ],
)  # fmt: skip
def test_known_spellings(names, name, iso3):
    assert names.find(name) == iso3


def test_unknown_name_gets_suggestions(names):
    assert names.find("Atlantis") is None
    assert "kenya" in names.suggest("Kenia")


def test_normalise_folds_case_accents_and_articles():
    assert normalise_name("The Gambia") == normalise_name("gambia")
    assert normalise_name("Côte d’Ivoire") == normalise_name("Cote d'Ivoire")
