"""Migration 010_audit_chain (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """R-AUD-1: every audit row carries the hash of its content and of the row before it (models/audit.py); the
    rows written before this migration are chained in id order."""
    migrator.add_fields(
        "audit_log",
        prev_hash=pw.CharField(max_length=64, null=True),
        hash=pw.CharField(max_length=64, null=True),
    )
    migrator.run(_chain_existing_rows, database)


def _chain_existing_rows(database: pw.Database) -> None:
    from models.audit import rechain

    rechain(database)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("audit_log", "prev_hash", "hash")
