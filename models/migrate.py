"""Numbered schema migrations (STYLE §9), kept in models/migrations/ and applied by peewee-migrate.

`upgrade()` brings any database — empty or at an older version — to the current schema; `make()` writes the
next numbered migration from the difference between the models and the migrations so far.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import peewee as pw
from peewee_migrate import Router

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def router(database: pw.Database) -> Router:
    logger = logging.getLogger("peewee_migrate.quiet")
    logger.setLevel(logging.WARNING)
    return Router(database, migrate_dir=MIGRATIONS_DIR, logger=logger)


def upgrade(database: pw.Database, to: str | None = None) -> list[str]:
    """Apply every migration not yet applied (or up to `to`); returns the names applied."""
    return router(database).run(to)


def applied(database: pw.Database) -> list[str]:
    return router(database).done


def pending(database: pw.Database) -> list[str]:
    """Migrations not yet applied, in order."""
    return router(database).diff


def all_migrations(database: pw.Database) -> list[str]:
    return router(database).todo


def make(database: pw.Database, name: str, models: list[type[pw.Model]]) -> str | None:
    """Write the next migration for what `models` add or change; None when nothing changed."""
    written = router(database).create(name, auto=models)
    if written:
        path = MIGRATIONS_DIR / f"{written}.py"
        text = path.read_text(encoding="utf-8")
        text = _drop_index_churn(text)
        docstring = f'"""Migration {written} (peewee-migrate)."""\n'
        text = re.sub(r'^"""Peewee migrations -- .*?\n"""\n', docstring, text, count=1, flags=re.S)
        header = "from decimal import ROUND_HALF_UP, Decimal  # noqa: F401\n\nimport peewee as pw\n"
        path.write_text(text.replace("import peewee as pw\n", header, 1), encoding="utf-8")
    return written


_INDEX_OP = re.compile(r"^    migrator\.(drop_index|add_index)\((.*?)(?:, unique=(?:True|False))?\)\n", re.M)


def _drop_index_churn(text: str) -> str:
    """peewee-migrate re-creates unchanged indexes as a drop/add pair; keep only real index changes."""
    ops = [(m.group(1), m.group(2)) for m in _INDEX_OP.finditer(text)]
    churn = {args for kind, args in ops if kind == "drop_index"} & {args for kind, args in ops if kind == "add_index"}
    text = _INDEX_OP.sub(lambda m: "" if m.group(2) in churn else m.group(0), text)
    return re.sub(r"\n{3,}", "\n\n", text)
