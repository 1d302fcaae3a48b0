"""gunicorn settings of the portal in production (docs/deploy.md); `scripts/serve.sh` uses this file.

Each setting comes from the environment, with the default after it. The web workers keep no state of their own
(sessions are signed cookies, jobs and their progress live in the database and the queue), so any number of them,
on any number of machines, can answer any request.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "portal:create_app()"
bind = os.environ.get("BUREAU_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# processes × threads answer requests at once; PDF rendering runs in the job workers, not here
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
worker_class = "gthread"
threads = _int("BUREAU_WEB_THREADS", 4)
timeout = _int("BUREAU_WEB_TIMEOUT", 60)  # a request longer than this is killed: long work belongs to a job
graceful_timeout = _int("BUREAU_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _int("BUREAU_WEB_KEEPALIVE", 5)
max_requests = _int("BUREAU_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# "-" is stdout/stderr (journald, docker logs); give a file path to write there instead
accesslog = os.environ.get("BUREAU_ACCESS_LOG", "-")
errorlog = os.environ.get("BUREAU_ERROR_LOG", "-")
loglevel = os.environ.get("BUREAU_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# the proxy in front, not gunicorn, decides whom to trust for X-Forwarded-*: the portal's ProxyFix does
# (BUREAU_PROXY_HOPS); gunicorn itself trusts them only from these addresses
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# no preload: every worker opens its own database connections and its own pool of PDF renderers
preload_app = False
