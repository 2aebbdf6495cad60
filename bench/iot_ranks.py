"""How the IoT pillar moves coverage and ranks: the figures of docs/METHOD.md, "The IoT pillar".

Prints, from the committed snapshot: each IoT indicator's coverage in the latest window; the index
before the pillar (rebuilt with the generic engine: the IOT pillar's new indicators dropped,
secure servers back under POLICY, pillar coverage 2/3) against the index now; economies scored
per year; Spearman rank correlations with each other and with ITU's IDI 2024; the biggest rank
movers and why; the LDCs' ranks; Eritrea before and after. Run from the repository folder:

    .venv/bin/python bench/iot_ranks.py [--published SCORES.csv]

`--published` checks the rebuilt "before" index against `python -m readiness scores --format
csv` as published before the pillar (commit 9cd46a7). It prints; it is not a test.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from readiness.data.snapshot import Snapshot, load_snapshot  # noqa: E402
from readiness.index.engine import build_index, build_index_years  # noqa: E402
from readiness.index.framework import Framework  # noqa: E402
from readiness.index.inputs import data_for_year, panel_from_snapshot, snapshot_inputs  # noqa: E402
from readiness.index.method import Method  # noqa: E402
from readiness.index.result import Result  # noqa: E402
from readiness.index.uncertainty import UncertaintySpec, run_uncertainty  # noqa: E402

# The IOT pillar's indicators that did not exist before it; secure servers moved from POLICY.
NEW_IOT = (
    "ipv6_capable",
    "ipv6_space",
    "asn_density",
    "ixp_density",
    "facilities_density",
    "lpwa_networks",
)
MOVED = ("secure_servers", "POLICY")
CONTEXT = ("submarine_cables", "download_fixed", "download_mobile", "cloud_regions")
BEFORE_METHOD = Method(pillar_coverage=2 / 3)  # the rule before the pillar (commit 9cd46a7)
GROUPS = ("ldc", "lldc", "sids")
MOVERS = 10
MC_SAMPLES = 500  # as `readiness scores --uncertainty 500` (seed 1)


@dataclass(frozen=True)
class Indexes:
    """The index before the pillar and now, for one reference year, and ITU's IDI 2024."""

    before: Result
    after: Result
    idi: pd.Series


def before_framework(framework: Framework) -> Framework:
    """The four-pillar framework of the published index before the IoT pillar."""
    table = framework.to_table()
    table = table[~table["iCode"].isin([*NEW_IOT, "IOT"])].copy()
    table.loc[table["iCode"] == MOVED[0], "Parent"] = MOVED[1]
    return Framework.from_table(table)


def ranks_and_scores(snap: Snapshot, year: int) -> Indexes:
    _, framework, panel = snapshot_inputs(snap)
    old = before_framework(framework)
    old_panel = panel_from_snapshot(snap, old)
    before = build_index(data_for_year(old_panel, old, BEFORE_METHOD, year), old, BEFORE_METHOD)
    after = build_index(data_for_year(panel, framework, Method(), year), framework, Method())
    idi = snap.values[(snap.values["indicator"] == "idi") & (snap.values["year"] == 2024)]
    return Indexes(before, after, idi.set_index("iso3")["value"].astype(float))


def print_coverage(snap: Snapshot, year: int) -> None:
    """Per IoT and context indicator: economies with a value in the window ending at `year`."""
    _, framework, panel = snapshot_inputs(snap)
    data = data_for_year(panel, framework, Method(), year)
    countries = snap.countries.set_index("iso3")
    sources = {s.id: s for s in snap.catalogue.sources}
    sizes = ", ".join(f"{g.upper()} {int(countries[g].sum())}" for g in GROUPS)
    print(f"\n## Coverage in the window ending {year} (all {len(countries)}; {sizes})")
    print("| indicator | window | all | LDC | LLDC | SIDS | latest year | absence | flags |")
    print("|---|---|---|---|---|---|---|---|---|")
    for code in ("secure_servers", *NEW_IOT, *CONTEXT):
        ind = snap.catalogue.get(code)
        if code in data.raw.columns:
            have = data.raw[code].notna()
        else:  # context indicators: most recent value in their own window
            rows = snap.indicator_values(code)
            rows = rows[rows["year"].between(year - ind.window + 1, year)]
            have = countries.index.to_series().isin(set(rows["iso3"]))
        have = have.reindex(countries.index, fill_value=False)
        counts = [int(have.sum())] + [int((have & countries[g]).sum()) for g in GROUPS]
        latest = int(snap.indicator_values(code)["year"].max())
        flags = snap.flags_of(code)["flag"].value_counts()
        flag_text = ", ".join(f"{k} {v}" for k, v in flags.items()) or "-"
        absence = sources[ind.source].absence
        window = f"{year - ind.window + 1}-{year}"
        print(f"| {code} | {window} | {' | '.join(map(str, counts))} | {latest} | {absence} "
              f"| {flag_text} |")  # fmt: skip


