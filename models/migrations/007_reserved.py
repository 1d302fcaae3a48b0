"""Migration 007_reserved (peewee-migrate; see models/migrate.py)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """No schema change. peewee-migrate names a new migration by counting the files, so the gap once left
    between 006 and 008 made the next generated file collide with 008; this file closes the gap."""


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Nothing to undo."""
