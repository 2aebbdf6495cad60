"""Your data: upload a file, see every problem, preview the changes, apply it to your session."""

import streamlit as st

from dashboard import overlay, state
from dashboard.layout import footer, header
from readiness.errors import ReadinessError
from readiness.safe import markdown_text
from readiness.upload import MAX_BYTES

header(
    "Your data",
    "Add data we do not ship (ITU Regulatory Tracker, GSMA Mobile Connectivity Index, national "
    "statistics, newer releases) as CSV or Excel (.xlsx). It is checked first, and stays in "
    "your browser session only: it never changes the published data and no one else sees it. "
    "Values you add are marked with the source USER everywhere.",
)

with st.expander("File formats"):
    st.markdown(
        "- **Tidy**: columns `economy, year, indicator, value`, one value per row.\n"
        "- **Wide**: columns `economy, year`, then one column per indicator.\n"
        "- Economies by ISO3 code or by name in English, French, Spanish, Russian, Chinese or "
        "Arabic (common aliases such as *Viet Nam*, *Türkiye*, *Côte d'Ivoire* work).\n"
        "- Indicators: a catalogue code (e.g. `internet_use`) overrides our values; a new one "
        "is declared on a sheet named `indicators` (or a separate file) with `code, name, unit, "
        "direction, pillar, goalpost_lo, goalpost_hi`.\n"
        f"- Files up to {MAX_BYTES / 1e6:.0f} MB; formulas and macros are never run."
    )

st.subheader("1. Upload and check")
col_data, col_meta = st.columns([3, 2])
data_file = col_data.file_uploader("Data file", type=["csv", "txt", "tsv", "xlsx"], key="up_data")
meta_file = col_meta.file_uploader(
    "Indicator definitions (optional)", type=["csv", "txt", "tsv", "xlsx"], key="up_meta"
)
if data_file is not None and st.button("Check the file", type="primary"):
    overlay.validate(
        data_file.getvalue(),
        data_file.name,
        meta_file.getvalue() if meta_file is not None else None,
        meta_file.name if meta_file is not None else None,
    )

result = overlay.pending()
if result is not None:
    if result.ok:
        st.success(markdown_text(result.summary()))
    else:
        st.error(markdown_text(result.summary()))
    if result.problems:
        st.dataframe(result.table(), hide_index=True, width="stretch")

    view = overlay.pending_preview()
    if view is not None:
        st.subheader("2. What changes")
        st.info(view.summary())
        left, right = st.columns(2)
        left.markdown("**Values added or overridden**")
        left.dataframe(view.changes, hide_index=True, width="stretch")
        right.markdown(f"**Index and rank changes ({view.year})**")
        right.dataframe(view.ranks, hide_index=True, width="stretch")
        if st.button("Apply to my session", type="primary"):
            overlay.apply_pending()
            st.rerun()

st.subheader("Data in your session")
mine = overlay.applied()
if not mine:
    st.caption("None: the dashboard shows the published data.")
else:
    for item in mine:
        prov = item.provenance
        st.markdown(
            f"- **{markdown_text(prov.filename)}**: {len(item.rows):,} values, "
            f"{len(item.indicators)} new indicator(s), uploaded {markdown_text(prov.uploaded_at)}"
            f" (sha256 `{prov.sha256[:12]}`)"
        )
    if st.button("Remove all my data"):
        overlay.clear()
        st.rerun()

st.subheader("Scenario file")
st.caption("Your method and your data in one file, to continue later or share.")
st.download_button(
    "Download scenario (JSON)",
    data=overlay.scenario_bytes(),
    file_name="readiness-scenario.json",
    mime="application/json",
)
scenario_file = st.file_uploader("Open a scenario file", type=["json"], key="up_scenario")
if scenario_file is not None and st.button("Load the scenario"):
    try:
        loaded = overlay.load_scenario(scenario_file.getvalue())
    except ReadinessError as exc:
        st.error(markdown_text(str(exc).splitlines()[0]))
        st.code("\n".join(str(exc).splitlines()[1:]) or str(exc), language=None)
    else:
        st.success(f"Scenario loaded: {len(loaded.overlays)} file(s) of data and its method.")

st.caption(f"Session data token: `{state.data_token()[:12]}`")
footer()
