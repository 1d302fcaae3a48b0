"""A deterministic city-scale year as the JSON-shaped scoring input (RULES §7).

``generate()`` returns the dict that ``scoring.parse_input`` reads: by default 20,000 people in 400 divisions
(plus their leaders in charge and the director), confirmed hours for every working day of the year for every
person, monthly plans whose weights sum to 100, and some absences, exemptions, mid-year joiners and leavers,
extra time (a little of it outside the year), adjustments, vetoes and hand-set grades. The same arguments
always give the same dict, so the lead can also load it into the database.

Run ``python -m bench.gen_city_year OUT.json`` from the repository root to write it to a file.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta

from scoring import WorkCalendar
from scoring.model import YearMonth
from services.demo import STANDARDS as DEMO_STANDARDS

HOURS = [f"{h / 2:g}" for h in range(12, 21)]  # "6" .. "10" in half hours
# The demo bureau's standards plus a lower level that a city-scale bureau also has.
STANDARDS = {
    **DEMO_STANDARDS,
    "科员级": {"org_monthly": "0", "personal_monthly": "500", "competitive_rate": "12", "annual_base": "8000"},
}


def _weights(rng: random.Random, n: int) -> list[int]:
    """n positive integer weights summing to exactly 100."""
    cuts = sorted(rng.sample(range(1, 100), n - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]


def generate(people: int = 20000, divisions: int = 400, year: int = 2023, seed: int = 1) -> dict:
    """The scoring input of one city year; ``people`` counts division members (heads, deputies, staff)."""
    rng = random.Random(seed)
    calendar = WorkCalendar()
    months = [YearMonth(year, m) for m in range(1, 13)]
    workdays = [calendar.workdays_in(m) for m in months]
    day_text = {d: d.isoformat() for m in months for d in m.days()}
    year_days = sorted(day_text)

    n_leaders = max(1, divisions // 5)
    leader_ids = [f"L{i:03d}" for i in range(1, n_leaders + 1)]
    division_ids = [f"D{i:04d}" for i in range(1, divisions + 1)]
    out_divisions = [
        {
            "id": d,
            "name": f"处室{d[1:]}",
            "category": "business" if i % 3 else "general",
            "leader": leader_ids[i % n_leaders],
        }
        for i, d in enumerate(division_ids)
    ]
    out_people: list[dict] = [{"id": "D001", "name": "局长", "division": None, "position": "director", "level": "局级"}]
    out_people += [
        {"id": lid, "name": f"分管领导{lid[1:]}", "division": None, "position": "leader", "level": "副局级"}
        for lid in leader_ids
    ]

    members: list[dict] = []
    for i in range(people):
        division = division_ids[i % divisions]
        slot = i // divisions
        position = "head" if slot == 0 else "deputy" if slot <= 2 else "staff"
        level = {"head": "处级", "deputy": "副处级"}.get(position) or rng.choice(["科级", "科员级"])
        person = {
            "id": f"P{i + 1:05d}",
            "name": f"人员{i + 1:05d}",
            "division": division,
            "position": position,
            "level": level,
            "joined": "2015-01-01",
        }
        roll = rng.random()
        if roll < 0.02:
            person["joined"] = day_text[rng.choice(year_days)]
        elif roll < 0.03:
            person["left"] = day_text[rng.choice(year_days)]
        members.append(person)
    out_people += members

    absences, exemptions = [], []
    for p in members:
        roll = rng.random()
        if roll < 0.005:
            start = rng.choice(year_days[:200])
            absences.append(_absence(p["id"], "sick", start, rng.randint(95, 150), day_text))
        elif roll < 0.04:
            start = rng.choice(year_days[:-40])
            kind = rng.choice(["sick", "personal", "training", "secondment"])
            absences.append(_absence(p["id"], kind, start, rng.randint(3, 30), day_text))
        elif roll < 0.043:
            exemptions.append({"person": p["id"], "from": day_text[rng.choice(year_days)]})

    plan_items = []
    for d in division_ids:
        for m in months:
            n = rng.randint(4, 7)
            for k, w in enumerate(_weights(rng, n), start=1):
                roll = rng.random()
                status = "unfinished" if roll < 0.04 else "unfinished_ack" if roll < 0.08 else "done"
                plan_items.append(
                    {
                        "division": d,
                        "month": str(m),
                        "item": f"{m} 重点工作{k}",
                        "weight": w,
                        "status": status,
                    }
                )

    hours = []
    append = hours.append
    choice = rng.choice
    month_days = [[day_text[d] for d in days] for days in workdays]
    for p in members:
        pid = p["id"]
        for days in month_days:
            for text in days:
                append({"person": pid, "date": text, "hours": choice(HOURS)})

    extra_time = []
    for p in members:
        if rng.random() < 0.05:
            for _ in range(rng.randint(1, 3)):
                extra_time.append(
                    {
                        "person": p["id"],
                        "date": day_text[rng.choice(year_days)],
                        "hours": str(rng.randint(2, 8)),
                        "reason": "督查通报 办实事",
                    }
                )
    for p in members[:: max(1, len(members) // 5)]:
        after = date(year + 1, 1, 5).isoformat()
        extra_time.append({"person": p["id"], "date": after, "hours": "4", "reason": "outside the year"})

    adjustments = []
    for d in division_ids:
        if rng.random() < 0.3:
            kind = rng.choice(["bonus", "deduction"])
            points = str(rng.choice([0.5, 1, 1.5, 2, 3, 4]))
            adjustments.append({"division": d, "kind": kind, "points": points, "reason": "上级表彰"})

    grades = {lid: "excellent" for lid in leader_ids[::4]}
    for p in members:
        if rng.random() < 0.01:
            grades[p["id"]] = rng.choice(["basically_competent", "incompetent"])

    return {
        "year": year,
        "period": {"start": f"{year}-01", "end": f"{year}-12"},
        "rules": {},
        "calendar": {"workdays": [], "holidays": []},
        "standards": STANDARDS,
        "divisions": out_divisions,
        "people": out_people,
        "plan_items": plan_items,
        "hours": hours,
        "extra_time": extra_time,
        "absences": absences,
        "exemptions": exemptions,
        "mass_evaluation": {d: str(rng.randint(7000, 9900) / 100) for d in division_ids},
        "democratic_evaluation": {p["id"]: str(rng.randint(60, 100)) for p in members},
        "adjustments": adjustments,
        "vetoes": [d for d in division_ids if rng.random() < 0.02],
        "grades": grades,
    }


def _absence(person: str, kind: str, start: date, days: int, day_text: dict[date, str]) -> dict:
    end = start + timedelta(days=days - 1)
    return {"person": person, "kind": kind, "start": day_text[start], "end": end.isoformat()}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bench.gen_city_year OUT.json")
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(generate(), f, ensure_ascii=False)
