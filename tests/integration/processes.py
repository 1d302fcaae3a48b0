"""Real processes for the serving and job-queue tests: a `flask --app portal worker`, gunicorn with
deploy/gunicorn.conf.py, and a small HTTP client with cookies. Every wait has a generous deadline so that a broken
process fails the test instead of hanging the run; no test asserts how long anything took."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HANG_GUARD_SECONDS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_env(**settings: str | None) -> dict[str, str]:
    """The environment of a portal process: this one's, without settings that would leak in, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUREAU_", "REDIS_URL", "RATELIMIT_"))}
    env.update({"SECRET_KEY": "test-secret-shared-by-every-process", "FLASK_APP": "portal"})
    env.update({k: v for k, v in settings.items() if v is not None})
    return env


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A process for the duration of the block; stopped (SIGTERM, then SIGKILL) when it ends."""
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(30)


def worker(env: dict[str, str], log: Path) -> Any:
    return running([str(BIN / "flask"), "--app", "portal", "worker", "--workers", "2"], env, log)


def gunicorn(port: int, env: dict[str, str], log: Path, workers: int = 2) -> Any:
    args = [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    return running([*args, "--workers", str(workers)], env, log)


def wait_for(condition: Callable[[], Any], what: str, process: subprocess.Popen | None = None, log: Path | None = None):
    """Poll until `condition()` is truthy and return its value; fail if the process dies or the guard runs out."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while True:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited ({process.returncode})\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still waiting after {HANG_GUARD_SECONDS} s\n{_tail(log)}")
        time.sleep(0.3)


def _tail(log: Path | None) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log and log.exists() else ""


class Browser:
    """Cookies kept across requests and hosts (one person moving between machines behind a balancer)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url: str, data: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=60) as response:  # noqa: S310 - our own test server
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(self, url: str) -> tuple[int, Any]:
        status, _headers, body = self.request(url)
        return status, json.loads(body) if body.startswith(b"{") else None

    def csrf_token(self, url: str) -> str:
        _status, _headers, body = self.request(url)
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
        assert found, body[:500]
        return found.group(1).decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
