from django.conf import settings

from articles.models import Section


def site(request):
    """Site name and the navigation (sections), for every template."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "nav_sections": Section.objects.filter(is_active=True).only("name", "slug"),
    }
