"""The base of every admin view: row scope, write rights, joined list queries, refusals in Chinese.

Every admin view reads `OWNERSHIP` (ownership.py) and `services.access.scope_of`; no view repeats the rule.
- `get_query` (lists, exports, search, filters) is always intersected with the reader's scope;
- `get_one` of a row outside the scope is 403, so no URL opens another division's record;
- create/edit/delete without the write right is 403; foreign-key selects offer only rows in scope, and a
  POST naming another row fails validation;
- `PeriodLocked` and foreign-key refusals become a flash message, not a 500 (R-AUD-1).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import peewee as pw
from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.actions import action
from flask_admin.babel import gettext, lazy_gettext, ngettext
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.filters import FilterEqual, FilterLike, IntEqualFilter
from flask_admin.contrib.peewee.form import (
    CustomModelConverter,
    InlineModelConverter,
    InlineModelFormList,
)
from flask_admin.form import BaseForm, DateTimePickerWidget
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException
from wtforms import Form, fields
from wtfpeewee.fields import SelectQueryField

from models import Division, PeriodLocked, Person, guard
from models.base import closed_period_refusal, is_lock_error
from portal.admin_views.keys import MAX_PAGE, bound_to_column, comparable, record_key
from portal.admin_views.labels import COMMON_LABELS, RELATED_LABELS
from portal.admin_views.listing import ListAtScale
from portal.admin_views.ownership import (
    OWN,
    OWNERSHIP,
    has_write_right,
    is_open,
    may_create,
    may_write,
    read_condition,
    scoped_select,
)
from services.access import Scope, scope_of, visible_divisions
from services.validation import RuleViolation

log = logging.getLogger(__name__)
DECIDED_MESSAGE = "This record is in review or decided: only its approval chain or a change request changes it."


# ---- who is asking ----------------------------------------------------------------------------------


def current_person() -> Person | None:
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user.person


def current_scope() -> Scope:
    """The logged-in person's scope, computed once per request."""
    scope = g.get("_admin_scope")
    if scope is None:
        scope = g._admin_scope = scope_of(current_user.person)
    return scope


def division_options() -> list[tuple[str, str]]:
    person = current_person()
    if person is None:
        return []
    return [(str(d.id), d.name) for d in visible_divisions(person)]


# ---- list queries: join what the list shows, once ---------------------------------------------------


def joined(query: pw.ModelSelect, model: type[pw.Model], paths: Iterable[str]) -> pw.ModelSelect:
    """Left-join and select the related rows along dotted foreign-key paths, so a list page shows them
    without one query per row (STYLE §6). A second join to an already joined model uses an alias."""
    nodes: dict[str, Any] = {"": model}
    used: set[type[pw.Model]] = {model}
    for path in paths:
        prefix = ""
        for name in path.split("."):
            key = f"{prefix}.{name}" if prefix else name
            if key not in nodes:
                source = nodes[prefix]
                fk = getattr(source, name)
                rel = fk.rel_model
                target = rel if rel not in used else rel.alias()
                used.add(rel)
                pk = getattr(target, rel._meta.primary_key.name)
                query = query.switch(source).join(target, pw.JOIN.LEFT_OUTER, on=(fk == pk), attr=name)
                query = query.select_extend(*[getattr(target, f.name) for f in rel._meta.sorted_fields])
                nodes[key] = target
            prefix = key
    return query.switch(model)


def _already_joined(query: pw.ModelSelect, model_class: Any) -> bool:
    return any(dest is model_class for dests in query._joins.values() for dest, *_ in dests)


# ---- forms --------------------------------------------------------------------------------------------


def same_as_shown(stored: Any, submitted: Any) -> bool:
    """Whether a submitted value is the stored one as the form showed it: a datetime to the second, a text with
    the browser's CRLF line ends. (NULL comes back as NULL, and decimals in another notation are the model's
    concern: it compares values as they would be stored.)"""
    if isinstance(stored, dt.datetime) and isinstance(submitted, dt.datetime):
        return stored.replace(microsecond=0) == submitted
    if isinstance(stored, str) and isinstance(submitted, str):
        return stored.replace("\r\n", "\n") == submitted.replace("\r\n", "\n")
    return False


