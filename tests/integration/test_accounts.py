"""Accounts and sessions (issue 9 §7, R-SEC-1): the system administrator alone manages accounts, passwords and
roles; nobody changes their own; the password policy and the forced first change; login limits and the lockout;
logout and a password change end sessions; secure cookies, security headers and safe `next=` targets."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from models import AuditLog, Person
from portal import create_app
from services import accounts, clock
from services.accounts import AccountRefused
from tests.factories import PASSWORD, make_division, make_person

WRONG = "用户名或密码错误"
LOCKED = "已被锁定"
NEW_PASSWORD = "a-fresh-pass-10"


def log_in(client, username: str, password: str = PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def person_form(person: Person, **overrides) -> dict:
    """What the admin edit form posts for `person`, every field named (also those the reader is not offered)."""
    data = {
        "code": person.code,
        "name": person.name,
        "division": person.division_id or "__None",  # what the select posts for "none"
        "position": person.position,
        "level": person.level,
        "employment": person.employment,
        "locale": person.locale,
        "username": person.username or "",
        "new_password": "",
    }
    for flag in ("active", "office_member", "party_group_member", "system_admin"):
        if getattr(person, flag):
            data[flag] = "y"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def bureau(database):
    office_division = make_division(name="办公室", category="general")
    planning = make_division(name="规划管理处")
    return {
        "director": make_person(position="director", division=None, name="孙局长", username="juzhang"),
        "office": make_person(division=office_division, office_member=True, name="钱绩效", username="qian"),
        "sysadmin": make_person(division=office_division, system_admin=True, name="吴管理", username="wuadmin"),
        "staff": make_person(division=planning, name="张工作", username="zhang"),
    }


def _roles_and_password(person: Person) -> tuple:
    stored = Person.get_by_id(person.id)
    flags = (stored.position, stored.office_member, stored.party_group_member, stored.system_admin, stored.active)
    return flags, stored.username, stored.check_password(PASSWORD), stored.must_change_password


# ---- who manages accounts ---------------------------------------------------------------------------------


def test_office_member_cannot_set_anyone_password_or_roles_R_SEC_1(client, login_as, bureau):
    """The insider finding of issue 9: an office member POSTing the director's (or her own) edit form with a
    password and roles changes none of them; the organisation fields she may keep go through."""
    office, director = bureau["office"], bureau["director"]
    login_as(office)
    form = client.get(f"/admin/person/edit/?id={director.id}").get_data(as_text=True)
    for field in ("new_password", "username", "position", "office_member", "party_group_member", "system_admin"):
        assert f'name="{field}"' not in form, field
    assert 'name="name"' in form and 'name="level"' in form

    for target in (director, office):
        before = _roles_and_password(target)
        posted = person_form(
            target,
            level="副局级",
            new_password="a",
            username="hijacked",
            position="director",
            office_member="y",
            party_group_member="y",
            system_admin="y",
            active=None,
        )
        client.post(f"/admin/person/edit/?id={target.id}", data=posted)
        assert _roles_and_password(target) == before
        assert Person.get_by_id(target.id).level == "副局级"
    assert not Person.select().where(Person.username == "hijacked").exists()


def test_only_a_system_administrator_creates_accounts_R_SEC_1(client, login_as, bureau):
    login_as(bureau["office"])
    assert client.get("/admin/person/new/").status_code == 403
    posted = {"code": "X1", "name": "新人", "position": "staff", "level": "科级", "employment": "regular"}
    assert (
        client.post("/admin/person/new/", data={**posted, "username": "xin", "new_password": NEW_PASSWORD}).status_code
        == 403
    )
    assert not Person.select().where(Person.code == "X1").exists()

    login_as(bureau["sysadmin"])
    response = client.post("/admin/person/new/", data={**posted, "username": "xin", "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    created = Person.get(Person.code == "X1")
    assert created.check_password(NEW_PASSWORD) and created.must_change_password


def test_only_a_system_administrator_deletes_people_and_never_themselves_R_SEC_1(client, login_as, bureau):
    staff, sysadmin = bureau["staff"], bureau["sysadmin"]
    login_as(bureau["office"])
    assert client.post("/admin/person/delete/", data={"id": staff.id}).status_code == 403
    login_as(sysadmin)
    own = client.post("/admin/person/delete/", data={"id": sysadmin.id}, follow_redirects=True)
    assert "任何人不能在此修改本人的角色或账号" in own.get_data(as_text=True)
    assert Person.get_or_none(Person.id == sysadmin.id) is not None
    client.post("/admin/person/delete/", data={"id": staff.id})
    assert Person.get_or_none(Person.id == staff.id) is None


def test_system_administrator_sets_passwords_and_roles_of_others_R_SEC_1(client, login_as, bureau):
    """A system administrator in 办公室 sees everyone in the Person view (and no other division's records
    elsewhere) and sets another person's password and roles; the role shows as 系统管理员 in the header."""
    sysadmin, staff = bureau["sysadmin"], bureau["staff"]
    login_as(sysadmin)
    assert "系统管理员" in client.get("/").get_data(as_text=True)
    listing = client.get("/admin/person/").get_data(as_text=True)
    assert f"id={staff.id}" in listing and f"id={bureau['director'].id}" in listing
    assert client.get(f"/admin/person/edit/?id={staff.id}").status_code == 200

    posted = person_form(staff, new_password=NEW_PASSWORD, office_member="y", position="deputy")
    assert client.post(f"/admin/person/edit/?id={staff.id}", data=posted).status_code == 302

    stored = Person.get_by_id(staff.id)
    assert stored.office_member and stored.position == "deputy"
    assert stored.check_password(NEW_PASSWORD) and stored.must_change_password
    assert "sysadmin" in sysadmin.roles and "sysadmin" not in stored.roles


