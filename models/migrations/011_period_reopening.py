"""Migration 011_period_reopening (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """R-AUD-1 (issue 9 item 5): a closed period is reopened by the director with a reason, never by deleting its
    closure row; the row keeps who reopened it, when and why. A period may be closed again (a new row), so the
    unique index over (year, month) becomes a partial one over the rows still in force."""
    migrator.add_fields(
        "closed_period",
        reopened_at=pw.DateTimeField(null=True),
        reopened_by=pw.ForeignKeyField(
            column_name="reopened_by_id", field="id", model=migrator.orm["person"], null=True, on_delete="RESTRICT"
        ),
        reopen_reason=pw.TextField(default=""),
    )
    # 001 named the unique index after its model class
    migrator.sql("DROP INDEX closedperiod_year_month")
    migrator.sql("CREATE INDEX closed_period_year_month ON closed_period (year, month)")
    migrator.sql(
        "CREATE UNIQUE INDEX closed_period_in_force ON closed_period (year, COALESCE(month, 0)) "
        "WHERE reopened_at IS NULL"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("DROP INDEX closed_period_in_force")
    migrator.sql("DROP INDEX closed_period_year_month")
    migrator.sql("CREATE UNIQUE INDEX closedperiod_year_month ON closed_period (year, month)")
    migrator.remove_fields("closed_period", "reopened_at", "reopened_by", "reopen_reason")
