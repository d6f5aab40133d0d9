from django.urls import path, re_path

from api import views

app_name = "api"

urlpatterns = [
    path("v1/", views.index, name="index"),
    path("v1/openapi.json", views.openapi, name="openapi"),
    path("v1/stories", views.stories, name="stories"),
    path("v1/stories/<str:pk>", views.story, name="story"),
    path("v1/sections", views.sections, name="sections"),
    path("v1/authors", views.authors, name="authors"),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
