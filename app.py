"""Router only: the pages live in app_pages/, the logic in readiness/.

The folder is not called pages/: Streamlit would also register it as legacy pages, and a
shared link opened on a freshly started server would then skip this router.
"""

import streamlit as st

from dashboard import network, urlstate
from dashboard.i18n import t
from readiness.paths import STATIC_DIR

ICON = str(STATIC_DIR / "favicon.png")

network.tune_once()  # Nagle off on the server's sockets: 40 ms less per kept-alive request
urlstate.restore()  # the link's language names the pages below
st.set_page_config(page_title=t("app.title"), page_icon=ICON, layout="wide")

navigation = st.navigation(
    [
        st.Page("app_pages/map.py", title=t("nav.map"), icon=":material/public:", default=True),
        st.Page("app_pages/profile.py", title=t("nav.profile"), icon=":material/flag:",
                url_path="profile"),
        st.Page("app_pages/cities.py", title=t("nav.cities"), icon=":material/location_city:",
                url_path="cities"),
        st.Page("app_pages/experiences.py", title=t("nav.experiences"), icon=":material/forum:",
                url_path="experiences"),
        st.Page("app_pages/poll.py", title=t("nav.poll"), icon=":material/how_to_vote:",
                url_path="poll"),
        st.Page("app_pages/compare.py", title=t("nav.compare"), icon=":material/compare_arrows:",
                url_path="compare"),
        st.Page("app_pages/gaps.py", title=t("nav.gaps"), icon=":material/trending_up:",
                url_path="gaps"),
        st.Page("app_pages/method.py", title=t("nav.method"), icon=":material/tune:",
                url_path="method"),
        st.Page("app_pages/data_sources.py", title=t("nav.data"), icon=":material/dataset:",
                url_path="data"),
        st.Page("app_pages/upload.py", title=t("nav.upload"), icon=":material/upload_file:",
                url_path="upload"),
    ]
)  # fmt: skip
navigation.run()
