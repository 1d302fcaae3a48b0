"""One-time tokens in the portal's forms (issue 10 §2): `once_token()` in a template issues one; a view runs its
write through `submitted()`, so a double click or a resent form gets the first answer, not a second case."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, flash, request
from flask_babel import gettext as _
from flask_login import current_user

from models import WorkflowCase
from services import once
from services.approvals import ApprovalError


def submitted(write: Callable[[], WorkflowCase]) -> WorkflowCase:
    """The case `write` starts, once per form token: a replay of the token answers with the case the first
    request started (and says so) without writing anything. Refusals stay `ApprovalError`s."""
    try:
        outcome = once.run(request.form.get(once.FIELD), current_user.person.id, lambda: write().id)
    except once.TokenOfAnother:
        raise ApprovalError(_("This form was sent by someone else. Reload the page and try again.")) from None
    case = WorkflowCase.get_by_id(int(outcome.result))
    if outcome.replayed:
        flash(_("This form had already been sent; nothing was submitted twice."), "info")
    return case


def init_app(app: Flask) -> None:
    app.jinja_env.globals["once_token"] = once.issue
