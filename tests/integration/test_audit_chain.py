"""The audit trail is a hash chain (R-AUD-1): `flask audit verify` names the first row changed, removed or slipped
in, and appenders in parallel transactions never fork it."""

from __future__ import annotations

import threading
import time

import pytest

from models import AuditLog, Division, MonthlyPlan, db, init_db
from models.audit import CONTENT_CHANGED, OUT_OF_CHAIN, ROWS_MISSING, row_hash, verify
from models.base import audit_batch, update_audited
from models.guard import chain_write
from models.migrate import all_migrations, upgrade
from tests.factories import make_division, make_plan


def _trail() -> list[int]:
    """A trail of every kind of row: single saves, a batch, a bulk update, a delete, a summary row."""
    division = make_division(name="规划管理处")
    division.name = "总体规划处"
    division.save()
    plan = make_plan(division, weights=(100,))
    with db.atomic(), audit_batch(), chain_write("a step"):
        plan.status = "submitted"
        plan.save()
        make_division(name="临时处室").delete_instance()
    with chain_write("a step"):
        update_audited(MonthlyPlan.select().where(MonthlyPlan.id == plan.id), status="approved")
    AuditLog.create(actor_name="demo", action="create", model="DemoBureau", record_id="2023", after={})
    return [row_id for (row_id,) in AuditLog.select(AuditLog.id).order_by(AuditLog.id).tuples()]


def test_r_aud_1_verify_passes_on_a_fresh_trail_and_reports_its_head(database, runner):
    ids = _trail()
    result = verify(batch_size=3)  # pages smaller than the trail
    assert result.intact and result.rows == len(ids) == 9
    assert (result.head_id, result.head_hash) == (ids[-1], AuditLog.get_by_id(ids[-1]).hash)
    outcome = runner.invoke(args=["audit", "verify"])
    assert outcome.exit_code == 0, outcome.output
    assert f"留痕链完整：共 {len(ids)} 行" in outcome.output and result.head_hash in outcome.output


def test_r_aud_1_every_row_links_to_the_one_before_it(database):
    _trail()
    rows = list(AuditLog.select().order_by(AuditLog.id))
    assert [r.prev_hash for r in rows] == ["0" * 64] + [r.hash for r in rows[:-1]]
    first = rows[0]
    assert first.hash == row_hash(
        first.prev_hash,
        "create",
        "Division",
        first.record_id,
        None,
        "system",
        first.at,
        None,
        db.execute_sql(f'SELECT "after" FROM audit_log WHERE id = {first.id}').fetchone()[0],
    )


def _edit_after(ids: list[int]) -> tuple[int, int | None]:
    db.execute_sql(f'UPDATE audit_log SET "after" = \'{{"name": "篡改"}}\' WHERE id = {ids[3]}')
    return ids[3], ids[2]


def _delete_middle(ids: list[int]) -> tuple[int, int | None]:
    db.execute_sql(f"DELETE FROM audit_log WHERE id = {ids[4]}")
    return ids[5], ids[3]


def _delete_first(ids: list[int]) -> tuple[int, int | None]:
    db.execute_sql(f"DELETE FROM audit_log WHERE id = {ids[0]}")
    return ids[1], None


def _insert_without_hash(ids: list[int]) -> tuple[int, int | None]:
    db.execute_sql(
        "INSERT INTO audit_log (at, actor_name, action, model, record_id) "
        "VALUES ('2023-10-09 09:00:00', '某人', 'update', 'Division', '1')"
    )
    return AuditLog.select().order_by(AuditLog.id.desc()).first().id, ids[-1]


def _slip_in(ids: list[int], link_to_previous: bool) -> tuple[int, int | None]:
    """A row placed between the last two with a hash of its own, linking to the row before (a forger who knows
    the recipe) or to nothing."""
    last = ids[-1]
    db.execute_sql(f"UPDATE audit_log SET id = {last + 100} WHERE id = {last}")
    before = AuditLog.get_by_id(ids[-2])
    prev = before.hash if link_to_previous else "f" * 64
    at = "2023-10-09 09:00:00"
    digest = row_hash(prev, "update", "Division", "1", None, "某人", at, None, '{"name": "伪造"}')
    param = db.obj.param
    db.execute_sql(
        'INSERT INTO audit_log (id, at, actor_name, action, model, record_id, "after", prev_hash, hash) '
        f"VALUES ({last}, {param}, '某人', 'update', 'Division', '1', '{{\"name\": \"伪造\"}}', {param}, {param})",
        (at, prev, digest),
    )
    return last, ids[-2]


