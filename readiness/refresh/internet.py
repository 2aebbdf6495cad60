"""Internet infrastructure sources in their native formats, turned into the per-economy files the
build reads (`readiness.data.build.iot`):

- APNIC Labs IPv6 capability: the per-economy JSON time series (data1.labs.apnic.net,
  "IPv6 data as JSON") -> `apnic_ipv6/apnic_ipv6_capable_<date>.csv`;
- PCH IXP directory: its API's active list and each exchange's subnets
  -> `ixp_directories/pch_ixp_directory_active_<date>.csv` and that date's `ixp_pch` counts in
  `ixp_directories/ixp_counts_by_country_2023-2026.csv`;
- the five RIRs' delegated-extended statistics (the RIR statistics exchange format, version 2)
  -> that date's rows of `rir_delegated/rir_ip_by_country_2021-2026.csv` (addresses after CIDR
  aggregation, as ipverse computes them) and `rir_delegated/rir_asn_by_country_<date>.csv`.
"""

from __future__ import annotations

import bz2
import datetime as dt
import email.utils
import gzip
import ipaddress
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from readiness.data.build import iot
from readiness.data.catalogue import Catalogue
from readiness.refresh.http import FetchError, Http, finite, response_json
from readiness.refresh.rawfiles import (
    PARTIAL_DIR,
    FetchResult,
    csv_bytes,
    number_text,
    read_rows,
    write_all,
)

APNIC_SOURCE, PCH_SOURCE, RIR_SOURCE = "apnic", "pch", "rir"
APNIC_ENV = "READINESS_APNIC_URL"
APNIC_DEFAULT = "https://data1.labs.apnic.net/v6stats/v6economy"
APNIC_WINDOW = "30"  # the 30-day smoothing of the JSON series; Samples = its daily mean x 30
APNIC_MAX_AGE = 90  # days: an economy whose latest point is older than the newest is left out
MIN_APNIC_ECONOMIES = 150  # the table lists about 230 economies
PCH_ENV = "READINESS_PCH_URL"
PCH_DEFAULT = "https://www.pch.net"
MIN_PCH_IXPS = 400  # PCH lists about 850 active exchanges with a subnet
PCH_COUNTS = "ixp_directories/ixp_counts_by_country_2023-2026.csv"
COUNT_HEADER = (
    "iso2", "iso3", "snapshot_date", "snapshot_commit", "ixp_peeringdb", "ixp_pch", "ixp_he",
)  # fmt: skip
DIRECTORY_HEADER = (
    "id", "name", "country_pch", "iso3_adj", "iso2_adj", "city", "region", "url",
)  # fmt: skip
# PCH files these under the parent state (or under no country); moved to their own code, as in
# ixp_directories/SOURCES.md.
PCH_CITY_FIXES = {
    ("CN", "Hong Kong"): "HK", ("CN", "Macau"): "MO", ("CN", "Macao"): "MO",
    ("FR", "Saint-Denis"): "RE", ("FR", "Cayenne"): "GF", ("GB", "Douglas"): "IM",
    ("", "Oranjestad"): "AW",
}  # fmt: skip
PCH_ALIASES = {
    "united states": "US", "usa": "US", "united kingdom": "GB", "uk": "GB", "russia": "RU",
    "south korea": "KR", "korea": "KR", "vietnam": "VN", "turkey": "TR", "iran": "IR",
    "syria": "SY", "laos": "LA", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "moldova": "MD", "czech republic": "CZ", "macedonia": "MK", "ivory coast": "CI",
    "cote d'ivoire": "CI", "congo, democratic republic of the": "CD", "kosovo": "XK",
}  # fmt: skip
RIR_ENV = "READINESS_RIR_URLS"
RIR_DATE_ENV = "READINESS_RIR_DATE"  # YYYYMMDD put into {date} and {year} of the URLs
RIRS = ("afrinic", "apnic", "arin", "lacnic", "ripencc")
RIR_DEFAULT = ",".join(
    (
        "https://ftp.afrinic.net/pub/stats/afrinic/delegated-afrinic-extended-latest",
        "https://ftp.apnic.net/stats/apnic/delegated-apnic-extended-latest",
        "https://ftp.arin.net/pub/stats/arin/delegated-arin-extended-latest",
        "https://ftp.lacnic.net/pub/stats/lacnic/delegated-lacnic-extended-latest",
        "https://ftp.ripe.net/pub/stats/ripencc/delegated-ripencc-extended-latest",
    )
)
RIR_IP_FILE = "rir_delegated/rir_ip_by_country_2021-2026.csv"
IP_HEADER = (
    "iso2", "iso3", "snapshot_commit", "snapshot_date", "ipv4_prefixes_aggregated",
    "ipv4_addresses", "ipv6_prefixes_aggregated", "ipv6_slash48s", "ipv6_slash32_equiv",
)  # fmt: skip
HELD = frozenset({"allocated", "assigned"})
_DATE8 = re.compile(r"^(19|20)\d{6}$")


