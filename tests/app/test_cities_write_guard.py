"""Who may write through the Cities page: an anonymous session cannot, by any widget, link or
session key, and the write handlers themselves refuse it; a signed-in editor can, and the write
log names them.

Every attempt is followed by a count of the store's rows (cities, values, targets, log), which
must not move. Setting `auth_editor` to a real account's name by hand is not tried: that key
lives only on the server (a browser sends widget values, not session keys) and is the sign-in.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cities import writes
from dashboard.cities.forms import EDIT_TABS
from readiness.cities.template import template_frame
from readiness.i18n import translate
from tests.app import test_app_cities as cities_tests
from tests.app.store_support import count_rows, run_with_forged_keys, sign_in, widgets
from tests.app.test_app_cities import PAGE, WRITING, open_cities
from tests.app.test_app_map import APP, TIMEOUT
from tests.cities.karmoy import fill, read_sample

TABLES = ("cities", "city_values", "city_targets", "audit_log")
REQUIRED = translate("en", "auth.required")
karmoy = cities_tests.karmoy  # the page's fixture: Karmøy's 14 real values in the test's store


def counts(url: str) -> dict[str, int]:
    return count_rows(url, TABLES)


def test_an_anonymous_session_finds_nothing_that_writes(karmoy, db, editors):
    before = counts(db)
    at = open_cities(city=str(karmoy))
    found = widgets(at._tree)
    assert not [w for w in found if w[1].startswith(WRITING)], found
    assert not at.get("file_uploader")
    keys = {key for _, key, _ in found}
    # What an anonymous visitor may touch: language, sign-in, which city and year to read,
    # display toggles, the comparison, tabs and downloads. Nothing else.
    allowed_prefixes = (
        "lang_picker", "auth_", "_w_cities_city", "cities_year", "cities_only_reported",
        "cities_compare", "cities_report_", "tabs_", "dl_", "cities_template_",
        "cities_map", "footer_citations", "FormSubmitter:auth_form", "$$",
    )  # fmt: skip
    assert [k for k in sorted(keys) if k and not k.startswith(allowed_prefixes)] == []
    assert translate("en", "cities_page.edit_title") not in [s.value for s in at.subheader]
    for tab in ("create", "import", "value", "target", "delete", "log"):
        assert translate("en", f"cities_page.tab_{tab}") not in [t.label for t in at.tabs]
    assert counts(db) == before


def test_links_do_not_write(karmoy, db, editors):
    before = counts(db)
    for params in (
        {"city": str(karmoy), "action": "delete", "confirm": "yes"},
        {"city": "Karmøy", "delete": "1", "editor": "ana"},
        {"city": str(karmoy), "import": "1", "name": "Karmøy", "value": "0"},
    ):
        at = open_cities(**params)
        assert at.header[0].value.startswith("Karmøy")  # the link chose what is shown...
        assert counts(db) == before  # ...and nothing else


def test_session_keys_set_by_hand_do_not_write(karmoy, db, editors):
    before = counts(db)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(PAGE)
    forged = {
        "auth_editor": "mallory",  # not an account: current_editor() drops it
        "cities_selected": karmoy,
        f"{WRITING}delete_sure": True,
        f"{WRITING}name": "Forged",
        f"{WRITING}country": "NOR",
        f"{WRITING}lat": 1.0,
        f"{WRITING}lon": 1.0,
        f"{WRITING}import": True,
        f"{WRITING}add_master": True,
        f"{WRITING}search": "Haugesund",
    }
    run_with_forged_keys(at, forged, WRITING)
    assert counts(db) == before


def _call(name: str, city_id: int) -> None:
    """A page that calls one write handler directly, with nobody signed in."""
    import streamlit as st

    from dashboard.cities import writes

    calls = {
        "create_city": lambda: writes.create_city("Bergen", "NOR", 60.39, 5.32),
        "import_file": lambda: writes.import_file(city_id, b"kpi_code,year,value\n", "x.csv"),
        "save_value": lambda: writes.save_value(
            city_id,
            {
                "kpi_code": "EC: ICT: ICT: 1C",
                "data_point": "",
                "year": 2020,
                "value": "50",
                "source": "forged",
            },
        ),
        "remove_value": lambda: writes.remove_value(city_id, "EC: ICT: ICT: 1C", 2020),
        "save_target": lambda: writes.save_target(city_id, "EC: ICT: ICT: 2C", 90.0, source="x"),
        "delete_city": lambda: writes.delete_city(city_id),
    }
    calls[name]()
    st.text("written")


HANDLERS = ("create_city", "import_file", "save_value", "remove_value", "save_target",
            "delete_city")  # fmt: skip


@pytest.mark.parametrize("name", HANDLERS)
def test_every_write_handler_stops_without_an_editor(karmoy, db, editors, name):
    before = counts(db)
    at = AppTest.from_function(_call, args=(name, karmoy), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [i.value for i in at.info] == [REQUIRED]
    assert "written" not in [x.value for x in at.text]
    assert counts(db) == before


def test_a_handler_called_outside_a_page_run_refuses(karmoy, db, editors):
    before = counts(db)
    with pytest.raises(writes.NotAnEditor):
        writes.delete_city(karmoy)
    assert counts(db) == before


def test_a_signed_in_editor_creates_imports_and_is_named_in_the_log(db, editors, raw_dir):
    at = sign_in(open_cities())
    assert [c.value for c in at.sidebar.caption][-1] == "Signed in as ana (editor)"
    # Create Karmøy by hand (it is not in the GeoNames master), as the form asks.
    at.text_input(key=f"{WRITING}name").input("Karmøy")
    at.selectbox(key=f"{WRITING}country").set_value("NOR")
    at.number_input(key=f"{WRITING}lat").set_value(59.2833)
    at.number_input(key=f"{WRITING}lon").set_value(5.2833)
    next(b for b in at.button if b.label == "Add the city").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert counts(db)["cities"] == 1
    assert "Karmøy was added." in at.success[0].value
    assert at.text_input(key=f"{WRITING}name").value == ""  # the form starts empty again
    at.session_state[EDIT_TABS] = "Import values"  # the editor opens that tab
    at.run()
    # A file with a problem: listed with its row, nothing stored.
    filled = fill(template_frame("en"), read_sample(raw_dir))
    broken = filled.copy()
    broken.iloc[0, 5] = "ninety-seven"
    at.file_uploader(key=f"{WRITING}file_0").upload(
        "karmoy.csv", broken.to_csv(index=False).encode(), "text/csv"
    )
    at.button(key=f"{WRITING}import").click().run()
    assert at.error[0].value.startswith("1 problem(s) found; nothing was imported")
    problems = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert problems["Row"].tolist() == [2] and problems["Column"].tolist() == ["Value"]
    assert counts(db)["city_values"] == 0
    # The filled template: all 14 values stored in one import.
    at.file_uploader(key=f"{WRITING}file_0").upload(
        "karmoy.csv", filled.to_csv(index=False).encode(), "text/csv"
    )
    at.button(key=f"{WRITING}import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success[0].value == "14 values imported into Karmøy."
    assert counts(db)["city_values"] == 14
    at.session_state[EDIT_TABS] = "Write log"
    at.run()
    log = next(d.value for d in at.dataframe if "Editor" in d.value.columns)
    assert log["Editor"].tolist() == ["ana", "ana"]
    assert log["Change"].tolist() == ["Values imported", "City created"]
    assert set(log["City"]) == {"Karmøy"}


def _labelled(widgets_of_a_kind, label: str):
    return next(w for w in widgets_of_a_kind if w.label == label)


def test_an_editor_corrects_a_value_and_sets_a_target(karmoy, db, editors):
    at = sign_in(open_cities(city=str(karmoy)))
    at.session_state[EDIT_TABS] = "Enter or correct a value"
    at.run()
    kpi = at.selectbox(key=f"{WRITING}value_kpi")
    assert kpi.value == 0  # the first KPI, Household Internet Access, prefilled as stored
    assert _labelled(at.number_input, "Value").value == 97.0
    # A percentage above 100 is refused with the file reader's words; nothing is written.
    before = counts(db)
    _labelled(at.number_input, "Value").set_value(101.0)
    next(b for b in at.button if b.label == "Save the value").click().run()
    assert any("is above 100" in e.value for e in at.error), [e.value for e in at.error]
    assert counts(db) == before
    # The stored value saved again with its data quality: one row changed, logged as ana's.
    _labelled(at.number_input, "Value").set_value(97.0)
    _labelled(at.selectbox, "Data quality").set_value("accurate_measurement")
    next(b for b in at.button if b.label == "Save the value").click().run()
    assert not at.exception, [e.message for e in at.exception]
    after = counts(db)
    assert after["city_values"] == before["city_values"] == 14
    assert after["audit_log"] == before["audit_log"] + 1
    # docs/CITIES.md's worked example: a user target of 20% for Water Supply Loss (lower is
    # better) gives 20 / 35.42 = 56.5% of target, 2 points, and Water and Sanitation 87.5%.
    at.session_state[EDIT_TABS] = "Set a target"
    at.run()
    picker = at.selectbox(key=f"{WRITING}target_kpi")
    loss = next(k for k, label in enumerate(picker.options) if label.startswith("EC: I: WS: 3C"))
    picker.set_value(loss).run()
    assert "Water Supply Loss" in at.selectbox(key=f"{WRITING}target_kpi").format_func(loss)
    _labelled(at.number_input, "Target (in the KPI's unit)").set_value(20.0)
    _labelled(at.text_input, "Source of the target").input("docs/CITIES.md worked example")
    _labelled(at.selectbox, "Better when").set_value("lower")
    next(b for b in at.button if b.label == "Save the target").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value == "Target saved for Karmøy."
    assert counts(db)["city_targets"] == 1
    categories = next(
        d.value for d in at.dataframe if "Category" in d.value.columns and "Scored" in d.value
    ).set_index(["Sub-dimension", "Category"])
    assert categories.loc[("Infrastructure", "Water and Sanitation"), "Score (%)"] == 87.5
    table = next(d.value for d in at.dataframe if "Band (points)" in d.value.columns)
    loss_row = table.set_index("Code").loc["EC: I: WS: 3C"]
    assert loss_row["Target"] == 20.0 and loss_row["Band (points)"] == 2
    assert loss_row["Target from"] == "Set by the user"
    assert loss_row["Target reference"] == "docs/CITIES.md worked example"
    at.session_state[EDIT_TABS] = "Write log"
    at.run()
    log = next(d.value for d in at.dataframe if "Editor" in d.value.columns)
    assert log["Editor"].tolist()[:2] == ["ana", "ana"]
    assert log["Change"].tolist()[:2] == ["Target set", "Value entered or corrected"]
