"""Migration 001_organisation (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator




def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    
    @migrator.create_model
    class AssessmentYear(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField(unique=True)
        period_start = pw.IntegerField(default=1)
        period_end = pw.IntegerField(default=12)
        rules = pw.TextField()
        locked = pw.BooleanField(default=False)

        class Meta:
            table_name = "assessment_year"

    @migrator.create_model
    class AuditLog(pw.Model):
        id = pw.AutoField()
        at = pw.DateTimeField(index=True)
        actor_id = pw.IntegerField(index=True, null=True)
        actor_name = pw.CharField(default='', max_length=100)
        action = pw.CharField(max_length=10)
        model = pw.CharField(index=True, max_length=60)
        record_id = pw.CharField(index=True, max_length=60)
        before = pw.TextField(null=True)
        after = pw.TextField(null=True)

        class Meta:
            table_name = "audit_log"
            indexes = [(('model', 'record_id'), False)]

    @migrator.create_model
    class CalendarOverride(pw.Model):
        id = pw.AutoField()
        date = pw.DateField(unique=True)
        kind = pw.CharField(max_length=10)
        note = pw.CharField(default='', max_length=100)

        class Meta:
            table_name = "calendar_override"

    @migrator.create_model
    class Division(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=20, unique=True)
        name = pw.CharField(max_length=50, unique=True)
        category = pw.CharField(max_length=10)
        sort_order = pw.IntegerField(default=0)
        active = pw.BooleanField(default=True)

        class Meta:
            table_name = "division"

    @migrator.create_model
    class Person(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=20, unique=True)
        name = pw.CharField(index=True, max_length=50)
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], null=True, on_delete='RESTRICT')
        position = pw.CharField(index=True, max_length=10)
        level = pw.CharField(max_length=20)
        employment = pw.CharField(default='regular', max_length=10)
        joined = pw.DateField(null=True)
        left = pw.DateField(null=True)
        office_member = pw.BooleanField(default=False)
        party_group_member = pw.BooleanField(default=False)
        username = pw.CharField(max_length=50, null=True, unique=True)
        password_hash = pw.CharField(max_length=255, null=True)
        active = pw.BooleanField(default=True)
        locale = pw.CharField(default='zh_Hans_CN', max_length=10)

        class Meta:
            table_name = "person"

    @migrator.create_model
    class ClosedPeriod(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        month = pw.IntegerField(null=True)
        closed_at = pw.DateTimeField()
        closed_by = pw.ForeignKeyField(column_name='closed_by_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')

        class Meta:
            table_name = "closed_period"
            indexes = [(('year', 'month'), True)]

    @migrator.create_model
    class DivisionMembership(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        position = pw.CharField(max_length=10)
        start = pw.DateField()
        end = pw.DateField(null=True)

        class Meta:
            table_name = "division_membership"
            indexes = [(('person', 'start'), True)]

    @migrator.create_model
    class DocumentSequence(pw.Model):
        id = pw.AutoField()
        prefix = pw.CharField(max_length=20)
        year = pw.IntegerField()
        last = pw.IntegerField(default=0)

        class Meta:
            table_name = "document_sequence"
            indexes = [(('prefix', 'year'), True)]

    @migrator.create_model
    class LeaderAssignment(pw.Model):
        id = pw.AutoField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='CASCADE', unique=True)
        leader = pw.ForeignKeyField(column_name='leader_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')

        class Meta:
            table_name = "leader_assignment"

    @migrator.create_model
    class PayStandard(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField(index=True)
        level = pw.CharField(max_length=20)
        org_monthly = pw.DecimalField(auto_round=True, decimal_places=2, default=Decimal('0'), max_digits=14, rounding=ROUND_HALF_UP)
        personal_monthly = pw.DecimalField(auto_round=True, decimal_places=2, default=Decimal('0'), max_digits=14, rounding=ROUND_HALF_UP)
        competitive_rate = pw.DecimalField(auto_round=True, decimal_places=2, default=Decimal('0'), max_digits=14, rounding=ROUND_HALF_UP)
        annual_base = pw.DecimalField(auto_round=True, decimal_places=2, default=Decimal('0'), max_digits=14, rounding=ROUND_HALF_UP)

        class Meta:
            table_name = "pay_standard"
            indexes = [(('year', 'level'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    
    migrator.remove_model('pay_standard')

    migrator.remove_model('leader_assignment')

    migrator.remove_model('document_sequence')

    migrator.remove_model('division_membership')

    migrator.remove_model('closed_period')

    migrator.remove_model('person')

    migrator.remove_model('division')

    migrator.remove_model('calendar_override')

    migrator.remove_model('audit_log')

    migrator.remove_model('assessment_year')
