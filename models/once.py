"""One-time tokens of the portal's forms (issue 10 §2): a form carries a token; the write it asks for consumes
it in the write's own transaction, so a double click or a replayed request finds the first answer instead of
writing twice (services/once.py). Infrastructure, not a record of the bureau: no admin screen, no audit row."""

from __future__ import annotations

import peewee as pw

from models.base import db


class FormToken(pw.Model):
    """A consumed token, who used it and what the first write answered (e.g. the id of the case it started).
    `person_id` is a plain number, not a foreign key: a token never holds a lock on, or blocks deleting, a
    person."""

    token = pw.CharField(max_length=64, primary_key=True)
    person_id = pw.IntegerField()
    used_at = pw.DateTimeField(index=True)
    result = pw.CharField(max_length=100, null=True)

    class Meta:
        database = db
        table_name = "form_token"
