"""The desk's language.

``LANGUAGE_CODE`` is the public site's language; without this the desk (Django's admin, whose own
strings Django translates) would follow it. Everything under ``/admin/`` runs in ``DESK_LANGUAGE_CODE``
(default ``en``) instead; the admin's story preview switches back to the site's language itself
(articles/preview.py), since it shows the page as readers will see it.
"""

from django.conf import settings
from django.utils import translation

DESK_PREFIX = "/admin/"


def desk_language(get_response):
    def middleware(request):
        if not request.path_info.startswith(DESK_PREFIX):
            return get_response(request)
        with translation.override(settings.DESK_LANGUAGE_CODE):
            return get_response(request)

    return middleware


def _hostile(value: str) -> bool:
    """A NUL byte: PostgreSQL refuses it in text, and no page, slug or search term has one. (Invalid
    UTF-8 needs nothing here: Django keeps it percent-encoded in the path and decodes it to U+FFFD in
    the query string.)"""
    return "\x00" in value


def reject_hostile_requests(get_response):
    """Answer 400 in the site's design, before any view or query, for a request whose path or query
    string holds a NUL byte (``/tag/%00/``, ``?section=%00``, ``term=%00``): each
    view would otherwise meet it in a database call and fail with a 500."""

    def middleware(request):
        if _hostile(request.path_info) or any(
            _hostile(key) or any(_hostile(v) for v in values) for key, values in request.GET.lists()
        ):
            from django.views.defaults import bad_request

            response = bad_request(request, exception=None)
            response["Cache-Control"] = "no-cache, max-age=0"
            return response
        return get_response(request)

    return middleware
