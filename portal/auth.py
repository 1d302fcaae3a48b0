"""Login (R-SEC-1): flask-login sessions over `Person`, hashed passwords, CSRF, role checks on the server.

Every page needs a login except the login page, the language switch and static files. For each request of a
logged-in person the audit actor is set (R-AUD-1), so every write the request makes is attributed to them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import peewee as pw
from flask import Blueprint, Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import generate_password_hash
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from models import Division, Person, acting_as
from portal.i18n import SESSION_KEY as LANGUAGE_KEY
from portal.i18n import safe_next
from portal.labels import role_names

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in first.")
login_manager.login_message_category = "info"
login_manager.localize_callback = str  # the message is lazy: render it in the request's language
csrf = CSRFProtect()
bp = Blueprint("auth", __name__)

PUBLIC_ENDPOINTS = frozenset({"auth.login", "i18n.set_language", "static"})
MIN_PASSWORD_LENGTH = 8
# Checked against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("no such user")


@login_manager.user_loader
def _load_user(user_id: str) -> Any:
    query = (
        Person.select(Person, Division)
        .join(Division, pw.JOIN.LEFT_OUTER, on=(Person.division == Division.id))
        .where(Person.id == int(user_id))
    )
    person = query.first()
    return LoginUser(person) if person is not None and person.active else None


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
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("At least %(num)d characters.", num=MIN_PASSWORD_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )


def authenticate(username: str, password: str) -> Person | None:
    """The active person with this username and password, or None — without telling which part was wrong."""
    person = Person.get_or_none((Person.username == username.strip()) & (Person.active == True))  # noqa: E712
    if person is None or not person.password_hash:
        Person(password_hash=_DUMMY_HASH).check_password(password)
        return None
    return person if person.check_password(password) else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        person = authenticate(form.username.data, form.password.data)
        if person is None:
            flash(_("Wrong username or password."), "danger")
        else:
            language = session.get(LANGUAGE_KEY)
            session.clear()  # a fresh session at login: nothing planted before it survives
            if language:
                session[LANGUAGE_KEY] = language
            login_user(LoginUser(person))
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    language = session.get(LANGUAGE_KEY)
    logout_user()
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = current_user.person
        if not person.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            person.set_password(form.new.data)
            person.save()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


def _is_public(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint in PUBLIC_ENDPOINTS or endpoint.endswith(".static"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
    app.register_blueprint(bp)

    @app.before_request
    def _require_login() -> Any:
        if _is_public(request.endpoint) or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()

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
