"""Country profile: scores, ranks and tier; group comparison; indicators; IoT networks and data
infrastructure beside peers and region; trends; gaps."""

import streamlit as st

from dashboard import downloads, state
from dashboard.experiences import profile as experiences
from dashboard.i18n import t
from dashboard.layout import footer, header
from dashboard.reports import report_download

# Five pillars in one row from about 1000 px, labels wrapping onto a second line (Arabic's
# are longest), values aligned on one line; narrower, the grid wraps evenly.
PILLARS_CSS = """<style>
.st-key-profile_pillars { display: grid !important; align-items: end;
  grid-template-columns: repeat(auto-fit, minmax(6rem, 1fr)); }
.st-key-profile_pillars [data-testid="stMetricLabel"] p,
.st-key-profile_pillars [data-testid="stMetricDelta"] p { white-space: normal; }
.st-key-profile_pillars .stMarkdownEllipsis {
  overflow: visible; text-overflow: clip; white-space: normal; }
</style>"""

header(t("profile.title"), t("profile.intro"), url_keys=("economy", "year", "method"))
with st.sidebar:
    st.html(PILLARS_CSS)

snap = state.active_snapshot()
names = state.names()
economies = state.all_economies()
col_economy, col_year = st.columns([3, 2])
iso3 = col_economy.selectbox(
    t("profile.economy"),
    options=economies,
    format_func=state.name_map().__getitem__,
    **state.bind("economy", "profile", economies),
)
year = col_year.select_slider(
    t("profile.year"), options=state.years(), **state.bind("year", "profile")
)
state.set_shared("economy", iso3)

headline = state.view("profile_headline", iso3, year)  # shared by every session that shows it
name = names[iso3]

st.header(name)
if headline.not_scored:
    st.warning(headline.not_scored)
else:
    # One row (not columns: a block less per figure, eleven on a first load); it wraps where the
    # page is too narrow.
    row = st.container(horizontal=True, gap="medium")
    for m in headline.index:
        row.metric(m.label, m.value, help=m.help, width=m.width)
pillar_row = st.container(horizontal=True, gap="small", key="profile_pillars")
for m in headline.pillars:
    pillar_row.metric(m.label, m.value, m.delta, delta_color="off", delta_arrow="off")
downloads.offer(
    state.view("profile_scores_table", iso3, year),
    t("profile.scores_name", economy=iso3, year=year),
    "scores",
)

st.subheader(t("profile.groups"))
chart = state.view("profile_groups", iso3, year)
downloads.figure(
    chart.figure,
    chart.table,
    t("profile.groups_name", economy=iso3, year=year),
    key="profile_groups",
)
st.caption(t("profile.groups_note"))

st.subheader(t("profile.indicators"))
state.gap_inputs()  # a cold server builds them here, behind the spinner
st.caption(t("profile.indicators_note"))
downloads.table(
    state.view("profile_indicators", iso3, year),
    t("profile.indicators_name", economy=iso3, year=year),
    "profile_indicators",
)

st.subheader(t("iot_profile.title"))
st.markdown(t("iot_profile.intro", economy=name, year=year))
iot = state.view("profile_iot", iso3, year)
iot_row = st.container(horizontal=True, gap="medium")
for m in iot.pillar:
    iot_row.metric(m.label, m.value, m.delta, delta_color="off", delta_arrow="off")
downloads.table(
    iot.table, t("iot_profile.table_name", economy=iso3, year=year), "profile_iot",
    height="content", digits=iot.digits,
)  # fmt: skip
st.markdown(f"**{t('iot_profile.has_title')}**")
st.caption(iot.peers_note)
st.table(iot.has, hide_index=True)
st.caption(t("iot_profile.has_note"))

st.subheader(t("profile.strengths"))
sw = state.view("profile_strengths", iso3, year)
if sw.table.empty:
    st.info(t("profile.no_strengths"))
else:
    left, right = st.columns(2)
    for col, kind in ((left, "strength"), (right, "weakness")):
        col.markdown("\n".join([f"**{t(f'profile.{kind}')}**", "", *sw.lines[kind]]))  # one list
    downloads.offer(sw.table, t("profile.sw_name", economy=iso3, year=year), "profile_sw")

st.subheader(t("profile.trends"))
state.results_by_year()  # a cold server builds them here, behind the spinner
chart = state.view("profile_trend", iso3)
downloads.figure(
    chart.figure,
    chart.table,
    t("profile.trend_name", economy=iso3),
    key="profile_trend",
)

st.subheader(t("profile.peers"))
st.markdown(t("profile.peers_intro"))
found = state.view("profile_peers", iso3, year)
if found is None:  # too few of the comparison features known (e.g. the Channel Islands)
    st.info(t("profile.peers_unavailable", economy=name, year=year))
else:
    downloads.table(
        found.table,
        t("profile.peers_name", economy=iso3),
        "profile_peers",
        digits={t("col.distance"): 3},
    )
    compare = t("profile.compare_peers")
    if st.button(compare, key="profile_compare", icon=":material/compare_arrows:"):
        state.set_shared("peers", found.codes)
        st.switch_page("app_pages/compare.py", query_params={"peers": ",".join(found.codes)})

experiences.section(iso3, found.codes[1:] if found is not None else ())  # own, peers', region's

st.subheader(t("profile.data_gaps"))
gaps = state.view("profile_data_gaps", iso3, year)
counts = st.container(horizontal=True, gap="medium")
for label, n in gaps.counts.items():
    counts.metric(t(f"profile.status.{label.replace(' ', '_')}"), n)
if gaps.complete:
    st.success(t("profile.no_data_gaps"))
else:
    downloads.table(
        gaps.table,
        t("profile.data_gaps_name", economy=iso3),
        "profile_missing",
    )

st.subheader(t("profile.report"))
st.caption(t("profile.report_intro"))
report_download(
    "economy", iso3, year, state.current_method(), snap, token=state.data_token(),
    key="profile_report",
)  # fmt: skip

footer()
