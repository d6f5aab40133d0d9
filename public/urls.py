from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from public import feeds, views
from public.caching import public_page
from public.sitemaps import SITEMAPS, news_sitemap, sitemap_index

app_name = "public"


def feed(view):
    """Feeds read no query parameter: none reaches their cache key."""
    return public_page(view, params=())


def sitemap(view):
    """Django's sitemap views read only ``p`` (the page)."""
    return public_page(view, params=("p",))


urlpatterns = [
    path("", views.home, name="home"),
    path("story/<int:pk>/<str:slug>/", views.story, name="story"),
    path("story/<int:pk>/", views.story, name="story_noslug"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("author/<str:slug>/", views.author, name="author"),
    # Fixed paths: all before the section catch-all at the end.
    path("search/", views.search, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "public:sitemap-section"},
        name="sitemap-index",
    ),
    path("sitemap-news.xml", public_page(news_sitemap, params=()), name="sitemap-news"),
    path(
        "sitemap-<section>.xml",
        sitemap(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("feeds/latest/", feed(feeds.LatestFeed()), name="feed_latest"),
    path("feeds/latest/atom/", feed(feeds.LatestAtomFeed()), name="feed_latest_atom"),
    path("feeds/corrections/", feed(feeds.CorrectionsFeed()), name="feed_corrections"),
    path("feeds/corrections/atom/", feed(feeds.CorrectionsAtomFeed()), name="feed_corrections_atom"),
    path("feeds/tag/<str:slug>/", feed(feeds.TagFeed()), name="feed_tag"),
    path("feeds/tag/<str:slug>/atom/", feed(feeds.TagAtomFeed()), name="feed_tag_atom"),
    path("feeds/author/<str:slug>/", feed(feeds.AuthorFeed()), name="feed_author"),
    path("feeds/author/<str:slug>/atom/", feed(feeds.AuthorAtomFeed()), name="feed_author_atom"),
    path("feeds/<str:slug>/", feed(feeds.SectionFeed()), name="feed_section"),
    path("feeds/<str:slug>/atom/", feed(feeds.SectionAtomFeed()), name="feed_section_atom"),
    path("<str:slug>/", views.section, name="section"),
]
