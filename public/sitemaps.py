"""Sitemaps with Django's framework (an index and paginated sitemaps with lastmod) and a Google News
sitemap of the last 48 hours. All built on ``published()``."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Max
from django.db.models.functions import Greatest
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import Article
from articles.querysets import modified_time_expr, newest_first, public_tags, published_time_expr
from editors.models import Editor
from public.context_processors import nav_sections
from public.seo import absolute, on_site

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """URLs on SITE_URL (as the canonical links), whatever host the request came to."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StorySitemap(SiteSitemap):
    limit = 5000
    changefreq = "daily"

    def items(self):
        return (
            Article.objects.published()
            .only("pk", "slug", "modified_at", "updated_at", "publish_at", "embargo_until")
            .order_by(*newest_first())
        )

    def lastmod(self, item):
        """The last change of any kind (``modified_at``: a crawler should fetch it again), never before
        the story's publication time."""
        return max(item.modified_at, item.modified_time)

    @cached_property
    def _summary(self):
        # One aggregate for both the page count and the lastmod (instead of a COUNT, and the
        # framework's loop over every story): keeps the index within its query budget.
        return Article.objects.published().aggregate(
            count=Count("id"), last=Max(Greatest("modified_at", modified_time_expr()))
        )

    @property
    def paginator(self):
        paginator = super().paginator
        paginator.__dict__["count"] = self._summary["count"]  # Paginator.count is a cached_property
        return paginator

    def get_latest_lastmod(self):
        return self._summary["last"]


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self):
        return nav_sections()

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(last=Max(published_time_expr()))["last"]


class TagSitemap(SiteSitemap):
    limit = 5000
    changefreq = "daily"

    def items(self):
        return public_tags().order_by("slug")

    def get_latest_lastmod(self):
        return None


class AuthorSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Editor.objects.filter(is_active=True).order_by("slug")


SITEMAPS = {"stories": StorySitemap, "sections": SectionSitemap, "tags": TagSitemap, "authors": AuthorSitemap}


def sitemap_index(request, **kwargs):
    """Django's sitemap index, its links on SITE_URL (Django builds them from the request's host)."""
    return sitemap_views.index(on_site(request), **kwargs)


def news_sitemap(request):
    """Google News sitemap: stories whose publication time (``Article.published_time``: a republished
    story keeps its original one) is in the last 48 hours, at most 1,000, under that time."""
    since = timezone.now() - NEWS_WINDOW
    stories = (
        Article.objects.published()
        .alias(published_time=published_time_expr())
        .filter(published_time__gte=since)
        .only("pk", "slug", "headline", "language", "publish_at", "embargo_until")
        .order_by(*newest_first())[:NEWS_LIMIT]
    )
    items = [{"loc": absolute(s.get_absolute_url()), "story": s} for s in stories]
    return render(request, "sitemaps/news.xml", {"items": items}, content_type="application/xml")
