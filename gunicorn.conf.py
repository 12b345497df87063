"""gunicorn's settings for this service, read from the environment.

gunicorn loads this file by itself when started in the project directory
(`gunicorn config.wsgi:application`, or plain `gunicorn`), as it must be
for the imports. Command-line flags and GUNICORN_CMD_ARGS override it.
"""

import os

from config.env import env_int, env_str

wsgi_app = "config.wsgi:application"

# Loopback by default: the reverse proxy on the same host is the only client.
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
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
