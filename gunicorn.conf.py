"""gunicorn's settings for this service, read from the environment.

gunicorn loads this file by itself when started in the project directory
(`gunicorn config.wsgi:application`, or plain `gunicorn`), as it must be
for the imports. Command-line flags and GUNICORN_CMD_ARGS override it.
"""

import os
import subprocess
import sys
from pathlib import Path

from config.env import LOOPBACK, env_bool, env_int, env_networks, env_str

wsgi_app = "config.wsgi:application"

# Loopback by default: the reverse proxy on the same host is the only client.
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
# X-Forwarded-Proto makes a request HTTPS only when it comes from one of the
# proxies that NUM_PROXIES counts, as in Django (config/proxies.py); with no
# proxy, from no one. gunicorn's own default trusts any local client.
forwarded_allow_ips = (
    ",".join(env_networks("TRUSTED_PROXIES", LOOPBACK)) if env_int("NUM_PROXIES", 0) else ""
)
# The one header that the documented nginx sets, and that Django reads too.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# Sync workers: one request each. A login spends most of its time hashing a
# password, so more workers than this only queue on the CPU.
workers = env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = 20
# Each worker's memory and connections are renewed now and then; the jitter
# keeps the workers from restarting all at once. A fresh worker has to warm up,
# so a busy one (hundreds of requests a second) should live for minutes: at
# 2,000 requests, each restarted every few seconds under `make bench` and the
# restarts cost a seventh of the throughput.
max_requests = 100_000
max_requests_jitter = 10_000

# No access log: the application logs one line per request itself
# (config/request_log.py), without query strings or cookies.
accesslog = None
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")

# gunicorn's control socket has one path per user, which a second instance on
# the same host would take over; this service is managed by signals instead.
control_socket_disable = True


def when_ready(server):
    """Prints what `manage.py check --deploy` says at every start (HSTS's reach, for one).

    A separate process, so that the arbiter imports no application code: a HUP
    still loads the new release into new workers.
    """
    if env_bool("DJANGO_DEBUG", False):
        return
    manage = Path(__file__).resolve().parent / "manage.py"
    subprocess.Popen([sys.executable, str(manage), "check", "--deploy"], stdout=sys.stderr)
