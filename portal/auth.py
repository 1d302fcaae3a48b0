"""Login (R-SEC-1): flask-login sessions over `Person`, hashed passwords, CSRF, role checks on the server.

Every page needs a login except the login page, the language switch and static files. For each request of a
logged-in person the audit actor is set (R-AUD-1), so every write the request makes is attributed to them.

Sessions (issue 9 §7): the login stores the person's `session_version` in the session and every request compares
it with the stored one, so raising it ends the person's sessions everywhere. Logging out raises it — it ends all
of that person's sessions, on every device — and so does a password change, which keeps the current session by
storing the new version in it. A person whose password someone else set is sent to the change form until they
have chosen their own. Failed logins are rate-limited per address and per account (portal.security) and lock the
account after repeated wrong passwords (services.accounts).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import peewee as pw
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from models import Division, Person, acting_as
from portal.i18n import SESSION_KEY as LANGUAGE_KEY
from portal.i18n import safe_next
from portal.labels import role_names
from portal.security import login_limits
from services import accounts
from services.accounts import AccountRefused

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in first.")
login_manager.login_message_category = "info"
login_manager.localize_callback = str  # the message is lazy: render it in the request's language
csrf = CSRFProtect()
bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = frozenset({"auth.login", "i18n.set_language", "static", "server.healthz"})
# what a person who must choose a new password may still reach
WHILE_PASSWORD_MUST_CHANGE = frozenset({"auth.change_password", "auth.logout"})
SESSION_VERSION_KEY = "_session_version"


@login_manager.user_loader
def _load_user(user_id: str) -> Any:
    query = (
        Person.select(Person, Division)
        .join(Division, pw.JOIN.LEFT_OUTER, on=(Person.division == Division.id))
        .where(Person.id == int(user_id))
    )
    person = query.first()
    if person is None or not person.active or session.get(SESSION_VERSION_KEY) != person.session_version:
        return None
    return LoginUser(person)


class LoginUser:
    """The flask-login user: wraps the person so views read `current_user.person`."""

    def __init__(self, person: Person) -> None:
        self.person = person

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.person.id)

    @property
    def roles(self) -> frozenset[str]:
        return self.person.roles

    @property
    def role_names(self) -> list[str]:
        return role_names(self.person.roles)


def roles_required(*roles: str) -> Callable:
    """403 unless the logged-in person has one of `roles`."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not (current_user.roles & set(roles)):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )


def account_message(refusal: AccountRefused) -> str:
    """The refusal of services.accounts in the reader's language."""
    code, values = refusal.code, refusal.values
    if code == "locked":
        return _(
            "This account is locked after repeated wrong passwords until %(until)s.",
            until=values["until"].strftime("%Y-%m-%d %H:%M"),
        )
    if code == "password_too_short":
        return _("At least %(num)d characters.", num=values["min"])
    messages = {
        "wrong_credentials": _l("Wrong username or password."),
        "password_contains_username": _l("The password must not contain the username."),
        "password_unchanged": _l("The new password must differ from the current one."),
        "wrong_current_password": _l("The current password is wrong."),
        "sysadmin_only": _l("Only a system administrator manages accounts, passwords and roles."),
        "own_account": _l("Nobody changes their own roles or account here; change your password on its own page."),
        "not_allowed": _l("You may not change this person."),
    }
    return str(messages[code])


def _start_session(person: Person) -> None:
    language = session.get(LANGUAGE_KEY)
    session.clear()  # a fresh session at login: nothing planted before it survives
    if language:
        session[LANGUAGE_KEY] = language
    session[SESSION_VERSION_KEY] = person.session_version
    login_user(LoginUser(person))


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            person = accounts.authenticate(
                form.username.data,
                form.password.data,
                lock_after=current_app.config["LOCKOUT_AFTER"],
                lock_minutes=current_app.config["LOCKOUT_MINUTES"],
            )
        except AccountRefused as refusal:
            flash(account_message(refusal), "danger")
        else:
            _start_session(person)
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
    return render_template("auth/login.html", form=form)


def _too_many_logins(error: TooManyRequests) -> Any:
    if request.endpoint != "auth.login":
        return error
    flash(_("Too many failed logins from here or for this account. Please wait a few minutes."), "danger")
    return render_template("auth/login.html", form=LoginForm()), 429


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Ends every session of the person, on every device (their session version goes up)."""
    language = session.get(LANGUAGE_KEY)
    if current_user.is_authenticated:
        accounts.end_sessions(current_user.person)
    logout_user()
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> Any:
    form = ChangePasswordForm()
    person = current_user.person
    if form.validate_on_submit():
        try:
            accounts.change_own_password(person, form.current.data, form.new.data)
        except AccountRefused as refusal:
            field = form.current if refusal.code == "wrong_current_password" else form.new
            field.errors = [*field.errors, account_message(refusal)]
        else:
            session[SESSION_VERSION_KEY] = person.session_version  # this session goes on, all others end
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    elif request.method == "GET" and person.must_change_password:
        flash(_("Please choose your own password before going on."), "warning")
    return render_template("auth/change_password.html", form=form, forced=person.must_change_password)


def _is_public(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(TooManyRequests, _too_many_logins)

    @app.before_request
    def _require_login() -> Any:
        if _is_public(request.endpoint) or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()

    @app.before_request
    def _require_own_password() -> Any:
        if _is_public(request.endpoint) or request.endpoint in WHILE_PASSWORD_MUST_CHANGE:
            return None
        if current_user.is_authenticated and current_user.person.must_change_password:
            return redirect(url_for("auth.change_password"))
        return None

    @app.before_request
    def _set_actor() -> None:
        if current_user.is_authenticated:
            block = acting_as(current_user.person.id, current_user.person.name)
            block.__enter__()
            g.actor_block = block

    @app.teardown_request
    def _reset_actor(exc: BaseException | None) -> None:
        block = g.pop("actor_block", None)
        if block is not None:
            block.__exit__(None, None, None)
