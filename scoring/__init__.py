"""RULES.md as pure functions (绩效考核计算): ``compute(parse_input(data))`` scores one year.

Imports nothing of the project and nothing of Flask or peewee (an import-linter contract in pyproject
checks it).
"""

from .engine import compute
from .jsonio import InputError, parse_input, result_to_dict
from .model import Rules, ScoringInput, ScoringResult
from .validate import check_input
from .workcalendar import CalendarDataMissing, WorkCalendar

__all__ = [
    "CalendarDataMissing",
    "InputError",
    "Rules",
    "ScoringInput",
    "ScoringResult",
    "WorkCalendar",
    "check_input",
    "compute",
    "parse_input",
    "result_to_dict",
]
