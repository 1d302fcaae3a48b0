"""Placeholder: filled in by the portal work of issue 3."""

from flask import Flask


def init_app(app: Flask) -> None:
    return None