def test_system_administrator_cannot_change_own_roles_or_deactivate_themselves_R_SEC_1(client, login_as, bureau):
    sysadmin = bureau["sysadmin"]
    login_as(sysadmin)
    form = client.get(f"/admin/person/edit/?id={sysadmin.id}").get_data(as_text=True)
    assert 'name="system_admin"' not in form and 'name="active"' not in form and 'name="new_password"' not in form

    before = _roles_and_password(sysadmin)
    posted = person_form(sysadmin, office_member="y", position="director", system_admin=None, active=None)
    client.post(f"/admin/person/edit/?id={sysadmin.id}", data={**posted, "new_password": NEW_PASSWORD})
    assert _roles_and_password(sysadmin) == before

    with pytest.raises(AccountRefused) as refusal:
        accounts.deactivate(sysadmin, sysadmin)
    assert refusal.value.code == "own_account"


@pytest.mark.parametrize(
    ("actor", "action", "code"),
    [
        ("office", lambda a, p: accounts.set_password(a, p, NEW_PASSWORD), "sysadmin_only"),
        ("office", lambda a, p: accounts.set_roles(a, p, party_group_member=True), "sysadmin_only"),
        ("office", lambda a, p: accounts.deactivate(a, p), "sysadmin_only"),
        ("director", lambda a, p: accounts.set_roles(a, p, office_member=True), "sysadmin_only"),
        (
            "office",
            lambda a, p: accounts.create_account(a, code="N1", name="新", position="staff", level=""),
            "sysadmin_only",
        ),
        ("staff", lambda a, p: accounts.update_person(a, p, {"name": "改名"}), "not_allowed"),
        ("sysadmin", lambda a, p: accounts.set_roles(a, a, system_admin=False), "own_account"),
        ("sysadmin", lambda a, p: accounts.set_password(a, a, NEW_PASSWORD), "own_account"),
        ("sysadmin", lambda a, p: accounts.deactivate(a, a), "own_account"),
    ],
    ids=[
        "office sets a password",
        "office grants the party group",
        "office deactivates",
        "director grants the office",
        "office creates an account",
        "staff renames someone",
        "sysadmin revokes own role",
        "sysadmin resets own password",
        "sysadmin deactivates self",
    ],
)
def test_account_service_refuses_what_the_actor_may_not_do_R_SEC_1(bureau, actor, action, code):
    """The rule lives in services.accounts, whatever screen or command calls it; a refusal changes nothing."""
    target = bureau["staff" if actor == "director" else "director"]
    before = _roles_and_password(target), _roles_and_password(bureau[actor])
    with pytest.raises(AccountRefused) as refusal:
        action(bureau[actor], target)
    assert refusal.value.code == code
    assert (_roles_and_password(target), _roles_and_password(bureau[actor])) == before


def test_office_keeps_editing_organisation_fields_of_people_R_SEC_1(bureau):
    staff, office = bureau["staff"], bureau["office"]
    accounts.update_person(office, staff, {"name": "张新名", "level": "副处级", "left": dt.date(2023, 12, 31)})
    stored = Person.get_by_id(staff.id)
    assert (stored.name, stored.level, stored.left) == ("张新名", "副处级", dt.date(2023, 12, 31))


