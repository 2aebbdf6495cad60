"""Report writers: a Report (and its chart images) in, file bytes out (docx, pdf, pptx)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from readiness.errors import ReadinessError
from readiness.reports.model import FigureSpec, Report

ReportFormat = Literal["docx", "pdf", "pptx"]
FORMATS: tuple[str, ...] = get_args(ReportFormat)
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


# Pixels per CSS pixel of a report chart: a 900-pixel-wide chart is 1125 pixels, 159 dpi across
# the PDF's 180 mm (178 dpi across Word's 16 cm). 1.5 cost chromium and the PDF writer a quarter
# more time a chart (drawing, then encoding and re-encoding the PNG) for no visible gain in print.
REPORT_SCALE = 1.25


@dataclass(frozen=True)
class Charts:
    """A report's charts on their way to images: the figures built (Python), not yet drawn.

    `keys` are every figure's image key in report order; `kept` the images an earlier report
    drew already (a batch's region chart); `todo` (image key, spec key, figure, width,
    height) the figures chromium still has to draw.
    """

    keys: tuple[str, ...]
    kept: dict[str, bytes]
    todo: tuple[tuple[str, str, Any, int, int], ...]


def build_charts(report: Report, progress: Callable[[int, int, str], None] | None = None) -> Charts:
    """The report's figures built, each not drawn already (`draw_charts` draws them).

    A batch builds them with the report, in its builder thread, so the thread that waits for
    chromium only waits; `progress(done, total, title)` is called before each figure.
    """
    from readiness.figures.report_charts import figure_size
    from readiness.reports.export import kept_png

    todo = [(section.key, spec) for section in report.sections for spec in section.figures]
    kept: dict[str, bytes] = {}
    jobs = []
    for k, (key, spec) in enumerate(todo):
        if progress is not None:
            progress(k, len(todo), spec.title)
        same = spec_key(spec, report.lang)
        png = kept_png(same)
        if png is not None:  # the same chart as another report's (a batch's region chart)
            kept[image_key(key, spec.key)] = png
            continue
        fig = chart(spec)
        jobs.append((image_key(key, spec.key), same, fig, *figure_size(fig)))
    keys = tuple(image_key(key, spec.key) for key, spec in todo)
    return Charts(keys, kept, tuple(jobs))


def draw_charts(charts: Charts) -> dict[str, bytes]:
    """Every figure of `build_charts` as PNG, keyed by `image_key(section, figure)`."""
    from readiness.reports.export import figure_pngs, keep_png

    out = dict(charts.kept)
    jobs = [(fig, width, height) for _, _, fig, width, height in charts.todo]
    for (name, same, *_), png in zip(charts.todo, figure_pngs(jobs, REPORT_SCALE), strict=True):
        out[name] = keep_png(same, png)
    return {name: out[name] for name in charts.keys}


def figure_images(
    report: Report, progress: Callable[[int, int, str], None] | None = None
) -> dict[str, bytes]:
    """Every figure of the report rendered to PNG, keyed by `image_key(section, figure)`.

    `progress(done, total, title)` is called before each figure (for a progress bar).
    """
    return draw_charts(build_charts(report, progress))


def spec_key(spec: FigureSpec, lang: str) -> str:
    """What a chart image depends on: its kind, title, options, data and language (not its
    caption or key, which the writers print beside it), and the image scale."""
    import hashlib

    text = "\x1f".join([spec.kind, spec.title, repr(spec.options), lang, str(REPORT_SCALE),
                        spec.data.to_csv(index=False), repr(list(spec.data.dtypes))])  # fmt: skip
    return "spec:" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def chart(spec: FigureSpec) -> Any:
    """The Plotly figure of a report's FigureSpec (`readiness.figures.report_charts.render`;
    the experiences section registers its factor counts chart there)."""
    import readiness.reports.experiences  # noqa: F401  (registers the factor counts chart)
    from readiness.figures.report_charts import render

    return render(spec)


def label_separator(lang: str) -> str:
    """What the language puts between a label and its text: ": " in English, " : " in French,
    "：" in Chinese ("Figure 3 : ...", "Chart: ..."), from `report_layout.writer.labelled`."""
    from readiness.i18n import translate

    return translate(lang, "report_layout.writer.labelled", head="", tail="")


def image_key(section: str, figure: str) -> str:
    return f"{section}.{figure}"


def write_report(report: Report, fmt: str, images: Mapping[str, bytes] | None = None) -> bytes:
    """The report as a .docx, .pdf or .pptx file (bytes); renders the charts unless given."""
    if fmt not in FORMATS:
        raise ReadinessError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if images is None:
        images = figure_images(report)
    if fmt == "docx":
        from readiness.reports.writers.docx import write_docx

        return write_docx(report, images)
    if fmt == "pdf":
        from readiness.reports.writers.pdf import write_pdf

        return write_pdf(report, images)
    from readiness.reports.writers.pptx import write_pptx

    return write_pptx(report, images)


__all__ = [
    "FORMATS", "MEDIA_TYPES", "Charts", "ReportFormat", "build_charts", "chart", "draw_charts",
    "figure_images", "image_key",
    "label_separator", "write_report",
]  # fmt: skip
