"""The issued-documents page, downloads by role, the batch with its progress endpoint, and the `notice` command
(issue 6 §4–§6; R-RPT-1, R-SEC-1, R-AUD-1)."""

from __future__ import annotations

import io
import zipfile

import pytest

from models import Division, IssuedDocument, Person
from services import demo, notices
from services.results import recompute
from tests.factories import approve_ranking

TODAY = "2023-12-20"


@pytest.fixture
def bureau(app):
    app.config["TODAY"] = TODAY
    from services import clock

    clock.pin(TODAY)
    demo.load()
    recompute(2023, reason="test")
    approve_ranking(2023)  # R-SCO-3: annual notices and payouts come from the approved snapshot
    yield app
    clock.pin(None)


def person(username: str) -> Person:
    return Person.get(Person.username == username)


def test_r_sec_1_only_the_office_and_the_director_issue(bureau, client, login_as):
    login_as(person("keyuan"))
    assert client.post("/notices/issue", data={"kind": "annual", "year": "2023"}).status_code == 403
    assert client.post("/notices/batch", data={"year": "2023"}).status_code == 403
    page = client.get("/notices/").get_data(as_text=True)
    assert 'id="issue-one"' not in page and 'id="issue-batch"' not in page
    assert IssuedDocument.select().count() == 0

    login_as(person("jixiaoban"))
    page = client.get("/notices/").get_data(as_text=True)
    assert 'id="issue-one"' in page and "发文" in page
    response = client.post("/notices/issue", data={"kind": "monthly", "year": "2023", "month": "10"})
    assert response.status_code == 302
    document = IssuedDocument.get()
    assert (document.number, document.issued_by_id) == ("规绩〔2023〕1号", person("jixiaoban").id)
    page = client.get("/notices/?year=2023").get_data(as_text=True)
    assert "规绩〔2023〕1号" in page and document.sha256[:12] in page and "已出具规绩〔2023〕1号" in page

    response = client.post("/notices/issue", data={"kind": "individual", "year": "2023", "person": "nobody"})
    assert "找不到人员“nobody”" in client.get(response.location).get_data(as_text=True)


def test_r_sec_1_downloads_follow_the_reader_s_scope(bureau, client, login_as):
    """Own individual notice for everyone; a head their division's; payout sheets only for those who see all."""
    staff, head, office = person("keyuan"), person("chuzhang"), person("jixiaoban")
    assert head.division_id == staff.division_id
    outsider = Person.get((Person.division != staff.division) & (Person.position == "staff"))
    settings = notices.settings_from(bureau.config)
    mine = notices.issue("individual", 2023, person=staff, settings=settings)
    theirs = notices.issue("individual", 2023, person=outsider, settings=settings)
    payout = notices.issue("payout_annual", 2023, settings=settings)
    monthly = notices.issue("monthly", 2023, month=12, settings=settings)

    def status(doc):
        return client.get(f"/notices/{doc.id}.pdf").status_code

    login_as(staff)
    assert [status(d) for d in (mine, theirs, payout, monthly)] == [200, 403, 403, 200]
    response = client.get(f"/notices/{mine.id}.pdf")
    assert response.data.startswith(b"%PDF") and response.mimetype == "application/pdf"
    listing = client.get("/notices/").get_data(as_text=True)
    assert mine.number in listing and theirs.number not in listing and payout.number not in listing

    login_as(head)
    assert [status(d) for d in (mine, theirs, payout, monthly)] == [200, 403, 403, 200]
    login_as(office)
    assert [status(d) for d in (mine, theirs, payout, monthly)] == [200, 200, 200, 200]
    assert client.get("/notices/999999.pdf").status_code == 404


