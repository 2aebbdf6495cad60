"""What a workshop participant or an administration submits: checked, cleaned, never interpreted.

`validate_submission` turns the questionnaire's fields into a frozen Submission, or raises one
ReadinessError listing every problem. `validate_poll_answer` does the same for a poll answer.
Text is stripped of control characters and surrounding space and kept as typed: it is data, to
be shown as text (never HTML or markdown) and exported formula-safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from readiness.errors import ReadinessError
from readiness.experiences.vocabulary import FACTORS, ROLES, SECTORS, SIDES, STAGES

LIMITS: dict[str, int] = {
    "summary": 2000,
    "outcomes": 2000,
    "short": 200,  # every other text field
    "phrases": 10,  # own-word phrases per side
    "phrase": 200,  # characters per phrase
    "economies": 10,
    "max_choices": 3,  # poll choices a participant may give
}
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")
SOURCE_TYPES = ("government", "company", "NGO", "UN/IGO", "journal", "news", "own", "other")
# C0/C1 controls (tab and newline kept in long text), bidi overrides and isolates, zero-widths.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_YEAR = re.compile(r"^((19|20)\d\d)(-((19|20)\d\d))?$")
_URL = re.compile(r"^https?://[^\s<>\"']+$")
SHORT_FIELDS = ("city_or_region", "technology", "source_title", "source_publisher")


@dataclass(frozen=True)
class Submission:
    """One experience as submitted, cleaned; codes checked against the vocabulary."""

    economies: tuple[str, ...]
    city_or_region: str
    sectors: tuple[str, ...]
    technology: str
    year: str
    stage: str
    summary: str
    outcomes: str
    enabling: tuple[str, ...]  # factor codes
    limiting: tuple[str, ...]
    enabling_words: Mapping[str, str] = field(default_factory=dict)  # factor -> own words
    limiting_words: Mapping[str, str] = field(default_factory=dict)
    source_title: str = ""
    source_publisher: str = ""
    source_year: str = ""
    source_url: str = ""
    source_type: str = ""
    role: str = "other"
    language: str = "en"

    def phrases(self, side: str) -> str:
        """The side's own words, `;`-joined in factor order (the study's enabling/limiting)."""
        words = self.enabling_words if side == "enabling" else self.limiting_words
        codes = self.enabling if side == "enabling" else self.limiting
        return "; ".join(words[c] for c in codes if words.get(c))

    def coding(self, case_id: str) -> list[tuple[str, str, str, str, str]]:
        """CODING_COLUMNS rows: each chosen factor, rule "chosen by submitter"."""
        from readiness.experiences.coding import chosen_coding

        return [
            *chosen_coding(case_id, "enabling", self.enabling, self.enabling_words),
            *chosen_coding(case_id, "limiting", self.limiting, self.limiting_words),
        ]


@dataclass(frozen=True)
class PollAnswer:
    """A participant's answer to a poll: factors in rank order, economy and role."""

    factors: tuple[str, ...]
    iso3: str
    role: str


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Text without control characters or surrounding space (line breaks kept if multiline)."""
    if value is None:
        return ""
    text = _CONTROLS.sub("", str(value))
    if not multiline:
        text = _LINE_BREAKS.sub(" ", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def validate_submission(
    fields: Mapping[str, object], known_iso3: Iterable[str] | None = None
) -> Submission:
    """A Submission from the questionnaire's fields; ReadinessError lists every problem.

    known_iso3: the economies of the country master (the snapshot's when not given)."""
    problems: list[str] = []
    known = set(known_iso3) if known_iso3 is not None else _known_iso3()
    names = ("summary", "outcomes", "year", "source_year", "source_url", *SHORT_FIELDS)
    text = {k: clean_text(fields.get(k), multiline=k in ("summary", "outcomes")) for k in names}
    for name, value in text.items():
        limit = LIMITS.get(name, LIMITS["short"])
        if len(value) > limit:
            problems.append(f"{name}: {len(value)} characters, at most {limit}")
    economies = _codes(fields.get("economies"), upper=True)
    if not economies:
        problems.append("economies: name at least one economy (ISO3 code)")
    elif len(economies) > LIMITS["economies"]:
        problems.append(f"economies: at most {LIMITS['economies']}")
    bad = [e for e in economies if not _ISO3.match(e) or e not in known]
    if bad:
        problems.append(f"economies: unknown ISO3 code(s) {', '.join(bad)}")
    sectors = _codes(fields.get("sectors"))
    problems += _choose("sectors", sectors, SECTORS, need=True)
    stage = clean_text(fields.get("stage"))
    problems += _choose("stage", [stage], STAGES, need=True)
    if not text["summary"]:
        problems.append("summary: describe the experience")
    if not text["technology"]:
        problems.append("technology: say which technology (e.g. LoRaWAN, NB-IoT, mobile money)")
    for name in ("year", "source_year"):
        if text[name] and not _YEAR.match(text[name]):
            problems.append(f"{name}: a year such as 2021 or 2019-2022")
    if text["source_url"] and not _URL.match(text["source_url"]):
        problems.append("source_url: a web address starting with http:// or https://")
    sides = {side: _side(fields, side, problems) for side in SIDES}
    if not sides["enabling"][0] and not sides["limiting"][0]:
        problems.append("factors: choose at least one enabling or limiting factor")
    role = clean_text(fields.get("role")) or "other"
    problems += _choose("role", [role], ROLES, need=True)
    language = clean_text(fields.get("language")) or "en"
    problems += _choose("language", [language], LANGUAGES, need=True)
    source_type = clean_text(fields.get("source_type"))
    if len(source_type) > LIMITS["short"]:
        problems.append(f"source_type: at most {LIMITS['short']} characters")
    if problems:
        raise ReadinessError(
            f"the experience has {len(problems)} problem(s): " + "; ".join(problems)
        )
    return Submission(
        economies=tuple(economies), city_or_region=text["city_or_region"],
        sectors=tuple(sectors), technology=text["technology"], year=text["year"], stage=stage,
        summary=text["summary"], outcomes=text["outcomes"],
        enabling=sides["enabling"][0], limiting=sides["limiting"][0],
        enabling_words=sides["enabling"][1], limiting_words=sides["limiting"][1],
        source_title=text["source_title"], source_publisher=text["source_publisher"],
        source_year=text["source_year"], source_url=text["source_url"],
        source_type=source_type, role=role, language=language,
    )  # fmt: skip


def validate_poll_answer(
    factors: Iterable[object],
    iso3: object,
    role: object,
    max_choices: int = LIMITS["max_choices"],
    known_iso3: Iterable[str] | None = None,
) -> PollAnswer:
    """A PollAnswer: 1..max_choices distinct vocabulary factors in rank order, a known
    economy or none ("" or None: not given, kept as ""), a role; ReadinessError lists every
    problem."""
    problems: list[str] = []
    codes = [clean_text(f) for f in factors]
    if not codes:
        problems.append("factors: choose at least one")
    if len(codes) > max_choices:
        problems.append(f"factors: at most {max_choices}")
    if len(set(codes)) != len(codes):
        problems.append("factors: each at most once")
    problems += _choose("factors", codes, FACTORS, need=False)
    iso = clean_text(iso3 or "").upper()
    known = set(known_iso3) if known_iso3 is not None else _known_iso3()
    if iso and (not _ISO3.match(iso) or iso not in known):
        problems.append(f"economy: unknown ISO3 code '{iso[:10]}'")
    who = clean_text(role)
    problems += _choose("role", [who], ROLES, need=True)
    if problems:
        raise ReadinessError(f"the answer has {len(problems)} problem(s): " + "; ".join(problems))
    return PollAnswer(factors=tuple(codes), iso3=iso, role=who)


def _side(
    fields: Mapping[str, object], side: str, problems: list[str]
) -> tuple[tuple[str, ...], dict[str, str]]:
    codes = _codes(fields.get(side))
    problems += _choose(side, codes, FACTORS, need=False)
    raw_words = fields.get(f"{side}_words") or {}
    words: dict[str, str] = {}
    if not isinstance(raw_words, Mapping):
        problems.append(f"{side}_words: a mapping of factor code to your own words")
        raw_words = {}
    for code, value in raw_words.items():
        phrase = clean_text(value).replace(";", ",")
        if not phrase:
            continue
        if code not in codes:
            problems.append(f"{side}_words: '{str(code)[:40]}' is not a chosen {side} factor")
        elif len(phrase) > LIMITS["phrase"]:
            problems.append(f"{side}_words ({code}): at most {LIMITS['phrase']} characters")
        words[str(code)] = phrase
    if len(words) > LIMITS["phrases"]:
        problems.append(f"{side}_words: at most {LIMITS['phrases']} phrases")
    return tuple(c for c in codes if c in FACTORS), words


def _codes(value: object, *, upper: bool = False) -> list[str]:
    """Codes from a list or a `;`/`,`-separated text, cleaned, repeats dropped, order kept."""
    if value is None:
        return []
    items = re.split(r"[;,]", value) if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    out: list[str] = []
    for item in items:
        code = clean_text(item)
        code = code.upper() if upper else code.lower()
        if code and code not in out:
            out.append(code)
    return out


def _choose(name: str, values: list[str], allowed: tuple[str, ...], *, need: bool) -> list[str]:
    values = [v for v in values if v]
    if need and not values:
        return [f"{name}: choose one of {', '.join(allowed)}"]
    odd = [v[:40] for v in values if v not in allowed]
    return [f"{name}: '{', '.join(odd)}' not one of {', '.join(allowed)}"] if odd else []


def _known_iso3() -> set[str]:
    from readiness.data.snapshot import load_snapshot

    return set(load_snapshot().countries["iso3"])
