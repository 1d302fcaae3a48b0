"""Whether this process can use the bureau's database (the portal's /healthz)."""

from __future__ import annotations

from models import db


def check_database() -> None:
    """Open a connection if none is open and run one trivial query; raises peewee's error when it cannot."""
    opened = db.is_closed()
    try:
        if opened:
            db.connect()
        db.execute_sql("SELECT 1").fetchone()
    finally:
        if opened and not db.is_closed():
            db.close()
