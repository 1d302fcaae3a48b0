"""Chinese by default, English on request, a complete Chinese catalogue (R-UI-1)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import flask_admin
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from portal.i18n import ensure_compiled
from tests.factories import make_person

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
# each area of the portal may keep its own catalogue: portal/translations/areas/<area>/zh_Hans_CN/…
# Flask-Admin's labels use its own `admin` domain, merged over Flask-Admin's catalogue
ADMIN_PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "admin.po"
FLASK_ADMIN_PO = Path(flask_admin.__file__).parent / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "admin.po"
CATALOGUES = [PO, ADMIN_PO, *sorted(TRANSLATIONS.glob("areas/*/zh_Hans_CN/LC_MESSAGES/messages.po"))]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def catalogue():
    messages = []
    for path in CATALOGUES:
        with path.open("rb") as po_file:
            messages.extend(read_po(po_file, locale="zh_Hans_CN"))
    return messages


def test_r_ui_1_a_logged_in_page_is_chinese_by_default_and_english_after_switching(database, client, login_as):
    login_as(make_person(position="head", name="王处长"))

    chinese = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese
    assert "首页" in chinese and "退出" in chinese and "本月我的工作" in chinese
    assert "Log out" not in chinese

    english = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in english and "Log out" in english and "My work this month" in english
    assert "退出" not in english
    remembered = client.get("/").get_data(as_text=True)
    assert "Log out" in remembered, "the choice is kept in the session"

    back = client.get("/language/zh_Hans_CN?next=/")
    assert back.status_code == 302 and back.location == "/"
    assert "退出" in client.get("/").get_data(as_text=True)


def test_r_ui_1_the_language_switch_is_in_the_header_and_works_before_login(database, client):
    page = client.get("/login").get_data(as_text=True)
    assert "用户名" in page and "密码" in page
    assert re.search(r'href="/language/en\?next=[^"]*"', page)

    client.get("/language/en?next=/login")
    assert "Username" in client.get("/login").get_data(as_text=True)


def test_the_language_switch_ignores_unknown_languages_and_foreign_targets(database, client):
    assert client.get("/language/xx?next=/login").location == "/login"
    assert client.get("/language/en?next=https://evil.example/").location == "/"
    assert "用户名" not in client.get("/login").get_data(as_text=True)  # en stuck, xx ignored


def test_r_ui_1_form_validation_messages_are_chinese_too(database, client):
    """WTForms' own messages follow the locale through flask-babel."""
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "该字段是必填字段" in page


def test_r_ui_1_every_msgid_has_a_chinese_translation():
    missing = [m.id for m in catalogue() if m.id and (not m.string or "fuzzy" in m.flags)]
    assert not missing, f"untranslated: {missing}"


def test_r_ui_1_translations_keep_their_placeholders():
    for message in catalogue():
        if message.id:
            assert sorted(re.findall(r"%\(\w+\)\w", message.id)) == sorted(re.findall(r"%\(\w+\)\w", message.string))


def test_r_ui_1_the_catalogue_holds_every_string_of_the_source():
    """What pybabel would extract with babel.cfg is all in the .po: no user-facing string left untranslated."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    }
    with FLASK_ADMIN_PO.open("rb") as po_file:  # messages our admin views reuse from Flask-Admin itself
        borrowed = [m for m in read_po(po_file, locale="zh_Hans_CN") if m.string]
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in [*catalogue(), *borrowed] if m.id}
    assert extracted, "babel.cfg extracted nothing"
    assert sorted(extracted - known) == []


def test_r_ui_1_a_missing_or_stale_mo_is_compiled_when_the_app_starts(tmp_path):
    directory = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, directory, ignore=shutil.ignore_patterns("*.mo"))
    mo = directory / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo"

    assert mo in ensure_compiled(directory)
    assert mo.stat().st_size > 0
    assert ensure_compiled(directory) == []

    po = mo.with_suffix(".po")
    po.write_text(po.read_text(encoding="utf-8"), encoding="utf-8")
    stamp = mo.stat().st_mtime
    os.utime(po, (stamp + 10, stamp + 10))
    assert ensure_compiled(directory) == [mo]


def test_r_ui_1_flask_admin_screens_follow_the_same_locale(app, database, client, login_as):
    """Flask-Admin translates through flask-babel's locale, so its screens switch with ours — its own strings
    and our labels alike."""
    login_as(make_person(office_member=True))
    chinese = client.get("/admin/division/").get_data(as_text=True)
    assert "处室" in chinese and "Divisions" not in chinese
    english = client.get("/admin/division/?lang=en").get_data(as_text=True)
    assert "Divisions" in english and "Performance administration" in english


def test_r_ui_1_one_english_string_has_one_chinese_translation_across_catalogues():
    """Catalogues of one domain are merged at run time, so a msgid translated two ways would show whichever
    loaded last. (Flask-Admin's `admin` domain is separate.)"""
    seen: dict[str, set[str]] = {}
    messages = []
    for path in CATALOGUES:
        if path != ADMIN_PO:
            with path.open("rb") as po_file:
                messages.extend(read_po(po_file, locale="zh_Hans_CN"))
    for message in messages:
        if message.id and isinstance(message.id, str):
            seen.setdefault(message.id, set()).add(message.string)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}
