"""HTTP for the refresh: timeouts, retries with backoff, Retry-After, proxies from the environment
and resumable downloads, every failure one line naming the source (`FetchError`).

Nothing here runs unless a fetch is asked for. Proxies come from the environment as `requests`
reads them (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, `REQUESTS_CA_BUNDLE`). Request headers (a
token among them) never appear in an error, a progress report or a log line; addresses in errors
are shown without their query string.
"""

from __future__ import annotations

import email.utils
import math
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from readiness.errors import ReadinessError

DEFAULT_TIMEOUT = 30.0  # seconds to wait for a server's next bytes
CONNECT_TIMEOUT = 10.0
DEFAULT_RETRIES = 4  # further attempts after the first
DEFAULT_BACKOFF = 1.0  # first wait; doubled at each retry
MAX_WAIT = 60.0  # no wait (backoff or Retry-After) is longer than this
CHUNK = 1 << 16
USER_AGENT = "readiness-refresh (ITU-D IoT and smart sustainable cities readiness tool)"
# Statuses worth another attempt; 429 and 503 may say when in Retry-After.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_HINTS = {
    401: "access refused: the service asks for credentials (a token?)",
    403: "access refused by the service",
    404: "not found: has the address changed?",
    410: "gone: the service withdrew this address",
    429: "rate limited, still after the retries",
}

Progress = Callable[[str, int, int | None], None]


class FetchError(ReadinessError):
    """A source could not be fetched or its answer failed validation; `reason` is one line."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{source}: {self.reason}")


def where(url: str) -> str:
    """host:port/path of an address, without its query (which may carry keys)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}{parts.path}"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


def describe(exc: BaseException, url: str, timeout: float) -> str:
    """A network failure in a user's words: what could not be reached and what to check."""
    host = _host(url)
    if isinstance(exc, requests.exceptions.ProxyError):
        return f"the proxy for {host} could not be used (check HTTPS_PROXY / HTTP_PROXY)"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS with {host} failed (a proxy that inspects traffic? set REQUESTS_CA_BUNDLE)"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"cannot reach {host}: no answer (no network? behind a proxy, set HTTPS_PROXY)"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return f"{host} did not answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return f"the connection to {host} broke in the middle of the answer"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"cannot reach {host} (no network? behind a proxy, set HTTPS_PROXY)"
    return f"request to {host} failed ({type(exc).__name__})"


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _content_range(value: str | None) -> tuple[int, int | None] | None:
    match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", (value or "").strip())
    if not match:
        return None
    total = None if match.group(3) == "*" else int(match.group(3))
    return int(match.group(1)), total


