from django.conf import settings
from django.core.cache import cache

from articles.models import Section


def nav_sections():
    """The active sections, from the cache (purged with the pages when a section changes)."""
    from articles.cache import generation

    key = f"newsroom:nav:{generation()}"
    sections = cache.get(key)
    if sections is None:
        sections = list(Section.objects.filter(is_active=True).only("name", "slug", "position"))
        cache.set(key, sections, 3600)
    return sections


def site(request):
    """Site name and the navigation (sections), for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "nav_sections": nav_sections,
    }
