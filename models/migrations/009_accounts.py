"""Migration 009_accounts (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Accounts and sessions (issue 9 §7): the system-administrator role, the forced first password change,
    the session version that ends a person's sessions, and the lockout after repeated wrong passwords."""
    migrator.add_fields(
        "person",
        system_admin=pw.BooleanField(default=False),
        must_change_password=pw.BooleanField(default=False),
        session_version=pw.IntegerField(default=0),
        failed_logins=pw.IntegerField(default=0),
        locked_until=pw.DateTimeField(null=True),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields(
        "person", "system_admin", "must_change_password", "session_version", "failed_logins", "locked_until"
    )
