"""Change requests' screens (R-WF-3): 申请变更 from a decided record, the request with old and new side by side
and its chain's history, and a record's versions. Thin: `services.changes` decides and writes,
`services.change_views` reads; the request's steps are done on the task pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from models.assessment import ADJUSTMENT_CATEGORIES
from models.plans import ITEM_OUTCOMES, TARGET_SOURCES
from portal.tasks import ACTIONS
from services import change_views, changes
from services.approvals import NotAllowed

bp = Blueprint("changes", __name__)

NEW_ITEM_ROWS = 3  # blank rows a plan's form offers for added items
FIELD_LABELS = {
    "title": _l("Item"),
    "weight": _l("Weight"),
    "outcome": _l("Outcome"),
    "outcome_note": _l("Reason if unfinished"),
    "source": _l("Source"),
    "description": _l("Description"),
    "content": _l("Content"),
    "completion": _l("Completion of last month"),
    "next_targets": _l("Next month's targets"),
    "category": _l("Category"),
    "points": _l("Points"),
    "reason": _l("Reason"),
    "evidence": _l("Evidence"),
}
STATUS_LABELS = {"in_review": _l("In review"), "approved": _l("Approved"), "rejected": _l("Not approved")}
CHOICES = {"source": dict(TARGET_SOURCES), "category": dict(ADJUSTMENT_CATEGORIES), "outcome": dict(ITEM_OUTCOMES)}


def _form_values(kind: str, current: dict[str, Any]) -> dict[str, Any]:
    """The proposed values from the posted form, in the shape of the record's values."""
    if kind != "plan":
        return {name: request.form.get(name, "") for name in current}
    items = []
    for n in range(len(current["items"]) + NEW_ITEM_ROWS):
        title = request.form.get(f"item-{n}-title", "").strip()
        if not title:
            continue  # a cleared title removes the item
        raw_id = request.form.get(f"item-{n}-id", "")
        items.append(
            {
                "id": int(raw_id) if raw_id.isdigit() else None,
                "title": title,
                "weight": request.form.get(f"item-{n}-weight", ""),
                "outcome": request.form.get(f"item-{n}-outcome", "pending"),
                "outcome_note": request.form.get(f"item-{n}-outcome_note", ""),
            }
        )
    return {"items": items}


def _loaded(kind: str, record_id: int) -> tuple[changes.Target, Any, dict[str, Any]]:
    try:
        return change_views.form_values(kind, record_id, current_user.person)
    except LookupError:
        abort(404)
    except NotAllowed:
        abort(403)


def _render_form(kind: str, record: Any, values: dict[str, Any], status: int = 200, **extra: Any) -> tuple[str, int]:
    page = render_template(
        "changes/new.html",
        kind=kind,
        record=record,
        title=changes.target_of(kind).title(record),
        values=values,
        new_rows=NEW_ITEM_ROWS,
        labels=FIELD_LABELS,
        choices=CHOICES,
        **extra,
    )
    return page, status


@bp.route("/changes/new/<kind>/<int:record_id>", methods=["GET", "POST"])
def new(kind: str, record_id: int) -> Response | tuple[str, int]:
    """One rule for the form and its post: an id no row can have is then a 404 for both (werkzeug answers 405
    when only the other method's rule matched the path)."""
    _target, record, current = _loaded(kind, record_id)
    if request.method == "GET":
        return _render_form(kind, record, current)
    proposed = _form_values(kind, current)
    reason = request.form.get("reason", "")
    try:
        change = changes.propose(kind, record_id, proposed, reason, current_user.person)
    except NotAllowed:
        abort(403)
    except changes.ChangeError as exc:
        return _render_form(kind, record, proposed, 400, error=str(exc), reason=reason)
    flash(_("The change request is submitted for approval."), "success")
    return redirect(url_for("changes.show", change_id=change.id))


@bp.route("/changes/<int:change_id>")
def show(change_id: int) -> str:
    try:
        page = change_views.change_page(change_id, current_user.person)
    except LookupError:
        abort(404)
    except NotAllowed:
        abort(403)
    return render_template(
        "changes/show.html",
        page=page,
        labels=FIELD_LABELS,
        statuses=STATUS_LABELS,
        choices=CHOICES,
        actions=ACTIONS,
    )


@bp.route("/changes/history/<kind>/<int:record_id>")
def history(kind: str, record_id: int) -> str:
    try:
        view = change_views.record_history(kind, record_id, current_user.person)
    except LookupError:
        abort(404)
    except NotAllowed:
        abort(403)
    return render_template("changes/history.html", view=view, labels=FIELD_LABELS, choices=CHOICES)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