TAMPERING = {
    "after changed by raw SQL": (_edit_after, CONTENT_CHANGED, "该行内容已被改动"),
    "a middle row deleted": (_delete_middle, ROWS_MISSING, "有记录被删除"),
    "the first row deleted": (_delete_first, ROWS_MISSING, "之前（链首）有记录被删除"),
    "a row inserted without a hash": (_insert_without_hash, OUT_OF_CHAIN, "该行不在链中"),
    "a row slipped in, linked to the row before": (lambda ids: _slip_in(ids, True), OUT_OF_CHAIN, "该行不在链中"),
    "a row slipped in, linked to nothing": (lambda ids: _slip_in(ids, False), OUT_OF_CHAIN, "该行不在链中"),
}


@pytest.mark.parametrize("case", TAMPERING, ids=list(TAMPERING))
def test_r_aud_1_verify_names_the_first_broken_link(database, runner, case):
    """R-AUD-1: a row changed, deleted or inserted behind the application's back is reported at that row (a
    deleted row at the one after it), with a Chinese message and exit code 1."""
    tamper, kind, message = TAMPERING[case]
    ids = _trail()
    row_id, previous_id = tamper(ids)
    result = verify(batch_size=4)
    assert result.broken is not None
    assert (result.broken.kind, result.broken.row_id, result.broken.previous_id) == (kind, row_id, previous_id)
    outcome = runner.invoke(args=["audit", "verify"])
    assert outcome.exit_code == 1
    assert f"留痕链在 id {row_id} 处断开" in outcome.output and message in outcome.output


def test_r_aud_1_two_transactions_appending_at_once_keep_one_chain(database):
    """R-AUD-1: two threads, each on its own connection, append in parallel transactions; the first holds its
    transaction open after appending, so the second must wait for it instead of chaining onto the same head."""
    first_appended = threading.Event()
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        db.connect()
        try:
            start.wait()
            if n == 1:
                first_appended.wait(5)
            for i in range(8):
                with db.atomic():
                    Division.create(code=f"T{n}-{i}", name=f"线程{n}处室{i}", category="business")
                    if n == 0 and i == 0:
                        first_appended.set()
                        time.sleep(0.3)  # still uncommitted while the other thread appends
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    result = verify()
    assert result.intact and result.rows == 16
    prev_hashes = [prev for (prev,) in AuditLog.select(AuditLog.prev_hash).tuples()]
    assert len(set(prev_hashes)) == 16, "no two rows chain onto the same head"


def test_r_aud_1_the_migration_chains_the_rows_written_before_it(tmp_path, database_url):
    """Rows written before migration 010 are chained in id order, and the trail verifies."""
    schema = database_url.startswith("postgres")
    url = database_url if schema else f"sqlite:///{tmp_path / 'old.sqlite'}"
    database = init_db(url)
    try:
        with database.connection_context():
            if schema:
                database.execute_sql("DROP SCHEMA IF EXISTS chaintest CASCADE; CREATE SCHEMA chaintest")
                database.execute_sql("SET search_path TO chaintest")
            names = all_migrations(database)
            upgrade(database, names[names.index("010_audit_chain") - 1])
            for n in range(5):
                database.execute_sql(
                    'INSERT INTO audit_log (at, actor_name, action, model, record_id, "after") '
                    f"VALUES ('2023-10-0{n + 1} 09:00:00', '旧系统', 'create', 'Division', '{n}', '{{}}')"
                )
            upgrade(database)
            result = verify()
            assert result.intact and result.rows == 5
            if schema:
                database.execute_sql("SET search_path TO public")
                database.execute_sql("DROP SCHEMA chaintest CASCADE")
    finally:
        init_db(database_url)
