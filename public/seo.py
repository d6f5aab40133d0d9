"""Structured data: schema.org ``NewsArticle`` and ``BreadcrumbList`` for a story, the home page's
``NewsMediaOrganization``, as JSON-LD, and the image helpers the templates share. Everything is built from what ``for_story_page()`` already loaded: no queries."""

import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

AUTHOR_ROLES = {"writer", "reporting", "additional"}
EDITOR_ROLES = {"editing"}

# As django.utils.html.json_script: nothing in a value can close the <script> element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute(url: str) -> str:
    """``url`` on ``SITE_URL``: every absolute link the site prints is built here or by ``on_site``,
    never from the request's Host or scheme (a cached page is shared by every reader)."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


class _OnSite:
    """A request as if it had come to ``SITE_URL``: its host and scheme are the site's, whatever the
    ``Host`` and ``X-Forwarded-Proto`` headers said. For Django views that build absolute links from
    the request (syndication feeds, the sitemap index)."""

    def __init__(self, request):
        self._request = request
        self._site = urlsplit(settings.SITE_URL)

    def __getattr__(self, name):
        return getattr(self._request, name)

    @property
    def scheme(self):
        return self._site.scheme

    def is_secure(self):
        return self._site.scheme == "https"

    def get_host(self):
        return self._site.netloc

    def build_absolute_uri(self, location=None):
        return absolute(location if location is not None else self._request.get_full_path())


def on_site(request):
    return _OnSite(request)


def json_ld(data) -> str:
    """A ``<script type="application/ld+json">`` element, safely escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


LOGO = "img/logo.png"  # the publisher's logo in the JSON-LD


def image_sources(article) -> dict | None:
    """The lead image as ``{"src", "width", "height", "alt", "webp", "jpeg"}``; srcset strings from the
    ImageRendition rows annotated by ``with_renditions()``, the original file when there are none."""
    image = article.lead_image if article.lead_image_id else None
    if image is None:
        return None
    renditions = getattr(article, "lead_renditions", None) or []
    by_format: dict[str, list[str]] = {}
    largest_jpeg = None
    for r in renditions:
        url = default_storage.url(r["file"])
        by_format.setdefault(r["format"], []).append(f"{url} {r['width']}w")
        if r["format"] == "jpeg" and (largest_jpeg is None or r["width"] > largest_jpeg["width"]):
            largest_jpeg = {**r, "url": url}
    original = image.file.url if image.file else ""
    return {
        "src": largest_jpeg["url"] if largest_jpeg else original,
        # the size of ``src`` itself (og:image:width/height): the rendition's, or the original's
        "src_width": (largest_jpeg or {}).get("width") or image.width or None,
        "src_height": (largest_jpeg or {}).get("height") or image.height or None,
        "original": original,
        "width": image.width or (largest_jpeg or {}).get("width") or None,
        "height": image.height or (largest_jpeg or {}).get("height") or None,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "webp": ", ".join(by_format.get("webp", [])),
        "jpeg": ", ".join(by_format.get("jpeg", [])),
    }


# A credit that names no staff profile is a person unless it reads as an organisation: the story's
# agency, the publication itself, or a desk or agency by its words ("Reuters", "AFP staff", "Foreign desk").
ORGANISATION_WORDS = frozenset(
    {
        "staff",
        "desk",
        "agency",
        "agencies",
        "bureau",
        "newsroom",
        "wires",
        "reuters",
        "afp",
        "ap",
        "dpa",
        "aap",
        "ntb",
    }
)


def _is_organisation(name: str, article) -> bool:
    folded = name.casefold()
    source = article.source if article.source_id else None
    if source is not None and folded in {source.name.casefold(), source.code.casefold()}:
        return True
    if folded == settings.SITE_NAME.casefold():
        return True
    return any(word in ORGANISATION_WORDS for word in re.findall(r"\w+", folded))


def _person(credit, article) -> dict:
    if credit.editor_id:
        return {
            "@type": "Person",
            "name": credit.display_name,
            "url": absolute(credit.editor.get_absolute_url()),
        }
    kind = "Organization" if _is_organisation(credit.display_name, article) else "Person"
    return {"@type": kind, "name": credit.display_name}


def publisher() -> dict:
    """The publication as schema.org knows it: the publisher of every story, and the home page's
    ``NewsMediaOrganization`` (with where its corrections are published)."""
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "logo": {"@type": "ImageObject", "url": absolute(static(LOGO)), "width": 600, "height": 60},
    }


def news_media_organization() -> dict:
    """The home page's JSON-LD: the newsroom itself, its logo, and its corrections log as the
    corrections policy readers can check."""
    data = {"@context": "https://schema.org", **publisher(), "@type": "NewsMediaOrganization"}
    data["correctionsPolicy"] = absolute(reverse("public:corrections"))
    return data


def breadcrumb_list(article) -> dict:
    """Home, the story's section (when it has one), the story: Google's breadcrumb for a story, given as
    the ``breadcrumb`` of the page the NewsArticle is the main entity of (one JSON-LD block a page)."""
    trail = [(_("Home"), absolute("/"))]
    if article.section_id:
        trail.append((article.section.name, absolute(article.section.get_absolute_url())))
    trail.append((article.headline[:110], absolute(article.get_absolute_url())))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": str(name), "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def news_article(article) -> dict:
    credits = list(article.credits.all())
    authors = [_person(c, article) for c in credits if c.role in AUTHOR_ROLES]
    editors = [_person(c, article) for c in credits if c.role in EDITOR_ROLES]
    url = absolute(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url, "breadcrumb": breadcrumb_list(article)},
        "url": url,
        "headline": article.headline[:110],
        "description": article.seo_description or article.standfirst,
        "inLanguage": article.language,
        "datePublished": article.published_time.isoformat(),
        "dateModified": article.modified_time.isoformat(),
        "publisher": publisher(),
    }
    if authors:
        data["author"] = authors
    elif article.source_id:
        data["author"] = [{"@type": "Organization", "name": article.source.name}]
    if editors:
        data["editor"] = editors
    if article.dateline:
        data["dateline"] = article.dateline
    if article.section_id:
        data["articleSection"] = article.section.name
    from articles.querysets import story_tags

    tags = [t.name for t in story_tags(article)]
    if tags:
        data["keywords"] = tags
    image = image_sources(article)
    if image:
        data["image"] = [absolute(image["src"])]
    from articles.querysets import story_corrections

    corrections = story_corrections(article)
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": c.created_at.isoformat()}
            for c in corrections
        ]
    return data
