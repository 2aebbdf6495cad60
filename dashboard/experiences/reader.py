"""The published case studies and their coded factors, read from the store once per version.

The store (dashboard.cities.store.store(): one Store per process and database URL) holds the
library's 50 studies and whatever editors published. Reads are shared by every session and
keyed by the case library's version, so a publication shows on the next run. When the store
cannot be opened the page still shows the committed library (readiness.experiences.studies)
with a message saying that submissions and the editors' queue are off.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from dashboard import frozen
from dashboard.overlay_cache import SharedValues
from readiness.errors import ReadinessError

T = TypeVar("T")
_READS = SharedValues(256)  # (where, version, what, *args) -> a read-only frame, figure or view
LIBRARY = "library"  # `where` when the studies come from the committed files, not a store


@dataclass(frozen=True)
class Reader:
    """The published studies as of one version of the store (or of the committed library when
    `store` is None). Frames it returns are shared: never change them."""

    store: Any  # readiness.store.cities.Store, or None for the committed library
    version: int
    problem: str = ""  # why the store could not be used ("" when it is)

    @property
    def where(self) -> str:
        return str(self.store.url) if self.store is not None else LIBRARY

    def shared(self, what: str, *args: Hashable, build: Callable[[], T]) -> T:
        """`build()`, made once for every session reading this version with these arguments."""
        return _READS.get_or_build((self.where, self.version, what, *args), build)

    def studies(self) -> pd.DataFrame:
        """Every published study (STUDY_COLUMNS), the library's first."""

        def build() -> pd.DataFrame:
            if self.store is None:
                from readiness.experiences.studies import load_library

                found = load_library()
            else:
                found = self.store.cases.studies(status="published")
            found = found.reset_index(drop=True)
            frozen.share(found)
            return found

        return self.shared("studies", build=build)

    def factors(self) -> pd.DataFrame:
        """The coding of every published study (CODING_COLUMNS: case_id, side, phrase, factor,
        rule), each coded factor with the source's own words."""

        def build() -> pd.DataFrame:
            if self.store is None:
                from readiness.experiences.coding import code_studies

                return code_studies(self.studies()).reset_index(drop=True)
            return self.store.cases.factors(status="published").reset_index(drop=True)

        return self.shared("factors", build=build)


def library_reader(problem: str) -> Reader:
    """The committed library only (no store): what the page shows when the store is down."""
    return Reader(None, 0, problem)


def reader() -> Reader:
    """The store as of its case library's latest version; the committed library, with the
    reason, when the store cannot be opened or read."""
    from dashboard.cities.store import store

    try:
        opened = store()
        version = int(opened.cases.version())
    except ReadinessError as exc:
        return library_reader(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except AttributeError:  # a store from before the case library
        return library_reader("the store has no case library")
    return Reader(opened, version)


def clear() -> None:
    """Forget every read of this process (tests switch databases)."""
    _READS.clear()


__all__ = ["Reader", "clear", "library_reader", "reader"]