class Http:
    """One client for a refresh: the same retries, timeouts, proxies and progress everywhere."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        max_wait: float = MAX_WAIT,
        progress: Progress | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.progress = progress
        self.session = session or requests.Session()  # trust_env: proxies from the environment
        self.session.headers["User-Agent"] = USER_AGENT
        self._sleep = sleep

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def report(self, source: str, done: int, total: int | None) -> None:
        """Progress of a source (items or bytes done, of total when known)."""
        if self.progress is not None:
            self.progress(source, done, total)

    def _wait(self, attempt: int, asked: float | None = None) -> None:
        delay = asked if asked is not None else self.backoff * (2**attempt)
        self._sleep(min(max(delay, 0.0), self.max_wait))

    def _send(
        self,
        source: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
    ) -> requests.Response:
        """GET with retries on network errors and on 429/5xx (honouring Retry-After)."""
        attempt = 0
        while True:
            try:
                resp = self.session.get(
                    url,
                    params=params,
                    headers=dict(headers or {}),
                    timeout=(min(CONNECT_TIMEOUT, self.timeout * 4), self.timeout),
                    stream=stream,
                )
            except requests.exceptions.RequestException as exc:
                if attempt >= self.retries:
                    tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                    raise FetchError(
                        source, f"{describe(exc, url, self.timeout)} ({tries})"
                    ) from None
                self._wait(attempt)
                attempt += 1
                continue
            if resp.status_code in RETRY_STATUS and attempt < self.retries:
                asked = retry_after(resp.headers.get("Retry-After"))
                resp.close()
                self._wait(attempt, asked)
                attempt += 1
                continue
            return resp

    def _check(self, source: str, resp: requests.Response, url: str) -> None:
        if resp.status_code in (200, 206):
            return
        code = resp.status_code
        hint = _HINTS.get(code) or ("server error" if code >= 500 else "refused")
        if code in RETRY_STATUS:
            hint += f" after {self.retries + 1} attempts"
        resp.close()
        raise FetchError(source, f"HTTP {code} from {where(url)}: {hint}")

    def get(
        self,
        source: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        missing_ok: bool = False,
    ) -> requests.Response | None:
        """The answer of a GET, or None for a 404 when `missing_ok` (an absence, not a fault)."""
        resp = self._send(source, url, params=params, headers=headers)
        if missing_ok and resp.status_code == 404:
            resp.close()
            return None
        self._check(source, resp, url)
        return resp

    def get_json(
        self,
        source: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """Parsed JSON of a GET (None for a tolerated 404); malformed JSON is a FetchError."""
        resp = self.get(source, url, params=params, headers=headers, missing_ok=missing_ok)
        return None if resp is None else response_json(source, resp, url)

    def download(
        self, source: str, url: str, dest: Path, *, headers: Mapping[str, str] | None = None
    ) -> Path:
        """Save a file: bytes go to `<dest>.part`, resumed with Range after a broken transfer
        when the server answers 206 (restarted on 200), renamed to `dest` once complete."""
        part = dest.with_name(dest.name + ".part")
        dest.parent.mkdir(parents=True, exist_ok=True)
        attempt = 0
        while True:
            have = part.stat().st_size if part.exists() else 0
            asked = dict(headers or {})
            if have:
                asked["Range"] = f"bytes={have}-"
            resp = self._send(source, url, headers=asked, stream=True)
            if resp.status_code == 416 and have:  # the part is not a prefix of this file
                resp.close()
                part.unlink()
                continue
            self._check(source, resp, url)
            try:
                complete = self._save(source, resp, part, have)
            except requests.exceptions.RequestException as exc:
                complete, problem = False, describe(exc, url, self.timeout)
            else:
                problem = f"the transfer from {where(url)} ended early"
            finally:
                resp.close()
            if complete:
                os.replace(part, dest)
                return dest
            if attempt >= self.retries:
                raise FetchError(source, f"{problem} ({attempt + 1} attempts)")
            self._wait(attempt)
            attempt += 1

    def _save(self, source: str, resp: requests.Response, part: Path, have: int) -> bool:
        """Append (206 at our offset) or rewrite (200) the part; True once it holds the file."""
        span = _content_range(resp.headers.get("Content-Range"))
        if resp.status_code == 206 and span is not None and span[0] == have:
            mode, done, total = "ab", have, span[1]
        else:  # a fresh answer: the server ignored Range, or there was nothing to resume
            length = resp.headers.get("Content-Length")
            mode, done, total = "wb", 0, int(length) if length and length.isdigit() else None
        with part.open(mode) as fh:
            for chunk in resp.iter_content(CHUNK):
                fh.write(chunk)
                done += len(chunk)
                self.report(source, done, total)
        return total is None or done == total


def response_json(source: str, resp: requests.Response, url: str) -> Any:
    """The JSON body of an answer; malformed JSON is a FetchError."""
    try:
        return resp.json()
    except ValueError as exc:
        raise FetchError(
            source, f"malformed JSON from {where(url)} ({len(resp.content):,} bytes): {exc}"
        ) from None


def finite(value: object) -> bool:
    """A JSON number that is a real, finite number (not a bool, NaN or infinity)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )
