"""Login, logout, password change, login everywhere, CSRF (R-SEC-1) and the per-request audit actor (R-AUD-1)."""

from __future__ import annotations

import re

import pytest
from flask_login import current_user

from models import AuditLog, Division, Person
from models.base import current_actor
from tests.factories import PASSWORD, make_division, make_person

WRONG = "用户名或密码错误"


def log_in(client, username: str, password: str, **query):
    return client.post("/login", query_string=query, data={"username": username, "password": password})


def test_r_sec_1_login_with_the_right_password_lands_on_the_home_page(database, client):
    person = make_person(username="wang", name="王处长", position="head")

    response = log_in(client, "wang", PASSWORD)

    assert response.status_code == 302 and response.location == "/"
    with client:
        page = client.get("/").get_data(as_text=True)
        assert current_user.person.id == person.id
    assert "王处长" in page and "退出" in page


@pytest.mark.parametrize(
    ("username", "password"),
    [("wang", "not-the-password"), ("nobody", PASSWORD), ("retired", PASSWORD)],
    ids=["wrong password", "unknown user", "inactive user"],
)
def test_r_sec_1_failed_login_says_only_that_name_or_password_is_wrong(database, client, username, password):
    """The same Chinese message for every failure, so the page never tells which part was wrong."""
    make_person(username="wang")
    make_person(username="retired", active=False)

    response = log_in(client, username, password)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert WRONG in page
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_r_sec_1_every_page_needs_a_login_except_login_and_static(database, client):
    for path in ("/", "/password", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location.startswith("/login?next="), path
    assert client.get("/login").status_code == 200
    for path in ("/static/portal.css", "/vendor/bootstrap/bootstrap4/css/bootstrap.min.css"):
        with client.get(path) as response:
            assert response.status_code == 200, path


def test_login_returns_to_the_page_asked_for_but_never_off_site(database, client):
    make_person(username="wang")
    assert log_in(client, "wang", PASSWORD, next="/password").location == "/password"
    client.post("/logout")
    assert log_in(client, "wang", PASSWORD, next="https://evil.example/").location == "/"
    client.post("/logout")
    assert log_in(client, "wang", PASSWORD, next="//evil.example/").location == "/"


def test_logout_ends_the_session_and_is_post_only(database, client, login_as):
    login_as(make_person())
    assert client.get("/logout").status_code == 405

    response = client.post("/logout")

    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/").status_code == 302


def test_r_sec_1_changing_my_password_needs_the_current_one(database, client, login_as):
    person = login_as(make_person(username="li"))

    wrong = client.post("/password", data={"current": "guess", "new": "brand-new-9", "confirm": "brand-new-9"})
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    mismatch = client.post("/password", data={"current": PASSWORD, "new": "brand-new-9", "confirm": "brand-new-8"})
    assert "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    short = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert "至少10个字符" in short.get_data(as_text=True)
    assert Person.get_by_id(person.id).check_password(PASSWORD)

    done = client.post("/password", data={"current": PASSWORD, "new": "brand-new-9", "confirm": "brand-new-9"})

    assert done.status_code == 302 and done.location == "/"
    stored = Person.get_by_id(person.id)
    assert stored.check_password("brand-new-9") and not stored.check_password(PASSWORD)
    client.post("/logout")
    assert WRONG in log_in(client, "li", PASSWORD).get_data(as_text=True)
    assert log_in(client, "li", "brand-new-9").location == "/"


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def test_r_sec_1_a_post_without_the_csrf_token_is_refused(app, database, client):
    """CSRF protection is on app-wide: a forged POST gets 400, the form's own token gets through."""
    app.config["WTF_CSRF_ENABLED"] = True
    make_person(username="wang")

    forged = client.post("/login", data={"username": "wang", "password": PASSWORD})
    assert forged.status_code == 400

    token = _csrf_token(client.get("/login").get_data(as_text=True))
    genuine = client.post("/login", data={"username": "wang", "password": PASSWORD, "csrf_token": token})
    assert genuine.status_code == 302 and genuine.location == "/"

    assert client.post("/logout").status_code == 400
    token = _csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_r_aud_1_a_write_during_a_request_is_attributed_to_the_logged_in_person(app, database, client, login_as):
    """The request's actor is the logged-in person, and it is reset when the request ends."""
    division = make_division(name="规划管理处")

    @app.post("/_test/rename/<int:division_id>")
    def rename(division_id: int) -> str:
        target = Division.get_by_id(division_id)
        target.name = "用地规划处"
        target.save()
        return "ok"

    author = login_as(make_person(name="办公室甲", office_member=True))
    assert client.post(f"/_test/rename/{division.id}").status_code == 200

    row = AuditLog.get((AuditLog.model == "Division") & (AuditLog.action == "update"))
    assert (row.actor_id, row.actor_name) == (author.id, "办公室甲")
    assert row.after == {"name": "用地规划处"}
    assert current_actor() == (None, "system")