def _codes(raw_dir: Path) -> dict[str, str]:
    """ISO alpha-2 -> alpha-3 from the raw set's country-codes.csv (plus Kosovo's XK)."""
    path = raw_dir / "classifications" / "country-codes.csv"
    rows = read_rows(path)
    if not rows:
        raise FetchError("refresh", f"{path} is missing: it maps two-letter codes to ISO3")
    out = {r["ISO3166-1-Alpha-2"]: r["ISO3166-1-Alpha-3"] for r in rows if r["ISO3166-1-Alpha-2"]}
    return {**out, "XK": "XKX"}


def _day(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


# APNIC ------------------------------------------------------------------------------------------


def apnic_point(doc: object, cc: str) -> tuple[dt.date, float, int] | None:
    """(date, IPv6-capable %, samples) of an economy's newest point; None without samples."""
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list):
        raise FetchError(APNIC_SOURCE, f"{cc}.json: no 'data' list")
    points = []
    for item in data:
        if not isinstance(item, dict) or str(item.get("cc", "")).upper() != cc:
            raise FetchError(APNIC_SOURCE, f"{cc}.json: a point of another economy")
        try:
            points.append((dt.date.fromisoformat(str(item["date"])), item))
        except (KeyError, ValueError):
            raise FetchError(APNIC_SOURCE, f"{cc}.json: a point without a valid date") from None
    if not points:
        return None
    day, item = max(points, key=lambda p: p[0])
    window = item.get(APNIC_WINDOW)
    pct = window.get("capable_pc") if isinstance(window, dict) else None
    seen = window.get("seen") if isinstance(window, dict) else None
    share = float(pct) if finite(pct) else -1.0  # type: ignore[arg-type]
    count = float(seen) if finite(seen) else -1.0  # type: ignore[arg-type]
    if not (0 <= share <= 100 and count >= 0):
        raise FetchError(APNIC_SOURCE, f"{cc}.json {day}: capable_pc/seen missing or out of range")
    samples = round(count * int(APNIC_WINDOW))
    return (day, round(share, 2), samples) if samples > 0 else None


def fetch_apnic(
    raw_dir: Path, http: Http, catalogue: Catalogue, urls: Mapping[str, str]
) -> FetchResult:
    """Every economy's newest IPv6-capable share -> apnic_ipv6_capable_<newest date>.csv."""
    base = urls[APNIC_ENV].rstrip("/")
    economies = sorted(_codes(raw_dir))
    found: dict[str, tuple[dt.date, float, int]] = {}
    for done, cc in enumerate(economies, start=1):
        doc = http.get_json(APNIC_SOURCE, f"{base}/{cc}.json", missing_ok=True)
        point = None if doc is None else apnic_point(doc, cc)
        if point is not None:
            found[cc] = point
        http.report(APNIC_SOURCE, done, len(economies))
    if len(found) < MIN_APNIC_ECONOMIES:
        raise FetchError(
            APNIC_SOURCE, f"only {len(found)} economies measured (at least {MIN_APNIC_ECONOMIES})"
        )
    newest = max(p[0] for p in found.values())
    stale = sorted(cc for cc, p in found.items() if (newest - p[0]).days > APNIC_MAX_AGE)
    rows = sorted(
        ((cc, pct, "", n) for cc, (_, pct, n) in found.items() if cc not in stale),
        key=lambda r: (-r[1], r[0]),
    )
    name = f"apnic_ipv6/apnic_ipv6_capable_{newest:%Y%m%d}.csv"
    payload = csv_bytes(("Code", "IPv6_Capable_Pct", "Mean_RTT_Diff", "Samples"), rows)
    notes = [f"{len(rows)} economies measured, newest point {newest}"]
    if stale:
        notes.append(f"left out, no point within {APNIC_MAX_AGE} days: {', '.join(stale)}")
    notes.append("Mean_RTT_Diff is left empty: the JSON series has no IPv6-IPv4 round-trip times")
    if name != f"apnic_ipv6/{iot.APNIC_FILE}":
        notes.append(f"the build reads apnic_ipv6/{iot.APNIC_FILE}; this scrape is {name}")
    return FetchResult(files=write_all(raw_dir, {name: payload}), notes=notes)


