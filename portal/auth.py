"""Login (R-SEC-1): flask-login sessions over `Person`, hashed passwords, role checks on the server."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, abort
from flask_login import LoginManager, current_user

from models import Person

login_manager = LoginManager()


@login_manager.user_loader
def _load_user(user_id: str) -> Any:
    person = Person.get_or_none(Person.id == int(user_id))
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


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
