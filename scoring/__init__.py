"""RULES.md as pure functions (绩效考核计算): ``compute(parse_input(data))`` scores one year.

The portal may also build a ``ScoringInput`` from the model types below and call ``check_input`` and
``compute`` itself. Imports nothing of the project and nothing of Flask or peewee (an import-linter contract
in pyproject checks it).
"""

from .engine import compute
from .jsonio import InputError, parse_input, parse_rules, result_to_dict
from .model import (
    Absence,
    Adjustment,
    CalendarOverrides,
    Division,
    Exemption,
    HoursEntry,
    Person,
    PlanItem,
    Rules,
    ScoringInput,
    ScoringResult,
    Standard,
    YearMonth,
)
from .validate import check_input, check_rules
from .workcalendar import CalendarDataMissing, WorkCalendar

__all__ = [
    "Absence",
    "Adjustment",
    "CalendarDataMissing",
    "CalendarOverrides",
    "Division",
    "Exemption",
    "HoursEntry",
    "InputError",
    "Person",
    "PlanItem",
    "Rules",
    "ScoringInput",
    "ScoringResult",
    "Standard",
    "WorkCalendar",
    "YearMonth",
    "check_input",
    "check_rules",
    "compute",
    "parse_input",
    "parse_rules",
    "result_to_dict",
]