# ---- passwords ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-pw9", "至少10个字符"),
        ("li-wei-li-wei", "密码不能包含用户名"),
        ("xLI-WEIx-2024", "密码不能包含用户名"),
        (PASSWORD, "新密码不能与当前密码相同"),
    ],
    ids=["9 characters", "the username twice", "the username inside", "the current password"],
)
def test_password_policy_refuses_short_or_username_passwords_R_SEC_1(client, login_as, database, new, message):
    person = login_as(make_person(username="li-wei"))
    page = client.post("/password", data={"current": PASSWORD, "new": new, "confirm": new}).get_data(as_text=True)
    assert message in page
    assert Person.get_by_id(person.id).check_password(PASSWORD)


def test_password_of_ten_characters_is_accepted_R_SEC_1(client, login_as, database):
    person = login_as(make_person(username="li-wei"))
    response = client.post("/password", data={"current": PASSWORD, "new": "ten-chars!", "confirm": "ten-chars!"})
    assert response.status_code == 302
    assert Person.get_by_id(person.id).check_password("ten-chars!")


def test_initial_password_must_be_changed_at_first_login_R_SEC_1(client, bureau):
    """Every page but the change form, logout, the language switch and static files leads to the change form."""
    person = accounts.create_account(
        bureau["sysadmin"],
        code="N2",
        name="新同事",
        position="staff",
        level="科级",
        username="xintongshi",
        password=NEW_PASSWORD,
    )
    assert log_in(client, "xintongshi", NEW_PASSWORD).location == "/"
    for path in ("/", "/tasks", "/admin/", "/results/"):
        response = client.get(path)
        assert response.status_code == 302 and response.location == "/password", path
    assert "请先设置您自己的新密码" in client.get("/password").get_data(as_text=True)
    with client.get("/static/portal.css") as static:
        assert static.status_code == 200
    assert client.get("/language/en?next=/").status_code == 302

    same = client.post("/password", data={"current": NEW_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert same.status_code == 200 and Person.get_by_id(person.id).must_change_password
    mine = "my-own-choice-1"
    assert client.post("/password", data={"current": NEW_PASSWORD, "new": mine, "confirm": mine}).location == "/"
    assert not Person.get_by_id(person.id).must_change_password
    assert client.get("/").status_code == 200


def test_flask_account_create_makes_an_administrator_who_must_change_the_password_R_SEC_1(runner, database):
    made = runner.invoke(
        args=["account", "create", "admin1", "--name", "系统管理员甲", "--sysadmin"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert made.exit_code == 0, made.output
    person = Person.get(Person.username == "admin1")
    assert person.system_admin and person.must_change_password and person.check_password(NEW_PASSWORD)

    short = runner.invoke(args=["account", "create", "admin2", "--name", "乙"], input="short\nshort\n")
    assert short.exit_code != 0 and "至少 10 个字符" in short.output
    assert not Person.select().where(Person.username == "admin2").exists()

    reset = runner.invoke(args=["account", "set-password", "admin1"], input="another-pass-1\nanother-pass-1\n")
    assert reset.exit_code == 0, reset.output
    assert Person.get_by_id(person.id).check_password("another-pass-1")


# ---- logging in: limits and lockout ---------------------------------------------------------------------------


def test_failed_logins_are_rate_limited_per_account_and_per_address_R_SEC_1(app, client, database):
    """Flask-Limiter counts failed login POSTs: past the per-account limit that name is refused (429, in Chinese)
    from any address; past the per-address limit that address is refused for any name. Successes do not count."""
    make_person(username="wang")
    app.config.update(LOGIN_LIMIT_PER_ACCOUNT="3 per minute", LOGIN_LIMIT_PER_ADDRESS="5 per minute")
    for _ in range(3):
        assert log_in(client, "ghost", "guess-1").status_code == 200
    limited = log_in(client, "ghost", "guess-1")
    assert limited.status_code == 429 and "登录失败次数过多" in limited.get_data(as_text=True)
    elsewhere = {"environ_base": {"REMOTE_ADDR": "10.0.0.9"}}
    assert log_in(client, "ghost", "guess-1", **elsewhere).status_code == 429, "the account's limit holds anywhere"

    for _ in range(3):
        assert log_in(client, "wang").status_code == 302, "successful logins do not count"
        client.post("/logout")
    for name in ("li", "zhao"):
        assert log_in(client, name, "guess-1").status_code == 200
    assert log_in(client, "wang").status_code == 429, "this address has used up its failures"
    assert log_in(client, "wang", **elsewhere).status_code == 302


def test_five_wrong_passwords_lock_the_account_for_15_minutes_R_SEC_1(client, database):
    person = make_person(username="wang")
    for _ in range(4):
        assert WRONG in log_in(client, "wang", "not-it-at-all").get_data(as_text=True)
    started = clock.now()

    fifth = log_in(client, "wang", "not-it-at-all").get_data(as_text=True)

    stored = Person.get_by_id(person.id)
    assert stored.locked_until is not None
    assert dt.timedelta(minutes=14) < stored.locked_until - started <= dt.timedelta(minutes=15)
    assert LOCKED in fifth and stored.locked_until.strftime("%Y-%m-%d %H:%M") in fifth
    right = log_in(client, "wang")
    assert right.status_code == 200 and LOCKED in right.get_data(as_text=True), "the right password waits too"
    trail = AuditLog.select().where((AuditLog.model == "Person") & (AuditLog.record_id == str(person.id)))
    assert any(row.after and row.after.get("locked_until") for row in trail)

    stored.locked_until = clock.now() - dt.timedelta(seconds=1)
    stored.save()
    assert log_in(client, "wang").location == "/"
    assert Person.get_by_id(person.id).failed_logins == 0


# ---- sessions -------------------------------------------------------------------------------------------------


def test_password_change_ends_the_other_sessions_and_keeps_this_one_R_SEC_1(app, database):
    make_person(username="wang")
    here, there = app.test_client(), app.test_client()
    log_in(here, "wang")
    log_in(there, "wang")
    assert there.get("/").status_code == 200

    changed = here.post("/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert changed.status_code == 302
    assert here.get("/").status_code == 200
    assert there.get("/").location.startswith("/login")


def test_logout_ends_every_session_of_the_person_R_SEC_1(app, database):
    """Decided for issue 9: logging out anywhere logs the person out everywhere."""
    make_person(username="wang")
    here, there = app.test_client(), app.test_client()
    log_in(here, "wang")
    log_in(there, "wang")

    here.post("/logout")

    assert there.get("/").location.startswith("/login")
    assert log_in(there, "wang").location == "/"


def test_deactivating_or_resetting_a_password_ends_the_persons_sessions_R_SEC_1(app, bureau):
    staff = bureau["staff"]
    theirs = app.test_client()
    log_in(theirs, "zhang")
    accounts.set_password(bureau["sysadmin"], staff, NEW_PASSWORD)
    assert theirs.get("/").location.startswith("/login")
    log_in(theirs, "zhang", NEW_PASSWORD)
    accounts.deactivate(bureau["sysadmin"], staff)
    assert theirs.get("/").location.startswith("/login")


# ---- cookies, headers, redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "secure"), [(None, False), ("1", True)], ids=["default", "BUREAU_SECURE_COOKIES=1"])
def test_secure_cookies_setting_marks_session_and_remember_cookies_R_SEC_1(
    database, tmp_path, monkeypatch, env, secure
):
    if env is None:
        monkeypatch.delenv("BUREAU_SECURE_COOKIES", raising=False)
    else:
        monkeypatch.setenv("BUREAU_SECURE_COOKIES", env)
    app = create_app({"TESTING": True, "DATABASE_URL": database, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    app.instance_path = str(tmp_path)
    make_person(username="wang")
    cookie = log_in(app.test_client(), "wang").headers["Set-Cookie"]
    assert ("; Secure" in cookie) is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is secure and "HttpOnly" in cookie


def test_security_headers_on_html_xlsx_and_redirect_responses_R_SEC_1(client, login_as, bureau):
    anonymous = client.get("/tasks")
    assert anonymous.status_code == 302
    login_as(bureau["office"])
    page = client.get("/admin/person/")
    export = client.get("/admin/person/export/xlsx/")
    assert export.mimetype.endswith("spreadsheetml.sheet")
    with client.get("/static/portal.css") as static:
        static.get_data()
    for response in (anonymous, page, export, static, client.get("/no-such-page")):
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
    policy = page.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(r"<script([^>]*)>", page.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in attributes for attributes in scripts)
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(
    "target",
    ["/%0d%0aSet-Cookie:%20x=1", "%0d%0aSet-Cookie:%20x=1", "/tasks%0aX:1", "/\\evil.example", "/%09/evil.example"],
    ids=["CR/LF after slash", "CR/LF", "LF in a path", "backslash", "tab"],
)
def test_next_with_control_characters_never_500s_R_SEC_1(client, database, target):
    make_person(username="wang")
    assert client.get(f"/login?next={target}").status_code == 200
    switched = client.get(f"/language/en?next={target}")
    assert switched.status_code == 302 and switched.location == "/"
    logged_in = client.post(f"/login?next={target}", data={"username": "wang", "password": PASSWORD})
    assert logged_in.status_code == 302 and logged_in.location == "/"
