"""A loopback stand-in for every service a refresh calls, answering in each one's documented
format with data generated FROM THE COMMITTED RAW FILES, so that a fetch must give those files
back (a round trip). Faults can be switched on per address pattern.

Routes (under http://127.0.0.1:<port>):
- /wb/v2/country/all/indicator/<CODE>   World Bank API v2 pages (from wdi/<code>/data.csv, with
                                         null rows for the missing economy-years, as the API has)
- /wb/CLASS.xlsx, /wb/OGHIST.xlsx        the committed workbooks (Range honoured)
- /itu/v2/dictionaries/getbyid/<id>, /itu/v2/data/bycode/<id>   DataHub API (from itu_datahub/)
- /apnic/v6economy/<CC>.json             APNIC's JSON series (from the 2025-12-09 scrape)
- /pch/api/ixp/directory/Active, /pch/api/ixp/subnets/<id>      PCH API (from the 2026-05-06 list)
- /rir/<rir>/delegated-<rir>-extended-latest[.gz]   RIR exchange format, rebuilt so that its
                                         per-economy totals are the committed aggregates
- /files/<name>                          any bytes put in `Replay.blobs` (Range honoured)
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import http.client
import json
import re
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FAULTS = {
    "403", "429", "500", "timeout", "malformed", "renamed", "empty", "interrupt", "ignore_range",
    "401",
}  # fmt: skip
RIRS = ("afrinic", "apnic", "arin", "lacnic", "ripencc")
WB_INVALID = [
    {"message": [{"id": "120", "key": "Invalid value",
                  "value": "The provided parameter value is not valid"}]}
]  # fmt: skip


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> int | float:
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


@dataclass
class Fault:
    pattern: re.Pattern[str]
    kind: str
    times: int  # requests it still hits; -1: all


@dataclass
class Replay:
    """The server, its request log and its fault switches."""

    raw: Path
    http_date: str = "Wed, 06 May 2026 12:00:00 GMT"
    rir_day: str = "20251231"
    stall: float = 2.0  # how long a 'timeout' fault keeps the client waiting (bounded)
    token: str | None = None  # when set, ITU routes answer 401 without `Bearer <token>`
    blobs: dict[str, bytes] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    _cache: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Replay:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.replay = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """Every source's address variable pointing here."""
        rir = ",".join(
            f"{self.url}/rir/{r}/delegated-{r}-extended-latest{'.gz' if r == 'apnic' else ''}"
            for r in RIRS
        )
        return {
            "READINESS_WB_API": f"{self.url}/wb/v2",
            "READINESS_WB_CLASS_URL": f"{self.url}/wb/CLASS.xlsx",
            "READINESS_WB_OGHIST_URL": f"{self.url}/wb/OGHIST.xlsx",
            "READINESS_ITU_API": f"{self.url}/itu/v2",
            "READINESS_APNIC_URL": f"{self.url}/apnic/v6economy",
            "READINESS_PCH_URL": f"{self.url}/pch",
            "READINESS_RIR_URLS": rir,
        }

    def fault(self, pattern: str, kind: str, times: int = 1) -> None:
        assert kind in FAULTS, kind
        self.faults.append(Fault(re.compile(pattern), kind, times))

    def reset(self) -> None:
        self.faults.clear()
        self.log.clear()
        self.token = None

    def take_fault(self, path: str) -> str | None:
        with self._lock:
            for fault in self.faults:
                if fault.times != 0 and fault.pattern.search(path):
                    fault.times -= 1 if fault.times > 0 else 0
                    return fault.kind
        return None

    def cached(self, key: str, make: Any) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    # World Bank -------------------------------------------------------------------------------

    def wb_rows(self, code: str) -> list[dict[str, Any]] | None:
        path = self.raw / "wdi" / code.lower() / "data.csv"
        if not path.exists():
            return None
        data = rows_of(path)
        names = {r["Country Code"]: r["Country Name"] for r in data}
        years = sorted({int(r["Year"]) for r in data})
        values = {(r["Country Code"], int(r["Year"])): _number(r["Value"]) for r in data}
        out = []
        for iso3 in sorted(names):
            for year in reversed(years):  # the API lists the newest year first
                out.append({
                    "indicator": {"id": code, "value": f"Series {code}"},
                    "country": {"id": iso3[:2], "value": names[iso3]},
                    "countryiso3code": iso3, "date": str(year),
                    "value": values.get((iso3, year)), "unit": "", "obs_status": "", "decimal": 1,
                })  # fmt: skip
        return out

    def wb_page(self, code: str, query: dict[str, list[str]], fault: str | None) -> Any:
        if fault == "renamed":
            return WB_INVALID
        rows = self.cached(f"wb:{code}", lambda: self.wb_rows(code))
        if rows is None:
            return WB_INVALID
        per_page = int(query.get("per_page", ["50"])[0])
        page = int(query.get("page", ["1"])[0])
        pages = max(1, -(-len(rows) // per_page))
        chunk = rows[(page - 1) * per_page : page * per_page]
        meta = {"page": page, "pages": pages, "per_page": str(per_page), "total": len(rows),
                "sourceid": "2", "lastupdated": "2026-07-01"}  # fmt: skip
        return [meta, [] if fault == "empty" else chunk]

    # ITU --------------------------------------------------------------------------------------

    def itu_series(self) -> dict[int, list[dict[str, str]]]:
        out: dict[int, list[dict[str, str]]] = defaultdict(list)
        for path in sorted((self.raw / "itu_datahub").glob("*.csv")):
            for row in rows_of(path):
                out[int(row["seriesID"])].append(row)
        return out

    def itu(self, kind: str, code_id: int, fault: str | None) -> Any:
        rows = self.cached("itu", self.itu_series).get(code_id, [])
        if not rows or fault == "empty":
            return []
        first = rows[0]
        if kind == "getbyid":
            return [{"codeID": code_id, "code": first["seriesCode"], "label": first["seriesName"],
                     "codeDesc": first["seriesDescription"], "units": first["seriesUnits"],
                     "answerType": "Number", "seriesType": "base", "archive": False}]  # fmt: skip
        return [
            {"codeID": code_id, "code": r["seriesCode"], "countryID": int(r["entityID"]),
             "isoCode": r["entityIso"], "shortName": r["entityName"],
             "dataYear": int(r["dataYear"]),
             "dataSource": r["dataSource"], "dataNote": r["dataNote"], "dataID": 10_000 + n,
             "answer": [{"value": r["dataValue"], "id": 10_000 + n}]}
            for n, r in enumerate(rows)
        ]  # fmt: skip

    # APNIC ------------------------------------------------------------------------------------

    def apnic(self, cc: str) -> Any:
        table = self.cached(
            "apnic",
            lambda: {r["Code"]: r for r in rows_of(
                self.raw / "apnic_ipv6" / "apnic_ipv6_capable_20251209.csv")},
        )  # fmt: skip
        row = table.get(cc)
        if row is None:
            return None

        def point(day: str, pct: float, seen: float) -> dict[str, Any]:
            window = {"seen": seen, "preferred": seen * pct / 200, "preferred_pc": pct / 2,
                      "capable": seen * pct / 100, "capable_pc": pct}  # fmt: skip
            return {"10": window, "30": window, "60": window, "90": window,
                    "raw": {**window, "seen": round(seen)}, "type": "v6economy", "date": day,
                    "cc": cc, "updated": f"{day}:04:18:16"}  # fmt: skip

        pct, seen = float(row["IPv6_Capable_Pct"]), int(row["Samples"]) / 30
        return {
            "copyright": "(C) APNIC Pty/Ltd. re-use with attribution permitted",
            "description": "bulk data from IPv6 measurement as a time series with raw and 30, "
            "60 & 90 day simple smoothing",
            "docs": "https://labs.apnic.net/ipv6-data.html",
            "data": [point("2025-12-08", max(0.0, pct - 1), seen), point("2025-12-09", pct, seen)],
        }

    # PCH --------------------------------------------------------------------------------------

    def pch_directory(self) -> list[dict[str, Any]]:
        names = {r["ISO3166-1-Alpha-2"]: r["CLDR display name"]
                 for r in rows_of(self.raw / "classifications" / "country-codes.csv")}  # fmt: skip
        names["US"] = "United States"  # as PCH writes it; the fetcher's aliases know it
        listed = rows_of(self.raw / "ixp_directories" / "pch_ixp_directory_active_20260506.csv")
        out = [{"id": int(r["id"].removeprefix("pch_")), "name": r["name"],
                "ctry": names.get(r["country_pch"], ""), "cit": r["city"], "reg": r["region"],
                "url": r["url"], "stat": "Active"} for r in listed]  # fmt: skip
        # Two listed as active without an active subnet: a fetch must leave them out.
        out += [{"id": 990_001, "name": "No-LAN IX", "ctry": "France", "cit": "Lyon",
                 "reg": "Europe", "url": "", "stat": "Active"},
                {"id": 990_002, "name": "Old-LAN IX", "ctry": "Kenya", "cit": "Nairobi",
                 "reg": "Africa", "url": "", "stat": "Active"}]  # fmt: skip
        return out

    def pch_subnets(self, ixp: int) -> Any:
        if ixp == 990_001:
            return []
        status = "Inactive" if ixp == 990_002 else "Active"
        return [{"subnet": f"2001:db8:{ixp:x}::/64", "status": status, "version": 6},
                {"subnet": "not-a-subnet", "status": "Active", "version": 4}]  # fmt: skip

    # RIRs -------------------------------------------------------------------------------------

    def rir_files(self) -> dict[str, bytes]:
        return rir_files(self.raw, self.rir_day)


def _blocks(total: int) -> list[int]:
    """The powers of two that add up to `total`, largest first."""
    return [1 << b for b in range(total.bit_length() - 1, -1, -1) if total >> b & 1]


def _asn_groups(raw: Path) -> dict[str, list[tuple[str, int]]]:
    """Per economy: (allocation date, ASNs) groups matching the committed ASN files."""
    folder = raw / "rir_delegated"
    years: dict[str, dict[int, dict[str, str]]] = defaultdict(dict)
    for r in rows_of(folder / "rir_asn_by_country_allocation_year.csv"):
        years[r["iso2"]][int(r["year"])] = r
    out = {}
    for r in rows_of(folder / "rir_asn_by_country_20240105.csv"):
        y = years[r["iso2"]]
        groups = [("19990101", int(y[2000]["asn_cumulative_still_allocated_2024"])
                   - int(y[2000]["asn_allocated_in_year"]))]  # fmt: skip
        groups += [(f"{k}0615", int(y[k]["asn_allocated_in_year"])) for k in range(2000, 2024)]
        groups.append(("20240102", int(r["asn_count"]) - int(y[2023][
            "asn_cumulative_still_allocated_2024"])))  # fmt: skip
        out[r["iso2"]] = [(d, n) for d, n in groups if n > 0]
    return out


def rir_files(raw: Path, day: str) -> dict[str, bytes]:
    """Five delegated-extended files whose per-economy totals are the committed aggregates: the
    address rows of the newest snapshot on or before `day`, and the committed ASN counts."""
    folder = raw / "rir_delegated"
    asn_rows = {r["iso2"]: r for r in rows_of(folder / "rir_asn_by_country_20240105.csv")}
    stamp = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    ip = rows_of(folder / "rir_ip_by_country_2021-2026.csv")
    snap = max(r["snapshot_date"] for r in ip if r["snapshot_date"] <= stamp)
    ip = [r for r in ip if r["snapshot_date"] == snap]
    home = {cc: r["rir"].split("|")[0] for cc, r in asn_rows.items()}
    records: dict[str, list[str]] = {r: [] for r in RIRS}
    v4 = sorted(((size, r["iso2"]) for r in ip for size in _blocks(int(r["ipv4_addresses"]))),
                key=lambda b: -b[0])  # fmt: skip
    at = 0
    for size, cc in v4:  # largest first from 0: every block on its own boundary
        rir = home.get(cc, "ripencc")
        addr = ".".join(str(at >> s & 255) for s in (24, 16, 8, 0))
        records[rir].append(f"{rir}|{cc}|ipv4|{addr}|{size}|20100101|allocated|x")
        at += size
    v6 = sorted(((size, r["iso2"]) for r in ip for size in _blocks(int(r["ipv6_slash48s"]))),
                key=lambda b: -b[0])  # fmt: skip
    at = 0x2000 << 32  # in /48 units
    for size, cc in v6:
        rir = home.get(cc, "ripencc")
        words = [(at << 80) >> s & 0xFFFF for s in range(112, -1, -16)]
        addr = ":".join(f"{w:x}" for w in words)
        records[rir].append(f"{rir}|{cc}|ipv6|{addr}|{48 - size.bit_length() + 1}|20120101|"
                            "allocated|x")  # fmt: skip
        at += size
    asn = 1
    for cc, groups in sorted(_asn_groups(raw).items()):
        rirs = asn_rows[cc]["rir"].split("|")
        while len(groups) < len(rirs):  # every listed RIR holds at least one
            d, n = max(groups, key=lambda g: g[1])
            groups.remove((d, n))
            groups += [(d, 1), (d, n - 1)]
        for k, (d, n) in enumerate(groups):
            rir = rirs[k % len(rirs)]
            records[rir].append(f"{rir}|{cc}|asn|{asn}|{n}|{d}|assigned|x")
            asn += n
    out = {}
    for rir, recs in records.items():
        recs = [
            *recs,
            f"{rir}|ZZ|asn|{asn + 10}|5||available|",
            f"{rir}||ipv4|255.0.0.0|256||reserved|",
        ]
        counts = {t: sum(1 for r in recs if r.split("|")[2] == t) for t in ("asn", "ipv4", "ipv6")}
        head = [f"2|{rir}|{day}|{len(recs)}|19830101|{day}|+0000",
                *(f"{rir}|*|{t}|*|{n}|summary" for t, n in counts.items())]  # fmt: skip
        text = "# generated for a test from the committed aggregates\n" + "\n".join(head + recs)
        out[rir] = (text + "\n").encode("utf-8")
    return out


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()  # headers and body leave at once, not 40 ms apart (delayed ACK)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        return self.server.replay.http_date  # type: ignore[attr-defined]

    def _send(self, status: int, body: bytes, kind: str = "application/json",
              headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, doc: Any, fault: str | None) -> None:
        if doc is None:
            self._send(404, b'{"error": "not found"}')
        elif fault == "malformed":
            self._send(200, json.dumps(doc)[:200].encode() + b"<html>")
        else:
            self._send(200, json.dumps(doc).encode())

    def _blob(self, data: bytes, fault: str | None) -> None:
        """Send bytes honouring `Range: bytes=N-` (206), unless told to ignore it or to break
        the transfer half-way (the whole length announced, half sent, connection closed)."""
        start = 0
        asked = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if asked and fault != "ignore_range" and int(asked.group(1)) < len(data):
            start = int(asked.group(1))
        status = 206 if start else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data) - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        body = data[start:]
        if fault == "interrupt":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def do_GET(self) -> None:
        replay: Replay = self.server.replay  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        fault = replay.take_fault(path)
        with replay._lock:
            replay.log.append({"path": path, "query": query, "range": self.headers.get("Range"),
                               "authorization": self.headers.get("Authorization"),
                               "fault": fault})  # fmt: skip
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
            self._route(replay, path, query, fault)

    def _route(self, replay: Replay, path: str, query: dict[str, list[str]],
               fault: str | None) -> None:  # fmt: skip
        if fault in {"403", "401", "500"}:
            return self._send(int(fault), b'{"message": "refused by the test"}')
        if fault == "429":
            return self._send(429, b'{"message": "slow down"}', headers={"Retry-After": "1"})
        if fault == "timeout":
            time.sleep(replay.stall)
        if (
            path.startswith("/itu/")
            and replay.token
            and (self.headers.get("Authorization") != f"Bearer {replay.token}")
        ):
            return self._send(401, b'{"message": "token required"}')
        if m := re.fullmatch(r"/wb/v2/country/all/indicator/([\w.]+)", path):
            return self._json(replay.wb_page(m.group(1), query, fault), fault)
        if m := re.fullmatch(r"/wb/(CLASS|OGHIST)\.xlsx", path):
            name = "WB_CLASS_FY2026.xlsx" if m.group(1) == "CLASS" else "WB_OGHIST.xlsx"
            return self._blob((replay.raw / "classifications" / name).read_bytes(), fault)
        if m := re.fullmatch(r"/itu/v2/(dictionaries/getbyid|data/bycode)/(\d+)", path):
            kind = "getbyid" if m.group(1).startswith("dict") else "bycode"
            return self._json(replay.itu(kind, int(m.group(2)), fault), fault)
        if m := re.fullmatch(r"/apnic/v6economy/([A-Z]{2})\.json", path):
            return self._json(replay.apnic(m.group(1)), fault)
        if path == "/pch/api/ixp/directory/Active":
            return self._json(replay.cached("pch", replay.pch_directory), fault)
        if m := re.fullmatch(r"/pch/api/ixp/subnets/(\d+)", path):
            return self._json(replay.pch_subnets(int(m.group(1))), fault)
        if m := re.fullmatch(r"/rir/(\w+)/delegated-\w+-extended-latest(\.gz)?", path):
            files = replay.cached(f"rir:{replay.rir_day}", replay.rir_files)
            data = files[m.group(1)]
            return self._blob(gzip.compress(data, mtime=0) if m.group(2) else data, fault)
        if m := re.fullmatch(r"/files/(.+)", path):
            return self._blob(replay.blobs[m.group(1)], fault)
        return self._send(404, b'{"message": "no such route"}')


class ForwardProxy:
    """A plain HTTP forward proxy on 127.0.0.1 that sends every request, whatever host it names,
    on to one loopback server, and remembers the absolute addresses it was asked for."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy.seen.append(self.path)
                parts = urlsplit(self.path)
                conn = http.client.HTTPConnection("127.0.0.1", proxy.target_port, timeout=10)
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                conn.request("GET", target, headers={"Host": parts.netloc})
                resp = conn.getresponse()
                body = resp.read()
                self.send_response(resp.status)
                for key in ("Content-Type", "Retry-After", "Date"):
                    if resp.getheader(key):
                        self.send_header(key, resp.getheader(key, ""))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                conn.close()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
