"""Migration 015_jobs (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """The job table (models/jobs.py): queued, running and finished long work, shared by every worker."""

    @migrator.create_model
    class Job(pw.Model):
        id = pw.CharField(max_length=32, primary_key=True)
        kind = pw.CharField(max_length=40)
        params = pw.TextField()
        state = pw.CharField(max_length=16, default="queued")
        done = pw.IntegerField(default=0)
        total = pw.IntegerField(default=0)
        attempts = pw.IntegerField(default=0)
        error = pw.TextField(default="")
        result = pw.TextField(null=True)
        started_by = pw.ForeignKeyField(
            column_name="started_by_id",
            field="id",
            model=migrator.orm["person"],
            null=True,
            on_delete="SET NULL",
            backref="+",
        )
        created_at = pw.DateTimeField()
        started_at = pw.DateTimeField(null=True)
        finished_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "job"
            indexes = ((("state", "created_at"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("job")
