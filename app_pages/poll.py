"""Live poll: `poll?w=CODE` for participants (phones), `poll?w=CODE&view=tally` for the
presenter's screen; editors open and close polls here. Answers are anonymous."""

import streamlit as st

from dashboard.auth import sign_in_panel
from dashboard.i18n import t
from dashboard.layout import footer
from dashboard.poll import manage, participant, presenter
from dashboard.poll.common import TALLY, header, link_code, link_view
from readiness.errors import ReadinessError
from readiness.uploads.safe import markdown_text

code, view = link_code(), link_view()
presenting = bool(code) and view == TALLY
header(t("poll.title"), code, TALLY if presenting else "")
sign_in_panel()
try:
    if presenting:
        presenter.render(code)
    elif code:
        participant.render(code)
    else:
        st.markdown(t("poll.intro"))
        participant.code_entry()
        manage.render()
except ReadinessError as exc:  # no database: say so, never a traceback
    st.error(t("poll.store_unavailable"))
    st.caption(markdown_text(str(exc).splitlines()[0]))
if not code:
    footer()
