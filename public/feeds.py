"""RSS 2.0 and Atom feeds with Django's syndication framework, all built on ``published()``.

Their titles and descriptions are in the site's language (``LANGUAGE_CODE``, which is also the feed's
``language``); each story keeps its own words."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext

from articles.models import Article, Correction, Tag
from editors.models import Editor
from public.seo import absolute, on_site

FEED_SIZE = 30


class StoryFeed(Feed):
    """The latest stories. Subclasses narrow ``stories(obj)``."""

    feed_type = Rss201rev2Feed
    description_template = None

    def get_feed(self, obj, request):
        return super().get_feed(obj, on_site(request))  # links on SITE_URL, never the request's host

    def title(self, obj=None):
        return gettext("%(site)s: latest stories") % {"site": settings.SITE_NAME}

    def link(self, obj=None):
        return reverse("public:home")

    def description(self, obj=None):
        return gettext("The latest stories from %(site)s.") % {"site": settings.SITE_NAME}

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        return self.stories(obj).for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return absolute(reverse("public:story_noslug", args=[item.pk]))

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_time

    def item_updateddate(self, item):
        return item.modified_time

    def item_author_name(self, item):
        names = [
            c.display_name for c in item.credits.all() if c.role in ("writer", "reporting", "additional")
        ]
        return ", ".join(names) or None

    def item_categories(self, item):
        return [item.section.name] if item.section_id else []


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestFeed(StoryFeed):
    pass


class LatestAtomFeed(AtomMixin, LatestFeed):
    pass


class SectionFeed(StoryFeed):
    def get_object(self, request, slug):
        from public.context_processors import nav_sections

        section = next((s for s in nav_sections() if s.slug == slug), None)
        if section is None:
            raise Http404("No such section.")
        return section

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return gettext("The latest stories in %(section)s.") % {"section": obj.name}

    def stories(self, obj):
        return Article.objects.published().filter(section=obj)


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagFeed(StoryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return gettext("The latest stories tagged %(tag)s.") % {"tag": obj.name}

    def stories(self, obj):
        return Article.objects.published().filter(tags=obj)


class TagAtomFeed(AtomMixin, TagFeed):
    pass


class AuthorFeed(StoryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Editor, slug=slug, is_active=True)

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.display_name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return gettext("The latest stories by %(name)s.") % {"name": obj.display_name}

    def stories(self, obj):
        return Article.objects.published().by_author(obj)


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass


class CorrectionsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_feed(self, obj, request):
        return super().get_feed(obj, on_site(request))

    def title(self, obj=None):
        return gettext("%(site)s: corrections") % {"site": settings.SITE_NAME}

    def link(self, obj=None):
        return reverse("public:corrections")

    def description(self, obj=None):
        return gettext("Corrections, clarifications and editor’s notes to our stories.")

    def items(self, obj=None):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        from public.templatetags.news import correction_kind

        return f"{correction_kind(item.kind)}: {item.article.headline}"

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return f"{item.article.get_absolute_url()}#correction-{item.pk}"

    def item_guid(self, item):
        return absolute(f"{reverse('public:corrections')}#{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at


class CorrectionsAtomFeed(AtomMixin, CorrectionsFeed):
    pass
