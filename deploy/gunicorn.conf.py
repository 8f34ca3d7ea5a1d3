"""Gunicorn settings for a Night School web host, behind nginx on the same machine.

Run from the checkout: ``gunicorn --config deploy/gunicorn.conf.py``. The settings module
comes from DJANGO_SETTINGS_MODULE (lms/wsgi.py falls back to lms.settings.production).
"""

import os

wsgi_app = "lms.wsgi:application"

# nginx on this host connects here; a container or a remote proxy sets GUNICORN_BIND.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]


def _cpu_count() -> int:
    # The CPUs this process may run on (a cpuset or taskset limit), not every CPU in the box.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# Each worker holds its own copy of Django and Wagtail (roughly 150 MB), so past a dozen the
# memory is better spent on another host. WEB_CONCURRENCY overrides the count.
MAX_WORKERS = 12
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cpu_count() + 1, MAX_WORKERS)))

# Threads let a worker keep serving while one request waits on the database, S3 or a slow
# upload, at little memory cost.
worker_class = "gthread"
threads = 4

# A worker that stops responding for this long is killed and replaced. In gthread workers a
# long request (a large lecture upload) does not count against it: the worker's main loop
# keeps reporting in while a thread serves the request.
timeout = 60
graceful_timeout = 30

# Heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm"  # noqa: S108

# Trust X-Forwarded-Proto only from the local nginx; lms.settings reads the same header
# through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr, for the journal or `docker compose logs`. The client address comes
# from nginx's X-Forwarded-For; %(M)s is the response time in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)

# gunicorn 25.1+ opens a control socket for `gunicornc`, by default under the user's home.
# Under systemd, keep it in the unit's RuntimeDirectory (the home is read-only there).
_runtime_directory = os.environ.get("RUNTIME_DIRECTORY")
if _runtime_directory:
    control_socket = os.path.join(_runtime_directory, "gunicorn.ctl")
