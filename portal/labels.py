"""Display names of the codes stored in the models, through Babel (R-UI-1).

The models keep Chinese choice labels for the admin and the reports; screens of the portal translate the
codes here so the English interface is English too.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = {
    "director": _l("Director"),
    "leader": _l("Leader in charge"),
    "head": _l("Division head"),
    "deputy": _l("Deputy head"),
    "staff": _l("Staff"),
    "office": _l("Performance office"),
    "party_group": _l("Party group"),
    "sysadmin": _l("System administrator"),
}
ROLE_ORDER = ("director", "party_group", "office", "leader", "head", "deputy", "staff", "sysadmin")

PLAN_STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "in_review": _l("In review"),
    "returned": _l("Returned"),
    "approved": _l("Approved"),
}
PLAN_STATUS_STYLES = {
    "draft": "secondary",
    "submitted": "info",
    "in_review": "warning",
    "returned": "danger",
    "approved": "success",
}

LOG_STATUSES = {
    "draft": _l("Awaiting review"),
    "confirmed": _l("Confirmed"),
    "adjusted": _l("Adjusted"),
    "rejected": _l("Rejected"),
}
LOG_STATUS_STYLES = {"draft": "warning", "confirmed": "success", "adjusted": "info", "rejected": "danger"}


def role_names(roles: frozenset[str]) -> list[str]:
    return [str(ROLES[r]) for r in ROLE_ORDER if r in roles]
