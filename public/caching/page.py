"""The public page cache, conditional requests and Cache-Control.

Every public view is wrapped in ``public_page``. For an anonymous GET or HEAD it answers from Django's
cache framework (``CACHES["default"]``: local memory unless ``CACHE_URL`` names Redis) and stores each
200 answer for ``PAGE_CACHE_SECONDS``. Every answer gets a strong ``ETag`` (a hash of the body), a
``Last-Modified`` where the view knows one, ``Cache-Control: public, max-age=60,
stale-while-revalidate=...``, and a 304 when the reader's copy is current.

Purging changes one number: the cache keys carry a *generation* (kept in the database, so that every
worker and the scheduler share it whatever the cache backend), and ``purge()`` moves it on, so every
page stored before is unreachable at once (and expires on its own). It runs on the
``article_published`` and ``article_changed`` signals (sent by the services after commit, and by
``publish_due`` for each story that went live, came out of embargo or expired since its last run),
and when a section, tag or author profile is saved or deleted. See docs/caching.md.

Stale-if-error: an entry is kept ``PAGE_STALE_IF_ERROR_SECONDS`` past its ``PAGE_CACHE_SECONDS`` (it
carries the time it was stored); while the database is unreachable (the generation cannot be read, or
the view fails with an ``OperationalError``/``InterfaceError``) the last copy stored under this
process's last known generation is served, marked ``X-Page-Cache: stale`` and ``no-cache``. Without
one the error goes on to the project's 503 (newsroom/errors.py).

Never cached: anything for a logged-in user (the desk), preview URLs, answers other than 200, and
so never an embargoed story (it answers 404 until the embargo lifts).
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from public.caching import keys
from public.caching.purging import generation, last_generation

# Query parameters that can change a public page; any others are ignored by the views and by the key.
# A view names the ones it reads (``public_page(params=...)``); this is the default.
KEY_PARAMS = ("page", "p", "q", "section", "language")
PAGE_PARAMS = ("page", "p")
STORED_HEADERS = ("Content-Type", "Last-Modified", "Content-Language", "X-Robots-Tag", "Link")
PRIVATE_PREFIXES = ("/preview/", "/admin/")


DATABASE_DOWN = (OperationalError, InterfaceError)


def page_cache_seconds() -> int:
    return settings.PAGE_CACHE_SECONDS


def _stale_if_error_seconds() -> int:
    return settings.PAGE_STALE_IF_ERROR_SECONDS


def _max_age() -> int:
    return settings.PUBLIC_MAX_AGE


def _stale_while_revalidate() -> int:
    return settings.PUBLIC_STALE_WHILE_REVALIDATE


def normalised_params(query, names=KEY_PARAMS) -> dict[str, str]:
    """The parameters of ``query`` (a QueryDict) that a page depends on, one value each.

    This is the single source for both the page-cache key and the views (``request.public_params``),
    so the key always describes what was rendered: a repeated parameter counts by its LAST value (as
    ``QueryDict.get`` and Django's sitemap view read it), and a page number is written as the integer
    it means (``02`` and ``+2`` are ``2``; a page that is no integer is dropped, as ``get_page`` treats it).
    """
    params = {}
    for name in names:
        values = query.getlist(name)
        if not values:
            continue
        value = values[-1]
        if name in PAGE_PARAMS:
            try:
                value = str(int(value))
            except ValueError:
                continue
        params[name] = value
    return params


def public_params(request) -> dict[str, str]:
    """``request.public_params``, set by ``public_page``; built with the default names elsewhere."""
    params = getattr(request, "public_params", None)
    if params is None:
        params = request.public_params = normalised_params(request.GET)
    return params


def _page_key(request, gen: int) -> str:
    """``keys.page_key``: no host or scheme in it, since no page depends on them (links are on
    ``SITE_URL``)."""
    return keys.page_key(request.path, public_params(request), gen)


def is_private(request) -> bool:
    """The desk and previews: never from or into the page cache, never stored by a shared cache."""
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def _public_headers(response) -> None:
    if response.status_code in (200, 301, 304, 410):
        patch_cache_control(
            response,
            public=True,
            max_age=_max_age(),
            stale_while_revalidate=_stale_while_revalidate(),
        )
    else:  # 404 (perhaps an embargoed story a minute from release), 400, 5xx
        patch_cache_control(response, no_cache=True, max_age=0)


def _from_entry(entry) -> HttpResponse:
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = entry["etag"]
    return response


def _stale_response(entry) -> HttpResponse:
    """The last stored copy, while the database is unreachable: for this reader now, not for shared
    caches to keep."""
    response = _from_entry(entry)
    response["X-Page-Cache"] = "stale"
    patch_vary_headers(response, ["Cookie"])
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


def public_page(view=None, *, params=KEY_PARAMS):
    """Wrap a public view: page cache, validators, Cache-Control, 304.

    ``params`` names the query parameters the view reads; their normalised values are in
    ``request.public_params`` (read them there, never from ``request.GET``) and in the cache key.
    Use ``@public_page`` or ``@public_page(params=("page",))``.
    """
    if view is None:
        return lambda view: public_page(view, params=params)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.public_params = normalised_params(request.GET, params)
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if is_private(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
            return response

        key, database_down = None, None
        if page_cache_seconds() > 0:
            try:
                gen = generation()
            except DATABASE_DOWN as exc:
                gen, database_down = last_generation(), exc
                if gen is None:
                    raise
            key = _page_key(request, gen)
        entry = cache.get(key) if key else None
        stale = None
        now = time.time()
        if entry is not None and (
            database_down or now - entry.get("stored", now) > entry.get("fresh", page_cache_seconds())
        ):
            stale, entry = entry, None  # older than PAGE_CACHE_SECONDS: kept only for stale-if-error
        if entry is not None:
            response = _from_entry(entry)
            response["X-Page-Cache"] = "hit"
        elif database_down:
            if stale is None:
                raise database_down
            return _stale_response(stale)
        else:
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
            except DATABASE_DOWN:
                if stale is None:
                    raise
                return _stale_response(stale)
            if response.status_code == 200 and not response.streaming:
                response["ETag"] = _etag(response.content)
                # A view may store its answer for less than PAGE_CACHE_SECONDS (search: a few
                # seconds), or not at all (``no_page_cache``).
                seconds = min(
                    getattr(response, "page_cache_seconds", page_cache_seconds()), page_cache_seconds()
                )
                if key and seconds > 0 and not getattr(response, "no_page_cache", False):
                    headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
                    entry = {"content": response.content, "headers": headers, "etag": response["ETag"]}
                    entry["stored"] = time.time()
                    entry["fresh"] = seconds  # then kept as a stale copy for a database outage
                    cache.set(key, entry, seconds + _stale_if_error_seconds())
            response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie"])
        _public_headers(response)
        if response.status_code != 200:
            return response
        last_modified = (
            parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
        )
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )

    return wrapped


def set_last_modified(response, when) -> None:
    """Let a view state when its content last changed (a datetime, or None)."""
    if when is not None:
        response["Last-Modified"] = http_date(when.timestamp())
