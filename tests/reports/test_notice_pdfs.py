"""Every kind of official notice as a GB/T 9704-2012 PDF, checked on the PDF (R-RPT-1, R-TGT-2, R-PAY-*).

Positions come from pdfplumber in points from the top-left corner. A glyph's "top" here is the top of its
ideographic em box (0.88 em above the baseline, the CJK font convention), computed from the baseline in the
text matrix; pdfplumber's own ``top`` depends on the Descent each font declares, which is not a position
anyone measures on paper.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from fontTools.ttLib import TTFont
from pypdf.generic import ContentStream

from reports import samples
from reports.formatting import format_cn_date
from reports.notices import MissingGlyphError, render_pdf
from reports.viewmodels import (
    AnnualRankingNotice,
    IndividualNotice,
    MonthlyDivisionNotice,
    PayoutSheet,
    TargetLetter,
)

MM = 72 / 25.4
TOLERANCE = 1 * MM
TEXT_TOP, TEXT_LEFT, TEXT_RIGHT, TEXT_BOTTOM = 37 * MM, 28 * MM, (28 + 156) * MM, (37 + 225) * MM
CJK_FONT_NAMES = ("Noto", "Fandol", "UKai")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def em_top(char: dict) -> float:
    baseline = char["matrix"][5]
    return char["page_height"] - baseline - 0.88 * char["size"]


def sized(char: dict, points: float) -> bool:
    return abs(char["size"] - points) < 0.1


def chars_of(page: pdfplumber.page.Page) -> list[dict]:
    return [dict(c, page_height=page.height) for c in page.chars]


def flat_text(page: pdfplumber.page.Page) -> str:
    return "".join((page.extract_text() or "").split())


def issuer_chars(page: pdfplumber.page.Page) -> list[dict]:
    largest = max(c["size"] for c in page.chars)
    return [c for c in chars_of(page) if sized(c, largest)]


def expected_strings(notice: object) -> list[str]:
    """Chinese text the notice was given, in pieces short enough not to wrap inside a table cell."""
    texts = [
        samples.SETTINGS.issuer_mark,
        samples.SETTINGS.signing_organ,
        "规绩〔",
        format_cn_date(notice.meta.signed_on),  # type: ignore[attr-defined]
        *notice.title_lines,  # type: ignore[attr-defined]
    ]
    if isinstance(notice, MonthlyDivisionNotice):
        texts += [r.division for r in notice.results] + ["扣分原因", "两件超时办结", "入库率未达标"]
    elif isinstance(notice, AnnualRankingNotice):
        texts += [r.division for r in notice.results] + ["规划管理处、办公室", "先进处室", "一票否决"]
    elif isinstance(notice, IndividualNotice):
        texts += [f"{notice.name}同志：", notice.division, notice.grade.label, "2024年1月31日前", "14,400.00"]
    elif isinstance(notice, TargetLetter):
        texts += [notice.division, notice.director_name, notice.head_name] + [t.source.label for t in notice.targets]
    elif isinstance(notice, PayoutSheet):
        texts += [g.division for g in notice.groups] + [ln.name for g in notice.groups for ln in g.lines]
        texts += ["小计", "合计"]
    return texts


def test_page_is_a4(rendered):
    """R-RPT-1: A4, 210 × 297 mm (595.28 × 841.89 pt) within 1 mm."""
    with rendered.open() as pdf:
        for page in pdf.pages:
            assert page.width == pytest.approx(595.28, abs=TOLERANCE)
            assert page.height == pytest.approx(841.89, abs=TOLERANCE)


def test_text_block_starts_28mm_from_the_left(rendered):
    """R-RPT-1: flush-left lines (addressee, wrapped paragraphs) start on the 28 mm margin."""
    with rendered.open() as pdf:
        body = [c for c in pdf.pages[0].chars if sized(c, 16)]
        assert min(c["x0"] for c in body) == pytest.approx(TEXT_LEFT, abs=TOLERANCE)
        for page in pdf.pages:
            assert min(c["x0"] for c in page.chars) >= TEXT_LEFT - TOLERANCE
            assert max(c["x1"] for c in page.chars) <= TEXT_RIGHT + TOLERANCE


def test_issuer_mark_is_red_centred_and_its_top_35mm_into_the_text_block(rendered):
    """R-RPT-1: 发文机关标志 top at 37 + 35 mm, centred, red."""
    with rendered.open() as pdf:
        page = pdf.pages[0]
        mark = issuer_chars(page)
        assert "".join(c["text"] for c in mark) == samples.SETTINGS.issuer_mark
        assert min(em_top(c) for c in mark) == pytest.approx(TEXT_TOP + 35 * MM, abs=TOLERANCE)
        centre = (min(c["x0"] for c in mark) + max(c["x1"] for c in mark)) / 2
        assert centre == pytest.approx((TEXT_LEFT + TEXT_RIGHT) / 2, abs=TOLERANCE)
        for char in mark:
            red, green, blue = char["non_stroking_color"]
            assert red > 0.8 and green < 0.2 and blue < 0.2, char["non_stroking_color"]


def test_doc_number_and_red_rule_follow_the_mark(rendered):
    """R-RPT-1: number centred two blank lines below the mark; a red 156 mm rule 4 mm below the number."""
    with rendered.open() as pdf:
        page = pdf.pages[0]
        mark_bottom = max(c["matrix"][5] for c in issuer_chars(page))
        number = [c for c in chars_of(page) if sized(c, 16) and c["top"] < 130 * MM]
        assert "".join(c["text"] for c in number).startswith("规绩〔")
        number_top = min(em_top(c) for c in number)
        assert number_top - (page.height - mark_bottom) > 2 * 28.99 - 5  # two blank lines of 3号 pitch
        number_bottom = max(c["page_height"] - c["matrix"][5] + 0.12 * c["size"] for c in number)
        rules = [r for r in page.rects if r["non_stroking_color"] and r["non_stroking_color"][0] > 0.8]
        assert len(rules) == 1
        rule = rules[0]
        assert rule["x0"] == pytest.approx(TEXT_LEFT, abs=0.5) and rule["x1"] == pytest.approx(TEXT_RIGHT, abs=0.5)
        assert rule["top"] - number_bottom == pytest.approx(4 * MM, abs=TOLERANCE)


def test_all_given_chinese_text_comes_back_out_of_the_pdf(rendered):
    """R-RPT-1: no missing glyphs — title, divisions and names extract exactly as given."""
    with rendered.open() as pdf:
        text = "".join(flat_text(page) for page in pdf.pages)
    for expected in expected_strings(rendered.notice):
        assert "".join(expected.split()) in text
    assert "(cid:" not in text


def test_fonts_are_embedded_cjk_fonts_and_no_glyph_is_notdef(rendered):
    """R-RPT-1: every glyph drawn is a real glyph of an embedded Noto/Fandol/UKai font, never .notdef (gid 0)
    nor one of the ids WeasyPrint invents past the font's end for characters it could not find."""
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    for page in reader.pages:
        fonts = {}
        for name, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            base = str(font["/BaseFont"])
            assert any(n in base for n in CJK_FONT_NAMES), base
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
            assert program is not None, f"{base} is not embedded"
            fonts[name] = len(TTFont(io.BytesIO(program.get_object().get_data())).getGlyphOrder())
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = operands[0]
            elif operator in (b"Tj", b"TJ"):
                strings = operands[0] if operator == b"TJ" else operands
                for item in strings:
                    if isinstance(item, int | float):
                        continue
                    data = item if isinstance(item, bytes) else item.original_bytes
                    gids = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
                    assert all(0 < gid < fonts[current] for gid in gids), (current, gids)