def print_scored_by_year(snap: Snapshot) -> None:
    _, framework, panel = snapshot_inputs(snap)
    old = before_framework(framework)
    before = build_index_years(panel_from_snapshot(snap, old), old, BEFORE_METHOD)
    after = build_index_years(panel, framework, Method())
    print("\n## Economies scored per reference year (index; IOT pillar; all five pillars)")
    print("| year | before | after | IOT pillar scored | five pillars scored |")
    print("|---|---|---|---|---|")
    for year, res in after.items():
        n_before = int(before[year].index.notna().sum())
        n_five = int(res.pillars.notna().all(axis=1).sum())
        iot = int(res.scores["IOT"].notna().sum())
        print(f"| {year} | {n_before} | {int(res.index.notna().sum())} | {iot} | {n_five} |")


def check_published(before: Result, path: Path) -> None:
    """Compare the rebuilt 'before' index with the published CSV (4 decimals there)."""
    pub = pd.read_csv(path, keep_default_na=False, na_values=[""]).set_index("iso3")
    ours = before.index.reindex(pub.index)
    presence = int((pub["index"].isna() != ours.isna()).sum())
    gap = float((pub["index"] - ours).abs().max())
    rank_gap = float((pub["rank"] - before.rank.reindex(pub.index).astype(float)).abs().max())
    print(f"\n## Check against {path.name}")
    print(f"economies: {len(pub)}; scored there {int(pub['index'].notna().sum())}, "
          f"rebuilt {int(ours.notna().sum())}; scored in one only: {presence}")  # fmt: skip
    print(f"largest index difference {gap:.6f} (the CSV rounds to 4 decimals); "
          f"largest rank difference {rank_gap:.0f}")  # fmt: skip
    for p in ("CONN", "BBAF", "POLICY", "ENABLE"):
        diff = float((pub[p] - before.scores[p].reindex(pub.index)).abs().max())
        print(f"  {p}: largest difference {diff:.6f}")


def spearman(a: pd.Series, b: pd.Series) -> tuple[float, int]:
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    rho = both.iloc[:, 0].rank().corr(both.iloc[:, 1].rank())
    return float(rho), len(both)


def print_spearman(ix: Indexes) -> None:
    pairs = {
        "after vs before (index)": (ix.after.index, ix.before.index),
        "before vs IDI 2024": (ix.before.index, ix.idi),
        "after vs IDI 2024": (ix.after.index, ix.idi),
        "IOT pillar vs IDI 2024": (ix.after.scores["IOT"], ix.idi),
        "IOT pillar vs before (index)": (ix.after.scores["IOT"], ix.before.index),
        "IOT pillar vs after (index)": (ix.after.scores["IOT"], ix.after.index),
    }
    print("\n## Spearman rank correlation (economies with both)")
    for label, (a, b) in pairs.items():
        rho, n = spearman(a, b)
        print(f"{label}: {rho:.3f} (n = {n})")


def mover_table(ix: Indexes, snap: Snapshot) -> pd.DataFrame:
    """Common economies' ranks, scores and the IoT indicators that explain the move."""
    before, after = ix.before, ix.after
    common = before.index.dropna().index.intersection(after.index.dropna().index)
    t = pd.DataFrame(index=common)
    t["name"] = [snap.name(c) for c in common]
    t["rank_before"] = before.rank.reindex(common).astype(int)
    t["rank_after"] = after.rank.reindex(common).astype(int)
    t["up"] = t["rank_before"] - t["rank_after"]
    t["index_before"] = before.index.reindex(common)
    t["index_after"] = after.index.reindex(common)
    t["IOT"] = after.scores["IOT"].reindex(common)
    t["POLICY_before"] = before.scores["POLICY"].reindex(common)
    t["POLICY_after"] = after.scores["POLICY"].reindex(common)
    codes = ["secure_servers", *NEW_IOT]
    iot, raw = after.normalised[codes].reindex(common), after.raw[codes].reindex(common)
    t["iot_best"] = [_named(iot.loc[c], raw.loc[c], best=True) for c in common]
    t["iot_worst"] = [_named(iot.loc[c], raw.loc[c], best=False) for c in common]
    return t


