"""503, not 500, while the database is unreachable.

``handler500`` (newsroom/urls.py): Django calls it for any exception no view or middleware handled,
inside the ``except`` that caught it. An ``OperationalError`` or ``InterfaceError`` (the database is
down, restarting, refusing connections or cancelled the query) answers ``503 Service Unavailable``
with ``Retry-After: SERVICE_UNAVAILABLE_RETRY_AFTER`` and ``templates/503.html`` (the site's design,
translated); everything else is the plain 500 it always was. Readers of a page the page cache holds
never get here: they get the stored copy (stale-if-error, public/caching/page.py). The desk gets the
503 too.

The 503 page is rendered without a request context and without anything that asks the database (no
navigation, no session, no user); should even that fail, a fixed page is sent.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

log = logging.getLogger("newsroom.errors")

DATABASE_DOWN = (OperationalError, InterfaceError)

FALLBACK = (
    "<!doctype html><html><head><meta charset='utf-8'><title>503</title></head>"
    "<body><h1>Temporarily unavailable</h1><p>Please try again in a minute.</p></body></html>"
)


def database_down(exc: BaseException | None) -> bool:
    """``exc`` or an exception it was raised from or during is the database being unreachable."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_DOWN):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def retry_after() -> int:
    return settings.SERVICE_UNAVAILABLE_RETRY_AFTER


def service_unavailable(request=None) -> HttpResponse:
    try:
        body = loader.render_to_string(
            "503.html",
            {
                "SITE_NAME": settings.SITE_NAME,
                "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
                "retry_after": retry_after(),
            },
        )
    except Exception:  # a page about an outage must not fail with it
        log.exception("the 503 page could not be rendered")
        body = FALLBACK
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name="500.html"):
    if database_down(sys.exception()):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)
