"""migrations/: a database made by an older version upgrades without losing a row."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from readiness.store.cities import Store
from readiness.store.engine import (
    alembic_config,
    create_store_engine,
    current_revision,
    open_store,
    parse_url,
    upgrade,
)
from readiness.store.schema import Base, name_key
from tests.store.support import KARMOY, U4SSC_ORDER

OLD_TABLES = {"alembic_version", "cities", "city_values"}
NEW_TABLES = {"store_meta", "case_studies", "case_factors", "workshops", "poll_answers",
              "poll_choices"}  # fmt: skip
STAMP = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


def _database_at_0001(db_url: str, values: pd.DataFrame) -> int:
    """A database as revision 0001 left it, holding Karmøy and its values, written in SQL."""
    engine = create_store_engine(parse_url(db_url))
    upgrade(engine, "0001")
    assert set(inspect(engine).get_table_names()) == OLD_TABLES
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cities (name, name_key, iso3, latitude, longitude, geonameid, "
                "population, created_at, created_by) VALUES (:name, :key, :iso3, :latitude, "
                ":longitude, NULL, NULL, :at, 'old-editor')"
            ),
            {**KARMOY, "key": name_key(KARMOY["name"]), "at": STAMP},
        )
        city_id = connection.execute(text("SELECT id FROM cities")).scalar_one()
        rows = [{**r, "at": STAMP, "city": city_id} for r in values.to_dict("records")]
        connection.execute(
            text(
                "INSERT INTO city_values (city_id, kpi_code, data_point, year, value, unit, "
                "source, data_quality, note, updated_at, updated_by) VALUES (:city, :kpi_code, "
                ":data_point, :year, :value, :unit, :source, :data_quality, :note, :at, "
                "'old-editor')"
            ),
            rows,
        )
    engine.dispose()
    return int(city_id)


def test_the_revisions_form_one_line_from_0001_to_head():
    script = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in script.walk_revisions("base", "heads")]
    assert chain == ["0004", "0003", "0002", "0001"] and script.get_heads() == ["0004"]


def test_upgrading_a_0001_database_keeps_every_row(db_url, karmoy_values):
    old_id = _database_at_0001(db_url, karmoy_values)
    store = open_store(db_url)
    with store.engine.connect() as connection:
        assert current_revision(connection) == "0004"
    assert set(inspect(store.engine).get_table_names()) >= OLD_TABLES | {
        "city_targets",
        "audit_log",
        *NEW_TABLES,
    }
    city = store.get_city("Karmoy")
    assert (city.id, city.name, city.created_by, city.created_at) == (
        old_id, "Karmøy", "old-editor", STAMP,
    )  # fmt: skip
    stored = store.values(old_id)
    expected = karmoy_values.iloc[U4SSC_ORDER].reset_index(drop=True)
    pd.testing.assert_frame_equal(stored[list(karmoy_values.columns)], expected)
    assert set(stored["updated_at"]) == {pd.Timestamp(STAMP)}
    assert store.list_cities()["value_count"].tolist() == [14]
    # What 0002 added works on the old rows, and new cities follow the old ids.
    store.set_target(old_id, "EC: ICT: ICT: 1C", 100.0, source="SDG 17.8.1", editor="new-editor")
    assert store.targets(old_id)["target"].tolist() == [100.0]
    assert store.create_city("Valencia", "ESP", 39.47, -0.38, editor="new-editor").id > old_id
    assert store.audit()["action"].tolist() == ["create_city", "set_target", "sync_library"]
    store.close()


def test_downgrading_to_0001_and_back_keeps_cities_and_values(db_url, karmoy_values):
    store = open_store(db_url)
    city = store.create_city(**KARMOY, editor="tester")
    store.import_values(city.id, karmoy_values, editor="tester")
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), "0001")
    assert set(inspect(store.engine).get_table_names()) == OLD_TABLES
    store.close()
    again = open_store(db_url)
    # 0002 dropped the log and 0004 the library: the open rebuilt both, logging the sync.
    assert len(again.values(city.id)) == 14
    assert again.audit()["action"].tolist() == ["sync_library"] and len(again.cases.studies()) == 50
    again.close()


def test_the_migrated_schema_is_the_one_the_code_declares(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrading_a_0002_database_keeps_its_targets_and_log(db_url, karmoy_values):
    engine = create_store_engine(parse_url(db_url))
    upgrade(engine, "0002")
    engine.dispose()
    with Store(create_store_engine(parse_url(db_url))) as old:  # the code at 0002 wrote this
        city = old.create_city(**KARMOY, editor="old-editor")
        with old.engine.begin() as connection:  # the columns 0002 knew
            connection.execute(
                text(
                    "INSERT INTO city_targets (city_id, kpi_code, data_point, target, source, "
                    "updated_at, updated_by) VALUES (:city, 'EC: ICT: ICT: 1C', '', 100.0, "
                    "'SDG 17.8.1', :at, 'old-editor')"
                ),
                {"city": city.id, "at": STAMP},
            )
    store = open_store(db_url)
    targets = store.targets(city.id)
    assert targets[["kpi_code", "target", "direction", "source"]].values.tolist() == [
        ["EC: ICT: ICT: 1C", 100.0, "", "SDG 17.8.1"]
    ]
    assert store.audit()["action"].tolist() == ["sync_library", "create_city"]
    store.set_target(city.id, "EC: ICT: ICT: 1C", 100.0, source="SDG 17.8.1",
                     direction="higher", editor="new-editor")  # fmt: skip
    assert store.targets(city.id)["direction"].tolist() == ["higher"]
    store.close()


def test_upgrading_a_0003_database_keeps_its_cities_and_adds_the_library(db_url, karmoy_values):
    engine = create_store_engine(parse_url(db_url))
    upgrade(engine, "0003")
    assert not set(inspect(engine).get_table_names()) & NEW_TABLES
    engine.dispose()
    with Store(create_store_engine(parse_url(db_url))) as old:  # the code at 0003 wrote this
        city = old.create_city(**KARMOY, editor="old-editor")
        old.import_values(city.id, karmoy_values, editor="old-editor")
        old.set_target(city.id, "EC: ICT: ICT: 1C", 100.0, source="SDG 17.8.1",
                       direction="higher", editor="old-editor")  # fmt: skip
        before = old.audit()
    store = open_store(db_url)
    with store.engine.connect() as connection:
        assert current_revision(connection) == "0004"
    assert set(inspect(store.engine).get_table_names()) >= NEW_TABLES
    assert store.list_cities()["value_count"].tolist() == [14]
    assert store.get_city("Karmoy").created_by == "old-editor"
    assert store.targets(city.id)["direction"].tolist() == ["higher"]
    after = store.audit()
    pd.testing.assert_frame_equal(after.iloc[1:].reset_index(drop=True), before)
    assert after["action"].iloc[0] == "sync_library"
    studies = store.cases.studies()
    assert len(studies) == 50 and set(studies["origin"]) == {"library"}
    # The new tables work beside the old rows.
    poll = store.polls.open_poll("Upgraded", editor="new-editor")
    assert store.polls.workshop(poll["code"].lower())["answers"] == 0
    store.close()
