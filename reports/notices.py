"""Official notices as PDF in the national format, GB/T 9704-2012 (R-RPT-1).

A notice is a view-model from :mod:`reports.viewmodels`, rendered by a Jinja template into HTML, laid out
by WeasyPrint with ``static/gbt9704.css``. The service layer allocates the document number and fills the
view-model; nothing here reads the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from reports.formatting import format_cn_date, format_decimal, format_doc_number, format_money
from reports.viewmodels import (
    AnnualRankingNotice,
    IndividualNotice,
    MonthlyDivisionNotice,
    Notice,
    NoticeSettings,
    PayoutColumn,
    PayoutSheet,
    TargetLetter,
)

_HERE = Path(__file__).parent
TEMPLATES_DIR = _HERE / "templates"
STYLESHEET = _HERE / "static" / "gbt9704.css"

_TEMPLATES: dict[type, str] = {
    MonthlyDivisionNotice: "monthly_division.html",
    AnnualRankingNotice: "annual_ranking.html",
    IndividualNotice: "individual.html",
    TargetLetter: "target_letter.html",
    PayoutSheet: "payout_sheet.html",
}

PT_PER_MM = 72 / 25.4
TEXT_BLOCK_WIDTH_PT = 156 * PT_PER_MM
ISSUER_TOP_MM = 35
ISSUER_MAX_SIZE_PT = Decimal(42)
# How far the top of a CJK glyph's em box lies below the top of its `line-height: 1` line box, as a
# fraction of the font size; measured on Noto Serif CJK SC (the official 小标宋 differs by tenths of a mm).
ISSUER_EM_TOP_OFFSET = Decimal("0.052")


class MissingGlyphError(RuntimeError):
    """A character has no glyph in any installed font; the PDF would show a box (R-RPT-1 forbids it)."""


class _NotdefCatcher(logging.Handler):
    """Collects WeasyPrint's ".notdef glyph rendered" warnings raised by this thread's rendering only."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and ".notdef" in record.getMessage():
            self.messages.append(record.getMessage())


@dataclass(frozen=True)
class IssuerLayout:
    """Size of the issuer mark and the space above it, so that its top is 35 mm into the text block."""

    size_pt: Decimal
    margin_top_pt: Decimal


def issuer_layout(issuer_mark: str) -> IssuerLayout:
    """Largest size up to 初号 (42 pt) at which the mark fits on one line of the 156 mm text block."""
    chars = max(len(issuer_mark), 1)
    fit = (Decimal(str(TEXT_BLOCK_WIDTH_PT)) - 2) / chars
    size = min(ISSUER_MAX_SIZE_PT, fit).quantize(Decimal("0.1"), rounding="ROUND_FLOOR")
    top = Decimal(str(ISSUER_TOP_MM * PT_PER_MM)) - ISSUER_EM_TOP_OFFSET * size
    return IssuerLayout(size_pt=size, margin_top_pt=top.quantize(Decimal("0.01")))


def _addressee(text: str) -> str:
    return text.rstrip("：: ") + "："


def _cn_date_or_blank(day: dt.date | None) -> str:
    return format_cn_date(day) if day is not None else "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


def _payout_value(value: Decimal | None, column: PayoutColumn) -> str:
    return format_money(value) if column.money else format_decimal(value)


def _payout_total(value: Decimal | None, column: PayoutColumn) -> str:
    return "" if not column.summed else _payout_value(value, column)


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        cn_date=format_cn_date,
        cn_date_or_blank=_cn_date_or_blank,
        dec=format_decimal,
        money=format_money,
        addressee=_addressee,
        payout=_payout_value,
        payout_total=_payout_total,
    )
    return env


@functools.cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    font_config = FontConfiguration()
    return CSS(filename=str(STYLESHEET), font_config=font_config), font_config


def render_html(notice: Notice, settings: NoticeSettings) -> str:
    """The notice as HTML (print preview in the portal; the PDF is laid out from exactly this)."""
    try:
        template_name = _TEMPLATES[type(notice)]
    except KeyError:
        raise TypeError(f"not a notice view-model: {type(notice).__name__}") from None
    template = _environment().get_template(template_name)
    return template.render(
        notice=notice,
        settings=settings,
        doc_number=format_doc_number(settings.doc_number_prefix, notice.meta.doc_year, notice.meta.doc_seq),
        issuer=issuer_layout(settings.issuer_mark),
    )


def render_pdf(notice: Notice, settings: NoticeSettings) -> bytes:
    """The notice as a PDF in the GB/T 9704-2012 layout, fonts embedded as subsets.

    Raises :class:`MissingGlyphError` rather than return a PDF in which a character would print as a box
    (text extraction alone cannot tell: WeasyPrint still maps the box to the right character).
    """
    stylesheet, font_config = _stylesheet()
    document = HTML(string=render_html(notice, settings), base_url=str(_HERE))
    catcher = _NotdefCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    try:
        pdf = document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
    finally:
        logger.removeHandler(catcher)
    if catcher.messages:
        raise MissingGlyphError("; ".join(sorted(set(catcher.messages))))
    assert pdf is not None  # noqa: S101 - write_pdf returns bytes when no target is given
    return pdf
