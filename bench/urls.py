"""The production URLconf plus ``/__bench/bare/``: a Django view returning 20 KB of HTML, the ceiling
every page is compared with. Used only through ``bench.settings``."""

from django.http import HttpResponse
from django.urls import include, path

_HEAD = "<!doctype html><html lang=en><head><meta charset=utf-8><title>Bare</title></head><body><p>"
_TAIL = "</p></body></html>"
_FILL = "All work and no play makes a fast news site. " * 500
BARE_HTML = _HEAD + _FILL[: 20 * 1024 - len(_HEAD) - len(_TAIL)] + _TAIL  # exactly 20 KiB


def bare(request):
    return HttpResponse(BARE_HTML)


urlpatterns = [
    path("__bench/bare/", bare, name="bench-bare"),
    path("", include("newsroom.urls")),
]
