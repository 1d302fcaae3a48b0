"""Migration 002_plans_worklog_assessment (peewee-migrate; see models/migrate.py)."""

from decimal import ROUND_HALF_UP, Decimal  # noqa: F401

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    

    @migrator.create_model
    class Absence(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        kind = pw.CharField(max_length=12)
        start = pw.DateField()
        end = pw.DateField()
        note = pw.CharField(default='', max_length=200)

        class Meta:
            table_name = "absence"
            indexes = [(('person', 'start'), False)]

    @migrator.create_model
    class Adjustment(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField(index=True)
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        kind = pw.CharField(max_length=10)
        category = pw.CharField(max_length=20)
        points = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        reason = pw.TextField()
        evidence = pw.TextField(default='')
        status = pw.CharField(default='draft', index=True, max_length=10)

        class Meta:
            table_name = "adjustment"

    @migrator.create_model
    class AnalysisMeeting(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        month = pw.IntegerField()
        date = pw.DateField()
        report_due = pw.DateField()
        notes = pw.TextField(default='')

        class Meta:
            table_name = "analysis_meeting"
            indexes = [(('year', 'month'), True)]

    @migrator.create_model
    class AnnualArrangement(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        content = pw.TextField()
        status = pw.CharField(default='draft', index=True, max_length=10)

        class Meta:
            table_name = "annual_arrangement"
            indexes = [(('year', 'division'), True)]

    @migrator.create_model
    class AnnualTarget(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField(index=True)
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        source = pw.CharField(max_length=20)
        title = pw.CharField(max_length=200)
        description = pw.TextField(default='')
        status = pw.CharField(default='draft', index=True, max_length=10)

        class Meta:
            table_name = "annual_target"

    @migrator.create_model
    class Appeal(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField(index=True)
        month = pw.IntegerField(null=True)
        appellant = pw.ForeignKeyField(column_name='appellant_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], null=True, on_delete='RESTRICT')
        subject = pw.CharField(max_length=200)
        grounds = pw.TextField()
        status = pw.CharField(default='filed', index=True, max_length=12)
        answer = pw.TextField(default='')
        value_before = pw.CharField(default='', max_length=100)
        value_after = pw.CharField(default='', max_length=100)
        filed_at = pw.DateTimeField()

        class Meta:
            table_name = "appeal"

    @migrator.create_model
    class DemocraticEvaluation(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        score = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)

        class Meta:
            table_name = "democratic_evaluation"
            indexes = [(('year', 'person'), True)]

    @migrator.create_model
    class Exemption(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        from_date = pw.DateField()
        reason = pw.TextField()
        status = pw.CharField(default='draft', index=True, max_length=10)

        class Meta:
            table_name = "exemption"

    @migrator.create_model
    class ExtraTimeClaim(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        date = pw.DateField()
        hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        bulletin = pw.CharField(max_length=100)
        standard = pw.CharField(max_length=100)
        reason = pw.TextField(default='')
        status = pw.CharField(default='draft', index=True, max_length=10)

        class Meta:
            table_name = "extra_time_claim"
            indexes = [(('person', 'date'), False)]

    @migrator.create_model
    class GradeOverride(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        grade = pw.CharField(max_length=20)
        reason = pw.TextField(default='')

        class Meta:
            table_name = "grade_override"
            indexes = [(('year', 'person'), True)]

    @migrator.create_model
    class ImprovementRecord(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        month = pw.IntegerField(null=True)
        kind = pw.CharField(max_length=10)
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        findings = pw.TextField()
        actions = pw.TextField()
        date = pw.DateField()

        class Meta:
            table_name = "improvement_record"

    @migrator.create_model
    class ItemLibraryEntry(pw.Model):
        id = pw.AutoField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        name = pw.CharField(max_length=100)
        unit = pw.CharField(default='件', max_length=20)
        standard_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        category = pw.CharField(default='', max_length=50)
        active = pw.BooleanField(default=True)

        class Meta:
            table_name = "item_library_entry"
            indexes = [(('division', 'name'), True)]

    @migrator.create_model
    class MassEvaluation(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        score = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)

        class Meta:
            table_name = "mass_evaluation"
            indexes = [(('year', 'division'), True)]

    @migrator.create_model
    class MonthlyPlan(pw.Model):
        id = pw.AutoField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        year = pw.IntegerField()
        month = pw.IntegerField()
        status = pw.CharField(default='draft', index=True, max_length=10)
        submitted_at = pw.DateTimeField(null=True)
        approved_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "monthly_plan"
            indexes = [(('division', 'year', 'month'), True), (('year', 'month'), False)]

    @migrator.create_model
    class MonthlyReport(pw.Model):
        id = pw.AutoField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        year = pw.IntegerField()
        month = pw.IntegerField()
        completion = pw.TextField(default='')
        next_targets = pw.TextField(default='')
        due = pw.DateField(null=True)
        submitted_at = pw.DateTimeField(null=True)
        late = pw.BooleanField(default=False)
        status = pw.CharField(default='draft', index=True, max_length=10)

        class Meta:
            table_name = "monthly_report"
            indexes = [(('division', 'year', 'month'), True)]

    @migrator.create_model
    class PlanItem(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['monthly_plan'], on_delete='CASCADE')
        seq = pw.IntegerField(default=0)
        title = pw.CharField(max_length=200)
        weight = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        target = pw.ForeignKeyField(column_name='target_id', field='id', model=migrator.orm['annual_target'], null=True, on_delete='SET NULL')
        outcome = pw.CharField(default='pending', index=True, max_length=20)
        outcome_note = pw.TextField(default='')
        adjustment = pw.TextField(default='')

        class Meta:
            table_name = "plan_item"

    @migrator.create_model
    class Veto(pw.Model):
        id = pw.AutoField()
        year = pw.IntegerField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        reason = pw.TextField()

        class Meta:
            table_name = "veto"
            indexes = [(('year', 'division'), True)]

    @migrator.create_model
    class WeeklyReview(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        week_start = pw.DateField()
        rater = pw.ForeignKeyField(column_name='rater_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        due = pw.DateField()
        status = pw.CharField(default='open', index=True, max_length=10)
        rated_at = pw.DateTimeField(null=True)
        late = pw.BooleanField(default=False)
        comment = pw.TextField(default='')

        class Meta:
            table_name = "weekly_review"
            indexes = [(('person', 'week_start'), True), (('status', 'due'), False)]

    @migrator.create_model
    class WeeklyTask(pw.Model):
        id = pw.AutoField()
        division = pw.ForeignKeyField(column_name='division_id', field='id', model=migrator.orm['division'], on_delete='RESTRICT')
        week_start = pw.DateField(index=True)
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], null=True, on_delete='RESTRICT')
        plan_item = pw.ForeignKeyField(column_name='plan_item_id', field='id', model=migrator.orm['plan_item'], null=True, on_delete='SET NULL')
        title = pw.CharField(max_length=200)
        status = pw.CharField(default='declared', max_length=10)

        class Meta:
            table_name = "weekly_task"

    @migrator.create_model
    class WorkLogEntry(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='RESTRICT')
        date = pw.DateField()
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['item_library_entry'], on_delete='RESTRICT')
        quantity = pw.DecimalField(auto_round=True, decimal_places=2, default=Decimal('1.00'), max_digits=10, rounding=ROUND_HALF_UP)
        description = pw.TextField(default='')
        hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, rounding=ROUND_HALF_UP)
        confirmed_hours = pw.DecimalField(auto_round=True, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_UP)
        status = pw.CharField(default='draft', max_length=10)
        review = pw.ForeignKeyField(column_name='review_id', field='id', model=migrator.orm['weekly_review'], null=True, on_delete='SET NULL')
        review_note = pw.CharField(default='', max_length=200)

        class Meta:
            table_name = "work_log_entry"
            indexes = [(('person', 'date'), False), (('date', 'status'), False)]

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    

    migrator.remove_model('work_log_entry')

    migrator.remove_model('weekly_task')

    migrator.remove_model('weekly_review')

    migrator.remove_model('veto')

    migrator.remove_model('plan_item')

    migrator.remove_model('monthly_report')

    migrator.remove_model('monthly_plan')

    migrator.remove_model('mass_evaluation')

    migrator.remove_model('item_library_entry')

    migrator.remove_model('improvement_record')

    migrator.remove_model('grade_override')

    migrator.remove_model('extra_time_claim')

    migrator.remove_model('exemption')

    migrator.remove_model('democratic_evaluation')

    migrator.remove_model('appeal')

    migrator.remove_model('annual_target')

    migrator.remove_model('annual_arrangement')

    migrator.remove_model('analysis_meeting')

    migrator.remove_model('adjustment')

    migrator.remove_model('absence')