def test_pdf_with_a_character_no_font_has_is_refused():
    """R-RPT-1: rather no PDF than one with a box in it."""
    settings = dataclasses.replace(samples.SETTINGS, issuer_mark="滨江市\u0378规划局")
    with pytest.raises(MissingGlyphError, match="U\\+0378"):
        render_pdf(samples.target_letter(), settings)


def test_a_character_beyond_gb2312_is_drawn_by_the_full_noto_face():
    """The title and heading faces are GB 2312 subsets of Noto (scripts/cjk_subsets.py, for speed); a rarer
    character, as in some names, falls back to the full face of the same design: no box, no refusal."""
    settings = dataclasses.replace(samples.SETTINGS, issuer_mark="滨江市堃山规划局")
    pdf = render_pdf(samples.target_letter(), settings)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        assert "滨江市堃山规划局" in flat_text(page)
        rare = [c for c in issuer_chars(page) if c["text"] == "堃"]
        assert rare and "Noto-Serif-CJK-SC" in rare[0]["fontname"]


def test_colophon_is_on_the_last_page_only_ending_on_the_text_block_bottom(rendered):
    """R-RPT-1: 版记 (抄送, 印发机关, 印发日期) between full-width rules at the foot of the last page."""
    notice = rendered.notice
    print_date = format_cn_date(notice.meta.print_date) + "印发"  # type: ignore[attr-defined]
    with rendered.open() as pdf:
        *others, last = pdf.pages
        for page in others:
            text = flat_text(page)
            assert "抄送" not in text and print_date not in text
        text = flat_text(last)
        assert "抄送：局领导，局党组成员。" in text
        assert samples.SETTINGS.printing_organ + print_date in text
        full_width = [r for r in last.rects if r["width"] == pytest.approx(156 * MM, abs=0.5)]
        assert max(r["bottom"] for r in full_width) == pytest.approx(TEXT_BOTTOM, abs=0.5)


