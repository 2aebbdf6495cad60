"""The questionnaire through which a workshop participant or a national administration submits
an experience: one form, checked by readiness.experiences.questionnaire, stored as pending.

Anyone may submit (no sign-in); what is sent waits for an editor (dashboard/experiences/
moderate.py) and is never shown to others before that. Every problem is listed under the form
in the page's language; what the submitter typed is never drawn as markdown or HTML here.
The store limits how often one session and one workshop may submit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from dashboard import state
from dashboard.auth.session import session_token
from dashboard.cities.store import store
from dashboard.i18n import has, language, option_label, t
from readiness.errors import ReadinessError
from readiness.experiences.questionnaire import LIMITS, SOURCE_TYPES, validate_submission
from readiness.experiences.vocabulary import FACTORS, ROLES, SECTORS, SIDES, STAGES

KEY = "exp_sub_"  # every widget of the questionnaire
FORM = f"{KEY}form"
OUTCOME = (
    "exp_submit_outcome"  # ("received", reference) or ("problems", [text, ...]) of the last send
)
WORKSHOP = f"{KEY}workshop"
LINK_WORKSHOP = "exp_submit_link_workshop"  # the `?w=` of the link this session came by
TEXT_FIELDS = ("city_or_region", "technology", "year", "summary", "outcomes")
SOURCE_FIELDS = ("source_title", "source_publisher", "source_year", "source_url")


def read_link() -> str | None:
    """Keep the link's workshop code (`?w=CODE`) for this session and return it (None when the
    link has none); a page calls it before its header rewrites the URL (render() reads it too,
    when the URL still has it)."""
    code = st.query_params.get("w")
    if isinstance(code, str) and code.strip():
        st.session_state[LINK_WORKSHOP] = code.strip()[: _limit("short")]
        return str(st.session_state[LINK_WORKSHOP])
    return None


def render() -> None:
    """The questionnaire and, under it, what the last send came to."""
    read_link()
    if WORKSHOP not in st.session_state:
        st.session_state[WORKSHOP] = st.session_state.get(LINK_WORKSHOP, "")
    st.subheader(t("experiences_submit.title"))
    st.caption(t("experiences_submit.intro"))
    with st.form(FORM, clear_on_submit=False, enter_to_submit=False):
        _study_fields()
        for side in SIDES:
            _factor_fields(side)
        _source_fields()
        _about_fields()
        st.form_submit_button(t("experiences_submit.send"), type="primary", on_click=_send)
    _outcome()


def _study_fields() -> None:
    names = state.name_map()
    st.multiselect(
        t("experiences_submit.economies"),
        options=state.all_economies(),
        key=f"{KEY}economies",
        format_func=lambda iso3: names.get(iso3, iso3),
        placeholder=t("experiences_submit.choose"),
        help=t("experiences_submit.economies_help"),
    )
    _text("city_or_region")
    st.multiselect(
        t("experiences_submit.sectors"),
        options=list(SECTORS),
        key=f"{KEY}sectors",
        format_func=option_label("experiences.sector."),
        placeholder=t("experiences_submit.choose"),
        help=t("experiences_submit.sectors_help"),
    )
    _text("technology")
    left, right = st.columns(2)
    with left:
        _text("year")
    with right:
        _choice("stage", STAGES, option_label("experiences.stage."))
    _text("summary", area=True)
    _text("outcomes", area=True)


def _factor_fields(side: str) -> None:
    """The factors of one side from the vocabulary, then each one's own words (optional)."""
    st.multiselect(
        t(f"experiences_submit.{side}"),
        options=list(FACTORS),
        key=f"{KEY}{side}",
        format_func=option_label("experiences.factor."),
        placeholder=t("experiences_submit.choose"),
        help=t(f"experiences_submit.{side}_help"),
    )
    with st.expander(t(f"experiences_submit.{side}_words")):
        st.caption(t("experiences_submit.words_help", n=_limit("phrase")))
        for code in FACTORS:
            st.text_input(t(f"experiences.factor.{code}"), key=f"{KEY}{side}_words_{code}")


