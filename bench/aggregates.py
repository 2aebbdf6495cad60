"""Group figures beside ITU's published aggregates, and the back-test of estimates and nowcast.

Prints (a) Internet use 2021-2025 for the Arab States, SIDS, LDCs, Africa and the world, before
(as_reported) and after (weighted, with members' estimates) and the nowcast; (b) the back-test
tables (economies, the damping constant, groups); (c) the tool beside ITU's November 2024
aggregates, 2019-2024. Run `.venv/bin/python bench/aggregates.py` (add `--markdown` for the
tables of docs/AGGREGATES.md). Needs ../shared/data/raw for (c) only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.itu_aggregates import EDITION, read_itu_aggregates, workbook_path  # noqa: E402
from readiness.data.groups import MIN_COVERED_SHARE, Group  # noqa: E402
from readiness.gaps.analysis import gap_table  # noqa: E402
from readiness.gaps.backtest import backtest, damping_table, group_backtest  # noqa: E402
from readiness.gaps.cube import GapInputs, gap_inputs, group_from, known_groups  # noqa: E402

HEADLINE = ("ITU_ARB", "SIDS", "LDC", "ITU_AFR", "WORLD")
CODES = (
    "internet_use", "households_internet", "mobile_broadband", "coverage_4g",
    "fixed_broadband", "mobile_ownership",
)  # fmt: skip
COMPARED = ("internet_use", "coverage_4g", "mobile_broadband", "fixed_broadband",
            "mobile_ownership")  # fmt: skip
ITU_GROUPS = (
    "WORLD", "LDC", "LLDC", "SIDS", "LIC", "LMC", "UMC", "HIC",
    "ITU_AFR", "ITU_AMS", "ITU_ARB", "ITU_ASP", "ITU_CIS", "ITU_EUR",
)  # fmt: skip
INCOME = ("LIC", "LMC", "UMC", "HIC")
CLASS_YEAR = 2024  # the World Bank classification of July 2024, current when ITU published
# ITU's own revision between editions: world Internet use 2024 was 67.6 in the Nov 2024
# aggregates and 71 in Facts and Figures 2025 (itu_datahub/SOURCES.md).
REVISION = 71.0 - 67.6


def headline(inputs: GapInputs) -> pd.DataFrame:
    """(a) Internet use 2021-2025: before and after the estimates, and the nowcast."""
    t = gap_table(inputs, list(HEADLINE), range(2021, 2026))
    t = t[t["code"] == "internet_use"].copy()
    t["n/N"] = t["n"].astype(str) + "/" + t["N"].astype(str)
    cols = ["group", "year", "as_reported", "weighted", "nowcast", "n/N", "n_estimated",
            "population_share", "estimated_share", "median_data_year", "withheld"]  # fmt: skip
    return t[cols].reset_index(drop=True)


def economy_tables(inputs: GapInputs) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(b) Economy-level errors, damped trend against carry-forward; MAE by damping, and MAE
    relative to carry-forward's averaged over the indicators (free of their scales)."""
    table = backtest(inputs, list(CODES), (1, 2, 3, 4))
    sweep = damping_table(inputs, list(CODES), (1, 2, 3, 4))
    mae = sweep.pivot_table(index=["code", "horizon"], columns="damping", values="mae")
    relative = mae.div(mae[0.0], axis=0).groupby(level="horizon").mean()
    relative.loc["all"] = relative.mean()
    mae["best"] = mae.idxmin(axis=1)
    return table, mae, relative


