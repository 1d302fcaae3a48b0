"""Serving the portal in production (docs/deploy.md): honouring a reverse proxy's headers, and `/healthz`.

Behind `PROXY_HOPS` proxies (BUREAU_PROXY_HOPS) werkzeug's ProxyFix takes the client's address, the scheme, the
host and the path prefix from the X-Forwarded-* headers those proxies set; with none (the default) the headers
are ignored, since anyone could send them. `/healthz` needs no login and tells a load balancer whether this web
worker can reach the database: 200 or 503, as JSON.
"""

from __future__ import annotations

import peewee as pw
from flask import Blueprint, Flask, jsonify
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from services import health

bp = Blueprint("server", __name__)
HEALTH_ENDPOINT = "server.healthz"


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        health.check_database()
    except (pw.OperationalError, pw.InterfaceError, pw.DatabaseError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return jsonify(status="unavailable", database="unreachable", error=first_line), 503
    return jsonify(status="ok", database="ok"), 200


def init_app(app: Flask) -> None:
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
    app.register_blueprint(bp)
