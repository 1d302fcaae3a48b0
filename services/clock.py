"""The date the system takes as today: the real one, unless a deployment pins one (the demo runs in late 2023)."""

from __future__ import annotations

import datetime as dt

_pinned: dt.date | None = None


def pin(day: dt.date | str | None) -> None:
    global _pinned
    _pinned = dt.date.fromisoformat(day) if isinstance(day, str) and day else (day or None)  # type: ignore[assignment]


def today() -> dt.date:
    return _pinned or dt.date.today()


def now() -> dt.datetime:
    """Now on the pinned day (keeping the real time of day), or the real now."""
    real = dt.datetime.now()
    return dt.datetime.combine(_pinned, real.time()) if _pinned else real
