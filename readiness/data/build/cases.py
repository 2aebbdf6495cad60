"""The case-study library: raw case_studies/case_studies.csv to data/cases/case_studies.csv.

One row per study in STUDY_COLUMNS (readiness.experiences.studies), byte-identical on every run.
Checked before writing, every problem listed: ids unique (CS001...), economies known ISO3,
URLs http(s), sectors in the list, a stage we can read. The stage is normalised to one word
("planned" and "strategy" become "plan"); the source's own stage text is kept in
`stage_detail`. Enabling and limiting phrases are the raw fields, verbatim. `outcomes` is a
verbatim part of the summary where the summary states a result (OUTCOMES), else "".
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from readiness.errors import ReadinessError

RAW_FILE = Path("case_studies") / "case_studies.csv"
STUDY_COLUMNS = (
    "case_id", "economies", "city_or_region", "sectors", "technology", "year", "stage",
    "stage_detail", "summary", "outcomes", "enabling", "limiting", "source_title",
    "source_publisher", "source_year", "source_url", "source_type", "origin", "status",
    "submitted_at", "workshop",
)  # fmt: skip
SECTORS = (
    "health", "agriculture", "transport", "energy", "water", "environment", "government",
    "education", "other",
)  # fmt: skip
STAGE_WORDS = {
    "pilot": "pilot", "deployed": "deployed", "scaling": "scaling", "scaled": "scaled",
    "planned": "plan", "strategy": "plan", "assessment": "assessment",
}  # fmt: skip
NOT_STATED = {"(not stated)"}
_CASE_ID = re.compile(r"^CS\d{3}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_URL = re.compile(r"^https?://\S+$")
_FIRST_WORD = re.compile(r"^[a-z]+")
# What a study achieved, where its summary says it: the summary's own words (checked below).
OUTCOMES = {
    "CS009": "in December 2020 the government approved about USD 107 million to connect 2,111 "
    "villages",
    "CS010": "ran over 65 of them in Uganda at launch and later extended the network to cities "
    "in East, West and Central Africa",
    "CS011": "it grew from about 30,000 users in 2013 to over 250,000 customers by 2015",
    "CS012": "about 65,000 of 105,000 by end-2019 and 84,700 (over 80%) by January 2021",
    "CS013": "nearly closed in 2021 for lack of demand, was rescued in 2022 by anchor customers",
    "CS019": "16 arrests were reported in the first year of the combined system",
    "CS021": "completed 7,545 projects worth INR 1.51 lakh crore",
    "CS023": "all water revenue was collected (at least three times more money for maintenance) "
    "and repair response fell from 2-3 weeks to under 5 hours",
    "CS024": "the community water organisation reported higher revenue and remote fault detection",
    "CS026": "found the technology eases revenue collection but does not by itself make rural "
    "water services sustainable or equitable",
    "CS027": "replaced billed meters with prepaid meters at about 2 million a year (6.9 million "
    "by 2018)",
    "CS028": "it grew from 22 manual rain gauges (2000) to 484 sensors (2024) and since 2020 "
    "triggered community alarms over 280 times",
    "CS029": "found PM2.5 above WHO guidelines in all of them most of the time, and non-working "
    "ventilation in 40 of 44 buildings assessed",
    "CS030": "emergency response time fell by more than 30%",
    "CS031": "households report paying under a third of flat-rate bills",
    "CS035": "the first four islands were equipped by April 2017",
    "CS041": "in August 2017, 50,000 alerts in the Babai area led to over 4,700 people evacuating",
    "CS043": "the 30-million-meter target for 2025 looked out of reach",
    "CS044": "had installed about 250,000 smart meters",
    "CS050": "connected 94 localities (over 164 schools, 59 health centres, about 180,000 people) "
    "with 71 new base stations",
}


def build_cases(raw: Path, known_iso3: Iterable[str]) -> dict[str, bytes]:
    """The files under data/cases/ the build writes (relative name -> bytes)."""
    return {"cases/case_studies.csv": _csv(read_case_studies(raw, set(known_iso3)))}


def read_case_studies(raw: Path, known_iso3: set[str]) -> pd.DataFrame:
    """The raw studies in STUDY_COLUMNS, checked; ReadinessError lists every bad row."""
    path = raw / RAW_FILE
    if not path.exists():
        raise ReadinessError(f"case studies {path} not found; see ../shared/data/raw/case_studies")
    src = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = sorted(set(_RAW_COLUMNS) - set(src.columns))
    if missing:
        raise ReadinessError(f"{path.name}: column(s) {missing} missing")
    src = src.apply(lambda col: col.str.strip())
    problems = check_rows(src, known_iso3)
    if problems:
        raise ReadinessError(f"{path.name}: {len(problems)} problem(s): " + "; ".join(problems))
    out = pd.DataFrame(
        {
            "case_id": src["case_id"],
            "economies": src["country_iso3"].map(lambda v: ";".join(_parts(v))),
            "city_or_region": src["city_or_region"].map(lambda v: "" if v in NOT_STATED else v),
            "sectors": src["sector"].map(lambda v: ";".join(_parts(v))),
            "technology": src["technology"],
            "year": src["year"],
            "stage": src["stage"].map(normal_stage),
            "stage_detail": src["stage"],
            "summary": src["summary"],
            "outcomes": src["case_id"].map(lambda c: OUTCOMES.get(c, "")),
            "enabling": src["enabling_factors"],
            "limiting": src["limiting_factors"],
            "source_title": src["source_title"],
            "source_publisher": src["source_publisher"],
            "source_year": src["source_year"],
            "source_url": src["source_url"],
            "source_type": src["source_type"],
            "origin": "library",
            "status": "published",
            "submitted_at": "",
            "workshop": "",
        },
        columns=list(STUDY_COLUMNS),
    )
    return out.sort_values("case_id", kind="stable").reset_index(drop=True)


_RAW_COLUMNS = (
    "case_id", "country_iso3", "city_or_region", "sector", "technology", "year", "stage",
    "summary", "enabling_factors", "limiting_factors", "source_title", "source_publisher",
    "source_year", "source_url", "source_type",
)  # fmt: skip


def normal_stage(text: str) -> str:
    """The stage word a study's stage text starts with ("scaling (commercial)" -> scaling)."""
    found = _FIRST_WORD.match(text.strip().lower())
    word = found[0] if found else ""
    if word not in STAGE_WORDS:
        raise ReadinessError(f"stage '{text}' starts with none of {', '.join(STAGE_WORDS)}")
    return STAGE_WORDS[word]


