"""Models, audit trail and migrations on both backends (R-AUD-1, R-DB-1, R-ORG-3)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import peewee as pw
import pytest

import models
from models import (
    AssessmentYear,
    AuditLog,
    ClosedPeriod,
    Division,
    MonthlyPlan,
    PeriodLocked,
    PlanItem,
    acting_as,
    db,
    init_db,
)
from models.base import audit_batch, update_audited
from models.guard import chain_write
from models.migrate import all_migrations, pending, upgrade
from tests.factories import make_division, make_library_entry, make_log_entry, make_person, make_plan
from tests.querycount import count_queries


def test_every_change_is_audited_with_before_and_after(database):
    """R-AUD-1: who, when, which record, the values before and after."""
    division = make_division(name="规划管理处")
    author = make_person(division=division, name="办公室甲")
    with acting_as(author.id, author.name):
        division.name = "用地规划处"
        division.save()
    row = AuditLog.select().where(AuditLog.model == "Division", AuditLog.action == "update").get()
    assert row.before == {"name": "规划管理处"}
    assert row.after == {"name": "用地规划处"}
    assert (row.actor_id, row.actor_name) == (author.id, "办公室甲")
    assert row.record_id == str(division.id)


def test_saving_without_changes_writes_no_audit_row(database):
    division = make_division()
    before = AuditLog.select().count()
    division.save()
    assert AuditLog.select().count() == before


def test_r_aud_1_a_value_given_in_another_notation_is_no_change(database):
    """R-AUD-1: a save that would store the values already stored writes neither the record nor an audit row:
    60 for 60.00 in a two-decimal column, a datetime given as text, a foreign key given as the row, rules holding
    a Decimal, a bulk update to the current value. A real change still writes one row."""
    division = make_division()
    plan = make_plan(division, weights=(60, 40), submitted_at=dt.datetime(2023, 10, 9, 9, 30, 15, 123456))
    year = AssessmentYear.create(year=2023, rules={"unack_deduction_ratio": "0.5"})
    item = PlanItem.get(PlanItem.plan == plan, PlanItem.seq == 1)
    rows = AuditLog.select().count()
    with count_queries() as statements:
        for weight in (60, Decimal("60.000"), "60"):
            item.weight = weight
            item.save()
        plan = MonthlyPlan.get_by_id(plan.id)
        plan.submitted_at, plan.division = "2023-10-09 09:30:15.123456", division
        plan.save()
        year.rules = {"unack_deduction_ratio": Decimal("0.5")}
        year.save()
        assert update_audited(MonthlyPlan.select().where(MonthlyPlan.id == plan.id), status=plan.status) == []
    assert [sql for sql in statements if not sql.lstrip().upper().startswith("SELECT")] == []
    assert AuditLog.select().count() == rows
    item.weight = Decimal("60.01")
    item.save()
    change = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (change.before, change.after) == ({"weight": "60.00"}, {"weight": "60.01"})


def _edits(division: Division, plan: MonthlyPlan, code: str, batched: bool) -> list[tuple]:
    """Read two rows, change one, save the other unchanged then changed, create and delete a row; the trail."""
    last = AuditLog.select().count() and AuditLog.select().order_by(AuditLog.id.desc()).first().id
    with (
        acting_as(None, "编辑"),
        chain_write("test"),
        db.atomic(),
        audit_batch() if batched else contextlib.nullcontext() as batch,
    ):
        division, plan = Division.get_by_id(division.id), MonthlyPlan.get_by_id(plan.id)
        if batch is not None:
            batch.loaded(division, plan)
        division.sort_order += 10
        division.save()
        plan.save()
        plan.status = "in_review"
        plan.save()
        plan.status = "approved"
        plan.save()
        extra = Division.create(code=code, name="临时处室", category="business")
        extra.delete_instance()
    ids = {("Division", division.id): "division", ("MonthlyPlan", plan.id): "plan", ("Division", extra.id): "extra"}
    return [
        (r.action, r.model, ids[r.model, int(r.record_id)], r.actor_name, _anon(r.before), _anon(r.after))
        for r in AuditLog.select().where(AuditLog.id > last).order_by(AuditLog.id)
    ]


def _anon(values: dict | None) -> dict | None:
    """Audit values without the ids and codes that differ between two otherwise equal runs."""
    return values and {k: v for k, v in values.items() if k not in {"id", "code"}}


def test_a_batch_of_saves_leaves_the_same_trail_as_single_saves(database):
    """The approval hot path queues its audit rows and writes them in one statement (audit_batch); rows it read
    under lock are not read again. The trail is the same row for row."""
    single = _edits(make_division(sort_order=1), make_plan(make_division(), 2023, 10), "X1", batched=False)
    batched = _edits(make_division(sort_order=1), make_plan(make_division(), 2023, 10), "X2", batched=True)
    assert [row[:3] for row in single] == [
        ("update", "Division", "division"),
        ("update", "MonthlyPlan", "plan"),
        ("update", "MonthlyPlan", "plan"),
        ("create", "Division", "extra"),
        ("delete", "Division", "extra"),
    ]
    assert batched == single


def test_a_failed_batch_leaves_no_change_and_no_audit_row(database):
    division = make_division(name="甲处")
    rows = AuditLog.select().count()
    with pytest.raises(RuntimeError, match="中途失败"), db.atomic(), audit_batch() as batch:
        fresh = Division.get_by_id(division.id)
        batch.loaded(fresh)
        fresh.name = "乙处"
        fresh.save()
        raise RuntimeError("中途失败")
    assert Division.get_by_id(division.id).name == "甲处"
    assert AuditLog.select().count() == rows


def test_a_batch_still_refuses_a_closed_period_even_for_an_unchanged_row(database):
    """R-AUD-1: the period lock is checked before a save is skipped for having nothing to write."""
    plan = make_plan(make_division(), 2023, 10)
    ClosedPeriod.create(year=2023, month=10)
    with pytest.raises(PeriodLocked), db.atomic(), audit_batch() as batch:
        fresh = MonthlyPlan.get_by_id(plan.id)
        batch.loaded(fresh)
        fresh.save()


def test_password_hash_never_enters_the_audit_log(database):
    """R-SEC-1: hashed passwords, and the hash is not copied into the trail."""
    person = make_person(password="secret-1")
    person.set_password("secret-2")
    person.save()
    rows = list(AuditLog.select().where(AuditLog.model == "Person").order_by(AuditLog.id))
    for row in rows:
        for values in (row.before or {}, row.after or {}):
            assert values.get("password_hash") in (None, "（已修改，内容不记录）")
            assert "pbkdf2" not in str(values) and "scrypt" not in str(values)
    assert rows[-1].action == "update" and rows[-1].after == {"password_hash": "（已修改，内容不记录）"}, (
        "a password change is audited without its hash"
    )
    assert person.check_password("secret-2") and not person.check_password("secret-1")


def test_delete_is_audited_and_refused_when_a_result_depends_on_it(database):
    """R-AUD-1: nothing is deleted that a result depends on."""
    division = make_division()
    person = make_person(division=division)
    with pytest.raises(pw.IntegrityError), db.atomic():
        division.delete_instance()
    lonely = make_division()
    lonely.delete_instance()
    assert AuditLog.select().where(AuditLog.action == "delete", AuditLog.model == "Division").count() == 1
    assert person.division_id == division.id


def test_closing_a_month_locks_its_logs_and_plans(database):
    """R-AUD-1: closing a period locks it."""
    division = make_division()
    person = make_person(division=division)
    entry = make_log_entry(person, make_library_entry(division), date=dt.date(2023, 10, 9))
    plan = make_plan(division, 2023, 10)
    ClosedPeriod.create(year=2023, month=10)
    entry.quantity = Decimal(2)
    with pytest.raises(PeriodLocked, match="2023年10月已结账锁定"):
        entry.save()
    with pytest.raises(PeriodLocked):
        plan.delete_instance()
    make_log_entry(person, entry.item, date=dt.date(2023, 11, 1))


def test_decimal_hours_round_trip_exactly(database):
    """Money, scores and hours are Decimal, never float."""
    division = make_division()
    item = make_library_entry(division, standard_hours=Decimal("0.1"))
    entry = make_log_entry(make_person(division=division), item, quantity=Decimal(3))
    fresh = type(entry).get_by_id(entry.id)
    assert fresh.hours == Decimal("0.30")
    assert isinstance(fresh.hours, Decimal)


def test_migrations_bring_an_empty_and_a_previous_version_database_to_the_models(tmp_path, database_url):
    """STYLE §9: an empty database and one at the previous schema version both migrate to the models."""
    if database_url.startswith("sqlite"):
        urls = [f"sqlite:///{tmp_path / 'empty.sqlite'}", f"sqlite:///{tmp_path / 'old.sqlite'}"]
    else:
        pytest.importorskip("psycopg2")
        urls = [database_url]
    for i, url in enumerate(urls):
        database = init_db(url)
        with database.connection_context():
            if database_url.startswith("postgres"):
                database.execute_sql("CREATE SCHEMA IF NOT EXISTS migtest")
                database.execute_sql("DROP SCHEMA migtest CASCADE; CREATE SCHEMA migtest")
                database.execute_sql("SET search_path TO migtest")
            names = all_migrations(database)
            assert len(names) >= 2
            if i == 1 or database_url.startswith("postgres"):
                upgrade(database, names[-2])
                assert "division" in database.get_tables()
            upgrade(database)
            for model in models.ALL_MODELS:
                columns = {c.name for c in database.get_columns(model._meta.table_name)}
                assert columns == {f.column_name for f in model._meta.sorted_fields}, model.__name__
            assert pending(database) == []
            if database_url.startswith("postgres"):
                database.execute_sql("SET search_path TO public")
                database.execute_sql("DROP SCHEMA migtest CASCADE")
    init_db(database_url)
