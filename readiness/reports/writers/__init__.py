"""Report writers: a Report (and its chart images) in, file bytes out (docx, pdf, pptx)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, get_args

from readiness.errors import ReadinessError
from readiness.reports.model import Report

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


def figure_images(
    report: Report, progress: Callable[[int, int, str], None] | None = None
) -> dict[str, bytes]:
    """Every figure of the report rendered to PNG, keyed by `image_key(section, figure)`.

    `progress(done, total, title)` is called before each figure (for a progress bar).
    """
    from readiness.figures.report_charts import figure_size, render
    from readiness.reports.export import figure_pngs

    todo = [(section.key, spec) for section in report.sections for spec in section.figures]
    jobs = []
    for k, (_, spec) in enumerate(todo):
        if progress is not None:
            progress(k, len(todo), spec.title)
        fig = render(spec)
        jobs.append((fig, *figure_size(fig)))
    pngs = figure_pngs(jobs, REPORT_SCALE)
    return {image_key(key, spec.key): png for (key, spec), png in zip(todo, pngs, strict=True)}


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
    "FORMATS", "MEDIA_TYPES", "ReportFormat", "figure_images", "image_key", "label_separator",
    "write_report",
]  # fmt: skip
