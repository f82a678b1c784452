"""Gunicorn settings for Digihelp's web hosts.

Run from the project directory:

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi:application

Every value below can be changed through the environment (deploy/digihelp.env.example)
without editing this file. Django's own settings come from the same environment.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number") from None


# Where to listen. With nginx on the same host keep 127.0.0.1:8000; when nginx runs on
# another host, bind the private address it connects to (for example 10.0.0.11:8000) and
# let only the proxies reach that port.
bind = [
    address.strip() for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
]

# Processes, each with a few threads: requests mostly wait on PostgreSQL and Redis.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is killed; its worker is replaced.
timeout = 30
# On SIGTERM or SIGHUP, requests in flight get this long to finish.
graceful_timeout = 30
# Keep connections from the proxy open between requests.
keepalive = 5

# Replace each worker after this many requests (staggered by the jitter), so a slow
# leak never grows without bound.
max_requests = 1000
max_requests_jitter = 100

# Logs go to stdout and stderr, which systemd's journal collects.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The proxies allowed to tell gunicorn that a request came in over HTTPS. Django reads
# X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER) and the client address from
# X-Forwarded-For (TRUSTED_PROXY_COUNT), so gunicorn's port must be reachable from the
# proxies only. List the proxies' addresses here when nginx runs on another host.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Worker heartbeats in memory, not on a disk that can stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# systemd manages the process (reload with SIGHUP); no control socket in a home
# directory that the service may not write to.
control_socket_disable = True

proc_name = "digihelp-web"
