"""gunicorn's settings: ``gunicorn -c python:newsroom.gunicorn newsroom.wsgi:application``.

Every value can still be given on the command line (which wins) or through ``GUNICORN_CMD_ARGS``.

Graceful shutdown: on SIGTERM (what ``docker stop``, systemd and Kubernetes send) the master stops
accepting connections and each worker finishes the request it is serving, for up to
``GUNICORN_GRACEFUL_TIMEOUT`` seconds (default 30), before it is killed. Give the orchestrator's own
grace period (``stop_grace_period`` in docker-compose, ``terminationGracePeriodSeconds``) a few seconds
more than that, and take the node out of the load balancer first (its ``/readyz`` check) so that no
new requests arrive while it drains.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a worker silent this long is restarted
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5  # behind a proxy that keeps connections open
accesslog = "-"
# The combined format, the request's time in microseconds and its id (newsroom/logs.py).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s %({x-request-id}o)s'
