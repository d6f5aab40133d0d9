"""``/healthz`` and ``/readyz`` for load balancers and orchestrators.

Answered by a middleware at the top of ``MIDDLEWARE``, before anything else runs: no session, no
user, no CSRF, no HTTPS redirect, and no ``Host`` check. Load balancers probe a node by its address
(``Host: 10.0.0.5:8000``), which ``ALLOWED_HOSTS`` rightly does not list; these two answers carry
nothing that depends on the host (no links, no cookies), so they are safe to give whatever ``Host``
says, and every other path keeps the full check. Both are JSON, ``Cache-Control: no-store``.

- ``/healthz``: the process is up and serving. No database, no cache: it is the liveness probe (a
  failure means "restart this process").
- ``/readyz``: the node can serve now. It checks the database (``SELECT 1``), the cache (a PING for
  Redis, a write and read back otherwise), the media storage (the folder is there or can be made,
  and is writable; a remote storage is asked for one name) and reports the scheduler's lag (how long
  since ``publish_due`` last moved its mark). 200 when every check named in ``READYZ_REQUIRED``
  passes, else 503. The lag fails readiness only when ``READYZ_MAX_SCHEDULER_LAG`` is set.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse

log = logging.getLogger("newsroom.health")

PATHS = {"/healthz", "/healthz/", "/readyz", "/readyz/"}


def _json(data: dict, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, separators=(",", ":")), status=status, content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check() or {}
        ok = result.pop("ok", True)
    except Exception as exc:  # a probe reports, it never fails
        log.warning("readyz: %s failed: %s: %s", check.__name__.strip("_"), type(exc).__name__, exc)
        result, ok = {"error": type(exc).__name__}, False
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1), **result}


def _database() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _cache() -> dict:
    from django.core.cache import cache

    reachable = getattr(cache, "reachable", None)
    if reachable is not None:  # newsroom.cache.ResilientRedisCache: its own errors never raise
        return {"ok": reachable()}
    token = secrets.token_hex(8)
    cache.set("newsroom:readyz", token, 30)
    return {"ok": cache.get("newsroom:readyz") == token}


def _storage() -> dict:
    from django.core.files.storage import FileSystemStorage, default_storage

    if isinstance(default_storage, FileSystemStorage):
        folder = Path(default_storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # it is made on the first upload: its nearest existing parent then
        return {"ok": folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)}
    default_storage.exists("readyz-probe")  # one round trip to the remote store
    return {}


def _scheduler() -> dict:
    from django.utils import timezone

    from articles.models import SchedulerMark
    from articles.services import PUBLISH_DUE_MARK

    mark = SchedulerMark.objects.filter(name=PUBLISH_DUE_MARK).values_list("value", flat=True).first()
    if mark is None:
        return {"lag_seconds": None}  # publish_due never ran here
    lag = (timezone.now() - mark).total_seconds()
    limit = settings.READYZ_MAX_SCHEDULER_LAG
    return {"ok": not limit or lag <= limit, "lag_seconds": round(lag, 1)}


def healthz(request) -> HttpResponse:
    return _json({"status": "ok"}, 200)


def readyz(request) -> HttpResponse:
    checks = {"database": _timed(_database), "cache": _timed(_cache), "storage": _timed(_storage)}
    if checks["database"]["ok"]:
        checks["scheduler"] = _timed(_scheduler)
    required = settings.READYZ_REQUIRED
    ready = all(checks[name]["ok"] for name in required if name in checks)
    if "scheduler" in checks:  # its check fails only when READYZ_MAX_SCHEDULER_LAG is set
        ready = ready and checks["scheduler"]["ok"]
    return _json({"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)


def health_endpoints(get_response):
    """The two probes, before any other middleware (``Host`` unchecked for them only: see above)."""

    def middleware(request):
        if request.path_info not in PATHS:
            return get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json({"status": "method not allowed"}, 405)
            response["Allow"] = "GET, HEAD"
            return response
        return readyz(request) if request.path_info.startswith("/readyz") else healthz(request)

    return middleware
