"""The admin view of people (人员) and their accounts (R-SEC-1, issue 9 §7).

Accounts, passwords and roles are a system administrator's; `services.accounts` decides who sets which field.
The form offers a reader only the fields they may set, and every save goes through the service, so a POST naming
another field changes nothing. System administrators see every person here (and no other records for it).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash
from flask_admin.babel import gettext
from flask_admin.babel import lazy_gettext as _l
from flask_babel import lazy_gettext
from wtforms import PasswordField

from models import Division, Person
from portal.admin_views.base import BureauModelView, current_person, current_scope
from portal.auth import account_message
from services import accounts
from services.accounts import AccountRefused

log = logging.getLogger(__name__)


class PersonView(BureauModelView):
    """人员: the organisation fields for the office, the account fields for system administrators."""

    column_list = (
        "code",
        "name",
        "division",
        "position",
        "level",
        "employment",
        "office_member",
        "system_admin",
        "active",
    )
    column_details_exclude_list = ("password_hash", "session_version")
    column_export_exclude_list = ("password_hash", "session_version")
    column_searchable_list = ("code", "name", "username")
    filter_fields = ("position", "employment", "active")
    column_default_sort = ("code", False)
    form_excluded_columns = (
        "password_hash",
        "session_version",
        "must_change_password",
        "failed_logins",
        "locked_until",
    )
    form_extra_fields = {"new_password": PasswordField(_l("New password"))}
    extra_labels = {
        "name": _l("Full name"),
        "system_admin": lazy_gettext("System administrator"),
        "must_change_password": lazy_gettext("Must change password"),
        "failed_logins": lazy_gettext("Wrong passwords in a row"),
        "locked_until": lazy_gettext("Locked until"),
    }

    def _actor(self) -> Person | None:
        return current_person()

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        actor = self._actor()
        return actor is not None and accounts.may_create(actor)

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        actor = self._actor()
        return actor is not None and (actor.system_admin or current_scope().can_manage)

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        actor = self._actor()
        return actor is not None and actor.system_admin

    def _scoped(self, query: Any) -> Any:
        actor = self._actor()
        if actor is not None and actor.system_admin:
            return query
        return super()._scoped(query)

    def _require_write(self, record: Any) -> None:
        if not accounts.may_edit(self._actor(), record):
            abort(403)

    # -- the form shows what the reader may set

    def create_form(self, obj: Any = None) -> Any:
        return self._fit_person_form(super().create_form(obj), None)

    def edit_form(self, obj: Any = None) -> Any:
        return self._fit_person_form(super().edit_form(obj), obj)

    def _fit_person_form(self, form: Any, person: Person | None) -> Any:
        allowed = accounts.editable_fields(self._actor(), person)
        for name in accounts.PERSON_FIELDS:
            if name in form and name not in allowed:
                del form[name]
        if accounts.PASSWORD not in allowed and "new_password" in form:
            del form["new_password"]
        if "division" in form and self._actor() is not None and self._actor().system_admin:
            form.division.query = Division.select()
        return form

    # -- every write through services.accounts

    def _posted(self, form: Any) -> tuple[dict[str, Any], str | None]:
        changes = {name: form[name].data for name in accounts.PERSON_FIELDS if name in form}
        password = form["new_password"].data if "new_password" in form else None
        return changes, password or None

    def create_model(self, form: Any) -> Any:
        changes, password = self._posted(form)
        try:
            person = accounts.create_account(self._actor(), password=password, **changes)
        except Exception as exc:
            if not self.handle_view_exception(exc):
                flash(gettext("Failed to create record. %(error)s", error=str(exc)), "error")
                log.exception("Failed to create a person.")
            return False
        self.after_model_change(form, person, True)
        return person

    def update_model(self, form: Any, model: Person) -> bool:
        changes, password = self._posted(form)
        try:
            accounts.update_person(self._actor(), model, changes, password=password)
        except Exception as exc:
            if not self.handle_view_exception(exc):
                flash(gettext("Failed to update record. %(error)s", error=str(exc)), "error")
                log.exception("Failed to update a person.")
            return False
        self.after_model_change(form, model, False)
        return True

    def on_model_delete(self, model: Person) -> None:
        accounts.check_may_delete(self._actor(), model)

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, AccountRefused):
            flash(account_message(exc), "error")
            return True
        return super().handle_view_exception(exc)
