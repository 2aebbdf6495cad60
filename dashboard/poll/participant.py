"""The participant's view, made for a phone: `poll?w=CODE`.

One form: up to N factors of the vocabulary (the most important first), the economy and the
role (the economy optional), and one button. The answer is anonymous: the store keeps it under this
session's random token (dashboard.auth.session.session_token), so answering again replaces it
until the presenter closes the poll.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard import state
from dashboard.auth.session import session_token
from dashboard.i18n import option_label, t
from dashboard.poll.common import CODE_PARAM, factor_name, polls, workshop_heading
from readiness.errors import ReadinessError
from readiness.experiences.questionnaire import PollAnswer, validate_poll_answer
from readiness.experiences.vocabulary import FACTORS, ROLES
from readiness.store.errors import StoreError
from readiness.uploads.safe import markdown_text

FORM = "poll_form"
FACTORS_KEY = "poll_factors"
ECONOMY_KEY = "poll_economy"
ROLE_KEY = "poll_role"
SUBMIT_KEY = "poll_submit"
ANSWERED = "poll_answered"  # session state: {code: the factors this session answered}
CODE_INPUT = "poll_code_input"


def code_entry() -> None:
    """A box for the workshop code, for a participant who has the code but not the link."""
    with st.form("poll_code_form", border=False):
        typed = st.text_input(
            t("poll.enter_code"), key=CODE_INPUT, max_chars=16, help=t("poll.code_help")
        )
        if st.form_submit_button(t("poll.go"), key="poll_code_go"):
            code = "".join(c for c in typed if c.isalnum()).upper()
            if code:
                st.query_params[CODE_PARAM] = code
                st.rerun()


def render(code: str) -> None:
    """The question and the answer form of poll `code` (unknown or closed: says so)."""
    workshop = workshop_heading(code)  # StoreError: no database (the page says so)
    if workshop is None:
        code_entry()
        return
    if not workshop["is_open"]:
        st.info(t("poll.closed"))
        return
    answered = st.session_state.setdefault(ANSWERED, {})
    max_choices = int(workshop["max_choices"])
    with st.form(FORM):
        factors = st.multiselect(
            t("poll.factors", n=max_choices),
            options=list(FACTORS),
            format_func=option_label("experiences.factor."),
            key=FACTORS_KEY,
            placeholder=t("poll.factors_placeholder"),
        )
        economies = state.all_economies()
        names = state.name_map()
        iso3 = st.selectbox(
            t("poll.economy"),
            options=economies,
            index=None,
            format_func=lambda c: names.get(c, c),
            key=ECONOMY_KEY,
            placeholder=t("poll.economy_none"),
        )
        role = st.selectbox(
            t("poll.role"),
            options=list(ROLES),
            index=None,
            format_func=option_label("experiences.role."),
            key=ROLE_KEY,
            placeholder=t("poll.factors_placeholder"),
        )
        sent = st.form_submit_button(
            t("poll.submit"), key=SUBMIT_KEY, type="primary", width="stretch"
        )
    if sent:
        _answer(code, factors, iso3, role, max_choices, answered)
    elif code in answered:
        _counted(answered[code])
    st.caption(t("poll.anonymous"))
    _factor_help()


def _answer(
    code: str,
    factors: Sequence[str],
    iso3: str | None,
    role: str | None,
    max_choices: int,
    answered: dict[str, list[str]],
) -> None:
    """Check and store one answer; every refusal is a message, never a traceback."""
    if not factors:
        st.error(t("poll.none_chosen"))
        return
    if len(factors) > max_choices:
        st.error(t("poll.too_many", n=max_choices, chosen=len(factors)))
        return
    if not role:
        st.error(t("poll.role_needed"))
        return
    try:
        answer = validated(factors, iso3, role, max_choices)
        polls().answer(code, answer, session_key=session_token())
    except StoreError as exc:
        try:
            still_open = bool(polls().workshop(code)["is_open"])
        except StoreError:
            still_open = False
        if not still_open:
            st.error(t("poll.closed"))
        else:
            st.error(t("poll.refused", reason=markdown_text(str(exc).splitlines()[0])))
        return
    except ReadinessError as exc:
        st.error(t("poll.refused", reason=markdown_text(str(exc).splitlines()[0])))
        return
    answered[code] = list(factors)
    _counted(answered[code])


def validated(factors: Sequence[str], iso3: str | None, role: str, max_choices: int) -> PollAnswer:
    """The answer checked by the questionnaire's rule; the economy is optional ("" if none)."""
    return validate_poll_answer(list(factors), iso3 or "", role, max_choices)


def _counted(factors: Sequence[str]) -> None:
    st.success(t("poll.counted"), icon=":material/check_circle:")
    st.caption(t("poll.your_answer", factors=", ".join(factor_name(f) for f in factors)))


def _factor_help() -> None:
    """Each factor's name and one-line description (the catalogues' text, not a user's)."""
    with st.expander(t("poll.factor_help")):
        st.markdown(
            "\n".join(
                f"- **{factor_name(code)}**: {t(f'experiences.factor_help.{code}')}"
                for code in FACTORS
            )
        )


__all__ = ["code_entry", "render"]
