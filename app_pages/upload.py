"""Your data: upload a file, see every problem, preview the changes, apply it to your session."""

import streamlit as st

from dashboard import overlay, state
from dashboard.i18n import grid, t
from dashboard.layout import footer, header
from dashboard.limits import SessionLimitError
from readiness.errors import ReadinessError
from readiness.uploads.limits import MAX_BYTES
from readiness.uploads.safe import markdown_text

header(t("upload.title"), t("upload.intro"))

with st.expander(t("upload.formats")):
    st.markdown(t("upload.formats_help", mb=f"{MAX_BYTES / 1e6:.0f}"))

st.subheader(t("upload.step_check"))
col_data, col_meta = st.columns([3, 2])
data_file = col_data.file_uploader(
    t("upload.data_file"), type=["csv", "txt", "tsv", "xlsx"], key="up_data"
)
meta_file = col_meta.file_uploader(
    t("upload.meta_file"), type=["csv", "txt", "tsv", "xlsx"], key="up_meta"
)
if data_file is not None and st.button(t("upload.check"), type="primary"):
    try:
        overlay.validate(
            data_file.getvalue(),
            data_file.name,
            meta_file.getvalue() if meta_file is not None else None,
            meta_file.name if meta_file is not None else None,
        )
    except SessionLimitError as exc:
        st.error(str(exc))

result = overlay.pending()
if result is not None:
    if result.ok:
        st.success(markdown_text(result.summary()))
    else:
        st.error(markdown_text(result.summary()))
    if result.problems:
        st.dataframe(**grid(result.table()), hide_index=True, width="stretch")

    view = overlay.pending_preview()
    if view is not None:
        st.subheader(t("upload.step_changes"))
        st.info(view.summary())
        left, right = st.columns(2)
        left.markdown(t("upload.changes"))
        left.dataframe(**grid(view.changes), hide_index=True, width="stretch")
        right.markdown(t("upload.rank_changes", year=view.year))
        right.dataframe(**grid(view.ranks), hide_index=True, width="stretch")
        if st.button(t("upload.apply"), type="primary"):
            try:
                overlay.apply_pending()
            except SessionLimitError as exc:
                st.error(str(exc))
            else:
                st.rerun()

st.subheader(t("upload.in_session"))
mine = overlay.applied()
if not mine:
    st.caption(t("upload.none"))
else:
    for item in mine:
        prov = item.provenance
        st.markdown(
            t(
                "upload.item",
                name=markdown_text(prov.filename),
                values=f"{len(item.rows):,}",
                indicators=len(item.indicators),
                when=markdown_text(prov.uploaded_at),
                sha=prov.sha256[:12],
            )
        )
    if st.button(t("upload.remove")):
        overlay.clear()
        st.rerun()

st.subheader(t("upload.scenario"))
st.caption(t("upload.scenario_help"))
st.download_button(
    t("upload.scenario_download"),
    data=overlay.scenario_bytes(),
    file_name="readiness-scenario.json",
    mime="application/json",
)
scenario_file = st.file_uploader(t("upload.scenario_open"), type=["json"], key="up_scenario")
if scenario_file is not None and st.button(t("upload.scenario_load")):
    try:
        loaded = overlay.load_scenario(scenario_file.getvalue())
    except ReadinessError as exc:
        st.error(markdown_text(str(exc).splitlines()[0]))
        st.code("\n".join(str(exc).splitlines()[1:]) or str(exc), language=None)
    else:
        st.success(t("upload.scenario_loaded", files=len(loaded.overlays)))

st.caption(t("upload.token", token=state.data_token()[:12]))
footer()
