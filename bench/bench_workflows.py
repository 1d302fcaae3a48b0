"""Approval chains with persistence (issue 5, speed): start a case, complete one task (engine + database, one
transaction), and the task-list page with 100,000 finished and 5,000 open cases in the database.

Goals: a completed task under 15 ms p95; the task list under 100 ms, independent of how many finished cases
exist. Starting and completing are audited, as in the portal; the bulk rows are not. Prints figures and the
statements one completion runs, asserts nothing. Run from the repository root:

    python -m bench.bench_workflows                       # SQLite in a temporary file
    python -m bench.bench_workflows --db postgresql://postgres@127.0.0.1:5432/postgres
                                                          # also PostgreSQL, in a scratch database made beside it
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import statistics
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import models
from models import (
    Division,
    LeaderAssignment,
    MonthlyPlan,
    Person,
    PlanItem,
    WorkflowCase,
    WorkflowTask,
    acting_as,
    audit_suspended,
    db,
    init_db,
)
from models.migrate import upgrade
from services import approvals, clock

TODAY = dt.date(2023, 12, 27)


def _figures(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(f"  {name:<58} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ms)})")


def _org() -> dict:
    models.org.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a hashing method, not a password
    divisions = [Division.create(code=f"D{i}", name=f"处室{i}", category="business", sort_order=i) for i in range(8)]
    people: dict = {"heads": []}
    for i, division in enumerate(divisions):
        people["heads"].append(
            Person.create(code=f"H{i}", name=f"处长{i}", division=division, position="head", level="处级")
        )
    people["office"] = Person.create(
        code="O1", name="绩效办", division=divisions[-1], position="staff", level="科级", office_member=True
    )
    people["leaders"] = []
    for i in range(2):
        leader = Person.create(code=f"L{i}", name=f"分管{i}", position="leader", level="副局级")
        people["leaders"].append(leader)
        for division in divisions[i * 4 : (i + 1) * 4]:
            LeaderAssignment.create(division=division, leader=leader)
    Person.create(code="DIR", name="局长", position="director", level="局级")
    people["divisions"] = divisions
    return people


def _plans(people: dict, count: int, year0: int) -> list[MonthlyPlan]:
    plans = []
    for n in range(count):
        division = people["divisions"][n % 8]
        plan = MonthlyPlan.create(division=division, year=year0 + n // 96, month=(n // 8) % 12 + 1)
        for seq, weight in enumerate((40, 35, 25), 1):
            PlanItem.create(plan=plan, seq=seq, title=f"事项{seq}", weight=Decimal(weight))
        plans.append(plan)
    return plans


def _bulk(people: dict, finished: int, open_: int, first_subject: int) -> None:
    """Finished cases with three done tasks each, and open cases waiting at the office (half) or at a leader
    (half) — inserted directly: the task list reads only these tables."""
    diagram = approvals.latest_diagram("monthly_plan")
    divisions = people["divisions"]
    leaders = {a.division_id: a.leader_id for a in LeaderAssignment.select()}
    now = dt.datetime.combine(TODAY, dt.time(9))

    def insert(rows: list[dict], model) -> None:
        for start in range(0, len(rows), 5000):
            model.insert_many(rows[start : start + 5000]).execute()

    for kind, count in (("finished", finished), ("open", open_)):
        done = kind == "finished"
        base = WorkflowCase.select().count()
        for chunk in range(0, count, 20000):
            n_rows = min(20000, count - chunk)
            with db.atomic():
                insert(
                    [
                        {
                            "diagram": diagram.id,
                            "chain": "monthly_plan",
                            "subject_model": "MonthlyPlan",
                            "subject_id": first_subject + base + chunk + i,
                            "title": f"批量{kind} {chunk + i}",
                            "division": divisions[(chunk + i) % 8].id,
                            "state": "{}",
                            "finished": done,
                            "outcome": "approved" if done else None,
                            "started_at": now,
                            "updated_at": now,
                        }
                        for i in range(n_rows)
                    ],
                    WorkflowCase,
                )
                ids = [
                    cid
                    for (cid,) in WorkflowCase.select(WorkflowCase.id)
                    .where(WorkflowCase.id > 0)
                    .order_by(WorkflowCase.id.desc())
                    .limit(n_rows)
                    .tuples()
                ]
                tasks = []
                for i, cid in enumerate(ids):
                    division = divisions[i % 8]
                    if done:
                        for step, lane in (
                            ("office_review", "office"),
                            ("leader_approve", "leader"),
                            ("d", "director"),
                        ):
                            tasks.append(
                                {
                                    "case": cid,
                                    "task_id": f"{cid}-{step}",
                                    "bpmn_id": step,
                                    "name": step,
                                    "lane": lane,
                                    "division": division.id,
                                    "due": TODAY - dt.timedelta(days=30),
                                    "created_at": now,
                                    "status": "done",
                                    "completed_by": people["office"].id,
                                    "completed_at": now,
                                    "decision": "approve",
                                }
                            )
                    else:
                        at_office = i % 2 == 0
                        tasks.append(
                            {
                                "case": cid,
                                "task_id": f"{cid}-open",
                                "bpmn_id": "office_review" if at_office else "leader_approve",
                                "name": "局绩效办复核" if at_office else "分管领导审批",
                                "lane": "office" if at_office else "leader",
                                "division": division.id,
                                "assignee": None if at_office else leaders[division.id],
                                "due": TODAY + dt.timedelta(days=i % 10 - 3),
                                "created_at": now,
                                "status": "open",
                            }
                        )
                insert(tasks, WorkflowTask)


def _page_times(url: str, people: dict, rounds: int) -> dict[str, list[float]]:
    from portal import create_app
    from portal.auth import SESSION_VERSION_KEY

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TODAY": TODAY.isoformat()})
    results = {}
    for label, person in (("office member", people["office"]), ("leader in charge", people["leaders"][0])):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(person.id)
            session["_fresh"] = True
            session[SESSION_VERSION_KEY] = person.session_version
        client.get("/tasks")  # warm up templates
        samples = []
        for _ in range(rounds):
            t = time.perf_counter()
            response = client.get("/tasks")
            samples.append(time.perf_counter() - t)
            assert response.status_code == 200  # noqa: S101 - a broken page would make the figures meaningless
        results[label] = samples
    init_db(url)  # create_app rebound the proxy to an equal database; keep using it
    return results


def run(url: str, rounds: int, finished: int, open_: int, unaudited: bool = False) -> None:
    def audited():
        return audit_suspended() if unaudited else contextlib.nullcontext()

    database = init_db(url)
    db.connect(reuse_if_open=True)
    upgrade(database)
    clock.pin(TODAY)
    with audit_suspended():
        people = _org()
        approvals.install_bundled_diagrams()
        plans = _plans(people, rounds, 2000)

    heads = {head.division_id: head for head in people["heads"]}
    starts = []
    for plan in plans:
        head = heads[plan.division_id]
        with acting_as(head.id, head.name), audited():
            t = time.perf_counter()
            approvals.start("monthly_plan", plan, head, "请审核")
            starts.append(time.perf_counter() - t)
    _figures("start a case (engine + case, tasks, history, record)", starts)

    completes, cpu, statements = [], [], []
    office = people["office"]

    def count(event) -> None:
        statements.append(event.sql)

    database.query_hooks.append(count)
    for task in list(WorkflowTask.select().where(WorkflowTask.status == "open", WorkflowTask.lane == "office")):
        with acting_as(office.id, office.name), audited():
            t, c = time.perf_counter(), time.process_time()
            approvals.complete(task, office, "approve", "同意")
            completes.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    database.query_hooks.remove(count)
    _figures("complete one task (restore, run, persist, domain change)", completes)
    # On a shared machine the wall clock measures the neighbours too; on SQLite this process does all the work.
    _figures("  the same, CPU time of this process", cpu)
    audit = "not audited" if unaudited else "audited"
    print(f"  statements per completion ({audit}; BEGIN/COMMIT not counted): {len(statements) / len(completes):.1f}")

    with audit_suspended():
        print(
            f"  task list with {WorkflowTask.select().where(WorkflowTask.status == 'open').count()} open tasks, "
            f"0 finished cases:"
        )
        for label, samples in _page_times(url, people, rounds // 4 or 10).items():
            _figures(f"  GET /tasks as {label}", samples)

        for step, (n_finished, n_open) in enumerate(((finished, 0), (0, open_))):
            t = time.perf_counter()
            _bulk(people, n_finished, n_open, first_subject=1_000_000 * (step + 1))
            print(
                f"  bulk-inserted {n_finished:,} finished and {n_open:,} open cases in {time.perf_counter() - t:.1f} s"
            )
            n_open_tasks = WorkflowTask.select().where(WorkflowTask.status == "open").count()
            n_done = WorkflowCase.select().where(WorkflowCase.finished).count()
            print(f"  task list with {n_open_tasks:,} open tasks, {n_done:,} finished cases:")
            for label, samples in _page_times(url, people, rounds // 4 or 10).items():
                _figures(f"  GET /tasks as {label}", samples)
    clock.pin(None)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL URL; a scratch database is made beside it and dropped after")
    parser.add_argument("--rounds", type=int, default=200, help="cases started and tasks completed")
    parser.add_argument("--finished", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=5_000)
    parser.add_argument("--unaudited", action="store_true", help="start and complete without the audit trail")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite ({Path(tmp) / 'bench.sqlite'})")
        run(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.rounds, args.finished, args.open, args.unaudited)

    if args.db:
        import psycopg2

        admin = psycopg2.connect(args.db)
        admin.autocommit = True
        name = f"bench_workflows_{uuid.uuid4().hex[:8]}"
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            url = urlunsplit(urlsplit(args.db)._replace(path=f"/{name}"))
            print(f"PostgreSQL ({name})")
            run(url, args.rounds, args.finished, args.open, args.unaudited)
        finally:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


if __name__ == "__main__":
    main()
