from django.conf import settings
from django.core.cache import cache

from articles.models import Section
from public.caching import keys


def nav_sections():
    """The active sections, from the cache (purged with the pages when a section changes)."""
    from public.caching import generation, purging

    key = keys.nav_sections_key(generation())
    sections = purging.local_get(key)
    if sections is None:
        sections = cache.get(key)
        if sections is None:
            sections = list(Section.objects.filter(is_active=True).only("name", "slug", "position"))
            cache.set(key, sections, 3600)
        purging.local_set(key, sections)
    return sections


def nav_items_html(current_pk=None) -> str:
    """The navigation's ``<li>`` items (``aria-current`` on section ``current_pk``), rendered once per
    page-cache generation and section: no ``reverse()`` per link on every page."""
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    from public.caching import generation, purging

    key = keys.nav_items_key(generation(), current_pk)
    html = purging.local_get(key) or cache.get(key)
    if html is None:
        html = format_html_join(
            "",
            '<li><a href="{}"{}>{}</a></li>',
            (
                (
                    s.get_absolute_url(),
                    mark_safe(' aria-current="page"') if s.pk == current_pk else "",
                    s.name,
                )
                for s in nav_sections()
            ),
        )
        cache.set(key, str(html), 3600)
    purging.local_set(key, html)
    return html


def site(request):
    """Site name and the navigation (sections), for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "nav_sections": nav_sections,
    }
