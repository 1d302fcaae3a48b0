"""Migration 005_covering_index_for_confirmed_hours (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """A covering index for the yearly sum of confirmed hours (index-only scan at city scale)."""
    migrator.sql("DROP INDEX IF EXISTS worklogentry_person_id_date")
    migrator.sql(
        "CREATE INDEX IF NOT EXISTS worklogentry_person_id_date_status_confirmed_hours "
        "ON work_log_entry (person_id, date, status, confirmed_hours)"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    migrator.sql("DROP INDEX IF EXISTS worklogentry_person_id_date_status_confirmed_hours")
    migrator.sql("CREATE INDEX IF NOT EXISTS worklogentry_person_id_date ON work_log_entry (person_id, date)")

