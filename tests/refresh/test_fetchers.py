"""Each source fetched end to end from the loopback replay: the files it writes are the committed
raw files it was generated from (a round trip), the build's readers accept them, and every fault
case ends as documented."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from readiness.data.build import iot
from readiness.data.build.countries import read_wb_class, wb_class_path
from readiness.data.build.sources import read_itu_datahub, read_wdi
from readiness.data.catalogue import Catalogue, load_catalogue
from readiness.refresh import internet, itu, wb
from readiness.refresh.http import FetchError, Http
from readiness.refresh.sources import SOURCES
from tests.refresh.replay import Replay


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def fetch(name: str, raw: Path, http: Http, catalogue: Catalogue) -> list[str]:
    result = SOURCES[name].fetch(raw, http, catalogue)
    assert result.files and all((raw / f).is_file() for f in result.files)
    assert not (raw / ".partial").exists()
    return result.files


def same_bytes(raw: Path, committed: Path, rel: str) -> bool:
    return (raw / rel).read_bytes() == (committed / rel).read_bytes()


def test_every_source_has_an_address_variable_and_default() -> None:
    assert set(SOURCES) == {"wb", "wb_class", "itu", "apnic", "pch", "rir"}
    for source in SOURCES.values():
        assert source.env.startswith("READINESS_") and source.env.endswith(
            ("_API", "_URL", "_URLS")
        )
        assert all(default.startswith("https://") for _, default in source.urls)


def test_wdi_round_trip(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, committed_raw: Path
) -> None:
    files = fetch("wb", raw_copy, http, catalogue)
    series = wb.wdi_series(catalogue)
    assert files == sorted(f"wdi/{code.lower()}/data.csv" for code in series)
    identical = sum(same_bytes(raw_copy, committed_raw, f) for f in files)
    assert identical == len(files)  # byte for byte, number formats and CRLF line ends included
    got = read_wdi(raw_copy, series).reset_index(drop=True)
    assert got.equals(read_wdi(committed_raw, series).reset_index(drop=True))
    assert {q["query"]["per_page"][0] for q in replay.log} == {str(wb.PER_PAGE)}


def test_wdi_pages_and_nulls(replay: Replay, http: Http, committed_raw: Path) -> None:
    rows, uncoded = wb.fetch_series(http, f"{replay.url}/wb/v2", "IE.PPN.ICTI.CD", per_page=500)
    pages = [int(q["query"]["page"][0]) for q in replay.log]
    assert pages == list(range(1, len(pages) + 1)) and len(pages) > 3
    committed = pd.read_csv(committed_raw / "wdi/ie.ppn.icti.cd/data.csv")
    assert len(rows) == len(committed) and uncoded == 0  # null rows absent, never 0
    assert all(isinstance(v, int | float) for *_, v in rows)


def test_class_round_trip(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, committed_raw: Path
) -> None:
    files = fetch("wb_class", raw_copy, http, catalogue)
    assert files == ["classifications/WB_CLASS_FY2026.xlsx", "classifications/WB_OGHIST.xlsx"]
    assert all(same_bytes(raw_copy, committed_raw, f) for f in files)
    assert wb_class_path(raw_copy).name == "WB_CLASS_FY2026.xlsx"
    economies, _ = read_wb_class(raw_copy)
    assert len(economies) == 218


def test_newest_class_file_is_chosen(tmp_path: Path, committed_raw: Path) -> None:
    folder = tmp_path / "classifications"
    folder.mkdir()
    for year in (2026, 2027, 2025):
        shutil.copyfile(committed_raw / "classifications/WB_CLASS_FY2026.xlsx",
                        folder / f"WB_CLASS_FY{year}.xlsx")  # fmt: skip
    assert wb_class_path(tmp_path).name == "WB_CLASS_FY2027.xlsx"


def test_itu_round_trip(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, committed_raw: Path
) -> None:
    files = fetch("itu", raw_copy, http, catalogue)
    assert len(files) == 8  # the files holding a catalogue series, each with all of its series
    assert all(same_bytes(raw_copy, committed_raw, f) for f in files)
    series = sorted(i.series for i in catalogue.indicators if i.source == "ITU_DATAHUB")
    got = read_itu_datahub(raw_copy, series).reset_index(drop=True)
    assert got.equals(read_itu_datahub(committed_raw, series).reset_index(drop=True))


def test_itu_token_sent_as_header_never_shown(
    replay: Replay, raw_copy: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "tok-4f9a-not-for-logs"
    replay.token = secret
    seen: list[str] = []
    # No retry, so that the 401 is the first answer; a timeout a busy CI machine can keep (0.5 s
    # failed once while the suite's other processes held both cores).
    client = Http(timeout=5.0, retries=0, progress=lambda *a: seen.append(repr(a)))
    with pytest.raises(FetchError) as refused:  # no token set: the service says 401
        SOURCES["itu"].fetch(raw_copy, client, catalogue)
    assert "HTTP 401" in str(refused.value) and secret not in str(refused.value)
    monkeypatch.setenv(itu.ITU_TOKEN_ENV, secret)
    SOURCES["itu"].fetch(raw_copy, client, catalogue)
    sent = {q["authorization"] for q in replay.log if q["path"].startswith("/itu/")}
    assert f"Bearer {secret}" in sent
    assert not any(secret in line for line in seen)
    assert all(secret not in q["path"] and secret not in str(q["query"]) for q in replay.log)


def test_itu_changed_unit_is_refused(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setitem(itu.ITU_FILES, "individuals_using_internet.csv", (("i99H", 11624, "#"),))
    with pytest.raises(FetchError, match=r"i99H: unit changed from '#' to '%'"):
        SOURCES["itu"].fetch(raw_copy, http, catalogue)


def test_apnic_round_trip(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, committed_raw: Path
) -> None:
    files = fetch("apnic", raw_copy, http, catalogue)
    assert files == [f"apnic_ipv6/{iot.APNIC_FILE}"]
    got = iot.apnic_table(raw_copy).set_index("iso3")
    assert got.equals(iot.apnic_table(committed_raw).set_index("iso3"))
    fetched = pd.read_csv(raw_copy / files[0], keep_default_na=False)
    committed = pd.read_csv(committed_raw / files[0], keep_default_na=False)
    cols = ["Code", "IPv6_Capable_Pct", "Samples"]
    assert (
        fetched[cols]
        .sort_values("Code", ignore_index=True)
        .equals(committed[cols].sort_values("Code", ignore_index=True))
    )
    assert (fetched["Mean_RTT_Diff"] == "").all()  # not in the JSON series: left empty


def test_pch_round_trip(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, committed_raw: Path
) -> None:
    files = fetch("pch", raw_copy, http, catalogue)
    assert files == [internet.PCH_COUNTS, "ixp_directories/pch_ixp_directory_active_20260506.csv"]
    assert all(same_bytes(raw_copy, committed_raw, f) for f in files)  # two stray IXPs left out
    series = ["ixp_pch"]
    assert iot.read_pch(raw_copy, series).equals(iot.read_pch(committed_raw, series))


def test_pch_day_from_the_server_adds_rows(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue
) -> None:
    replay.http_date = "Thu, 31 Dec 2026 10:00:00 GMT"
    try:
        SOURCES["pch"].fetch(raw_copy, http, catalogue)
    finally:
        replay.http_date = "Wed, 06 May 2026 12:00:00 GMT"
    counts = pd.read_csv(raw_copy / internet.PCH_COUNTS, keep_default_na=False, dtype=str)
    new = counts[counts["snapshot_date"] == "2026-12-31"]
    old = counts[counts["snapshot_date"] == "2026-05-06"].set_index("iso2")["ixp_pch"]
    assert new.set_index("iso2")["ixp_pch"].sort_index().equals(old[old != "0"].sort_index())
    assert (new["ixp_peeringdb"] == "").all() and (new["snapshot_commit"] == "pch-api").all()
    assert len(counts) == 688 + len(new)


def test_rir_round_trip_addresses(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, committed_raw: Path
) -> None:
    files = fetch("rir", raw_copy, http, catalogue)
    assert files == ["rir_delegated/rir_asn_by_country_20251231.csv", internet.RIR_IP_FILE]
    cols = ["iso2", "iso3", "ipv4_addresses", "ipv6_slash48s", "ipv6_slash32_equiv"]

    def day(raw: Path) -> pd.DataFrame:
        ip = pd.read_csv(raw / internet.RIR_IP_FILE, dtype=str, keep_default_na=False)
        return ip[ip["snapshot_date"] == "2025-12-31"][cols].reset_index(drop=True)

    assert day(raw_copy).equals(day(committed_raw))
    shutil.copyfile(committed_raw / "rir_delegated/rir_asn_by_country_20240105.csv",
                    raw_copy / "rir_delegated/rir_asn_by_country_20240105.csv")  # fmt: skip
    series = ["ipv6_slash48s", "asn_count"]
    assert iot.read_rir(raw_copy, series).equals(iot.read_rir(committed_raw, series))


def test_rir_round_trip_asns(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, committed_raw: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    replay.rir_day = "20240105"
    fetch("rir", raw_copy, http, catalogue)
    name = "rir_delegated/rir_asn_by_country_20240105.csv"
    assert same_bytes(raw_copy, committed_raw, name)
    assert {q["path"] for q in replay.log if q["path"].endswith(".gz")}  # APNIC's file gzipped


def test_rir_dated_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    template = ",".join(
        f"https://x.test/{r}/{{year}}/delegated-{r}-{{date}}" for r in internet.RIRS
    )
    urls = internet.rir_urls(template, "20251231")
    assert urls["ripencc"] == "https://x.test/ripencc/2025/delegated-ripencc-20251231"
    with pytest.raises(FetchError, match="READINESS_RIR_DATE"):
        internet.rir_urls(template, None)
    with pytest.raises(FetchError, match="needs 5 addresses"):
        internet.rir_urls("https://x.test/only-one", None)


# Fault cases ------------------------------------------------------------------------------------

ONE = "IT.NET.SECR.P6"


def one_series(replay: Replay, http: Http) -> list[tuple[str, str, int, float | int]]:
    return wb.fetch_series(http, f"{replay.url}/wb/v2", ONE)[0]


def test_429_waits_for_retry_after_then_succeeds(replay: Replay, http: Http) -> None:
    replay.fault(ONE, "429")
    start = time.perf_counter()
    assert one_series(replay, http)
    assert time.perf_counter() - start >= 1.0  # Retry-After: 1
    assert [q["fault"] for q in replay.log] == ["429", None]


def test_500_is_retried(replay: Replay, http: Http) -> None:
    replay.fault(ONE, "500")
    assert one_series(replay, http)
    assert [q["fault"] for q in replay.log] == ["500", None]


def test_500_every_time_gives_up(replay: Replay, http: Http) -> None:
    replay.fault(ONE, "500", times=-1)
    with pytest.raises(
        FetchError, match=r"^wb: HTTP 500 from 127\.0\.0\.1:\d+/wb/v2/.* 3 attempts$"
    ):
        one_series(replay, http)


def test_403_fails_at_once(replay: Replay, http: Http) -> None:
    replay.fault(ONE, "403", times=-1)
    with pytest.raises(FetchError) as refused:
        one_series(replay, http)
    assert len(replay.log) == 1
    text = str(refused.value)
    assert "\n" not in text and text.startswith("wb: HTTP 403") and "access refused" in text


def test_renamed_series_fails_at_once_naming_it(replay: Replay, http: Http) -> None:
    replay.fault(ONE, "renamed")
    with pytest.raises(FetchError) as refused:
        one_series(replay, http)
    assert len(replay.log) == 1
    assert str(refused.value) == (
        "wb: series IT.NET.SECR.P6 refused by the API: The provided parameter value is not valid "
        "(id 120); renamed or withdrawn? check its code in data/catalogue.yaml"
    )


def test_timeout_retried_then_fails_in_bounded_time(replay: Replay, http: Http) -> None:
    replay.stall = 1.0
    replay.fault(ONE, "timeout", times=-1)
    start = time.perf_counter()
    with pytest.raises(FetchError, match=r"did not answer within 0\.5 s \(3 attempts\)"):
        one_series(replay, http)
    assert time.perf_counter() - start < 3.0
    assert len(replay.log) == 3


def test_malformed_json_refused(replay: Replay, http: Http) -> None:
    replay.fault(ONE, "malformed")
    with pytest.raises(FetchError, match=r"^wb: malformed JSON from 127\.0\.0\.1"):
        one_series(replay, http)


def test_empty_page_refused(replay: Replay, http: Http) -> None:
    replay.fault(ONE, "empty")
    with pytest.raises(FetchError, match=r"page 1 of 1 has 0 rows, expected \d+ \(an empty"):
        one_series(replay, http)


def test_failed_source_writes_nothing(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue
) -> None:
    replay.fault("SP.POP.TOTL", "renamed")  # late in the list: earlier series were fetched
    with pytest.raises(FetchError, match=r"SP\.POP\.TOTL"):
        SOURCES["wb"].fetch(raw_copy, http, catalogue)
    assert not (raw_copy / "wdi").exists()


def test_hard_linked_file_is_replaced_not_written_through(
    replay: Replay, raw_copy: Path, http: Http, catalogue: Catalogue, tmp_path: Path
) -> None:
    original = tmp_path / "previous_counts.csv"
    counts = raw_copy / internet.PCH_COUNTS
    shutil.copyfile(counts, original)
    counts.unlink()
    os.link(original, counts)  # as a refresh links the current raw set
    before = original.read_bytes()
    replay.http_date = "Thu, 31 Dec 2026 10:00:00 GMT"
    try:
        SOURCES["pch"].fetch(raw_copy, http, catalogue)
    finally:
        replay.http_date = "Wed, 06 May 2026 12:00:00 GMT"
    assert original.read_bytes() == before and counts.read_bytes() != before