def test_signature_date_ends_four_characters_from_the_right(rendered):
    """R-RPT-1: 成文日期 in Arabic numerals without leading zeros, right edge 4 characters (of 3号) in."""
    if isinstance(rendered.notice, TargetLetter):
        pytest.skip("the responsibility letter is signed by two parties instead")
    date = format_cn_date(rendered.notice.meta.signed_on)  # type: ignore[attr-defined]
    with rendered.open() as pdf:
        for page in pdf.pages:
            lines = [ln for ln in page.extract_text_lines() if ln["text"] == date]
            if lines:
                assert lines[0]["x1"] == pytest.approx(TEXT_RIGHT - 4 * 16, abs=TOLERANCE)
                return
    pytest.fail("signature date not found")


def test_page_numbers_alternate_sides_below_the_text_block(long_notice):
    """R-RPT-1: — 1 — 7 mm below the text block, odd pages right and even pages left (one character in)."""
    assert len(long_notice.pages) >= 3
    for number, page in enumerate(long_notice.pages, 1):
        folio = [ln for ln in page.extract_text_lines() if ln["top"] > TEXT_BOTTOM]
        assert [ln["text"] for ln in folio] == [f"— {number} —"]
        chars = [dict(c, page_height=page.height) for c in folio[0]["chars"]]
        assert min(em_top(c) for c in chars) == pytest.approx(TEXT_BOTTOM + 7 * MM, abs=TOLERANCE)
        assert all(sized(c, 14) for c in chars)
        if number % 2:
            assert folio[0]["x1"] == pytest.approx(TEXT_RIGHT - 14, abs=TOLERANCE)
        else:
            assert folio[0]["x0"] == pytest.approx(TEXT_LEFT + 14, abs=TOLERANCE)


def test_table_header_repeats_on_every_page_it_runs_over(long_notice):
    """R-RPT-1: tables' 黑体 header row is repeated on each page."""
    pages_with_rows = [
        page
        for page in long_notice.pages
        if any(ln["text"].startswith("用地规划处 ") for ln in page.extract_text_lines())
    ]
    assert len(pages_with_rows) >= 3
    for page in pages_with_rows:
        header = [ln for ln in page.extract_text_lines() if ln["text"].startswith("处室 未完成事项")]
        assert header, f"no header row on page {page.page_number}"
        assert "Sans" in header[0]["chars"][0]["fontname"]


def test_a_rendered_page_is_saved_as_png_for_review(rendered_notices):
    """R-RPT-1: writes test-artifacts/monthly_division-1.png (gitignored) for a human to look at."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed (scripts/fonts.sh installs it)")
    ARTIFACTS.mkdir(exist_ok=True)
    for kind, item in rendered_notices.items():
        for stale in ARTIFACTS.glob(f"{kind}-*.png"):
            stale.unlink()
        pdf_path = ARTIFACTS / f"{kind}.pdf"
        pdf_path.write_bytes(item.pdf)
        subprocess.run(  # noqa: S603 - fixed arguments, our own file
            ["pdftoppm", "-r", "100", "-png", str(pdf_path), str(ARTIFACTS / kind)],  # noqa: S607
            check=True,
        )
    png = ARTIFACTS / "monthly_division-1.png"
    assert png.read_bytes().startswith(b"\x89PNG")
