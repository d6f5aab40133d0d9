from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from newsroom import two_factor
from public import media
from public.preview import shared_preview

admin.site.site_header = f"{settings.SITE_NAME} desk"
admin.site.site_title = f"{settings.SITE_NAME} desk"
admin.site.index_title = "Stories, sources and staff"

handler404 = "public.views.not_found"


class _FaviconRedirect(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.ico")  # resolved per request: the manifest names it with its hash


urlpatterns = [
    # Uploads and renditions, served by the application whenever they live under this site (the
    # default, one machine): with DEBUG off too. A MEDIA_URL on another host is that host's job.
    *(
        [path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media.serve, name="media")]
        if not settings.MEDIA_URL.startswith(("http://", "https://", "//"))
        else []
    ),
    # The second sign-in step (newsroom/two_factor.py), in the desk's design, before the admin's own URLs.
    path("admin/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("admin/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("admin/", admin.site.urls),
    # Browsers, feed readers and crawlers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", _FaviconRedirect.as_view(), name="favicon"),
    path("preview/<str:token>/", shared_preview, name="preview"),
    path("api/", include("api.urls")),  # the content API (docs/api.md)
    path("", include("public.urls")),
]
