"""Flask-Admin over every model, in Chinese, scoped to the reader (R-SEC-1, R-RPT-2, R-AUD-1).

`/admin/` with the bootstrap4 theme served from Flask-Admin's own static files (no CDN). The views and
their access rules live in `portal.admin_views`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.babel import lazy_gettext as _l
from flask_admin.theme import Bootstrap4Theme

from portal.admin_views.base import SecureIndexView
from portal.admin_views.views import VIEWS
from portal.security import csp_nonce

TRANSLATIONS = str(Path(__file__).with_name("translations"))


def init_app(app: Flask) -> Admin:
    if "babel" not in app.extensions:  # the i18n part normally sets Babel up before us
        from flask_babel import Babel

        Babel(app)
    admin = Admin(
        app,
        name=_l("Performance administration"),
        theme=Bootstrap4Theme(swatch="default", fluid=True),
        index_view=SecureIndexView(name=_l("Home"), url="/admin"),
        translations_path=TRANSLATIONS,
        csp_nonce_generator=csp_nonce,
    )
    for view_class, model, name, category in VIEWS:
        admin.add_view(view_class(model, name=name, category=category))
    return admin
