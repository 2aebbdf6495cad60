"""The sources a report cites: every source whose values appear, the targets, the boundaries."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from readiness.errors import ReadinessError
from readiness.reports.context import (
    Context,
)
from readiness.reports.model import (
    USER_SOURCE_PREFIX,
    Citation,
)


def citations(
    ctx: Context, sources: Iterable[str], studies: pd.DataFrame | None = None, lang: str = "en"
) -> tuple[Citation, ...]:
    """Every source whose values appear, the targets, the sources of the case `studies` the
    report lists (title, publisher, year, URL), and the boundaries."""
    cat = ctx.snapshot.catalogue
    out: list[Citation] = []
    seen: set[str] = set()
    for sid in sorted({str(s) for s in sources if isinstance(s, str) and s}):
        if sid in seen:
            continue
        seen.add(sid)
        user = sid.startswith(USER_SOURCE_PREFIX)
        try:
            src = cat.source(sid)
            out.append(
                Citation(sid, src.name, src.producer, src.licence, src.citation, src.url, user)
            )
        except ReadinessError:
            out.append(
                Citation(
                    sid,
                    "User data" if user else sid,
                    "supplied by the user of this tool" if user else "unknown",
                    "as supplied by the user" if user else "unknown",
                    f"User-supplied data ({sid}); not from a public source." if user else sid,
                    "",
                    user,
                )
            )
    if ctx.gaps is not None:
        for t in ctx.gaps.targets.targets:
            if t.source in seen:
                continue
            seen.add(t.source)
            out.append(
                Citation(
                    t.source,
                    f"Targets ({t.source})",
                    "see the citation",
                    "policy targets, cited; no data reused",
                    t.citation,
                    t.url,
                )
            )
    if studies is not None and len(studies):
        from readiness.reports.experiences import study_citations

        out += study_citations(studies, lang)
    out.append(
        Citation(
            "BOUNDARIES",
            "World boundaries (Plotly topojson from Natural Earth)",
            "Natural Earth",
            "Public domain",
            "Made with Natural Earth. Boundaries and names shown imply no opinion on the legal "
            "status of any country or territory.",
            "https://www.naturalearthdata.com/",
        )
    )
    return tuple(out)
