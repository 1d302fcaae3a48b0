"""Migration 012_reserved (peewee-migrate; see models/migrate.py)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """No schema change. peewee-migrate names a new migration by counting the files, so the gap left between
    011 and 013 (numbers handed out to parallel work) would make the next generated file collide; this closes it."""


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Nothing to undo."""
