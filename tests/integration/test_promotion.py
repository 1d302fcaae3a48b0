"""R-PAY-4: a promotion-reference list of people with outstanding results over several periods."""

from __future__ import annotations

from models import AssessmentYear, PersonYearResult, ScoreSnapshot
from services.result_views import promotion_reference
from tests.factories import make_division, make_person


def _year(year: int, grades: dict, current: bool = True) -> None:
    if current:
        AssessmentYear.create(year=year)
    snapshot = ScoreSnapshot.create(year=year, version=1 if current else 0, input_sha256="0" * 64, current=current)
    for rank, (person, grade) in enumerate(grades.items(), start=1):
        PersonYearResult.create(
            snapshot=snapshot,
            person=person,
            division=person.division,
            assessed=True,
            grade=grade,
            rank_in_division=rank,
        )


def test_r_pay_4_people_excellent_in_several_years_are_listed(database, client, login_as):
    division = make_division(name="规划管理处")
    steady, once, never = (make_person(division=division, name=n) for n in ("常优秀", "一次优秀", "从未优秀"))
    _year(2022, {steady: "excellent", once: "competent", never: "competent"})
    _year(2023, {steady: "excellent", once: "excellent", never: "competent"})
    _year(2021, {never: "excellent"}, current=False)  # a superseded version does not count
    rows = promotion_reference([2021, 2022, 2023], min_excellent=2)
    assert [(r.name, r.excellent_years, r.best_rank) for r in rows] == [("常优秀", (2022, 2023), 1)]
    assert [r.name for r in promotion_reference([2022, 2023], 1)] == ["常优秀", "一次优秀"]

    login_as(make_person(division=division))
    assert client.get("/results/promotion").status_code == 403
    login_as(make_person(position="director", division=None))
    page = client.get("/results/promotion").get_data(as_text=True)
    assert "选人用人参考名单" in page and "常优秀" in page and "一次优秀" not in page
    assert client.get("/results/promotion?format=xlsx").status_code == 200
