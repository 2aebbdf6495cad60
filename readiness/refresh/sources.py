"""The services a refresh downloads from: one `Source` each, its addresses (each overridable by an
environment variable, so tests and mirrors can stand in), the raw files it writes and its fetcher.

`SOURCES[name].fetch(raw_dir, http, catalogue)` downloads, validates and only then writes the
source's files into `raw_dir` (laid out as ../shared/data/raw): all of them, or none when it
fails with a `FetchError`. Nothing is called until a fetch is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from readiness.data.catalogue import Catalogue
from readiness.refresh import internet, itu, wb
from readiness.refresh.http import Http
from readiness.refresh.rawfiles import FetchResult

Fetcher = Callable[[Path, Http, Catalogue, Mapping[str, str]], FetchResult]


@dataclass(frozen=True)
class Source:
    """One service: name (as `--only` takes it), title, addresses, files written, licence."""

    name: str
    title: str
    urls: tuple[tuple[str, str], ...]  # (environment variable, default address)
    writes: tuple[str, ...]  # paths or glob patterns relative to the raw directory
    licence: str
    fetcher: Fetcher

    @property
    def env(self) -> str:
        """The variable of the main address (READINESS_WB_API, READINESS_ITU_API, ...)."""
        return self.urls[0][0]

    def addresses(self) -> dict[str, str]:
        """Each address: its environment variable where set and not empty, else the default."""
        return {env: os.environ.get(env, "").strip() or default for env, default in self.urls}

    def fetch(self, raw_dir: Path, http: Http, catalogue: Catalogue) -> FetchResult:
        """Download, validate and write this source's raw files into `raw_dir`."""
        return self.fetcher(raw_dir, http, catalogue, self.addresses())


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            name=wb.WB_SOURCE,
            title="World Bank World Development Indicators (Indicators API v2)",
            urls=((wb.WB_API_ENV, wb.WB_API_DEFAULT),),
            writes=("wdi/*/data.csv",),
            licence="CC BY 4.0 (World Bank); ICT series originate with ITU",
            fetcher=wb.fetch_wdi,
        ),
        Source(
            name=wb.CLASS_SOURCE,
            title="World Bank income classification (CLASS.xlsx, OGHIST.xlsx)",
            urls=((wb.CLASS_ENV, wb.CLASS_DEFAULT), (wb.OGHIST_ENV, wb.OGHIST_DEFAULT)),
            writes=("classifications/WB_CLASS_FY*.xlsx", "classifications/WB_OGHIST.xlsx"),
            licence="CC BY 4.0 (World Bank)",
            fetcher=wb.fetch_class,
        ),
        Source(
            name=itu.ITU_SOURCE,
            title="ITU DataHub (api.datahub.itu.int)",
            urls=((itu.ITU_API_ENV, itu.ITU_API_DEFAULT),),
            writes=tuple(f"itu_datahub/{name}" for name in itu.ITU_FILES),
            licence="CC BY-NC-SA 3.0 IGO (ITU): non-commercial use, cite ITU DataHub",
            fetcher=itu.fetch_itu,
        ),
        Source(
            name=internet.APNIC_SOURCE,
            title="APNIC Labs IPv6 capability per economy",
            urls=((internet.APNIC_ENV, internet.APNIC_DEFAULT),),
            writes=("apnic_ipv6/apnic_ipv6_capable_*.csv",),
            licence="(C) APNIC, re-use with attribution permitted",
            fetcher=internet.fetch_apnic,
        ),
        Source(
            name=internet.PCH_SOURCE,
            title="Packet Clearing House IXP directory",
            urls=((internet.PCH_ENV, internet.PCH_DEFAULT),),
            writes=("ixp_directories/pch_ixp_directory_active_*.csv", internet.PCH_COUNTS),
            licence="CC BY-NC-SA 3.0 (PCH): non-commercial, share-alike, attribute PCH",
            fetcher=internet.fetch_pch,
        ),
        Source(
            name=internet.RIR_SOURCE,
            title="Regional Internet Registries' delegated-extended statistics (five RIRs)",
            urls=((internet.RIR_ENV, internet.RIR_DEFAULT),),
            writes=(internet.RIR_IP_FILE, "rir_delegated/rir_asn_by_country_*.csv"),
            licence="RIR terms: free use, no liability; registrant's country, not place of use",
            fetcher=internet.fetch_rir,
        ),
    )
}
