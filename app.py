"""Router only: the pages live in pages/, the logic in readiness/."""

import streamlit as st

st.set_page_config(page_title="IoT & SSCC readiness", page_icon=":material/hub:", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/data_sources.py", title="Data and sources", icon=":material/dataset:"),
    ]
)
navigation.run()