@contextlib.contextmanager
def keeping_values_as_shown(record: pw.Model) -> Iterator[None]:
    """Around a form's `populate_obj(record)` of a stored record: each value the form gives back as it showed it
    stays the stored one, so a form submitted untouched changes nothing — no write, no audit row (R-AUD-1)."""
    stored = dict(record.__data__)
    yield
    for name, value in stored.items():
        if record.__data__.get(name) != value and same_as_shown(value, record.__data__.get(name)):
            record.__data__[name] = value


class AdminForm(BaseForm, FlaskForm):
    """Flask-Admin's form with Flask-WTF's CSRF token (R-SEC-1): the same token `CSRFProtect` checks."""


class ScopedInlineFormList(InlineModelFormList):
    """Inline child rows (PlanItem in MonthlyPlan) saved safely.

    Flask-Admin's peewee inline save (issue #1718) turns the empty hidden AutoField of a new row into
    an UPDATE of id '' and trusts a posted id it does not know (which would move another parent's child
    here). Here a row is updated only if it already belongs to this parent; anything else is inserted
    with a fresh id. Deletes are plain `delete_instance()` — audited, never recursive.
    """

    def save_related(self, obj: Any) -> None:
        parent_id = obj._pk
        link = getattr(self.model, self.prop)
        existing = {str(child._pk): child for child in self.model.select().where(link == parent_id)}
        for entry in self.entries:
            child = existing.get(str(entry.get_pk() or ""))
            if self.should_delete(entry):
                if child is not None:
                    child.delete_instance()
                continue
            created = child is None
            if created:
                child = self.model()
            with contextlib.nullcontext() if created else keeping_values_as_shown(child):
                entry.populate_obj(child, None)
            setattr(child, self._pk, None if created else existing[str(entry.get_pk())]._pk)
            setattr(child, self.prop, parent_id)
            self.inline_view._on_model_change(entry, child, created)
            child.save(force_insert=created)


def _save_inline(form: Form, model: Any) -> None:
    """Flask-Admin's `save_inline` picks fields by class name; ours is a subclass, so pick by type."""
    for field in form:
        if isinstance(field, InlineModelFormList):
            field.save_related(model)


class ScopedInlineConverter(InlineModelConverter):
    inline_field_list_type = ScopedInlineFormList


class DateTimeField(fields.DateTimeField):
    """WTForms warns when its own DateTimeField is built (it renders type="datetime"); Flask-Admin's
    picker widget renders it anyway, so a subclass keeps the field without the warning."""


class BureauModelConverter(CustomModelConverter):
    """Primary keys of inline rows are hidden and optional: a new row posts an empty one. Number fields take
    only what their column stores (issue 9 §10): a decimal is finite and fits the field's digits, an integer
    fits PostgreSQL's `integer` (or `bigint`), so NaN, Infinity and 1e400 are a form error, never a 500."""

    def __init__(self, view: Any, additional: Any = None) -> None:
        super().__init__(view, additional)
        self.converters[pw.AutoField] = self.handle_pk

    def convert(self, model: Any, field: Any, field_args: Any) -> Any:
        converted = super().convert(model, field, field_args)
        if converted is not None:
            bound_to_column(converted[1], field)
        return converted

    def handle_datetime(self, model: Any, field: Any, **kwargs: Any) -> tuple[str, fields.DateTimeField]:
        kwargs["widget"] = DateTimePickerWidget()
        return field.name, DateTimeField(**kwargs)

    def handle_pk(self, model: Any, field: Any, **kwargs: Any) -> tuple[str, fields.HiddenField]:
        kwargs["validators"] = []
        kwargs["filters"] = [lambda value: value or None]
        return field.name, fields.HiddenField(**kwargs)


# ---- views ----------------------------------------------------------------------------------------