# PCH --------------------------------------------------------------------------------------------


def pch_names(raw_dir: Path) -> dict[str, str]:
    """Country names as PCH may write them (lower case) -> ISO alpha-2."""
    names: dict[str, str] = {}
    columns = ("CLDR display name", "official_name_en", "UNTERM English Short")
    for row in read_rows(raw_dir / "classifications" / "country-codes.csv"):
        for column in columns:
            name = re.sub(r"\s*\(the\)$", "", row.get(column, "")).strip().lower()
            if name and row["ISO3166-1-Alpha-2"]:
                names.setdefault(name, row["ISO3166-1-Alpha-2"])
    return {**names, **PCH_ALIASES}


def _active_subnet(doc: object) -> bool:
    """Whether an exchange has at least one active, valid peering-LAN subnet."""
    if not isinstance(doc, list):
        return False
    for item in doc:
        if isinstance(item, dict) and str(item.get("status", "")).lower() == "active":
            try:
                ipaddress.ip_network(str(item.get("subnet", "")).strip(), strict=False)
            except ValueError:
                continue
            return True
    return False


def _directory_row(item: object, names: Mapping[str, str], codes: Mapping[str, str]) -> list[str]:
    if not isinstance(item, dict) or "id" not in item or not item.get("name"):
        raise FetchError(PCH_SOURCE, "a directory entry without id or name")
    country = str(item.get("ctry") or "").strip()
    iso2 = names.get(country.lower(), "") if country else ""
    if country and not iso2:
        raise FetchError(PCH_SOURCE, f"country '{country}' not recognised; add it to PCH_ALIASES")
    city = str(item.get("cit") or "").strip()
    adjusted = PCH_CITY_FIXES.get((iso2, city), iso2)
    return [  # as PCH writes them (stray spaces included): the id, not the name, is the key
        f"pch_{item['id']}", str(item["name"]), iso2, codes.get(adjusted, ""), adjusted,
        str(item.get("cit") or ""), str(item.get("reg") or ""), str(item.get("url") or ""),
    ]  # fmt: skip


def _server_day(header: str | None) -> dt.date:
    """The day of an answer from its Date header (UTC), else today's UTC date."""
    try:
        return email.utils.parsedate_to_datetime(header or "").astimezone(dt.UTC).date()
    except (TypeError, ValueError):
        return dt.datetime.now(dt.UTC).date()


def merge_counts(
    rows: list[dict[str, str]], day: str, counts: Counter[str], codes: Mapping[str, str]
) -> list[list[str]]:
    """The counts file with `day`'s ixp_pch replaced: kept rows of that day updated (0 where PCH
    lists none now), new rows for economies not there yet, other days untouched."""
    left = Counter(counts)
    out = []
    for row in rows:
        if row["snapshot_date"] == day:
            row = {**row, "ixp_pch": str(counts.get(row["iso2"], 0))}
            left.pop(row["iso2"], None)
        out.append([row.get(h, "") for h in COUNT_HEADER])
    out += [[cc, codes.get(cc, ""), day, "pch-api", "", str(n), ""] for cc, n in left.items()]
    return sorted(out, key=lambda r: (r[0], r[2]))


def fetch_pch(
    raw_dir: Path, http: Http, catalogue: Catalogue, urls: Mapping[str, str]
) -> FetchResult:
    """PCH's active exchanges with an active subnet -> directory file and that day's counts."""
    base = urls[PCH_ENV].rstrip("/")
    url = f"{base}/api/ixp/directory/Active"
    resp = http.get(PCH_SOURCE, url, params={"format": "json"})
    if resp is None:  # not reached: only a tolerated 404 gives None
        raise FetchError(PCH_SOURCE, "no directory")
    day = _server_day(resp.headers.get("Date"))
    directory = response_json(PCH_SOURCE, resp, url)
    if not isinstance(directory, list) or not directory:
        raise FetchError(PCH_SOURCE, "the directory is empty or not a list")
    names, codes = pch_names(raw_dir), _codes(raw_dir)
    rows = []
    for done, item in enumerate(directory, start=1):
        row = _directory_row(item, names, codes)
        subnets = http.get_json(PCH_SOURCE, f"{base}/api/ixp/subnets/{item['id']}",
                                params={"format": "json"}, missing_ok=True)  # fmt: skip
        if _active_subnet(subnets):
            rows.append(row)
        http.report(PCH_SOURCE, done, len(directory))
    if len(rows) < MIN_PCH_IXPS:
        raise FetchError(PCH_SOURCE, f"only {len(rows)} exchanges with a subnet ({MIN_PCH_IXPS}+)")
    counts = Counter(r[4] for r in rows if r[4])
    stamp = f"{day:%Y-%m-%d}"
    merged = merge_counts(read_rows(raw_dir / PCH_COUNTS), stamp, counts, codes)
    name = f"ixp_directories/pch_ixp_directory_active_{day:%Y%m%d}.csv"
    outputs: dict[str, bytes | Path] = {
        name: csv_bytes(DIRECTORY_HEADER, rows),
        PCH_COUNTS: csv_bytes(COUNT_HEADER, merged),
    }
    notes = [f"{len(rows)} active exchanges in {len(counts)} economies on {stamp}"]
    if stamp not in iot.PCH_SNAPSHOTS:
        notes.append(f"the build uses year-end snapshots only ({', '.join(iot.PCH_SNAPSHOTS)})")
    return FetchResult(files=write_all(raw_dir, outputs), notes=notes)


