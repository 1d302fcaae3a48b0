"""The access matrix (R-SEC-1): every portal route × every demo login and anonymous, aimed at another division's
records, for reads and writes, against one table of expected answers — and no foreign row in what a page or an
export shows. The admin's own matrix (every model view × role) is in test_admin_access.py.

The routes come from the app's URL map: a route added without a line here fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models import LeaderAssignment, MonthlyPlan, Person, WorkflowCase, WorkflowDiagram, WorkflowTask
from services import changes, demo, notices
from services.results import recompute
from tests.factories import approve_ranking
from tests.integration.admin_world import xlsx_rows

LOGINS = ("anonymous", "juzhang", "fenguan1", "jixiaoban", "chuzhang", "fuchuzhang", "keyuan", "jieyong", "guanliyuan")
MANAGERS = {"juzhang", "jixiaoban"}  # the director and the performance office see and run everything
EVERYONE = set(LOGINS) - {"anonymous"}


@dataclass
class Foreign:
    """Records of a division none of the non-managing demo logins belongs to or leads."""

    task: WorkflowTask
    person: Person
    document: Any
    chain: str
    version: int
    plan_id: int
    change_id: int = 1


def _foreign(app) -> Foreign:
    logins = {p.username: p for p in Person.select().where(Person.username.in_(LOGINS))}
    mine = {p.division_id for p in logins.values() if p.division_id}
    led = {a.division_id for a in LeaderAssignment.select().where(LeaderAssignment.leader == logins["fenguan1"])}
    task = (
        WorkflowTask.select()
        .join(WorkflowCase)
        .where(
            WorkflowTask.status == "open",
            WorkflowCase.division.not_in(list(mine | led)),
            WorkflowTask.assignee.not_in([p.id for p in logins.values()]),
        )
        .order_by(WorkflowTask.id)
        .first()
    )
    person = task.case.person
    document = notices.issue(
        "individual", 2023, person=person, actor=logins["jixiaoban"], settings=notices.settings_from(app.config)
    )
    diagram = WorkflowDiagram.select().order_by(WorkflowDiagram.id).first()
    plan = MonthlyPlan.select().where(MonthlyPlan.division == person.division_id).first()
    decided = (
        MonthlyPlan.select()
        .where(MonthlyPlan.division == person.division_id, MonthlyPlan.status == "approved")
        .order_by(MonthlyPlan.year.desc(), MonthlyPlan.month.desc())
        .first()
    )
    values = changes.TARGETS["plan"].values(decided)
    values["items"][0]["title"] += "（调整）"
    change = changes.propose("plan", decided.id, values, "访问矩阵", logins["jixiaoban"])
    return Foreign(task, person, document, diagram.chain, diagram.version, plan.id, change.id)


def _login(client, username: str) -> None:
    client.post("/logout")
    if username != "anonymous":
        response = client.post("/login", data={"username": username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, username


# (method, url template, who gets which answer); "else" is everyone logged in not named; anonymous goes to login
# unless named
def _table(f: Foreign) -> list[tuple[str, str, dict[str, int]]]:
    t, p, d = f.task.id, f.person.id, f.document.id
    return [
        ("GET", "/", {"else": 200}),
        ("GET", "/tasks", {"else": 200}),
        ("GET", "/tasks/done", {"else": 200}),
        ("GET", "/tasks/submit", {"else": 200}),
        ("GET", f"/tasks/{t}", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("POST", f"/tasks/{t}/claim", {"else": 403}),
        ("POST", f"/tasks/{t}/complete", {"else": 403}),
        ("POST", f"/tasks/{t}/reassign", {"jixiaoban": 400, "else": 403}),
        ("POST", f"/tasks/submit/monthly_plan/{f.plan_id}", {"else": 403}),
        ("POST", "/tasks/submit/appeal", {"else": 400}),
        ("POST", "/tasks/submit/exemption", {"else": 400}),
        ("POST", "/tasks/submit/extra-time", {"else": 400}),
        ("POST", "/tasks/submit/ranking", {"jixiaoban": 400, "else": 403}),
        ("GET", "/workflows", {"else": 200}),
        ("GET", f"/workflows/{f.chain}/{f.version}", {"else": 200}),
        ("POST", "/workflows/upload", {"jixiaoban": 400, "juzhang": 400, "else": 403}),
        ("GET", "/results/", {"else": 200}),
        ("GET", "/results/months", {"else": 200}),
        ("GET", "/results/people", {"else": 200}),
        ("GET", f"/results/people/{p}", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("GET", f"/results/people/{p}?format=xlsx", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("GET", "/results/promotion", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("GET", "/results/what-if", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("POST", "/results/what-if", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("POST", "/results/what-if/commit", {"juzhang": 302, "jixiaoban": 302, "else": 403}),
        ("POST", "/results/recompute", {"juzhang": 400, "jixiaoban": 400, "else": 403}),
        ("GET", "/meetings/outcomes", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("POST", f"/meetings/outcomes/{f.plan_id}", {"juzhang": 400, "jixiaoban": 400, "else": 403}),
        ("GET", "/periods", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("POST", "/periods/close", {"jixiaoban": 400, "else": 403}),
        ("POST", "/periods/1/reopen", {"juzhang": 400, "else": 403}),
        ("GET", "/notices/", {"else": 200}),
        ("GET", f"/notices/{d}.pdf", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("POST", f"/notices/{d}/reissue", {"jixiaoban": 302, "juzhang": 302, "else": 403}),
        ("POST", "/notices/issue", {"jixiaoban": 302, "juzhang": 302, "else": 403}),
        ("POST", "/notices/batch", {"jixiaoban": 302, "juzhang": 302, "else": 403}),
        ("GET", "/notices/batch/nosuchjob", {"else": 404}),  # an unknown job tells nothing
        ("GET", "/notices/batch/nosuchjob.json", {"else": 404}),
        ("GET", "/notices/individual.zip?year=2023", {"jixiaoban": 200, "juzhang": 200, "else": 403}),
        ("GET", f"/changes/new/plan/{f.plan_id}", {"jixiaoban": 200, "else": 403}),
        ("POST", f"/changes/new/plan/{f.plan_id}", {"jixiaoban": 400, "else": 403}),
        ("GET", f"/changes/{f.change_id}", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("GET", f"/changes/history/plan/{f.plan_id}", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("GET", "/jobs", {"else": 200}),  # one's own jobs; the office and the director see every job
        ("GET", "/healthz", {"anonymous": 200, "else": 200}),  # for the load balancer: no login, no data
        ("GET", "/calendar/2027", {"juzhang": 200, "jixiaoban": 200, "else": 403}),
        ("POST", "/calendar/2027/toggle", {"juzhang": 400, "jixiaoban": 400, "else": 403}),
        ("POST", "/calendar/2027/import", {"juzhang": 400, "jixiaoban": 400, "else": 403}),
        ("GET", "/log", {"juzhang": 403, "fenguan1": 403, "else": 200}),
        ("POST", "/log", {"juzhang": 403, "fenguan1": 403, "else": 400}),  # nothing ticked
        ("GET", "/log/2023-12-27", {"juzhang": 403, "fenguan1": 403, "else": 200}),
        ("POST", "/log/2023-12-27", {"juzhang": 403, "fenguan1": 403, "else": 400}),
        ("GET", "/week", {"juzhang": 403, "fenguan1": 403, "else": 200}),
        ("POST", "/week", {"juzhang": 403, "fenguan1": 403, "else": 400}),  # nothing declared
        ("GET", "/week/division", {"chuzhang": 200, "jixiaoban": 200, "else": 403}),  # the heads
        ("POST", "/week/division", {"chuzhang": 400, "jixiaoban": 400, "else": 403}),
        ("GET", "/password", {"else": 200}),
        ("GET", "/admin/", {"else": 200}),
    ]


PUBLIC = {"/login", "/logout", "/language/<code>", "/static/<path:filename>", "/vendor/<path:filename>"}


def _expected(rule: dict[str, int], login: str) -> int:
    if login == "anonymous":
        return rule.get("anonymous", 302)
    return rule.get(login, rule["else"])


def test_every_route_is_in_the_matrix(app):
    """A new route must say who may use it: it gets a line in the matrix below, or the test fails."""
    placeholder = Foreign(WorkflowTask(id=1), Person(id=1), type("D", (), {"id": 1})(), "monthly_plan", 1, 1)
    covered = {url.split("?")[0] for _, url, _ in _table(placeholder)}
    numbered = {"/tasks/1", "/results/people/1", "/notices/1.pdf", "/workflows/monthly_plan/1"}
    rules = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/") or rule.rule in PUBLIC:
            continue
        path = rule.rule
        for name, sample in (
            ("<int:task_id>", "1"),
            ("<int:person_id>", "1"),
            ("<int:doc_id>", "1"),
            ("<int:plan_id>", "1"),
            ("<int:record_id>", "1"),
            ("<int:version>", "1"),
            ("<chain>", "monthly_plan"),
            ("<job_id>", "nosuchjob"),
            ("<kind>", "plan"),
            ("<int:change_id>", "1"),
            ("<int:year>", "2027"),
            ("<day>", "2023-12-27"),
        ):
            path = path.replace(name, sample)
        rules.add(path)
    assert rules - covered - numbered == set()


def test_r_sec_1_every_route_answers_each_role_as_the_matrix_says(app, client, database):
    """R-SEC-1: each demo login (and anonymous) against each route, with ids of another division's records;
    writes by those without the right change nothing; lists and exports show no foreign row."""
    demo.load()
    recompute(2023, reason="演示计算")
    approve_ranking(2023)  # R-SCO-3: the individual notices come from the approved snapshot
    foreign = _foreign(app)
    table = _table(foreign)
    seen: dict[tuple[str, str], int] = {}
    expected: dict[tuple[str, str], int] = {}
    for login in LOGINS:
        _login(client, login)
        for method, url, rule in table:
            response = client.get(url) if method == "GET" else client.post(url, data={})
            seen[(login, f"{method} {url}")] = response.status_code
            expected[(login, f"{method} {url}")] = _expected(rule, login)
    wrong = {k: (v, expected[k]) for k, v in seen.items() if v != expected[k]}
    assert wrong == {}, "\n".join(f"{k}: got {v[0]}, expected {v[1]}" for k, v in sorted(wrong.items()))
    task = WorkflowTask.get_by_id(foreign.task.id)
    assert (task.status, task.assignee_id) == ("open", foreign.task.assignee_id)


def test_r_sec_1_no_foreign_row_in_lists_or_exports(app, client, database):
    """R-SEC-1: the people lists, their exports, the task lists and the notices list of each login outside the
    foreign division never name its people; the office sees them (the check can fail)."""
    demo.load()
    recompute(2023, reason="演示计算")
    approve_ranking(2023)  # R-SCO-3: the individual notices come from the approved snapshot
    foreign = _foreign(app)
    outsider = foreign.person.name
    shown = {}
    for login in ("fenguan1", "chuzhang", "fuchuzhang", "keyuan", "jieyong", "guanliyuan", "jixiaoban"):
        _login(client, login)
        pages = [client.get(url).get_data(as_text=True) for url in ("/results/people", "/tasks", "/notices/", "/")]
        export = client.get("/results/people?format=xlsx")
        assert export.status_code == 200
        cells = {str(v) for row in xlsx_rows(export.data) for v in row if v is not None}
        shown[login] = any(outsider in page for page in pages) or outsider in cells
    assert shown == {login: login == "jixiaoban" for login in shown}