class SecureIndexView(AdminIndexView):
    """The admin home (/admin/): logged-in users only."""

    def is_accessible(self) -> bool:
        return current_person() is not None

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        from portal.auth import login_manager

        return login_manager.unauthorized()

    @expose("/")
    def index(self) -> str:
        return self.render("admin/bureau_index.html", scope=current_scope())


class BureauModelView(ListAtScale, ModelView):
    """Base of every model view; see the module docstring for the rules it enforces, and listing.py for how its
    lists, searches and exports stay fast at city scale."""

    can_view_details = True
    can_export = True
    export_types = ["xlsx"]
    page_size = 50
    column_display_pk = False
    form_base_class = AdminForm
    model_form_converter = BureauModelConverter
    inline_model_form_converter = ScopedInlineConverter

    list_joins: Sequence[str] | None = None  # dotted FK paths to join; None: every FK column of the list
    filter_fields: Sequence[Any] = ()  # field names (or related fields) offered as filters; choices: drop-downs
    extra_labels: dict[str, Any] = {}  # merged over COMMON_LABELS

    @property
    def extra_js(self) -> list[str]:  # type: ignore[override]
        """Stands in for Flask-Admin's inline onclick handlers, which the Content-Security-Policy blocks."""
        return [url_for("static", filename="admin_csp.js"), url_for("static", filename="once.js")]

    def __init__(self, model: type[pw.Model], name: Any = None, category: Any = None, **kwargs: Any) -> None:
        self.owner = OWNERSHIP[model]
        self.model = model
        self.column_labels = {**COMMON_LABELS, **self.extra_labels}
        self.column_choices = {f.name: list(f.choices) for f in model._meta.sorted_fields if f.choices} | dict(
            self.column_choices or {}
        )
        labelled = {
            f.name: {"label": self.column_labels[f.name]}
            for f in model._meta.sorted_fields
            if f.name in self.column_labels
        }
        self.form_args = {name: {**args, **dict(self.form_args or {}).get(name, {})} for name, args in labelled.items()}
        if self.column_filters is None:
            self.column_filters = self._default_filters()
        super().__init__(model, name, category, **kwargs)
        self._list_joins = tuple(self.list_joins if self.list_joins is not None else self._fk_columns())
        if self.owner.division and "." in self.owner.division:
            self._list_joins += (self.owner.division,)

    # -- defaults derived from the model and OWNERSHIP

    def _fk_columns(self) -> list[str]:
        shown = {c if isinstance(c, str) else c.name for c, _ in self._list_columns}
        return [f.name for f in self.model._meta.sorted_fields if isinstance(f, pw.ForeignKeyField) and f.name in shown]

    def _default_filters(self) -> list[Any]:
        filters: list[Any] = []
        label = lazy_gettext("Division")
        path = self.owner.division
        if path is not None:
            names = path.split(".")
            holder = self.model
            for name in names[:-1]:
                holder = getattr(holder, name).rel_model
            column = holder._meta.primary_key if names[-1] == "id" else getattr(holder, names[-1])
            filters.append(IntEqualFilter(column, label, options=division_options))
            if names[-1] != "id":
                filters.append(FilterLike(Division.name, lazy_gettext("Division name")))
        for name in self.filter_fields:
            field = getattr(self.model, name) if isinstance(name, str) else name
            if field.choices:
                label = self.column_labels.get(field.name, field.name)
                filters.append(FilterEqual(field, label, options=list(field.choices)))
            else:
                filters.append(name)
        return filters

    def search_placeholder(self) -> str | None:
        if not self._search_fields:
            return None
        names = [
            self.column_labels.get(f.name, f.name) if f.model is self.model else RELATED_LABELS[f]
            for f in self._search_fields
        ]
        return "、".join(str(name) for name in names)

    def _get_filter_groups(self) -> Any:
        """Flask-Admin computes filter options once at start-up; the division drop-down depends on the
        reader, so callable options are evaluated per request."""
        groups = super()._get_filter_groups()
        for items in (groups or {}).values():
            for item in items:
                options = self._filters[item["index"]].options
                if callable(options):
                    item["options"] = [(key, str(label)) for key, label in options()] or None
        return groups

    # -- who may enter, and with which rights

    def is_accessible(self) -> bool:
        if current_person() is None:
            return False
        return not self.owner.managers_only or current_scope().can_manage

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Any:
        if current_person() is None:
            from portal.auth import login_manager

            return login_manager.unauthorized()
        abort(403)

    def _may_create(self) -> bool:
        person = current_person()
        return person is not None and may_create(self.model, person, current_scope())

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self._may_create()

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return self._may_create()

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return self._may_create()

    def _require_write(self, record: pw.Model) -> None:
        """403 without the right; with it, a record in a closed period or decided is refused with the reason
        (flashed), not a bare 403."""
        person, scope = current_person(), current_scope()
        if may_write(record, person, scope):
            return
        if has_write_right(record, person, scope):
            refusal = closed_period_refusal(record)
            raise refusal if refusal is not None else guard.RecordDecided("decided", record, gettext(DECIDED_MESSAGE))
        abort(403)

    # -- reading

    def get_query(self) -> pw.ModelSelect:
        return self._scoped(joined(self.model.select(), self.model, self._list_joins))

    def get_count_query(self) -> pw.ModelSelect:
        return self._scoped(self.model.select())

    def _scoped(self, query: pw.ModelSelect) -> pw.ModelSelect:
        condition = read_condition(self.model, current_scope())
        return query if condition is None else query.where(condition)

    def get_one(self, id: Any) -> Any:
        """The record `?id=` names, within the reader's scope. An id no row can have (not a number, or beyond
        64 bits, which SQLite cannot even compare) is a 404 (issue 9 §10); a row outside the scope is a 403."""
        key = record_key(self.model, id)
        if key is None:
            abort(404)
        pk = self.model._meta.primary_key
        record = self.get_query().where(pk == key).first()
        if record is None and self.model.select().where(pk == key).exists():
            abort(403)
        return record

    def _get_list_extra_args(self) -> Any:
        """A page number below the first is the first; one beyond any list would overflow the OFFSET, so it is
        held to the deepest page `get_list` shows (listing.py), which says why."""
        args = super()._get_list_extra_args()
        if args.page is not None and args.page < 0:
            args.page = 0
        elif args.page is not None and args.page > MAX_PAGE:
            args.page = MAX_PAGE
        return args

    def _get_list_filter_args(self) -> Any:
        """Filter values the database cannot compare (an integer beyond 64 bits, NaN) are refused like any
        invalid filter value: a message, and the list without that filter."""
        kept = []
        for idx, name, value in super()._get_list_filter_args() or []:
            if comparable(self._filters[idx].clean(value)):
                kept.append((idx, name, value))
            else:
                flash(self.get_invalid_value_msg(value, self._filters[idx]), "error")
        return kept if self._filters else None

    def _handle_join(self, query: pw.ModelSelect, field: Any, joins: set[str]) -> pw.ModelSelect:
        """Filters, search and sort on a related column reuse the join `get_query` already made."""
        if field.model is not self.model and _already_joined(query, field.model):
            return query
        return super()._handle_join(query, field, joins)

    # -- forms

    def create_form(self, obj: Any = None) -> Form:
        return self._fit_form(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Form:
        if obj is not None:
            self._require_write(obj)
        return self._fit_form(super().edit_form(obj))

    def _fit_form(self, form: Form) -> Form:
        """Per reader: drop the fields only managers set and, for everyone, the state and the fields a chain
        sets (R-WF-3); offer only rows in scope in each select."""
        scope = current_scope()
        hidden = set(self.owner.managed) if not scope.can_manage else set()
        spec = guard.spec_of(self.model)
        if spec is not None:
            hidden |= {spec.status, *spec.chain_fields} - {None}
        for name in hidden:
            if name in form:
                del form[name]
        for field in form:
            if isinstance(field, SelectQueryField):
                field.query = scoped_select(field.query.model, scope)
        if self.owner.write == OWN and not scope.can_manage and self.owner.person:
            own = self.owner.person.split(".")[0]
            if own in form:
                form[own].query = Person.select().where(Person.id == scope.person_id)
        return form

    def on_model_change(self, form: Form, model: Any, is_created: bool) -> None:
        self._require_write(model)

    def check_saved(self, model: Any) -> None:
        """The business rules that need the record as saved with its inline rows (services/validation.py),
        checked inside the save's transaction: a `RuleViolation` undoes the save and shows as a message."""

    # -- writing, each in one transaction, refusals as messages

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, HTTPException) or is_lock_error(exc):  # a lock wait that ran out answers 503 (database.py)
            raise exc
        if isinstance(exc, PeriodLocked | guard.RecordDecided | RuleViolation):
            flash(str(exc), "error")
            return True
        if isinstance(exc, pw.IntegrityError):
            flash(gettext("The record is still referenced by other records, or duplicates one."), "error")
            return True
        return super().handle_view_exception(exc)

    def create_model(self, form: Form) -> Any:
        try:
            with self.model._meta.database.atomic():
                model = self.model()
                form.populate_obj(model)
                self._on_model_change(form, model, True)
                model.save(force_insert=True)
                _save_inline(form, model)
                self.check_saved(model)
        except Exception as exc:
            if not self.handle_view_exception(exc):
                flash(gettext("Failed to create record. %(error)s", error=str(exc)), "error")
                log.exception("Failed to create record.")
            return False
        self.after_model_change(form, model, True)
        return model

    def update_model(self, form: Form, model: Any) -> bool:
        try:
            with self.model._meta.database.atomic():
                with keeping_values_as_shown(model):
                    form.populate_obj(model)
                self._on_model_change(form, model, False)
                model.save()
                _save_inline(form, model)
                self.check_saved(model)
        except Exception as exc:
            if not self.handle_view_exception(exc):
                flash(gettext("Failed to update record. %(error)s", error=str(exc)), "error")
                log.exception("Failed to update record.")
            return False
        self.after_model_change(form, model, False)
        return True

    def delete_model(self, model: Any) -> bool:
        try:
            self._require_write(model)
            with self.model._meta.database.atomic():
                self.on_model_delete(model)
                model.delete_instance()  # never recursive: what depends on it makes the delete fail
        except Exception as exc:
            if not self.handle_view_exception(exc):
                flash(gettext("Failed to delete record. %(error)s", error=str(exc)), "error")
                log.exception("Failed to delete record.")
            return False
        self.after_model_delete(model)
        return True

    @action("delete", lazy_gettext("Delete"), lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids: Sequence[str]) -> None:
        pk = self.model._meta.primary_key
        keys = {record_key(self.model, i) for i in ids}
        if None in keys:
            abort(400)
        records = list(self._scoped(self.model.select()).where(pk.in_(list(keys))))
        if len(records) != len(keys):
            abort(403)
        person, scope = current_person(), current_scope()
        if not all(has_write_right(record, person, scope) for record in records):
            abort(403)
        count = sum(1 for record in records if self.delete_model(record))
        if count:
            flash(
                ngettext(
                    "Record was successfully deleted.",
                    "%(count)s records were successfully deleted.",
                    count,
                    count=count,
                ),
                "success",
            )

    # -- refusals are 403, not a silent redirect

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self) -> Any:
        if not self.can_create:
            abort(403)
        return super().create_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self) -> Any:
        if not self.can_edit:
            abort(403)
        record = self.get_one(request.args.get("id"))
        if record is not None and not is_open(record):
            refusal = closed_period_refusal(record)
            flash(str(refusal) if refusal is not None else gettext(DECIDED_MESSAGE), "error")
            return redirect(self.get_url(".details_view", id=request.args.get("id"), url=request.args.get("url")))
        return super().edit_view()

    @expose("/delete/", methods=("POST",))
    def delete_view(self) -> Any:
        if not self.can_delete:
            abort(403)
        return super().delete_view()