# RIRs -------------------------------------------------------------------------------------------


def rir_urls(value: str, day: str | None = None) -> dict[str, str]:
    """The five RIR file addresses (comma-separated, in RIRS order); {date}/{year} filled in."""
    urls = [u.strip() for u in value.split(",") if u.strip()]
    if len(urls) != len(RIRS):
        raise FetchError(RIR_SOURCE, f"{RIR_ENV} needs {len(RIRS)} addresses ({', '.join(RIRS)})")
    if any("{" in u for u in urls) and not (day and _DATE8.match(day)):
        raise FetchError(RIR_SOURCE, f"the addresses have {{date}}: set {RIR_DATE_ENV}=YYYYMMDD")
    filled = [u.format(date=day, year=day[:4]) if day else u for u in urls]
    return dict(zip(RIRS, filled, strict=True))


def _text(path: Path) -> str:
    """A delegated file as text, gunzipped or bunzipped when its first bytes say so."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    elif data[:3] == b"BZh":
        data = bz2.decompress(data)
    return data.decode("utf-8", errors="replace")


def parse_delegated(text: str, rir: str) -> tuple[dt.date, list[list[str]]]:
    """The file's end date and its held records (registry|cc|type|start|value|date|status...),
    after checking the version line and that each type's count matches its summary line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    head = lines[0].split("|") if lines else []
    if len(head) < 6 or head[0] not in {"2", "2.3"} or head[1] != rir:
        raise FetchError(RIR_SOURCE, f"{rir}: not a delegated statistics file (version line)")
    stamp = head[5] if _DATE8.match(head[5]) else head[2]
    if not _DATE8.match(stamp):
        raise FetchError(RIR_SOURCE, f"{rir}: no valid date in the version line")
    summary: dict[str, int] = {}
    records: list[list[str]] = []
    found: Counter[str] = Counter()
    for line in lines[1:]:
        fields = line.split("|")
        if len(fields) >= 6 and fields[5] == "summary":
            summary[fields[2]] = int(fields[4])
            continue
        if len(fields) < 7 or fields[2] not in {"asn", "ipv4", "ipv6"}:
            raise FetchError(RIR_SOURCE, f"{rir}: a record line not in the exchange format")
        found[fields[2]] += 1
        if fields[6] in HELD and fields[1] not in ("", "ZZ"):
            records.append(fields)
    if not summary or any(found[t] != n for t, n in summary.items()):
        raise FetchError(
            RIR_SOURCE, f"{rir}: records {dict(found)} do not match the summary {summary}"
        )
    if int(head[3]) != sum(found.values()):
        raise FetchError(RIR_SOURCE, f"{rir}: {sum(found.values())} records, header says {head[3]}")
    return _day(stamp), records