def _named(scores: pd.Series, raw: pd.Series, best: bool, n: int = 3) -> str:
    """The n best (or worst) IoT indicator scores, each with its raw value in brackets."""
    s = scores.dropna().sort_values(ascending=not best, kind="stable").head(n)
    return ", ".join(
        f"{code} {value:.0f} ({float(raw[str(code)]):.3g})" for code, value in s.items()
    )


def print_movers(t: pd.DataFrame) -> None:
    print(f"\n## Biggest movers ({len(t)} economies scored before and after; + = up)")
    head = "| economy | rank before | rank after | move | index before | after | IOT | "
    print(head + "POLICY before/after | IoT scores that explain it |")
    print("|---|---|---|---|---|---|---|---|---|")
    up = t.sort_values(["up", "rank_after"], ascending=[False, True]).head(MOVERS)
    down = t.sort_values(["up", "rank_after"], ascending=[True, True]).head(MOVERS)
    for which, rows in (("best", up), ("worst", down)):
        for code, r in rows.iterrows():
            why = r["iot_best"] if which == "best" else r["iot_worst"]
            print(f"| {r['name']} ({code}) | {r['rank_before']} | {r['rank_after']} | "
                  f"{r['up']:+d} | {r['index_before']:.1f} | {r['index_after']:.1f} | "
                  f"{r['IOT']:.1f} | {r['POLICY_before']:.0f}/{r['POLICY_after']:.0f} | "
                  f"{why} |")  # fmt: skip
    moved = t["up"].abs()
    print(f"median absolute move {moved.median():.0f}; moved 10 or more places: "
          f"{int((moved >= 10).sum())}; 20 or more: {int((moved >= 20).sum())}")  # fmt: skip