def _source_fields() -> None:
    st.markdown(f"**{t('experiences_submit.source')}**")
    st.caption(t("experiences_submit.source_help"))
    _choice("source_type", SOURCE_TYPES, source_type_label(), hint=False)
    for field in SOURCE_FIELDS:
        _text(field)


def _about_fields() -> None:
    _choice("role", ROLES, option_label("experiences.role."))
    st.text_input(
        t("experiences_submit.workshop"),
        key=WORKSHOP,
        help=t("experiences_submit.workshop_help"),
    )
    st.caption(t("experiences_submit.privacy"))


def _choice(
    field: str, options: Sequence[str], label_of: Callable[[str], str], *, hint: bool = True
) -> None:
    """One choice from a closed list, nothing chosen at first (experiences_submit.<field>, and
    its <field>_help with `hint`)."""
    st.selectbox(
        t(f"experiences_submit.{field}"),
        options=list(options),
        index=None,
        key=f"{KEY}{field}",
        format_func=label_of,
        placeholder=t("experiences_submit.choose"),
        help=t(f"experiences_submit.{field}_help") if hint else None,
    )


def _text(field: str, *, area: bool = False) -> None:
    """One free-text field; no max_chars, so a text over the limit is refused with a message
    instead of being cut short without a word."""
    label, key = t(f"experiences_submit.{field}"), f"{KEY}{field}"
    limit = _limit(field)
    note = t("experiences_submit.at_most", n=limit)
    hint = f"{t(f'experiences_submit.{field}_help')} {note}"
    if area:
        st.text_area(label, key=key, help=hint, height=120)
    else:
        st.text_input(label, key=key, help=hint)


def _limit(field: str) -> int:
    """The longest text LIMITS allows for `field` (its own limit, else the short fields')."""
    limits: Mapping[str, object] = LIMITS
    found = limits.get(field, limits.get("short", 200))
    return int(found) if isinstance(found, int | float | str) else 200


def fields() -> dict[str, object]:
    """What the form holds, as validate_submission reads it."""
    value = st.session_state.get
    out: dict[str, object] = {
        "economies": list(value(f"{KEY}economies") or []),
        "sectors": list(value(f"{KEY}sectors") or []),
        "stage": value(f"{KEY}stage") or "",
        "role": value(f"{KEY}role") or "",
        "source_type": value(f"{KEY}source_type") or "",
        "language": language(),
    }
    for field in (*TEXT_FIELDS, *SOURCE_FIELDS):
        out[field] = str(value(f"{KEY}{field}") or "")
    for side in SIDES:
        out[side] = list(value(f"{KEY}{side}") or [])
        words = {code: str(value(f"{KEY}{side}_words_{code}") or "") for code in FACTORS}
        out[f"{side}_words"] = {code: text for code, text in words.items() if text.strip()}
    return out


def _send() -> None:
    """The form's callback: check, store as pending, and start an empty form on success."""
    try:
        submission = validate_submission(fields())
    except ReadinessError as exc:
        st.session_state[OUTCOME] = ("problems", _problems(exc))
        return
    workshop = str(st.session_state.get(WORKSHOP) or "").strip()
    try:
        reference = store().cases.submit(
            submission, session_key=session_token(), workshop=workshop or None
        )
    except ReadinessError as exc:
        st.session_state[OUTCOME] = ("refused", _refusal(exc, workshop))
        return
    st.session_state[OUTCOME] = ("received", reference)
    _clear()


def _clear() -> None:
    """An empty form after a send (the workshop code stays: the next one is from the room too)."""
    for name in ("economies", "sectors", *SIDES):
        st.session_state[f"{KEY}{name}"] = []
    for name in ("stage", "role", "source_type"):
        st.session_state[f"{KEY}{name}"] = None
    for name in (*TEXT_FIELDS, *SOURCE_FIELDS):
        st.session_state[f"{KEY}{name}"] = ""
    for side in SIDES:
        for code in FACTORS:
            st.session_state[f"{KEY}{side}_words_{code}"] = ""


