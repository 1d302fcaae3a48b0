"""Migration 008_done_tasks_by_person (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """已办: a person's completed tasks, newest first, read from the index. It also serves the foreign key, so
    the single-column index on completed_by_id goes."""
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS workflowtask_completed_by_id_completed_at "
        "ON workflow_task (completed_by_id, completed_at)"
    )
    migrator.sql("DROP INDEX IF EXISTS workflowtask_completed_by_id")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("CREATE INDEX IF NOT EXISTS workflowtask_completed_by_id ON workflow_task (completed_by_id)")
    migrator.sql("DROP INDEX IF EXISTS workflowtask_completed_by_id_completed_at")