def check_rows(src: pd.DataFrame, known_iso3: set[str]) -> list[str]:
    """Every problem of the raw rows, each naming its case id."""
    problems: list[str] = []
    dupes = sorted(set(src.loc[src["case_id"].duplicated(), "case_id"]))
    if dupes:
        problems.append(f"case id(s) {dupes} repeated")
    for row in src.itertuples(index=False):
        cid = str(row.case_id)
        problems += [f"{cid}: {p}" for p in _row_problems(row, known_iso3)]
    return problems


def _row_problems(row: object, known_iso3: set[str]) -> list[str]:
    get = lambda name: str(getattr(row, name))  # noqa: E731
    problems = []
    if not _CASE_ID.match(get("case_id")):
        problems.append(f"case id '{get('case_id')}' is not CS followed by three digits")
    economies = _parts(get("country_iso3"))
    bad = [e for e in economies if not _ISO3.match(e) or e not in known_iso3]
    if not economies or bad:
        problems.append(f"economies {bad or '(none)'} not ISO3 codes of the country master")
    sectors = _parts(get("sector"))
    odd = [s for s in sectors if s not in SECTORS]
    if not sectors or odd:
        problems.append(f"sector(s) {odd or '(none)'} not in {', '.join(SECTORS)}")
    urls = [u.strip() for u in get("source_url").split(" ; ")]
    if not all(_URL.match(u) for u in urls):
        problems.append(f"source URL '{get('source_url')}' is not http(s)")
    try:
        normal_stage(get("stage"))
    except ReadinessError as err:
        problems.append(str(err))
    for name in ("summary", "source_title"):
        if not get(name):
            problems.append(f"{name} is empty")
    for name in ("enabling_factors", "limiting_factors"):
        if any(not p.strip() for p in get(name).split(";")) and get(name):
            problems.append(f"{name} has an empty ';'-segment")
    outcome = OUTCOMES.get(get("case_id"))
    if outcome is not None and outcome not in get("summary"):
        problems.append("its outcome (OUTCOMES) is no longer part of its summary")
    return problems


def _parts(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")
