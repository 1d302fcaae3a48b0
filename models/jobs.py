"""Jobs (后台任务): long work that runs on a queue worker, with its state kept here so that every web worker,
on every machine, reports the same progress, and a restart loses nothing (docs/deploy.md).

A job row is operational state, not a record of the bureau: it is not audited (what a job writes is), and its
progress is written many times a minute.
"""

from __future__ import annotations

import peewee as pw

from models.base import JSONField, db
from models.org import Person

STATES = ("queued", "running", "done", "failed")


class Job(pw.Model):
    """One piece of long work (a notice batch, a recompute): what, for whom, how far, and how it ended."""

    id = pw.CharField(max_length=32, primary_key=True)
    kind = pw.CharField(max_length=40)
    params = JSONField(default=dict)
    state = pw.CharField(max_length=16, default="queued")  # queued | running | done | failed
    done = pw.IntegerField(default=0)
    total = pw.IntegerField(default=0)
    attempts = pw.IntegerField(default=0)
    error = pw.TextField(default="")
    result = JSONField(null=True)
    started_by = pw.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    created_at = pw.DateTimeField()
    started_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)

    class Meta:
        database = db
        legacy_table_names = False
        table_name = "job"
        indexes = ((("state", "created_at"), False),)
