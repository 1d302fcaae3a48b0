"""Small hand-checkable scoring inputs and helpers for the unit tests (no database)."""

from __future__ import annotations

import copy
from typing import Any

from scoring import compute, parse_input, result_to_dict

STANDARDS = {
    "副局级": {
        "org_monthly": "1500",
        "personal_monthly": "0",
        "competitive_rate": "0",
        "annual_base": "20000",
    },
    "处级": {
        "org_monthly": "1000",
        "personal_monthly": "800",
        "competitive_rate": "20",
        "annual_base": "15000",
    },
    "副处级": {
        "org_monthly": "800",
        "personal_monthly": "700",
        "competitive_rate": "20",
        "annual_base": "12000",
    },
    "科级": {"org_monthly": "0", "personal_monthly": "600", "competitive_rate": "15", "annual_base": "10000"},
}

LEVEL = {"head": "处级", "deputy": "副处级", "staff": "科级", "leader": "副局级", "director": "局级"}

NOVEMBER_2023_WORKDAYS = 22  # no holiday: legal 176 h, qualifying 123.2 h at the defaults


def small_year(
    staff: dict[str, tuple[str, str, str]] | None = None,
    divisions: tuple[str, ...] = ("GH",),
) -> dict[str, Any]:
    """One month (2023-11) of a bureau: director D01, leader L1 over every division, and ``staff`` as
    {id: (division, position, hours in November)}; each division's plan is one item of weight 100, done;
    mass evaluation 90 and democratic evaluation 80 for everyone."""
    if staff is None:
        staff = {
            "H1": ("GH", "head", "130"),
            "V1": ("GH", "deputy", "140"),
            "S1": ("GH", "staff", "150"),
            "S2": ("GH", "staff", "100"),
        }
    people: list[dict[str, Any]] = [
        {"id": "D01", "division": None, "position": "director", "level": "局级"},
        {"id": "L1", "division": None, "position": "leader", "level": "副局级"},
    ]
    people += [
        {"id": pid, "division": d, "position": pos, "level": LEVEL[pos], "joined": "2015-01-01"}
        for pid, (d, pos, _) in staff.items()
    ]
    return {
        "year": 2023,
        "period": {"start": "2023-11", "end": "2023-11"},
        "rules": {},
        "calendar": {"workdays": [], "holidays": []},
        "standards": copy.deepcopy(STANDARDS),
        "divisions": [{"id": d, "name": d, "category": "business", "leader": "L1"} for d in divisions],
        "people": people,
        "plan_items": [
            {"division": d, "month": "2023-11", "item": "重点工作", "weight": 100, "status": "done"} for d in divisions
        ],
        "hours": [{"person": pid, "date": "2023-11-01", "hours": h} for pid, (_, _, h) in staff.items()],
        "extra_time": [],
        "absences": [],
        "exemptions": [],
        "mass_evaluation": {d: "90" for d in divisions},
        "democratic_evaluation": {pid: "80" for pid in staff},
        "adjustments": [],
        "vetoes": [],
        "grades": {},
    }


def score(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON-shaped result of scoring ``data``."""
    return result_to_dict(compute(parse_input(data)))


def person(out: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in out["people"] if p["id"] == pid)


def division(out: dict[str, Any], did: str) -> dict[str, Any]:
    return next(d for d in out["divisions"] if d["id"] == did)


def at(out: dict[str, Any], path: tuple[str, ...]) -> Any:
    """A value of the result by path: ("people", "P01", "monthly", "2023-10", "legal_hours"),
    ("divisions", "GH", "tier")."""
    kind, id_, *rest = path
    value: Any = person(out, id_) if kind == "people" else division(out, id_)
    for key in rest:
        value = value[key]
    return value
