"""Country experiences: case studies of IoT and smart-city deployments, filtered; the factors
they cite, limiting beside enabling; a map; exports; sharing an experience; the editors' queue."""

import streamlit as st

from dashboard import state
from dashboard.auth import current_editor, sign_in_panel
from dashboard.experiences import browse, counts, downloads, filters, moderate, submit
from dashboard.experiences import map as studies_map
from dashboard.experiences.reader import reader
from dashboard.i18n import t
from dashboard.layout import footer, header

economies = state.all_economies()
filters.read_link(economies)  # before the header rewrites the link
workshop_link = submit.read_link()  # a participant's `?w=CODE` opens the questionnaire
if workshop_link and "exp_tabs" not in st.session_state:
    st.session_state["exp_tabs"] = t("experiences_page.tab_share")
header(t("experiences_page.title"), t("experiences_page.intro"))
sign_in_panel()
stored = reader()
if stored.problem:  # no database: the committed library still shows, read-only
    st.warning(t("experiences_page.store_unavailable"))

chosen = filters.controls(economies)
filters.publish(chosen)
studies, factors = filters.apply(stored, chosen)
total = len(stored.studies())
st.metric(t("experiences_page.shown"), browse.count_line(len(studies), total))
if studies.empty:
    st.info(filters.nothing_found(chosen))

editor = current_editor()
tabs = ("browse", "factors", "map", "share") + (("review",) if editor else ())
opened = st.tabs(
    [t(f"experiences_page.tab_{name}") for name in tabs], key="exp_tabs", on_change="rerun"
)
browse_tab, factors_tab, map_tab, share_tab = opened[:4]
with browse_tab:
    if browse_tab.open and not studies.empty:
        browse.show(stored, studies, factors, chosen.key())
        downloads.offer(studies, factors)
with factors_tab:
    if factors_tab.open and not studies.empty:
        counts.show(stored, studies, factors, chosen.key())
with map_tab:
    if map_tab.open:
        studies_map.show(stored, studies, chosen.key())
with share_tab:  # the questionnaire (dashboard/experiences/submit.py)
    if share_tab.open:
        if stored.problem:
            st.info(t("experiences_page.needs_store"))
        else:
            submit.render()
if editor:  # the editors' queue (dashboard/experiences/moderate.py); anonymous: no tab at all
    with opened[4]:
        if opened[4].open:
            if stored.problem:
                st.info(t("experiences_page.needs_store"))
            else:
                moderate.render()
footer()
