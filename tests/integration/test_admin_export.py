"""Every admin table exports to Excel, with Chinese headers and only the reader's rows (R-RPT-2, R-SEC-1)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from tests.factories import make_library_entry, make_log_entry, make_plan
from tests.integration.admin_world import MODELS, build_world, endpoint, xlsx_rows


@pytest.fixture
def world(database):
    return build_world()


def test_every_model_has_an_admin_list_that_exports_xlsx(app):
    """R-RPT-2: every table view exports to xlsx, and every model has a table view."""
    import models

    views = [v for v in app.extensions["admin"][0]._views if hasattr(v, "model")]
    assert sorted(v.model.__name__ for v in views) == sorted(m.__name__ for m in models.ALL_MODELS)
    assert all(v.can_export and v.export_types == ["xlsx"] for v in views)


def test_monthly_plan_export_is_a_workbook_with_chinese_headers_and_only_the_heads_division(client, login_as, world):
    """R-RPT-2, R-SEC-1: the head's export holds their division's plans, in Chinese."""
    make_plan(world.mine, month=10)
    make_plan(world.mine, month=11)
    make_plan(world.other, month=10)
    login_as(world.head)
    response = client.get("/admin/monthlyplan/export/xlsx/")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = xlsx_rows(response.data)
    assert rows[0][:4] == ("处室", "年度", "月份", "状态")
    assert sorted(row[2] for row in rows[1:]) == [10, 11]  # numbers, not text
    assert {row[0] for row in rows[1:]} == {world.mine.name}
    assert {row[3] for row in rows[1:]} == {"草稿"}


def test_staff_export_of_the_work_log_holds_only_their_own_entries(client, login_as, world):
    """R-RPT-2, R-SEC-1."""
    item = make_library_entry(world.mine)
    make_log_entry(world.staff, item, description="本人日志")
    make_log_entry(world.colleague, item, description="同事日志")
    login_as(world.staff)
    rows = xlsx_rows(client.get("/admin/worklogentry/export/xlsx/").data)
    assert rows[0][0] == "人员"
    assert [(row[0], row[-1]) for row in rows[1:]] == [(world.staff.name, "本人日志")]


@pytest.mark.parametrize("model", MODELS, ids=endpoint)
def test_each_export_opens_in_openpyxl_for_the_office(client, login_as, world, model):
    """R-RPT-2: the file is a real workbook whose header row is in Chinese."""
    login_as(world.office)
    response = client.get(f"/admin/{endpoint(model)}/export/xlsx/")
    assert response.status_code == 200
    header = xlsx_rows(response.data)[0]
    assert header and all(any("\u4e00" <= ch <= "\u9fff" for ch in str(cell)) for cell in header), header


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"])
def test_admin_export_writes_typed_text_as_literal_text_and_hours_as_numbers(client, login_as, world, text):
    """R-RPT-2, issue 9 §8: a work-log description that looks like a formula comes back as exactly that
    text, and the Decimal hours are numbers the office can sum."""
    item = make_library_entry(world.mine)
    make_log_entry(world.staff, item, description=text, hours=Decimal("2.50"))
    login_as(world.staff)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/admin/worklogentry/export/xlsx/").data)).active
    *_, hours, _confirmed, _status, description = sheet[2]  # column_list ends hours … description
    assert (description.data_type, description.value) == ("s", text)
    assert (hours.data_type, hours.value) == ("n", 2.5)
