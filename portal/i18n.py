"""Languages of the portal (R-UI-1): Chinese (zh_Hans_CN) by default, English on request.

The choice comes from `?lang=` or the header's switch and is kept in the session; otherwise the person's
saved locale, otherwise the configured default. Flask-Admin translates through the same flask-babel locale,
so its screens follow the same switch.

Only the .po catalogues are in git. `ensure_compiled()` builds a missing or stale .mo when the app starts, so
neither a setup step nor a test run can forget it (`scripts/i18n.sh` does the same with pybabel).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, current_app, redirect, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.config import LANGUAGES

log = logging.getLogger(__name__)
babel = Babel()
bp = Blueprint("i18n", __name__)
SESSION_KEY = "lang"


def select_locale() -> str:
    wanted = request.args.get("lang") or session.get(SESSION_KEY)
    if wanted in LANGUAGES:
        return wanted
    if current_user.is_authenticated and current_user.person.locale in LANGUAGES:
        return current_user.person.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target only if it stays on this site: a path (no scheme, no host, no `//`), without control
    characters (a CR/LF would split the Location header) and without backslashes (browsers read `/\\host` as
    `//host`)."""
    if not target or any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.route("/language/<code>")
def set_language(code: str) -> Response:
    if code in LANGUAGES:
        session[SESSION_KEY] = code
    return redirect(safe_next(request.args.get("next")))


def ensure_compiled(directory: Path) -> list[Path]:
    """Compile every `*.po` under `directory` whose `.mo` is missing or older; returns the files written.

    Writes go through a temporary file and an atomic rename, so parallel test workers never read half a file.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as tmp:
                write_mo(tmp, catalog)
            os.replace(tmp_name, mo_path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        written.append(mo_path)
    return written


def init_app(app: Flask) -> None:
    for name in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
        directory = Path(name)
        try:
            ensure_compiled(directory)
        except OSError as exc:  # a read-only install: run scripts/i18n.sh at build time instead
            log.warning("cannot compile translations in %s: %s", directory, exc)
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    @app.before_request
    def _remember_language() -> None:
        if request.args.get("lang") in LANGUAGES:
            session[SESSION_KEY] = request.args["lang"]

    @app.context_processor
    def _languages() -> dict:
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "languages": LANGUAGES,
            "current_language": locale,
            "html_lang": "zh-CN" if locale.startswith("zh") else locale.replace("_", "-"),
        }
