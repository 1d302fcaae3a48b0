"""List pages run a fixed number of queries whatever the number of rows (STYLE §6)."""

from __future__ import annotations

import pytest

from tests.admin_querycount import count_queries
from tests.factories import make_division, make_library_entry, make_log_entry, make_plan
from tests.integration.admin_world import build_world


@pytest.fixture
def world(database):
    return build_world()


def _queries(client, url: str) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", ["office", "leader"])
def test_monthly_plan_list_query_count_does_not_grow_with_rows(client, login_as, world, role):
    make_plan(world.mine, month=1)
    login_as(world.role(role))
    few = _queries(client, "/admin/monthlyplan/")
    for month in range(2, 12):
        make_plan(world.mine, month=month)
        make_plan(make_division(), month=month)
    assert _queries(client, "/admin/monthlyplan/") == few


@pytest.mark.parametrize("role", ["office", "head"])
def test_work_log_list_query_count_does_not_grow_with_rows(client, login_as, world, role):
    make_log_entry(world.staff, make_library_entry(world.mine))
    login_as(world.role(role))
    few = _queries(client, "/admin/worklogentry/")
    for _ in range(10):
        make_log_entry(world.colleague, make_library_entry(world.mine))
    assert _queries(client, "/admin/worklogentry/") == few


def test_plan_item_list_query_count_does_not_grow_with_rows(client, login_as, world):
    """The item's plan is shown by its division's name: joined, not fetched per row."""
    make_plan(world.mine, month=1)
    login_as(world.office)
    few = _queries(client, "/admin/planitem/")
    for month in range(2, 8):
        make_plan(world.mine, month=month, weights=(50, 30, 20))
    assert _queries(client, "/admin/planitem/") == few
