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
        with translation.override(getattr(settings, "DESK_LANGUAGE_CODE", "en")):
            return get_response(request)

    return middleware
