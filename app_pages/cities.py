"""Cities: the U4SSC KPIs of the cities users have stored, their scores beside the national
context, several cities compared, all of them on a map. Everyone reads; editors write."""

import streamlit as st

from dashboard.auth import sign_in_panel
from dashboard.cities import city, compare, controls, forms, guide
from dashboard.cities import map as city_map
from dashboard.cities.store import reader
from dashboard.i18n import t
from dashboard.layout import footer, header
from readiness.errors import ReadinessError
from readiness.uploads.safe import markdown_text

try:
    stored = reader()
    cities = stored.cities()
except ReadinessError as exc:  # no database: say so, never a traceback
    header(t("cities_page.title"), t("cities_page.intro"))
    sign_in_panel()
    st.error(t("cities_page.store_unavailable"))
    st.caption(markdown_text(str(exc).splitlines()[0]))
    footer()
    st.stop()

controls.read_link(cities)  # before the header rewrites the link
header(t("cities_page.title"), t("cities_page.intro"), url_keys=("city",))  # a link reopens it
sign_in_panel()
controls.show_flash()

if cities.empty:
    guide.empty_store()
    forms.tools(stored, None)
    footer()
    st.stop()

col_city, col_year = st.columns([3, 2])
city_id = controls.city_picker(cities, col_city)
try:
    data = stored.city(city_id)
except ReadinessError:  # deleted (elsewhere) since the list was read
    controls.forget()
    st.warning(t("cities_page.city_gone"))
    footer()
    st.stop()
year = controls.year_picker(data.values["year"].tolist(), col_year)

city.heading(data)
if data.values.empty:
    st.info(t("cities_page.no_values_yet"))
left, right = st.columns([3, 2], gap="large")
with left:
    city.scores(stored, city_id, year)
with right:
    national = city.national_context(data.city.iso3)
if national is not None:
    city.national_matches(stored, city_id, national)
city.kpis(stored, city_id, year)
city.values_download(stored, data)
city.report(stored, data, year)

compare.show(stored, city_id)
city_map.show(stored)

with st.expander(t("cities_page.add_title")):
    guide.how_to_add()
    guide.template_downloads()
forms.tools(stored, data)
footer()
