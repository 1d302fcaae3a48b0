"""Exactly once (issue 10 §2, R-WF-1): a form carries a one-time token, and the write it asks for consumes the
token in the write's own transaction.

The token row is inserted first, so a second request with the same token — a double click, a resent form —
waits for the first (the row's primary key on PostgreSQL, the write lock on SQLite) and then finds the first
answer instead of writing again. If the first write fails its transaction takes the token with it, and the
second simply tries. A request without a token is not protected here; the database's own constraints still
keep it from writing a duplicate (models/migrations/014_exactly_once.py).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from models import db
from models.once import FormToken
from services import clock

FIELD = "once_token"
_SHAPE = re.compile(r"[0-9a-f]{32}")


class TokenOfAnother(Exception):  # noqa: N818 - a refusal with a message, like ApprovalError
    """The token was used by another person: a form copied between sessions is not replayed."""


@dataclass(frozen=True)
class Outcome:
    """What the write answered (e.g. the id of the case it started), and whether this request was a replay."""

    result: str
    replayed: bool


def issue() -> str:
    """A fresh token for a form; nothing is stored until a write consumes it."""
    return secrets.token_hex(16)


def usable(token: str | None) -> str | None:
    """The token if it has the shape `issue()` gives, else None (an absent or forged token protects nothing)."""
    return token if token and _SHAPE.fullmatch(token) else None


def _first_answer(token: str, person_id: int) -> Outcome | None:
    row = FormToken.get_or_none(FormToken.token == token)
    if row is None:
        return None
    if row.person_id != person_id:
        raise TokenOfAnother(token)
    return Outcome(row.result or "", True)


def run(token: str | None, person_id: int, write: Callable[[], object]) -> Outcome:
    """Do `write` once per token: in one transaction, consume the token, write, and keep `str(write())` as
    the answer a replay of the token gets. Without a usable token `write` simply runs (in its own transaction)."""
    token = usable(token)
    if token is None:
        return Outcome(str(write()), False)
    with db.atomic():
        known = _first_answer(token, person_id)
        if known is not None:
            return known
        try:
            with db.atomic():  # a savepoint: a concurrent twin's row makes this insert wait, then fail
                FormToken.insert(token=token, person_id=person_id, used_at=clock.now()).execute()
        except pw.IntegrityError:
            known = _first_answer(token, person_id)
            if known is None:  # pragma: no cover - the twin's row vanished between the insert and the read
                raise
            return known
        result = str(write())
        FormToken.update(result=result[:100]).where(FormToken.token == token).execute()
    return Outcome(result, False)


def purge(before: object) -> int:
    """Forget tokens used before `before` (a datetime); a form older than that is not recognised as a replay."""
    return FormToken.delete().where(FormToken.used_at < before).execute()
