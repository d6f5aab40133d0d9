from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from public.preview import shared_preview

admin.site.site_header = f"{settings.SITE_NAME} desk"
admin.site.site_title = f"{settings.SITE_NAME} desk"
admin.site.index_title = "Stories, sources and staff"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("preview/<str:token>/", shared_preview, name="preview"),
    path("", include("public.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