def group_tables(inputs: GapInputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(b) Group nowcasts at horizon 2 per year, and MAE/max per horizon where covered."""
    frames = [group_backtest(inputs, list(HEADLINE), "internet_use", h) for h in (1, 2, 3)]
    allh = pd.concat(frames, ignore_index=True)
    covered = allh[allh["population_share"] >= MIN_COVERED_SHARE]
    summary = covered.groupby(["group", "horizon"]).agg(
        years=("year", "size"),
        first=("year", "min"),
        last=("year", "max"),
        nowcast_mae=("error", lambda e: e.abs().mean()),
        nowcast_max=("error", lambda e: e.abs().max()),
        nowcast_bias=("error", "mean"),
        carry_mae=("carry_error", lambda e: e.abs().mean()),
        carry_max=("carry_error", lambda e: e.abs().max()),
    )
    return frames[1], summary.reset_index()


def fixed_income_groups(inputs: GapInputs) -> list[Group]:
    """The income groups of CLASS_YEAR held fixed over every year, as ITU's edition does."""
    now = known_groups(inputs, CLASS_YEAR)
    return [
        group_from(f"{c}@{CLASS_YEAR}", {}, inputs.snapshot.countries, members=now[c].members)
        for c in INCOME
    ]


def comparison(inputs: GapInputs, itu: pd.DataFrame) -> pd.DataFrame:
    """(c) ITU's value beside ours for each group, indicator and year 2019-2024."""
    fixed = fixed_income_groups(inputs)
    t = gap_table(inputs, [*ITU_GROUPS, *fixed], range(2019, 2025))
    t = t[t["code"].isin(COMPARED)].copy()
    t["itu_group"] = t["group"].str.split("@").str[0]
    ref = itu[itu["year"].between(2019, 2024)].rename(
        columns={"value": "itu", "group": "itu_group"}
    )
    out = t.merge(ref[["itu_group", "code", "year", "itu"]], on=["itu_group", "code", "year"])
    out["diff"] = out["weighted"] - out["itu"]
    out["diff_nowcast"] = out["nowcast"] - out["itu"]
    cols = ["group", "code", "year", "itu", "weighted", "nowcast", "diff", "diff_nowcast",
            "median_data_year", "population_share", "estimated_share"]  # fmt: skip
    order = {g: i for i, g in enumerate([*ITU_GROUPS, *(g.code for g in fixed)])}
    out["rank"] = out["group"].map(order)
    return out.sort_values(["code", "rank", "year"])[cols].reset_index(drop=True)


def comparison_summary(comp: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and year, like for like (income groups of CLASS_YEAR, as ITU's edition):
    groups compared, median and largest absolute difference, how many within 2 points and
    within ITU's own revision."""
    same = comp[~comp["group"].isin(INCOME)]
    return (
        same.groupby(["code", "year"])
        .agg(
            groups=("diff", "count"),
            median_abs_diff=("diff", lambda d: d.abs().median()),
            max_abs_diff=("diff", lambda d: d.abs().max()),
            within_2=("diff", lambda d: int((d.abs() <= 2).sum())),
            within_revision=("diff", lambda d: int((d.abs() <= REVISION).sum())),
            median_abs_diff_nowcast=("diff_nowcast", lambda d: d.abs().median()),
            nowcast_within_2=("diff_nowcast", lambda d: int((d.abs() <= 2).sum())),
        )
        .reset_index()
    )


def _wide(comp: pd.DataFrame, code: str) -> pd.DataFrame:
    """Rows: groups; columns: years; cells 'ITU / ours (difference)' with the data year."""
    part = comp[comp["code"] == code]
    cells = {}
    for _, r in part.iterrows():
        if np.isnan(r["weighted"]):
            text = f"{r['itu']:.1f} / withheld"
        else:
            text = f"{r['itu']:.1f} / {r['weighted']:.1f} ({r['diff']:+.1f})"
            if not np.isnan(r["median_data_year"]) and int(r["median_data_year"]) != r["year"]:
                text += f" [{int(r['median_data_year'])}]"
        cells[(r["group"], r["year"])] = text
    wide = pd.Series(cells).unstack()
    return wide.reindex(part["group"].drop_duplicates())


def _show(title: str, frame: pd.DataFrame, markdown: bool, digits: int = 2) -> None:
    print(f"\n## {title}\n")
    frame = frame.round(digits)
    print(_markdown(frame) if markdown else frame.to_string())


def _markdown(frame: pd.DataFrame) -> str:
    """A pipe table (no tabulate dependency); a named index becomes columns."""
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    head = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in frame.itertuples(index=False):
        cells = ["" if isinstance(v, float) and np.isnan(v) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(markdown: bool = False) -> None:
    start = time.perf_counter()
    inputs = gap_inputs()
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    _show("(a) Internet use 2021-2025, before and after", headline(inputs), markdown)
    table, mae, relative = economy_tables(inputs)
    _show("(b1) Economies: damped trend (0.8) against carry-forward, 2015-2024", table, markdown)
    _show("(b2) Economies: mean absolute error by damping (0 carry, 1 linear)", mae, markdown)
    _show("(b2') Economies: MAE / carry-forward's, mean of the six indicators", relative,
          markdown, 3)  # fmt: skip
    per_year, summary = group_tables(inputs)
    _show("(b3) Groups: Internet use nowcast at horizon 2, by target year", per_year, markdown)
    _show(f"(b4) Groups: errors where members cover >= {MIN_COVERED_SHARE:.2f}", summary, markdown)
    path = workbook_path()
    if not path.is_file():
        print(f"\n(c) skipped: ITU's aggregates workbook is not at {path}")
    else:
        comp = comparison(inputs, read_itu_aggregates(path))
        _show(f"(c1) Tool beside ITU ({EDITION}), summary", comparison_summary(comp), markdown)
        for code in COMPARED:
            _show(f"(c2) {code}: ITU / ours weighted (difference) [our data year]",
                  _wide(comp, code), markdown)  # fmt: skip
        latest = comp[comp["year"] == 2024]
        _show("(c3) 2024: ITU beside ours, weighted and nowcast", latest, markdown)
        if not markdown:
            _show("(c4) every comparison", comp, markdown)
    print(f"\nbench time: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(markdown="--markdown" in sys.argv[1:])
