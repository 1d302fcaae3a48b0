"""What every response carries for the browser's protection, and the login's rate limits (issue 9 §7, R-SEC-1).

Headers on every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
`X-Frame-Options: DENY` and a Content-Security-Policy. Pages (HTML, SVG) get the full policy: scripts only from
this site or inline ones carrying the request's nonce (`csp_nonce()` in templates, and Flask-Admin's own
`csp_nonce_generator`); styles from this site and inline (`style` attributes of Bootstrap widgets and charts
cannot carry a nonce); nothing embeds the portal (`frame-ancestors 'none'`). Downloads (xlsx, PDF, JSON) get
`frame-ancestors 'none'` alone, so the browser's own PDF viewer keeps working.

Flask-Admin 2.2 still writes a few inline `onclick` handlers (pallets-eco/flask-admin#2556), which the policy
blocks; `static/admin_csp.js` does what they would have done, from an allowed script file.

Login limits (Flask-Limiter): failed login POSTs are counted per address and per account name, in
`RATELIMIT_STORAGE_URI` (memory by default; a Redis URL shares them between processes).
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

limiter = Limiter(key_func=get_remote_address)

PAGE_POLICY = (
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
DOWNLOAD_POLICY = "frame-ancestors 'none'"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "image/svg+xml"})
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def csp_nonce() -> str:
    """The nonce of this request's Content-Security-Policy, for `<script nonce="…">`."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype in PAGE_TYPES:
        policy = "; ".join(PAGE_POLICY).format(nonce=csp_nonce())
    else:
        policy = DOWNLOAD_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    return response


def _address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


def _failed(response: Response) -> bool:
    """A login POST that did not log in (a success redirects)."""
    return response.status_code != 302


def login_limits(view):  # type: ignore[no-untyped-def]
    """Decorate the login view: failed POSTs count per address and per account name."""
    by_account = limiter.limit(
        _account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed, scope="login-account"
    )
    by_address = limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed, scope="login-address")
    return by_address(by_account(view))


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_ENABLED", True)  # the limiter is shared: each app states its own
    limiter.init_app(app)
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
