from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("story/<int:pk>/<str:slug>/", views.story, name="story"),
    path("story/<int:pk>/", views.story, name="story_noslug"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("author/<str:slug>/", views.author, name="author"),
    path("<str:slug>/", views.section, name="section"),
]