def ip_rows(records: Iterable[list[str]], day: str, codes: Mapping[str, str]) -> list[list[str]]:
    """Per economy: IPv4 prefixes and addresses, IPv6 prefixes and /48s, after CIDR aggregation."""
    v4: defaultdict[str, list[ipaddress.IPv4Network]] = defaultdict(list)
    v6: defaultdict[str, list[ipaddress.IPv6Network]] = defaultdict(list)
    try:
        for rec in records:
            cc, kind, start, value = rec[1], rec[2], rec[3], int(rec[4])
            if kind == "ipv4":
                first = ipaddress.IPv4Address(start)
                v4[cc] += ipaddress.summarize_address_range(first, first + (value - 1))
            elif kind == "ipv6":
                v6[cc].append(ipaddress.IPv6Network(f"{start}/{value}"))
    except ValueError as exc:
        raise FetchError(RIR_SOURCE, f"an address record is not valid ({exc})") from None
    out = []
    for cc in sorted(set(v4) | set(v6)):  # EU (RIPE legacy) stays, as ipverse has it
        nets4 = list(ipaddress.collapse_addresses(v4.get(cc, [])))
        nets6 = list(ipaddress.collapse_addresses(v6.get(cc, [])))
        s48 = sum(2 ** (48 - n.prefixlen) if n.prefixlen <= 48 else 0.5 ** (n.prefixlen - 48)
                  for n in nets6)  # fmt: skip
        out.append([
            cc, codes.get(cc, ""), "rir-delegated", day, str(len(nets4)),
            str(sum(n.num_addresses for n in nets4)), str(len(nets6)), number_text(s48),
            repr(round(s48 / 65536, 4)),
        ])  # fmt: skip
    return out


def recorded_year(day: dt.date) -> int:
    """The year whose end a snapshot records: the files of the first week of January stand for
    the year just ended (iot.RIR_ASN_YEAR)."""
    return day.year - 1 if day.month == 1 and day.day <= 7 else day.year


def asn_rows(
    records: Iterable[list[str]], day: dt.date, codes: Mapping[str, str]
) -> tuple[tuple[str, ...], list[list[str]]]:
    """Per economy: distinct ASNs, the RIRs listing them, and those first allocated in the five
    years up to the recorded year."""
    first: dict[str, dict[int, int]] = defaultdict(dict)  # cc -> asn -> allocation year (0: none)
    rirs: defaultdict[str, set[str]] = defaultdict(set)
    for rec in records:
        if rec[2] != "asn":
            continue
        try:
            start, count = int(rec[3]), int(rec[4])
        except ValueError:
            raise FetchError(RIR_SOURCE, f"{rec[0]}: ASN record '{rec[3]}|{rec[4]}'") from None
        year = int(rec[5][:4]) if _DATE8.match(rec[5]) else 0
        held = first[rec[1]]
        for asn in range(start, start + count):
            known = held.get(asn, 0)
            held[asn] = min(known, year) if known and year else known or year
        rirs[rec[1]].add(rec[0])
    last = recorded_year(day)
    column = f"asn_allocated_{last - 4}_{last}"
    rows = [
        [cc, codes.get(cc, ""), f"{day:%Y-%m-%d}", str(len(asns)), "|".join(sorted(rirs[cc])),
         str(sum(1 for y in asns.values() if last - 4 <= y <= last))]
        for cc, asns in sorted(first.items())
    ]  # fmt: skip
    return ("iso2", "iso3", "snapshot_date", "asn_count", "rir", column), rows


def fetch_rir(
    raw_dir: Path, http: Http, catalogue: Catalogue, urls: Mapping[str, str]
) -> FetchResult:
    """The five RIR files -> that date's address rows and an ASN file of that date."""
    wanted = rir_urls(urls[RIR_ENV], os.environ.get(RIR_DATE_ENV) or None)
    records: list[list[str]] = []
    days = []
    for rir, url in wanted.items():  # progress: each file's bytes, as it downloads
        path = http.download(RIR_SOURCE, url, raw_dir / PARTIAL_DIR / f"delegated-{rir}")
        day, recs = parse_delegated(_text(path), rir)
        path.unlink()
        days.append(day)
        records += recs
    day = max(days)
    stamp = f"{day:%Y-%m-%d}"
    codes = _codes(raw_dir)
    kept = [r for r in read_rows(raw_dir / RIR_IP_FILE) if r["snapshot_date"] != stamp]
    ip = [[r.get(h, "") for h in IP_HEADER] for r in kept] + ip_rows(records, stamp, codes)
    header, asn = asn_rows(records, day, codes)
    name = f"rir_delegated/rir_asn_by_country_{day:%Y%m%d}.csv"
    outputs: dict[str, bytes | Path] = {
        RIR_IP_FILE: csv_bytes(IP_HEADER, sorted(ip, key=lambda r: (r[3], r[0]))),
        name: csv_bytes(header, asn),
    }
    notes = [f"files of {', '.join(sorted({f'{d:%Y-%m-%d}' for d in days}))}: "
             f"{len(asn)} economies with ASNs"]  # fmt: skip
    if stamp not in iot.RIR_IP_SNAPSHOTS:
        notes.append(f"the build uses year-end address snapshots only; this one is {stamp}")
    return FetchResult(files=write_all(raw_dir, outputs), notes=notes)