def print_ldcs(ix: Indexes, snap: Snapshot) -> None:
    countries = snap.countries.set_index("iso3")
    ldcs = countries.index[countries["ldc"]]
    before, after = ix.before, ix.after
    n_b, n_a = int(before.index.notna().sum()), int(after.index.notna().sum())
    print(f"\n## The 44 LDCs (rank before of {n_b}, after of {n_a}; + = up)")
    print("| LDC | rank before | rank after | move | index after | IOT | tier after |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for code in ldcs:
        rb, ra = before.rank.get(code), after.rank.get(code)
        move = "" if pd.isna(rb) or pd.isna(ra) else f"{int(rb) - int(ra):+d}"
        rows.append((ra if not pd.isna(ra) else 10_000, code, rb, ra, move))
    for _, code, rb, ra, move in sorted(rows):
        text_b = "not scored" if pd.isna(rb) else str(int(rb))
        text_a = "not scored" if pd.isna(ra) else str(int(ra))
        print(f"| {snap.name(code)} ({code}) | {text_b} | {text_a} | {move} | "
              f"{after.index[code]:.1f} | {after.scores['IOT'][code]:.1f} | "
              f"{after.tiers[code]} |")  # fmt: skip
    moves = pd.Series(
        {c: before.rank[c] - after.rank[c] for c in ldcs if not pd.isna(before.rank.get(c))}
    ).astype(int)
    print(f"LDCs scored before {int(before.index.reindex(ldcs).notna().sum())}, after "
          f"{int(after.index.reindex(ldcs).notna().sum())}; of those ranked in both: up "
          f"{int((moves > 0).sum())}, down {int((moves < 0).sum())}, same "
          f"{int((moves == 0).sum())}; median move {moves.median():+.0f}")  # fmt: skip
    iot_rank = after.ranks["IOT"].reindex(ldcs).dropna().astype(int)
    print(f"LDCs' IOT pillar rank (of {int(after.scores['IOT'].notna().sum())}): median "
          f"{iot_rank.median():.0f}, best {iot_rank.min()} "
          f"({snap.name(str(iot_rank.idxmin()))})")  # fmt: skip


def print_rule_change(snap: Snapshot, year: int) -> None:
    """Who scores differently because pillar coverage went from 2/3 to 0.6 (same framework)."""
    _, framework, panel = snapshot_inputs(snap)
    data = data_for_year(panel, framework, Method(), year)
    now = build_index(data, framework, Method())
    then = build_index(data, framework, BEFORE_METHOD)
    print(f"\n## Pillar coverage 0.6 against 2/3, five pillars, {year}")
    for code in [*framework.pillars, framework.index_code]:
        a, b = now.scores[code], then.scores[code]
        differs = (a.isna() != b.isna()) | ((a - b).abs() > 1e-9)
        for unit in a.index[differs]:
            old = "not scored" if pd.isna(b[unit]) else f"{b[unit]:.1f}"
            new = "not scored" if pd.isna(a[unit]) else f"{a[unit]:.1f}"
            rank_then, rank_now = then.rank.get(unit), now.rank.get(unit)
            ranks = "" if code != framework.index_code else f" (rank {rank_then} -> {rank_now})"
            print(f"{code} {unit} {snap.name(unit)}: {old} -> {new}{ranks}")


def print_eritrea(ix: Indexes, snap: Snapshot, year: int, code: str = "ERI") -> None:
    after = ix.after
    fw = after.framework
    print(f"\n## {snap.name(code)} ({code}), {year}")
    assert after.years is not None  # the snapshot's cross-sections carry their years
    raw, years, cover = after.raw.loc[code], after.years.loc[code], after.coverage.loc[code]
    for pillar in fw.pillars:
        kids = fw.children(pillar)
        have = [f"{k} {years[k]}" for k in kids if not pd.isna(raw[k])]
        missing = [k for k in kids if pd.isna(raw[k])]
        print(f"{pillar}: {len(have)} of {len(kids)}; coverage {cover[pillar]:.3f}; "
              f"with a value: {', '.join(have)}; none: {', '.join(missing) or '-'}")  # fmt: skip
    for k in ("households_internet", "mobile_ownership", "price_mobile_5gb", "price_fixed_5gb"):
        rows = snap.indicator_values(k)
        rows = rows[rows["iso3"] == code]
        last = "never reported" if rows.empty else f"last {rows['year'].max()}"
        print(f"  {k}: {last}")
    n_have = len(after.normalised.loc[code].dropna())
    print(f"indicators with a value {n_have} of {len(fw.indicators)} "
          f"({n_have / len(fw.indicators):.1%}); share of the index's indicator weight "
          f"{after.data_coverage[code]:.1%}")  # fmt: skip
    print(f"before: {'not scored' if pd.isna(ix.before.index[code]) else ix.before.index[code]}; "
          f"after: index {after.index[code]:.1f}, rank {after.rank[code]} of "
          f"{int(after.index.notna().sum())}, tier {after.tiers[code]}")  # fmt: skip
    _, framework, panel = snapshot_inputs(snap)
    old = before_framework(framework)
    four = build_index(data_for_year(panel_from_snapshot(snap, old), old, Method(), year), old)
    n_four = int(four.index.notna().sum())
    print(
        f"four pillars with pillar coverage 0.6: index {four.index[code]:.1f}, "
        f"rank {four.rank[code]} of {n_four} (the rule alone scores it)"
    )
    data = data_for_year(panel, framework, Method(), year)
    unc = run_uncertainty(data, framework, Method(), UncertaintySpec(n=MC_SAMPLES, seed=1))
    r = unc.ranks.loc[code]
    print(f"Monte Carlo ({MC_SAMPLES} samples, seed 1): median rank {r['median_rank']:.0f}, "
          f"5-95% interval {r['rank_p05']:.0f}-{r['rank_p95']:.0f}, "
          f"scored in {r['scored_share']:.0%} of samples")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path, help="scores CSV published before the pillar")
    args = parser.parse_args()
    snap = load_snapshot()
    year = snap.latest_year
    ix = ranks_and_scores(snap, year)
    print(f"reference year {year}; economies in the master {len(snap.countries)}")
    print(f"scored before {int(ix.before.index.notna().sum())}, "
          f"after {int(ix.after.index.notna().sum())}")  # fmt: skip
    if args.published is not None:
        check_published(ix.before, args.published)
    print_coverage(snap, year)
    print_scored_by_year(snap)
    print_spearman(ix)
    print_movers(mover_table(ix, snap))
    print_ldcs(ix, snap)
    print_rule_change(snap, year)
    print_eritrea(ix, snap, year)


if __name__ == "__main__":
    main()