def test_batch_runs_as_a_job_reports_progress_and_offers_the_zip(bureau, client, login_as):
    """R-RPT-1: the batch is a job (here run at once; tests/integration/test_jobs.py runs it on real workers)."""
    login_as(person("jixiaoban"))
    response = client.post("/notices/batch", data={"year": "2023", "division": "CZ"})
    assert response.status_code == 302
    job_id = response.location.rsplit("/", 1)[-1]
    page = client.get(response.location).get_data(as_text=True)
    assert "progress-bar" in page and f"/notices/batch/{job_id}.json" in page

    status = client.get(f"/notices/batch/{job_id}.json").get_json()
    division = Division.get(Division.code == "CZ")
    people = Person.select().where(Person.division == division).count()
    assert status["state"] == "done", status
    assert status["done"] == status["total"] == status["issued"] == people
    zipped = client.get(status["zip_url"])
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.data)) as archive:
        assert len(archive.namelist()) == people
    assert all(d.issued_by_id == person("jixiaoban").id for d in IssuedDocument.select())

    login_as(person("keyuan"))
    assert client.get(f"/notices/batch/{job_id}.json").status_code == 403
    assert client.get(status["zip_url"]).status_code == 403


def test_reissue_from_the_page_links_both_documents(bureau, client, login_as):
    office = login_as(person("jixiaoban"))
    old = notices.issue("annual", 2023, settings=notices.settings_from(bureau.config), actor=office)
    response = client.post(f"/notices/{old.id}/reissue", data={"reason": "申诉成立"})
    assert response.status_code == 302
    new = IssuedDocument.get(IssuedDocument.replaces == old)
    page = client.get("/notices/?year=2023").get_data(as_text=True)
    assert f"已出具{new.number}，代替{old.number}" in page


def test_notice_command_issues_each_kind_from_the_demo_results(bureau, runner, tmp_path):
    """issue 6 §5: `flask notice --kind KIND --year 2023 … --out FILE.pdf` for every kind."""
    cases = [
        (["--kind", "monthly", "--month", "10"], "关于2023年10月处室组织绩效考核结果的通报"),
        (["--kind", "annual"], "关于2023年度绩效考核结果的通报"),
        (["--kind", "individual", "--person", "keyuan"], "2023年度个人绩效考核结果通知书"),
        (["--kind", "letter", "--division", "GH"], "2023年度工作目标责任状"),
        (["--kind", "payout", "--month", "11"], "2023年11月绩效考核兑现表"),
        (["--kind", "payout"], "2023年度绩效考核兑现表"),
    ]
    for i, (args, title) in enumerate(cases, start=1):
        out = tmp_path / f"{i}.pdf"
        result = runner.invoke(args=["notice", "--year", "2023", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert f"规绩〔2023〕{i}号《{title}》" in result.output
        assert out.read_bytes().startswith(b"%PDF")
    again = runner.invoke(args=["notice", "--year", "2023", "--kind", "annual", "--out", str(tmp_path / "a.pdf")])
    assert again.exit_code == 0 and "此前已出具" in again.output
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()
    leader = runner.invoke(
        args=["notice", "--year", "2023", "--kind", "individual", "--person", "L1", "--out", str(tmp_path / "l.pdf")]
    )
    assert leader.exit_code == 2 and "不出具个人绩效考核结果通知书" in leader.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "memo"], "未知的种类“memo”"),
        (["--kind", "monthly"], "需要指定月份"),
        (["--kind", "monthly", "--month", "13"], "需要指定月份（1–12）"),
        (["--kind", "individual"], "需要 --person"),
        (["--kind", "individual", "--person", "zzz"], "找不到人员“zzz”"),
        (["--kind", "letter"], "需要指定处室"),
        (["--kind", "letter", "--division", "XX"], "找不到处室“XX”"),
        (["--kind", "annual", "--all"], "--all 只用于"),
        (["--kind", "annual", "--year", "2022"], "2022年度还没有考核结果，请先计算：flask --app portal score"),
    ],
)
def test_notice_command_explains_bad_requests_in_chinese_and_exits_2(runner, tmp_path, args, message):
    """On an empty database: every refusal is a Chinese sentence and exit status 2, and no file is written."""
    if "--year" not in args:
        args = [*args, "--year", "2023"]
    result = runner.invoke(args=["notice", *args, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_notice_command_all_writes_a_zip_with_a_progress_bar(bureau, runner, tmp_path):
    out = tmp_path / "jcs.zip"
    result = runner.invoke(
        args=["notice", "--kind", "individual", "--year", "2023", "--all", "--division", "JCS", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    people = Person.select().join(Division).where(Division.code == "JCS").count()
    assert f"已出具 {people} 份" in result.output and "出具个人通知书" in result.output
    with zipfile.ZipFile(out) as archive:
        assert len(archive.namelist()) == people
