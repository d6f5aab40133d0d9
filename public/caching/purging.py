"""The page-cache generation: one number, shared by every process through the database, that every
page-cache and fragment key carries. ``purge()`` moves it on, so every page stored before is
unreachable at once (and expires on its own)."""

import logging
import time

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)

GENERATION_MARK = "page-cache-generation"


def _generation_ttl() -> float:
    return settings.PAGE_CACHE_GENERATION_TTL


# This process's last look at the generation: (value, time.monotonic() when read).
_seen: dict = {"value": None, "at": 0.0}


def generation() -> int:
    """The current page generation, shared by every process through the database.

    The number lives in a ``SchedulerMark`` row, not in the cache, so that a purge made by one
    gunicorn worker or by ``publish_due`` reaches every other process even when each keeps its own
    local-memory cache. Each process re-reads it at most once every ``PAGE_CACHE_GENERATION_TTL``
    seconds (default 1), so a cache hit costs no query and a purge is seen everywhere within that
    time.
    """
    now = time.monotonic()
    if _seen["value"] is None or now - _seen["at"] >= _generation_ttl():
        from articles.models import SchedulerMark

        value = SchedulerMark.objects.filter(name=GENERATION_MARK).values_list("value", flat=True).first()
        _seen.update(value=int(value.timestamp() * 1_000_000) if value else 0, at=now)
    return _seen["value"]


def forget_generation() -> None:
    """Make this process read the generation again on its next request (tests, after a purge)."""
    _seen.update(value=None, at=0.0)
    _local.clear()


# What every page shows and changes only with a purge (the navigation, the header and footer), kept in
# this process under keys that carry the generation (``keys``): a page needs no cache round trip, or
# no query and template when there is no cache at all. A purge anywhere makes them unreachable here
# within ``PAGE_CACHE_GENERATION_TTL``, as it does the shared cache's entries.
_local: dict = {}
LOCAL_MAX = 200


def local_get(key):
    return _local.get(key)


def local_set(key, value) -> None:
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = value


def purge(reason: str = "") -> None:
    """Make every cached page unreachable, at once here and within a second in every other process.
    (An import batch's many stories purge once: ``articles.signals.batch()`` sends them as one
    ``stories_committed``.)"""
    from articles.models import SchedulerMark

    SchedulerMark.objects.bulk_create(
        [SchedulerMark(name=GENERATION_MARK, value=timezone.now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["value"],
    )
    forget_generation()
    log.info("page cache purged%s", f": {reason}" if reason else "")


def last_generation() -> int | None:
    """The generation this process last read (None before its first read): the page cache's key for
    stale-if-error while the database cannot be asked."""
    return _seen["value"]
