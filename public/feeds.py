"""RSS 2.0 and Atom feeds with Django's syndication framework, all built on ``published()``.

Their titles and descriptions are in the site's language (``LANGUAGE_CODE``); each story keeps its own
words, and its language: an Atom entry carries ``xml:lang``, and a feed declares a language (RSS
``<language>``, Atom ``xml:lang`` on ``<feed>``) only when all its entries are in it. Every link is
absolute on ``SITE_URL``, never on the request's host. The publication is the feed's author, so an
entry without a writer credit (an agency story, a correction) still has one. Standfirsts and
corrections are plain text: they are escaped, so text that looks like markup stays text in a reader.
A story with a lead image carries it as an enclosure (a JPEG rendition, with its type and size)."""

import copy
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext

from articles.languages import feed_language
from articles.models import Article, Correction
from articles.querysets import public_tags
from articles.sanitize import plain_text
from editors.models import Editor
from public.seo import absolute, on_site

FEED_SIZE = 30
ENCLOSURE_WIDTH = 960  # the JPEG rendition a feed reader is given; the largest below it otherwise


class AtomWithLanguages(Atom1Feed):
    """Atom with each entry's own ``xml:lang``."""

    def item_attributes(self, item):
        attrs = super().item_attributes(item)
        if item.get("language"):
            attrs["xml:lang"] = item["language"]
        return attrs


def _plain(text: str) -> str | None:
    """Plain text for an element that feed readers read as HTML: escaped; nothing when empty (an
    empty ``<summary>`` or ``<description>`` is an error to validators)."""
    return escape(text) if text else None


def _opening(body: str, limit: int = 300) -> str:
    """The first words of a story's text, cut at a word, for an entry without a standfirst."""
    text = plain_text(body)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


class SiteFeed(Feed):
    """What every feed shares: absolute links on ``SITE_URL``, the publication as the author, and a
    feed language only where every entry has it."""

    def __call__(self, request, *args, **kwargs):
        return super(SiteFeed, copy.copy(self)).__call__(request, *args, **kwargs)  # no state across requests

    def author_name(self, obj=None):
        return settings.SITE_NAME

    def author_link(self, obj=None):
        return absolute(reverse("public:home"))

    def feed_url(self, obj=None):
        return absolute(self.request_path)

    def get_object(self, request, *args, **kwargs):
        self.request_path = request.path
        return None

    def get_feed(self, obj, request):
        """The feed's own words are in the site's language; it says so only when its entries are too
        (each Atom entry names its own)."""
        feed = super().get_feed(obj, on_site(request))  # links on SITE_URL, never the request's host
        site = feed_language(settings.LANGUAGE_CODE)
        shared = all(item.get("language") == site for item in feed.items)
        feed.feed["language"] = site if shared else None
        return feed

    def item_extra_kwargs(self, item):
        return {"language": feed_language(self.item_language(item))}


class StoryFeed(SiteFeed):
    """The latest stories. Subclasses narrow ``stories(obj)``."""

    feed_type = Rss201rev2Feed
    description_template = None

    def title(self, obj=None):
        return gettext("%(site)s: latest stories") % {"site": settings.SITE_NAME}

    def link(self, obj=None):
        return absolute(reverse("public:home"))

    def description(self, obj=None):
        return gettext("The latest stories from %(site)s.") % {"site": settings.SITE_NAME}

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        # The body too (a listing defers it): an entry with no standfirst is summed up by its opening.
        listing = self.stories(obj).for_listing().with_renditions()
        return listing.defer(None).defer("editor_note", "withdrawn_reason", "search_vector", "search_head")[
            :FEED_SIZE
        ]

    def item_language(self, item):
        return item.language

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return _plain(item.standfirst or _opening(item.body))

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_enclosures(self, item):
        """The lead image as one JPEG rendition (RSS allows one enclosure an item)."""
        jpegs = sorted(
            (r for r in getattr(item, "lead_renditions", None) or [] if r["format"] == "jpeg"),
            key=lambda r: r["width"],
        )
        if not jpegs:
            return []
        chosen = ([r for r in jpegs if r["width"] <= ENCLOSURE_WIDTH] or jpegs)[-1]
        try:
            length = default_storage.size(chosen["file"])
        except OSError:
            return []  # a rendition whose file is missing: no enclosure rather than a wrong one
        mime = mimetypes.guess_type(chosen["file"])[0] or "image/jpeg"
        return [Enclosure(absolute(default_storage.url(chosen["file"])), str(length), mime)]

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
    feed_type = AtomWithLanguages

    def subtitle(self, obj=None):
        return self.description(obj)


class LatestFeed(StoryFeed):
    pass


class LatestAtomFeed(AtomMixin, LatestFeed):
    pass


class SectionFeed(StoryFeed):
    def get_object(self, request, slug):
        from public.context_processors import nav_sections

        super().get_object(request)
        section = next((s for s in nav_sections() if s.slug == slug), None)
        if section is None:
            raise Http404("No such section.")
        return section

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return gettext("The latest stories in %(section)s.") % {"section": obj.name}

    def stories(self, obj):
        return Article.objects.published().filter(section=obj)


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagFeed(StoryFeed):
    def get_object(self, request, slug):
        super().get_object(request)
        return get_object_or_404(public_tags(), slug=slug)

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return gettext("The latest stories tagged %(tag)s.") % {"tag": obj.name}

    def stories(self, obj):
        return Article.objects.published().filter(tags=obj)


class TagAtomFeed(AtomMixin, TagFeed):
    pass


class AuthorFeed(StoryFeed):
    def get_object(self, request, slug):
        super().get_object(request)
        return get_object_or_404(Editor, slug=slug, is_active=True)

    def title(self, obj=None):
        return f"{settings.SITE_NAME}: {obj.display_name}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return gettext("The latest stories by %(name)s.") % {"name": obj.display_name}

    def stories(self, obj):
        return Article.objects.published().by_author(obj)


class AuthorAtomFeed(AtomMixin, AuthorFeed):
    pass


class CorrectionsFeed(SiteFeed):
    feed_type = Rss201rev2Feed

    def title(self, obj=None):
        return gettext("%(site)s: corrections") % {"site": settings.SITE_NAME}

    def link(self, obj=None):
        return absolute(reverse("public:corrections"))

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

    def item_language(self, item):
        return item.article.language

    def item_description(self, item):
        return _plain(item.text)

    def item_link(self, item):
        return absolute(f"{item.article.get_absolute_url()}#correction-{item.pk}")

    def item_guid(self, item):
        return absolute(f"{reverse('public:corrections')}#{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at


class CorrectionsAtomFeed(AtomMixin, CorrectionsFeed):
    pass
