"""Peewee migrations -- 006_issued_documents.py.

Some examples (model - class or model name)::

    > Model = migrator.orm['table_name']            # Return model in current state by name
    > Model = migrator.ModelClass                   # Return model in current state by name

    > migrator.sql(sql)                             # Run custom SQL
    > migrator.run(func, *args, **kwargs)           # Run python function with the given args
    > migrator.create_model(Model)                  # Create a model (could be used as decorator)
    > migrator.remove_model(model, cascade=True)    # Remove a model
    > migrator.add_fields(model, **fields)          # Add fields (allow_not_null=True skips default)
    > migrator.change_fields(model, **fields)       # Change fields
    > migrator.remove_fields(model, *field_names, cascade=True)
    > migrator.rename_field(model, old_field_name, new_field_name)
    > migrator.rename_table(model, new_table_name)
    > migrator.add_index(model, *col_names, unique=False)
    > migrator.add_not_null(model, *field_names)
    > migrator.add_default(model, field_name, default)
    > migrator.add_constraint(model, name, sql)
    > migrator.drop_index(model, *col_names)
    > migrator.drop_not_null(model, *field_names)
    > migrator.drop_constraints(model, *constraints)

"""

from contextlib import suppress

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator

with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext

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
