"""AppTest: the method what-if recomputes ranks live, keeps the method in the URL and in files."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from dashboard.urlstate import decode_method, encode_method
from readiness.errors import ReadinessError
from readiness.index.engine import score_snapshot
from readiness.index.method import Method
from readiness.index.uncertainty import UncertaintySpec, run_uncertainty
from tests.app.test_app_map import open_app, open_tables

METHOD = "app_pages/method.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def top_ten(at):
    return at.table[0].value


def test_default_method_changes_nothing():
    at = open_app(METHOD)
    shown = metrics(at)
    assert shown["Ranks changed"] == "0"
    assert shown["Economies scored"] == str(score_snapshot().index.notna().sum())


def test_a_weight_change_reranks_as_the_engine_does():
    at = open_app(METHOD)
    at.number_input(key="m_w_POLICY").set_value(4.0).run()
    assert not at.exception
    method = Method(weights={"POLICY": 4.0})
    new, default = score_snapshot(method=method), score_snapshot()
    moved = int((new.rank != default.rank).fillna(False).sum())
    assert metrics(at)["Ranks changed"] == str(moved)
    assert moved > 0
    top = top_ten(at)
    expected = new.index.dropna().sort_values(ascending=False).head(10)
    assert [float(v) for v in top.iloc[:, 2]] == pytest.approx(expected.round(1).tolist(), abs=0.06)
    assert decode_method(at.query_params["method"]) == method


def test_choices_and_reset():
    at = open_app(METHOD)
    at.selectbox(key="m_aggregation").set_value("geometric").run()
    at.selectbox(key="m_normalisation").set_value("minmax").run()
    at.selectbox(key="m_imputation").set_value("group_mean").run()
    at.slider(key="m_index_coverage").set_value(0.5).run()
    assert not at.exception
    method = decode_method(at.query_params["method"])
    assert (method.aggregation, method.normalisation, method.imputation) == (
        "geometric", "minmax", "group_mean",
    )  # fmt: skip
    assert method.bounds == (1.0, 100.0)  # the geometric mean needs positive scores
    res = score_snapshot(method=method)
    assert metrics(at)["Economies scored"] == str(res.index.notna().sum())
    at.button(key="m_reset").click().run()
    assert metrics(at)["Ranks changed"] == "0"
    assert "method" not in at.query_params


def open_indicator_weights(at):
    """Open the indicator weights as a user does (their boxes are drawn only once opened)."""
    at.session_state["method_indicator_weights"] = True
    at.run()
    assert not at.exception


def test_a_shared_link_carries_the_method():
    method = Method(weighting="equal", weights={"internet_use": 3.0})
    at = open_app(METHOD, method=encode_method(method))
    open_indicator_weights(at)
    assert at.number_input(key="m_w_internet_use").value == 3.0
    assert at.radio(key="m_weighting").value == "equal"
    moved = int((score_snapshot(method=method).rank != score_snapshot().rank).fillna(False).sum())
    assert metrics(at)["Ranks changed"] == str(moved)


def test_indicator_weights_are_drawn_once_opened_and_kept_when_closed():
    at = open_app(METHOD)
    assert not any(n.key == "m_w_internet_use" for n in at.number_input)
    open_indicator_weights(at)
    at.number_input(key="m_w_internet_use").set_value(3.0).run()
    assert decode_method(at.query_params["method"]) == Method(weights={"internet_use": 3.0})
    at.session_state["method_indicator_weights"] = False
    at.run()
    assert not any(n.key == "m_w_internet_use" for n in at.number_input)
    at.number_input(key="m_w_POLICY").set_value(4.0).run()  # another control, boxes closed
    at.selectbox(key="m_aggregation").set_value("geometric").run()
    assert not at.exception
    kept = decode_method(at.query_params["method"])
    assert kept.weight_overrides == {"internet_use": 3.0, "POLICY": 4.0}
    open_indicator_weights(at)
    assert at.number_input(key="m_w_internet_use").value == 3.0


def test_a_bad_link_warns_and_keeps_the_default():
    at = open_app(method='{"normalisation": "nonsense"}')  # the link is read on the first page
    assert any("could not be read" in w.value for w in at.warning)
    at.switch_page(METHOD).run()
    assert metrics(at)["Ranks changed"] == "0"


def test_export_files_round_trip():
    method = Method(weights={"CONN": 2.0}, aggregation="geometric", bounds=(1, 100))
    assert Method.from_dict(json.loads(json.dumps(method.to_dict()))) == method
    assert Method.from_dict(yaml.safe_load(yaml.safe_dump(method.to_dict()))) == method
    assert decode_method(encode_method(method)) == method
    assert encode_method(Method()) == ""
    with pytest.raises(ReadinessError):
        decode_method("not json")


def test_an_exported_file_imports_back():
    from dashboard.method_controls import parse_method_file

    method = Method(weights={"BBAF": 0.5}, normalisation="minmax", window=3)
    as_json = json.dumps(method.to_dict()).encode()
    as_yaml = yaml.safe_dump(method.to_dict()).encode()
    assert parse_method_file("readiness-method.json", as_json) == method
    assert parse_method_file("readiness-method.yaml", as_yaml) == method
    with pytest.raises(ReadinessError, match="could not be read"):
        parse_method_file("m.json", b"{not json")
    with pytest.raises(ReadinessError, match="normalisation"):
        parse_method_file("m.yaml", b"normalisation: nonsense\n")


def test_uncertainty_section_shows_the_monte_carlo():
    at = open_tables(open_app(METHOD), "method_sensitivity", "method_intervals")
    tables = {tuple(d.value.columns[:3]): d.value for d in at.dataframe}
    sensitivity = next(v for k, v in tables.items() if k[0] == "Choice")
    result = score_snapshot()
    from readiness.index.inputs import data_for_year, snapshot_inputs

    _, framework, panel = snapshot_inputs()
    unc = run_uncertainty(
        data_for_year(panel, framework, Method(), result.year), framework, Method(),
        UncertaintySpec(n=500),
    )  # fmt: skip
    assert sensitivity["Share of rank variance (%)"].tolist() == pytest.approx(
        (unc.sensitivity["first_order"] * 100).tolist(), nan_ok=True
    )
    intervals = next(d.value for d in at.dataframe if "Rank (5th pct)" in d.value.columns)
    row = intervals[intervals["Code"] == "KEN"].iloc[0]
    assert row["Rank (5th pct)"] == unc.ranks.loc["KEN", "rank_p05"]


def test_the_top_ten_writes_its_scores_as_the_language_does():
    """A static table of text (no Styler): "54,4" in French, "54.4" in English, same rows."""
    en, fr = top_ten(open_app(METHOD)), top_ten(open_app(METHOD, lang="fr"))
    assert len(en) == len(fr) == 10
    english = [str(v) for v in en.iloc[:, 2]]
    assert all(re.fullmatch(r"\d+\.\d", v) for v in english), english
    assert [str(v) for v in fr.iloc[:, 2]] == [v.replace(".", ",") for v in english]


def test_names_and_weight_boxes_are_in_the_pages_language(snapshot):
    """French: the ten most ready named as the country master names them in French, the weight
    boxes labelled with the French pillar names (they were English before)."""
    from readiness.i18n import translate

    at = open_app(METHOD, lang="fr")
    top = top_ten(at)
    french = snapshot.countries.set_index("name_fr")["iso3"]
    english = set(snapshot.countries["name_en"]) - set(snapshot.countries["name_fr"])
    names = [str(v) for v in top.iloc[:, 1]]
    assert all(n in french.index for n in names), names
    assert not english & set(names)
    labels = {n.label for n in at.number_input}
    assert translate("fr", "term.pillar.POLICY.name") in labels
    assert "Policy, regulation & trust" not in labels
