"""Method what-if: weights and choices as controls, ranks recomputed live, uncertainty."""

import streamlit as st

from dashboard import downloads, state
from dashboard import method_controls as controls
from dashboard.i18n import t
from dashboard.layout import footer, header
from readiness.errors import ReadinessError
from readiness.index.method import Method, method_text

header(t("method.title"), t("method.intro"), url_keys=("year", "method"))

framework, _ = state.inputs()
method = state.current_method()
controls.init(framework, method)

col_controls, col_results = st.columns([2, 3], gap="large")
with col_controls:
    year = st.select_slider(t("method.year"), options=state.years(), **state.bind("year", "method"))
    controls.draw(framework)
    method = state.current_method()
    problem = st.session_state.get(controls.ERROR)
    if problem:
        st.error(t("method.invalid", problem=problem))
    st.markdown(f"**{t('method.export')}**")
    row = st.container(horizontal=True, gap="small")  # one message for the row, not three
    row.download_button(
        t("method.export_json"),
        data=method_text(method, "json"),
        file_name="readiness-method.json",
        mime="application/json",
        key="method_export_json",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        t("method.export_yaml"),
        data=method_text(method, "yaml"),
        file_name="readiness-method.yaml",
        mime="application/x-yaml",
        key="method_export_yaml",
        on_click="ignore",
        icon=":material/download:",
    )
    st.file_uploader(
        t("method.import"),
        type=["json", "yaml", "yml"],
        key=controls.UPLOAD,
        on_change=controls.import_file,
        args=(framework,),
        help=t("method.import_help"),
    )

with col_results:
    try:
        result = state.result(year, method)
    except ReadinessError as exc:
        st.error(t("method.invalid", problem=exc))
        footer()
        st.stop()
    summary = state.view("method_summary", year, method=method)  # shared, as the charts
    counts = st.container(horizontal=True, gap="medium")
    counts.metric(t("method.scored"), summary.scored)
    counts.metric(t("method.moved"), summary.moved)
    counts.metric(t("method.largest_move"), summary.largest)
    if method == Method():
        st.caption(t("method.is_default"))
    st.markdown(f"**{t('method.top')}**")
    st.table(summary.top_written, hide_index=True)  # a real HTML table: copy, paste, read
    downloads.offer(summary.top, t("method.top_name", year=year), "method_top")

    st.subheader(t("method.ranks"))
    chart = state.view("method_ranks", year, method=method)
    downloads.figure(
        chart.figure,
        chart.table,
        t("method.ranks_name", year=year),
        key="method_ranks",
    )

st.subheader(t("method.framework"))
chart = state.view("method_tree", year, method=method)
downloads.figure(
    chart.figure,
    chart.table,
    t("method.weights_name"),
    key="method_tree",
)

st.subheader(t("method.uncertainty"))
st.markdown(  # the intro and the first chart's title: one element
    f"{t('method.uncertainty_intro', n=state.UNCERTAINTY_SAMPLES)}\n\n**{t('method.sensitivity')}**"
)
unc = state.uncertainty(year, method)
chart = state.view("method_sensitivity", year, unc.spec.n, method=method)
downloads.figure(
    chart.figure,
    chart.table,
    t("method.sensitivity_name", year=year),
    key="method_sensitivity",
)
st.markdown(f"**{t('method.intervals')}**")
chart = state.view("method_intervals", year, unc.spec.n, state.current_economy(), method=method)
downloads.figure(
    chart.figure,
    chart.table,
    t("method.intervals_name", year=year),
    key="method_intervals",
)

footer()
