"""Over-long integers in URLs are a 404, never a 500, on SQLite and PostgreSQL (issue 9 §10; R-SEC-1, R-DB-1).

SQLite raises OverflowError for an integer beyond 64 bits and PostgreSQL refuses an OFFSET beyond bigint; the
routes' `int` converter, the admin's `get_one`, its page numbers, filters and foreign-key selects keep such
numbers away from the database.
"""

from __future__ import annotations

import pytest

from models import AssessmentYear, ItemLibraryEntry, Person
from tests.factories import make_division, make_person

HUGE = "99999999999999999999999"  # 23 digits: beyond 64 bits
ALSO_HUGE = ["9223372036854775808", "-" + HUGE, "9" * 5000]
# Admin views of each kind (the guards live in their common base class): bureau-wide, division-scoped with
# integer filters, personal, read-only results, workflow and audit records.
SAMPLE = [
    "/admin/division",
    "/admin/person",
    "/admin/paystandard",
    "/admin/worklogentry",
    "/admin/personyearresult",
    "/admin/workflowtask",
    "/admin/auditlog",
]


@pytest.fixture
def director(database, client, login_as):
    return login_as(make_person(position="director", division=None, level="局级", name="局长甲"))


def _int_routes(app) -> list[tuple[str, str]]:
    """Every (method, url) of the portal whose rule has an `<int:…>` part, that part filled with HUGE."""
    routes = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if conv.__class__.__name__ == "KeyConverter"]
        if not ints:
            continue
        values = {name: (424242 if name in ints else "x") for name in rule.arguments}
        url = app.url_map.bind("localhost").build(rule.endpoint, values).replace("424242", HUGE)
        routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_r_sec_1_every_route_with_an_int_id_answers_404_for_an_id_beyond_64_bits(app, client, director):
    """R-SEC-1, issue 9 §10: found from the URL map, so a route added later is covered too."""
    routes = _int_routes(app)
    assert {url.split(HUGE)[0] for _, url in routes} >= {"/tasks/", "/results/people/", "/notices/"}
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url, response.status_code)
    for number in ALSO_HUGE:
        assert client.get(f"/tasks/{number}").status_code == 404
        assert client.get(f"/results/people/{number}").status_code == 404


def _admin_views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if hasattr(view, "model")]


def test_r_sec_1_every_admin_view_answers_404_for_a_record_id_no_row_can_have(app, client, director):
    """R-SEC-1, R-AUD-1, issue 9 §10: details, edit and delete of `?id=<huge>` (or not a number) are 404 (edit is
    403 on the read-only views, as for any id), the delete action is a 400, and nothing is deleted."""
    make_division(name="规划管理处")
    people = Person.select().count()
    for view in _admin_views(app):
        assert client.get(f"/admin/{view.endpoint}/details/?id={HUGE}").status_code == 404, view.endpoint
    for base in SAMPLE:
        assert client.get(f"{base}/edit/?id={HUGE}").status_code in {403, 404}, base
        assert client.post(f"{base}/delete/", data={"id": HUGE}).status_code in {403, 404}, base
        action = client.post(f"{base}/action/", data={"action": "delete", "rowid": HUGE})
        assert action.status_code in {302, 400, 403}, (base, action.status_code)  # 302: a list with no delete
    for number in [HUGE, ALSO_HUGE[0], "-" + HUGE, "abc"]:
        for url in (f"/admin/person/edit/?id={number}", f"/admin/paystandard/edit/?id={number}"):
            assert client.get(url).status_code == 404, url
        assert client.post("/admin/paystandard/delete/", data={"id": number}).status_code == 404
        assert client.post("/admin/paystandard/action/", data={"action": "delete", "rowid": number}).status_code == 400
    assert Person.select().count() == people


def test_r_sec_1_admin_lists_survive_absurd_page_numbers_and_filter_values(app, client, director):
    """Issue 9 §10: a page beyond any list (or below the first) shows the first page; a filter value the
    database cannot compare is refused with the admin's invalid-value message and the list is shown."""
    make_division(name="规划管理处")
    for base in SAMPLE:
        for query in (f"page={HUGE}&sort={HUGE}&flt0_0={HUGE}", "page=-5&flt0_0=1e400"):
            response = client.get(f"{base}/?{query}")
            assert response.status_code == 200, (base, query, response.status_code)
    listed = client.get(f"/admin/division/?page={HUGE}").get_data(as_text=True)
    assert "规划管理处" in listed


def test_r_sec_1_a_foreign_key_select_posting_a_huge_id_is_not_a_valid_choice(client, director):
    """Issue 9 §10: the admin's drop-downs look a posted id up only if a row can have it; nothing is stored."""
    form = {"name": "新事项", "unit": "件", "standard_hours": "1", "category": ""}
    for number in [HUGE, "-" + HUGE, "abc"]:
        response = client.post("/admin/itemlibraryentry/new/", data={**form, "division": number})
        assert response.status_code == 200
        assert "invalid-feedback" in response.get_data(as_text=True)
    assert not ItemLibraryEntry.select().where(ItemLibraryEntry.name == "新事项").exists()


def test_r_sec_1_absurd_years_and_pages_in_query_strings_read_as_absent(client, director):
    """Issue 9 §10: `?year=` and `?page=` beyond 64 bits (or a year no date has) fall back to their defaults
    instead of a 500; a what-if for a year that is not an assessment year is a 404."""
    AssessmentYear.create(year=2023)
    for number in (HUGE, "99999", "-1"):
        for url in (
            f"/results/?year={number}",
            f"/results/months?year={number}&month={number}",
            f"/results/people?year={number}&division={number}",
            f"/notices/?year={number}&kind=monthly",
            f"/tasks?page={number}",
            f"/tasks/done?page={number}",
        ):
            assert client.get(url).status_code == 200, url
        commit = client.post("/results/what-if/commit", data={"year": number, "tier_a": "0.5", "reason": "试算"})
        assert commit.status_code == 404, number
    assert client.get(f"/notices/individual.zip?year={HUGE}").status_code == 400
    assert AssessmentYear.get(AssessmentYear.year == 2023).rules == {}