def _problems(exc: ReadinessError) -> list[str]:
    """Every problem validate_submission found, each in the page's language."""
    message = str(exc)
    listed = message.split(": ", 1)[1] if "problem(s): " in message else message
    return [problem_text(p) for p in listed.split("; ") if p.strip()]


def problem_text(problem: str) -> str:
    """One of validate_submission's problems ("field: what is wrong") in the page's words."""
    name, _, detail = problem.partition(": ")
    name = name.split(" (")[0].strip()
    field = _field_label(name)
    numbers = [int(n) for n in re.findall(r"\d+", detail)]
    if name == "economies" and detail.startswith("name at least"):
        return t("experiences_submit.problem.economy_none")
    if name == "economies" and detail.startswith("unknown"):
        return t("experiences_submit.problem.economy_unknown", codes=detail.rsplit(" ", 1)[-1])
    if name == "factors":
        return t("experiences_submit.problem.factors")
    if name == "source_url":
        return t("experiences_submit.problem.url")
    if "characters, at most" in detail and len(numbers) >= 2:
        return t("experiences_submit.problem.too_long", field=field, n=numbers[0],
                 limit=numbers[1])  # fmt: skip
    if name.endswith("_words") and "is not a chosen" in detail:
        return t("experiences_submit.problem.words_not_chosen", field=field)
    if name.endswith("_words") and "characters" in detail and numbers:
        return t("experiences_submit.problem.phrase_long", field=field, limit=numbers[-1])
    if detail.startswith("at most") and numbers:
        return t("experiences_submit.problem.too_many", field=field, limit=numbers[0])
    if detail.startswith("a year"):
        return t("experiences_submit.problem.year", field=field)
    if detail.startswith("choose one of"):
        return t("experiences_submit.problem.choose", field=field)
    if "not one of" in detail:
        return t("experiences_submit.problem.not_in_list", field=field)
    if name in ("summary", "technology"):
        return t("experiences_submit.problem.required", field=field)
    return t("experiences_submit.problem.other", field=field)


def _field_label(name: str) -> str:
    for key in (f"experiences_submit.{name}", f"experiences_submit.moderate.field.{name}"):
        if has(key):
            return t(key)
    return name


def source_type_label() -> Callable[[object], str]:
    """A source type (readiness' SOURCE_TYPES, such as "UN/IGO") as the page's words."""
    label = option_label("experiences_submit.source_types.")
    return lambda code: label(str(code).lower().replace("/", "_"))


def _refusal(exc: ReadinessError, workshop: str) -> str:
    """The store's refusal (readiness/store/cases.py) in the page's words: which limit was
    reached, or that the workshop code is unknown."""
    message = str(exc).lower()
    if "this session has sent" in message:
        return t("experiences_submit.limit_session")
    if "as many as one workshop" in message:
        return t("experiences_submit.limit_workshop")
    if ("no workshop has the code" in message or "not a poll code" in message) and workshop:
        return t("experiences_submit.unknown_workshop")
    if "waiting for review" in message:
        return t("experiences_submit.limit_pending")
    return t("experiences_submit.not_stored")


def _outcome() -> None:
    """What the last send came to, under the form: received with its reference, or why not."""
    found = st.session_state.get(OUTCOME)
    if not found:
        return
    kind, detail = found
    if kind == "received":
        st.success(t("experiences_submit.received", reference=str(detail)))
    elif kind == "refused":
        st.error(str(detail))
    else:
        st.error(t("experiences_submit.problems", n=len(detail)))
        for problem in detail:
            st.text(f"• {problem}")


__all__ = [
    "FORM", "KEY", "OUTCOME", "fields", "problem_text", "read_link", "render", "source_type_label",
]  # fmt: skip
