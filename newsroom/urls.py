from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from public import media
from public.preview import shared_preview

admin.site.site_header = f"{settings.SITE_NAME} desk"
admin.site.site_title = f"{settings.SITE_NAME} desk"
admin.site.index_title = "Stories, sources and staff"

handler404 = "public.views.not_found"
# The database unreachable: 503 with Retry-After in the site's design; anything else the plain 500.
handler500 = "newsroom.errors.server_error"

urlpatterns = [
    # Uploads and renditions, served by the application whenever they live under this site (the
    # default, one machine): with DEBUG off too. A MEDIA_URL on another host is that host's job.
    *(
        [path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media.serve, name="media")]
        if not settings.MEDIA_URL.startswith(("http://", "https://", "//"))
        else []
    ),
    path("admin/", admin.site.urls),
    path("preview/<str:token>/", shared_preview, name="preview"),
    path("", include("public.urls")),
]
