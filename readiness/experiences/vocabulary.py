"""The fixed vocabulary of experiences: factor codes and their keywords, sides, sectors, stages."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd

from readiness.data.build.cases import SECTORS
from readiness.errors import ReadinessError
from readiness.i18n import translate
from readiness.paths import DATA_DIR

CASES_DIR = DATA_DIR / "cases"
FACTORS_FILE = CASES_DIR / "factors.yaml"
# The order every table, form and poll shows; data/cases/factors.yaml must list the same codes.
FACTORS: tuple[str, ...] = (
    "finance", "payments", "power", "connectivity", "devices", "skills", "regulation",
    "data_security", "partnerships", "government", "demand", "operations", "evidence", "shocks",
)  # fmt: skip
SIDES: tuple[str, ...] = ("enabling", "limiting")
STAGES: tuple[str, ...] = ("pilot", "deployed", "scaling", "scaled", "plan", "assessment")
ROLES: tuple[str, ...] = (
    "government", "regulator", "operator", "industry", "city", "academia", "civil_society",
    "international", "other",
)  # fmt: skip
ORIGINS: tuple[str, ...] = ("library", "submitted", "imported")
STATUSES: tuple[str, ...] = ("published", "pending", "rejected")


def load_vocabulary(path: Path | None = None) -> pd.DataFrame:
    """The factors of factors.yaml in FACTORS order: code, description, keywords (a tuple)."""
    return _vocabulary(path or FACTORS_FILE).copy()


@functools.cache
def _vocabulary(path: Path) -> pd.DataFrame:
    import yaml

    if not path.exists():
        raise ReadinessError(f"factor vocabulary {path} not found; restore data/cases/factors.yaml")
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rows = doc.get("factors") or []
    codes = tuple(str(r.get("code", "")) for r in rows)
    if codes != FACTORS:
        raise ReadinessError(
            f"{path.name}: factors must be {', '.join(FACTORS)} in this order; found {codes}"
        )
    out = []
    for r in rows:
        keywords = tuple(str(k) for k in (r.get("keywords") or []))
        for k in keywords:
            if k != k.lower():
                raise ReadinessError(f"{path.name}: keyword '{k}' of {r['code']} is not lower-case")
            try:
                re.compile(k)
            except re.error as err:
                raise ReadinessError(f"{path.name}: keyword '{k}' is not valid: {err}") from None
        out.append(
            {"code": r["code"], "description": str(r.get("description", "")), "keywords": keywords}
        )
    return pd.DataFrame(out, columns=["code", "description", "keywords"])


def factor_keywords(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Each factor code (FACTORS order) -> its keywords (regular expressions, lower-case)."""
    vocab = _vocabulary(path or FACTORS_FILE)
    return {str(c): tuple(k) for c, k in zip(vocab["code"], vocab["keywords"], strict=True)}


def factor_label(code: str, lang: str = "en") -> str:
    """The factor's name in `lang` (experiences.factor.<code>)."""
    return translate(lang, f"experiences.factor.{_known(code, FACTORS, 'factor')}")


def factor_help(code: str, lang: str = "en") -> str:
    """The factor's one-line description in `lang` (experiences.factor_help.<code>)."""
    return translate(lang, f"experiences.factor_help.{_known(code, FACTORS, 'factor')}")


def sector_label(code: str, lang: str = "en") -> str:
    """The sector's name in `lang` (experiences.sector.<code>)."""
    return translate(lang, f"experiences.sector.{_known(code, SECTORS, 'sector')}")


def stage_label(code: str, lang: str = "en") -> str:
    """The stage's name in `lang` (experiences.stage.<code>)."""
    return translate(lang, f"experiences.stage.{_known(code, STAGES, 'stage')}")


def role_label(code: str, lang: str = "en") -> str:
    """The role's name in `lang` (experiences.role.<code>)."""
    return translate(lang, f"experiences.role.{_known(code, ROLES, 'role')}")


def side_label(side: str, lang: str = "en") -> str:
    """The side's name in `lang` (experiences.side.<side>): enabling or limiting."""
    return translate(lang, f"experiences.side.{_known(side, SIDES, 'side')}")


def _known(code: str, codes: tuple[str, ...], what: str) -> str:
    if code not in codes:
        raise ReadinessError(f"unknown {what} '{code}'; use one of {', '.join(codes)}")
    return code
