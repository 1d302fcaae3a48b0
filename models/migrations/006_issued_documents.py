"""Migration 006_issued_documents (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    

    @migrator.create_model
    class IssuedDocument(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=20)
        year = pw.IntegerField()
        month = pw.IntegerField(null=True)
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], null=True, on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        prefix = pw.CharField(max_length=20)
        doc_year = pw.IntegerField()
        seq = pw.IntegerField()
        number = pw.CharField(max_length=40, unique=True)
        title = pw.CharField(max_length=200)
        snapshot = pw.ForeignKeyField(column_name='snapshot_id', field='id', model=migrator.orm['score_snapshot'], null=True, on_delete='RESTRICT')
        sha256 = pw.CharField(max_length=64)
        size = pw.IntegerField()
        pdf = pw.BlobField()
        issued_at = pw.DateTimeField()
        issued_by = pw.ForeignKeyField(column_name='issued_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        replaces = pw.ForeignKeyField(column_name='replaces_id', field='id', model='self', null=True, unique=True)
        reason = pw.CharField(default='', max_length=200)

        class Meta:
            table_name = "issued_document"
            indexes = [(('prefix', 'doc_year', 'seq'), True), (('kind', 'year', 'month'), False)]

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    

    migrator.remove_model('issued_document')
