"""The page frame: Bootstrap from Flask-Admin's own static files (the machine is offline, no CDN) and the
header's navigation, which shows 管理 only to those who may open at least one admin screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import flask_admin
from flask import Blueprint, Flask, current_app
from flask_babel import format_date
from flask_login import current_user

# Flask-Admin 2 ships Bootstrap 4.6 under static/bootstrap/bootstrap4; serve that folder read-only.
vendor = Blueprint(
    "vendor",
    __name__,
    static_folder=str(Path(flask_admin.__file__).with_name("static")),
    static_url_path="/vendor",
)


NAV_ITEMS: list[tuple[str, object]] = []  # (endpoint, lazy label), in the order the parts register them
NAV_VISIBLE: dict[str, Callable[[], bool]] = {}  # endpoint -> whether the logged-in person sees the entry


def register_nav(endpoint: str, label: object, visible: Callable[[], bool] | None = None) -> None:
    """A part of the portal adds its entry to the header (after 首页, before 管理); `visible`, if given, says
    whether the logged-in person gets the entry (the page itself still checks)."""
    if all(existing != endpoint for existing, _ in NAV_ITEMS):
        NAV_ITEMS.append((endpoint, label))
    if visible is not None:
        NAV_VISIBLE[endpoint] = visible


def nav_items() -> list[tuple[str, object]]:
    return [
        (endpoint, label)
        for endpoint, label in NAV_ITEMS
        if endpoint in current_app.view_functions and NAV_VISIBLE.get(endpoint, lambda: True)()
    ]


def admin_url() -> str | None:
    """The admin index, if the portal has an admin and the person may open one of its screens."""
    if not current_user.is_authenticated:
        return None
    for admin in current_app.extensions.get("admin", []):
        views = [v for v in admin._views if v is not admin.index_view]
        if any(v.is_accessible() and v.is_visible() for v in views):
            return admin.index_view.url
    return None


def hours(value: Decimal | int | None) -> str:
    """Hours without trailing zeros: 7.50 -> 7.5, 8.00 -> 8."""
    if value is None:
        return "—"
    text = f"{Decimal(value):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def month_name(year: int, month: int) -> str:
    """Short month name in the current language: 10月 / Oct."""
    return format_date(dt.date(year, month, 1), "MMM")


def init_app(app: Flask) -> None:
    app.register_blueprint(vendor)
    app.add_template_filter(hours, "hours")
    app.add_template_global(month_name, "month_name")

    @app.context_processor
    def _navigation() -> dict:
        return {"admin_url": admin_url, "nav_items": nav_items}
