"""Excel export of table views, read back with openpyxl (R-RPT-2)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from reports.xlsx import table_to_xlsx

HEADERS = ["处室", "月份", "得分", "人数", "考核日期", "备注"]
ROWS = [
    ["规划管理处", "2023-10", Decimal("100.00"), 9, dt.date(2023, 11, 3), None],
    ["用地规划处", "2023-10", Decimal("85.5"), 7, dt.date(2023, 11, 3), "两项未完成，局长未认可"],
]


def load(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_header_row_is_bold_and_frozen():
    sheet = load(table_to_xlsx("2023年10月处室得分", HEADERS, ROWS))
    assert sheet.title == "2023年10月处室得分"
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"


def test_decimals_are_numbers_with_two_decimals_and_dates_are_dates():
    sheet = load(table_to_xlsx("scores", HEADERS, ROWS))
    score = sheet["C3"]
    assert score.data_type == "n" and score.value == pytest.approx(85.5)
    assert score.number_format == "0.00"
    assert sheet["D2"].value == 9
    assert sheet["E2"].is_date and sheet["E2"].value.date() == dt.date(2023, 11, 3)
    assert sheet["F2"].value is None
    assert sheet["F3"].value == "两项未完成，局长未认可"


def test_columns_are_wide_enough_for_chinese_text():
    sheet = load(table_to_xlsx("scores", HEADERS, ROWS))
    assert sheet.column_dimensions["A"].width >= 10  # five CJK characters count double
    assert sheet.column_dimensions["F"].width >= 22
    assert sheet.column_dimensions["F"].width <= 62


def test_sheet_title_drops_characters_excel_refuses_and_keeps_31():
    sheet = load(table_to_xlsx("绩效/考核:结果[2023]" + "很长" * 20, ["a"], []))
    assert not set("[]:*?/\\") & set(sheet.title)
    assert len(sheet.title) <= 31


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="row 1"):
        table_to_xlsx("t", ["a", "b"], [["only one"]])


FORMULA_LOOKALIKES = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULA_LOOKALIKES)
def test_text_that_looks_like_a_formula_is_exported_as_literal_text(text):
    """R-RPT-2, issue 9 §8: text someone typed never becomes a formula in the office's workbook; numbers
    around it stay numbers."""
    sheet = load(table_to_xlsx("scores", ["备注", "得分", "人数"], [[text, Decimal("85.5"), 7]]))
    note, score, count = sheet[2]
    assert (note.data_type, note.value, note.quotePrefix) == ("s", text, True)
    assert (score.data_type, score.value, score.number_format) == ("n", 85.5, "0.00")
    assert (count.data_type, count.value) == ("n", 7)


def test_plain_text_is_not_marked_and_characters_xml_cannot_hold_do_not_break_the_export():
    sheet = load(table_to_xlsx("t", ["=表头"], [["规划 = 计划"], ["说明\x01\x0b"]]))
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=表头", "s")
    assert (sheet["A2"].value, sheet["A2"].quotePrefix) == ("规划 = 计划", False)
    assert sheet["A3"].value == "说明"
