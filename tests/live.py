"""A live portal for tests and benchmarks that need real parallel requests (issue 10): the app served by
werkzeug's threaded server in a thread, and a small cookie-keeping browser that logs in through the login form
and sends forms with their CSRF and one-time tokens — what a person's browser does, without a browser."""

from __future__ import annotations

import html
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from werkzeug.serving import make_server

_CSRF = re.compile(r'<input\b[^>]*\bname="((?:[\w]+-)?csrf_token)"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]*)"')
_ONCE = re.compile(r'name="once_token" value="([0-9a-f]{32})"')


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port, one thread per request; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


@dataclass(frozen=True)
class Reply:
    status: int
    text: str
    location: str | None = None


class Browser:
    """One person's cookies; `get`/`post` answer the status and text without following redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _send(self, path: str, data: dict | None = None) -> Reply:
        body = urllib.parse.urlencode(data or {}).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - our own server
        try:
            with self.opener.open(request, timeout=120) as response:
                return Reply(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read().decode("utf-8", "replace"), exc.headers.get("Location"))

    def get(self, path: str) -> Reply:
        return self._send(path)

    def post(self, path: str, data: dict) -> Reply:
        return self._send(path, data)

    def login(self, username: str, password: str) -> None:
        page = self.get("/login").text
        reply = self.post("/login", {"username": username, "password": password, "csrf_token": csrf_of(page)})
        if reply.status != 302:
            raise AssertionError(f"login of {username} failed: {reply.status}")


def csrf_field(page: str) -> tuple[str, str]:
    """The name (a prefixed form's is `prefix-csrf_token`) and value of the first CSRF field of the page."""
    found = _CSRF.search(page)
    value = _VALUE.search(found.group(0)) if found else None
    if not found or not value:
        raise AssertionError("no CSRF token on the page")
    return found.group(1), html.unescape(value.group(1))


def csrf_of(page: str) -> str:
    return csrf_field(page)[1]


def form_tokens(page: str, form_id: str | None = None, action: str | None = None) -> dict[str, str]:
    """The CSRF and one-time tokens of one form of the page (by id or action), as fields to post."""
    forms = re.findall(r"<form\b.*?</form>", page, re.S)
    for form in forms:
        head = form.split(">", 1)[0]
        if (form_id and f'id="{form_id}"' in head) or (action and f'action="{action}"' in head):
            name, value = csrf_field(form)
            fields = {name: value}
            once = _ONCE.search(form)
            if once:
                fields["once_token"] = once.group(1)
            return fields
    raise AssertionError(f"no form {form_id or action} on the page")
