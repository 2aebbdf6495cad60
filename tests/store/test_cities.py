"""cities.py: the repository of cities, values, targets and the audit log, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from readiness.cities.cityfile import read_city_values
from readiness.cities.master import find_cities
from readiness.store.engine import StoreError
from tests.store.support import KARMOY, U4SSC_ORDER, with_year

EDITOR = "amina.editor"


@pytest.fixture
def karmoy(store):
    return store.create_city(**KARMOY, editor=EDITOR)


def _master(name: str, iso3: str) -> dict:
    """A real place of the GeoNames master, as create_city takes it."""
    (row,) = find_cities(name, iso3).head(1).to_dict("records")
    return {
        "name": row["name"], "iso3": row["iso3"], "latitude": row["latitude"],
        "longitude": row["longitude"], "geonameid": row["geonameid"],
        "population": row["population"],
    }  # fmt: skip


def test_create_get_list_and_delete_a_city(store, karmoy, karmoy_values):
    valencia = store.create_city(**_master("Valencia", "ESP"), editor=EDITOR)
    assert karmoy.name == "Karmøy" and karmoy.iso3 == "NOR" and karmoy.geonameid is None
    assert valencia.geonameid is not None and valencia.population > 700_000
    assert store.get_city(karmoy.id) == karmoy
    assert store.import_values(karmoy.id, karmoy_values, editor=EDITOR) == 14
    listed = store.list_cities()
    assert list(listed["name"]) == ["Karmøy", "Valencia"]  # by folded name
    assert dict(zip(listed["name"], listed["value_count"], strict=True)) == {
        "Karmøy": 14,
        "Valencia": 0,
    }
    assert listed["geonameid"].isna().tolist() == [True, False]  # unknown stays missing
    store.set_target(karmoy.id, "EC: ICT: ICT: 1C", 100.0, source="SDG 17.8.1", editor=EDITOR)
    store.delete_city(karmoy.id, editor=EDITOR)
    assert list(store.list_cities()["name"]) == ["Valencia"]
    with pytest.raises(StoreError, match=f"no stored city has the id {karmoy.id}"):
        store.values(karmoy.id)
    with store.engine.connect() as connection:  # values and targets went with the city
        left = [
            connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("city_values", "city_targets")
        ]
    assert left == [0, 0]
    detail = json.loads(store.audit(1)["detail"].iloc[0])
    assert detail == {"name": "Karmøy", "iso3": "NOR", "values": 14, "targets": 1}


@pytest.mark.parametrize("spelling", ["Karmoy", "KARMØY", "karmøy", " Karmoy ", "Karmöy"])
def test_a_city_is_found_whatever_its_case_and_accents(store, karmoy, spelling):
    assert store.get_city(spelling) == karmoy
    assert store.get_city(spelling, iso3="nor") == karmoy
    assert store.get_city(str(karmoy.id)) == karmoy  # an id typed as text


def test_an_unknown_city_is_a_user_error(store, karmoy):
    with pytest.raises(StoreError, match="no stored city is called 'Bergen'"):
        store.get_city("Bergen")
    with pytest.raises(StoreError, match="no stored city is called 'Karmoy' in SWE"):
        store.get_city("Karmoy", iso3="SWE")
    with pytest.raises(StoreError, match="no stored city has the id 999"):
        store.get_city(999)


def test_a_name_shared_by_two_countries_must_say_which(store):
    spain = store.create_city(**_master("Valencia", "ESP"), editor=EDITOR)
    venezuela = store.create_city(**_master("Valencia", "VEN"), editor=EDITOR)
    with pytest.raises(StoreError, match="2 stored cities are called 'valencia'") as raised:
        store.get_city("valencia")
    assert f"Valencia (ESP, id {spain.id})" in str(raised.value)
    assert f"Valencia (VEN, id {venezuela.id})" in str(raised.value)
    assert store.get_city("valencia", iso3="VEN") == venezuela


def test_a_city_is_stored_once_per_country(store, karmoy):
    with pytest.raises(StoreError, match="already stored for NOR"):
        store.create_city("KARMOY", "NOR", 59.3, 5.3, editor=EDITOR)
    assert len(store.list_cities()) == 1
    assert len(store.audit(entity=f"city:{karmoy.id}")) == 1  # the refused write left no trace


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"iso3": "NORWAY"}, "ISO3 code"),
        ({"latitude": 95.0}, "latitude must be a number in -90..90"),
        ({"longitude": "east"}, "longitude one in -180..180"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_a_city_needs_a_name_a_country_and_coordinates(store, change, says):
    with pytest.raises(StoreError, match=says):
        store.create_city(**(KARMOY | change), editor=EDITOR)
    assert store.list_cities().empty


@pytest.mark.parametrize("editor", ["", "   "])
def test_every_write_needs_an_editor(store, karmoy, karmoy_values, editor):
    writes = [
        lambda: store.create_city("Oslo", "NOR", 59.9, 10.7, editor=editor),
        lambda: store.import_values(karmoy.id, karmoy_values, editor=editor),
        lambda: store.set_value(karmoy.id, "EC: ICT: ICT: 1C", 2020, 97.0, editor=editor),
        lambda: store.set_target(karmoy.id, "EC: ICT: ICT: 1C", 100.0, source="x", editor=editor),
        lambda: store.delete_city(karmoy.id, editor=editor),
    ]
    for write in writes:
        with pytest.raises(StoreError, match="needs the name of the editor"):
            write()
    assert len(store.audit(entity=f"city:{karmoy.id}")) == 1 and store.values(karmoy.id).empty


def test_import_stores_karmoy_values_as_given(store, karmoy, karmoy_values):
    assert store.import_values(karmoy.id, karmoy_values, editor=EDITOR) == 14
    stored = store.values(karmoy.id)
    assert list(stored.columns[:8]) == list(karmoy_values.columns)
    expected = karmoy_values.iloc[U4SSC_ORDER].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored[list(karmoy_values.columns)], expected)
    coverage = stored.set_index(["kpi_code", "data_point"])["value"]
    assert coverage[("EC: ICT: ICT: 4C", "4G")] == 96.67
    assert coverage[("EC: ICT: ICT: 3C", "")] == 95424.0
    assert (stored["updated_by"] == EDITOR).all()


def test_import_with_replace_replaces_only_the_keys_it_brings(store, karmoy, karmoy_values):
    store.import_values(karmoy.id, karmoy_values, editor=EDITOR)
    first = store.values(karmoy.id).set_index(["kpi_code", "data_point", "year"])
    corrected = karmoy_values.head(3).assign(value=[98.0, 85.0, 96000.0], note="corrected")
    later = with_year(karmoy_values.tail(2), 2021)
    written = store.import_values(karmoy.id, pd.concat([corrected, later]), editor="bo")
    assert written == 5
    after = store.values(karmoy.id).set_index(["kpi_code", "data_point", "year"])
    assert len(after) == 16  # 14 from 2020 (3 of them replaced) and 2 new for 2021
    changed = [
        (c, p, 2020) for c, p in zip(corrected["kpi_code"], corrected["data_point"], strict=True)
    ]
    assert after.loc[changed, "value"].tolist() == [98.0, 85.0, 96000.0]
    assert set(after.loc[changed, "updated_by"]) == {"bo"}
    untouched = first.index.difference(changed)
    pd.testing.assert_frame_equal(after.loc[untouched], first.loc[untouched])
    detail = json.loads(store.audit(1)["detail"].iloc[0])
    assert (detail["rows"], detail["replaced"]) == (5, 3)


def test_import_without_replace_refuses_values_already_stored(store, karmoy, karmoy_values):
    store.import_values(karmoy.id, karmoy_values, editor=EDITOR)
    before = store.values(karmoy.id)
    clash = pd.concat([with_year(karmoy_values, 2021), karmoy_values.head(1)])
    with pytest.raises(StoreError, match="1 value\\(s\\) are already stored"):
        store.import_values(karmoy.id, clash, editor=EDITOR, replace=False)
    pd.testing.assert_frame_equal(store.values(karmoy.id), before)  # nothing of 2021 either
    added = store.import_values(
        karmoy.id, with_year(karmoy_values, 2021), editor=EDITOR, replace=False
    )
    assert added == 14 and len(store.values(karmoy.id)) == 28


def test_an_invalid_table_is_refused_whole_with_every_problem(store, karmoy, karmoy_values):
    bad = karmoy_values.copy()
    bad.loc[1, "kpi_code"] = "EC: ICT: ICT: 99C"
    bad.loc[3, "data_point"] = "5G"
    bad.loc[5, "value"] = float("nan")
    bad.loc[7, "year"] = 1850
    bad.loc[9, "data_quality"] = "a guess"
    repeated = pd.concat([bad, bad.tail(1)], ignore_index=True)
    with pytest.raises(StoreError) as raised:
        store.import_values(karmoy.id, repeated, editor=EDITOR)
    message = str(raised.value)
    assert message.startswith("nothing was stored: the values have 6 problem(s)")
    for says in (
        "row 2: 'EC: ICT: ICT: 99C' is not a U4SSC KPI code",
        "row 4: EC: ICT: ICT: 4C has no data point '5G' (its data points: '3G', '4G')",
        "row 6: the value is missing",
        "row 8: the year must be a whole number from 1900 to 2100",
        "row 10: data quality 'a guess' is not one of accurate_measurement",
        "row 15: repeats row 14",
    ):
        assert says in message
    assert store.values(karmoy.id).empty and len(store.audit(entity=f"city:{karmoy.id}")) == 1


def test_codes_are_stored_in_u4ssc_spelling(store, karmoy, karmoy_values):
    loose = karmoy_values.assign(
        kpi_code=karmoy_values["kpi_code"].str.lower().str.replace(" ", ""),
        data_point=karmoy_values["data_point"].str.lower(),
    )
    store.import_values(karmoy.id, loose, editor=EDITOR)
    stored = store.values(karmoy.id)
    assert set(stored["kpi_code"]) == set(karmoy_values["kpi_code"])
    assert set(stored["data_point"]) == {"", "3G", "4G"}


def test_values_can_be_entered_corrected_and_removed_one_by_one(store, karmoy):
    store.set_value(karmoy.id, "EC: ICT: ICT: 4C", 2020, 96.0, data_point="4G", editor=EDITOR)
    store.set_value(karmoy.id, "EC: ICT: ICT: 4C", 2020, 96.67, data_point="4G",
                    unit="percent", data_quality="accurate_measurement", editor="bo")  # fmt: skip
    (row,) = store.values(karmoy.id).to_dict("records")
    assert (row["value"], row["unit"], row["data_quality"], row["updated_by"]) == (
        96.67, "percent", "accurate_measurement", "bo",
    )  # fmt: skip
    store.delete_value(karmoy.id, "EC: ICT: ICT: 4C", 2020, data_point="4G", editor=EDITOR)
    assert store.values(karmoy.id).empty
    with pytest.raises(StoreError, match="has no value of EC: ICT: ICT: 4C 4G for 2020"):
        store.delete_value(karmoy.id, "EC: ICT: ICT: 4C", 2020, data_point="4G", editor=EDITOR)
    actions = store.audit(entity=f"city:{karmoy.id}")["action"].tolist()
    assert actions == ["delete_value", "set_value", "set_value", "create_city"]
    before_after = [json.loads(d) for d in store.audit(3)["detail"]]
    assert [(d["before"], d.get("after")) for d in before_after] == [
        (96.67, None), (96.0, 96.67), (None, 96.0),
    ]  # fmt: skip


def test_targets_are_set_from_the_user_or_an_import(store, karmoy, karmoy_values):
    frame = karmoy_values.assign(target=None, target_direction="", target_source="")
    frame.loc[0, ["target", "target_source"]] = [100.0, "SDG 17.8.1: universal access"]
    frame.loc[1, ["target", "target_direction"]] = [50.0, "Higher"]
    store.import_values(karmoy.id, frame, editor=EDITOR)
    targets = store.targets(karmoy.id)
    assert targets[["kpi_code", "target", "direction", "source"]].values.tolist() == [
        ["EC: ICT: ICT: 1C", 100.0, "", "SDG 17.8.1: universal access"],
        ["EC: ICT: ICT: 2C", 50.0, "higher", "user"],
    ]
    with pytest.raises(StoreError, match="the target direction must be higher or lower"):
        store.set_target(karmoy.id, "EC: ICT: ICT: 2C", 50.0, source="", direction="up",
                         editor=EDITOR)  # fmt: skip
    store.set_target(karmoy.id, "EC: ICT: ICT: 2C", None, source="", editor=EDITOR)
    assert store.targets(karmoy.id)["kpi_code"].tolist() == ["EC: ICT: ICT: 1C"]
    with pytest.raises(StoreError, match="the target is not a number"):
        store.set_target(karmoy.id, "EC: ICT: ICT: 1C", "high", source="", editor=EDITOR)


def test_every_write_is_audited_with_editor_and_utc_time(store, karmoy_values):
    start = datetime.now(UTC)
    city = store.create_city(**KARMOY, editor="amina")
    store.import_values(city.id, karmoy_values, editor="bo")
    store.set_target(city.id, "EC: ICT: ICT: 1C", 100.0, source="SDG 17.8.1", editor="chen")
    store.delete_city(city.id, editor="dana")
    end = datetime.now(UTC)
    log = store.audit(entity=f"city:{city.id}")
    assert log["action"].tolist() == ["delete_city", "set_target", "import_values", "create_city"]
    assert log["editor"].tolist() == ["dana", "chen", "bo", "amina"]
    assert set(log["entity"]) == {f"city:{city.id}"}
    assert str(log["at"].dt.tz) == "UTC"
    assert log["at"].between(start, end).all() and log["at"].is_monotonic_decreasing
    imported = json.loads(log["detail"].iloc[2])
    assert imported == {
        "city": "Karmøy (NOR)", "rows": 14, "replaced": 0, "targets": 0, "kpis": 13,
    }  # fmt: skip
    assert store.audit(2, entity=f"city:{city.id}")["action"].tolist() == [
        "delete_city", "set_target",
    ]  # fmt: skip


def test_a_file_read_by_the_city_file_reader_imports_as_it_is(store, karmoy, karmoy_values):
    """The frame readiness.cities.cityfile.read_city_values gives is what import_values takes."""
    upload = karmoy_values.drop(columns=["unit"]).assign(target="", target_source="")
    upload.loc[0, ["target", "target_source"]] = ["100", "SDG 17.8.1: universal access"]
    frame = read_city_values(upload.to_csv(index=False).encode(), "karmoy.csv")
    assert store.import_values(karmoy.id, frame, editor=EDITOR) == 14
    stored = store.values(karmoy.id)
    assert stored["value"].tolist() == frame["value"].tolist()
    assert store.targets(karmoy.id)["target"].tolist() == [100.0]


def test_the_log_of_one_kind_of_entity_leaves_the_others_out(store):
    city = store.create_city(**KARMOY, editor="amina")
    code = store.polls.open_poll("Lomé", editor="bo")["code"]
    everything = store.audit()
    assert {"city", "poll", "library"} <= {e.split(":")[0] for e in everything["entity"]}
    assert store.audit(kind="city")["entity"].tolist() == [f"city:{city.id}"]
    assert store.audit(kind="poll")["entity"].tolist() == [f"poll:{code}"]
    assert store.audit(kind="cit").empty  # a kind is a whole word, not a prefix of one
