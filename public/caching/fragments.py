"""The story page's rendered fragments, cached, so that a request the page cache does not answer (the
page cache is off, a purge just happened, or the story is not among the pages a worker keeps) costs one
small query and a small template instead of the whole ORM-and-template page.

One cache entry a story (``keys.story_entry_key``) holds two fragments, rendered from
``templates/articles/story/``:

* ``story``: the head metadata and JSON-LD, headline, byline, image, body, corrections, tags and share
  links: what depends on the story and the rows it shows (section, lead image and its renditions,
  source, tag names, the staff profiles in its credits);
* ``around``: the hreflang links, "Also in" and the related stories: what depends on *other* stories.

and what they were rendered from: the story's own columns (``CORE``: id, slug, ``version``,
``modified_at``, ``updated_at``, section, lead image, source, translation), a digest of the other rows
it shows (``DEPENDS``), and the page-cache generation at the time (``articles.cache.generation()``).

Every request runs ``published()`` for the story, whatever is cached: an unpublished, killed,
embargoed, scheduled or expired story answers 404/410 and never comes from a fragment. Then:

1. Same generation as the entry, same ``CORE`` values: both fragments are current (one query, on the
   article table alone). ``version`` moves on with every save through the services (edits, credits,
   tags, corrections, transitions) and a wire update moves ``updated_at``, so any change to the story
   is a new ``CORE``.
2. The generation moved on (every publication, change, kill, expiry, image edit, section, tag or
   author change moves it, in every process within ``PAGE_CACHE_GENERATION_TTL``): the same query also
   reads ``DEPENDS``; when that digest and ``CORE`` are unchanged only ``around`` is rebuilt (two
   queries), otherwise everything is rendered again.

So a fragment is never older than a purge; ``STORY_FRAGMENT_SECONDS`` (default 3600) only bounds how
long an entry that is no longer read occupies the cache. A fragment is written only here, from a
story ``published()`` returned; previews render the same templates but never read or write the cache.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from articles.languages import text_direction, ui_language
from public.caching import keys
from public.caching.keys import catalogues_digest, language_key, templates_digest  # noqa: F401 - re-exported

TEMPLATES = (
    "articles/story/head.html",
    "articles/story/top.html",
    "articles/story/bottom.html",
    "articles/story/hreflang.html",
    "articles/story/translations.html",
    "articles/story/related.html",
    "includes/credits.html",
    "includes/picture.html",
    "includes/teaser.html",
)

CORE = (
    "id",
    "slug",
    "version",
    "modified_at",
    "updated_at",
    "section_id",
    "lead_image_id",
    "source_id",
    "translation_of_id",
)
# The other rows the ``story`` fragment shows, read only when the generation moved on.
DEPENDS = (
    "section__name",
    "section__slug",
    "lead_image__file",
    "lead_image__width",
    "lead_image__height",
    "lead_image__caption",
    "lead_image__credit",
    "lead_image__alt_text",
    "source__name",
    "dep_renditions",
    "dep_tags",
    "dep_people",
)


def entry_key(pk: int) -> str:
    """The cache key of story ``pk``'s entry (``keys.story_entry_key``)."""
    return keys.story_entry_key(pk, TEMPLATES)


def fragment_seconds() -> int:
    return getattr(settings, "STORY_FRAGMENT_SECONDS", 3600)


# --- The per-request query ------------------------------------------------------------------------
# The ORM spends more time building and compiling a query than PostgreSQL spends answering this one,
# so each of the two variants is compiled once per process, from ``published()`` itself (the single
# definition of "published"), with placeholder values that each request then replaces.

_NOW = datetime(1999, 12, 31, 23, 59, 58, 424242, tzinfo=UTC)
_PK = -424242


def _lookup_queryset(now, pk, with_depends: bool):
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef
    from django.db.models.functions import JSONObject

    from articles.models import Article, ArticleCredit, ImageRendition, Tag

    queryset = Article.objects.published(now=now).filter(pk=pk).order_by()
    if not with_depends:
        return queryset.values_list(*CORE)
    return queryset.annotate(
        dep_renditions=ArraySubquery(
            ImageRendition.objects.filter(image_id=OuterRef("lead_image_id")).order_by("id").values("file")
        ),
        dep_tags=ArraySubquery(
            Tag.objects.filter(articles=OuterRef("pk"))
            .order_by("id")
            .values(json=JSONObject(n="name", s="slug"))
        ),
        dep_people=ArraySubquery(
            ArticleCredit.objects.filter(article_id=OuterRef("pk"), editor__isnull=False)
            .order_by("id")
            .values(json=JSONObject(n="editor__display_name", s="editor__slug", a="editor__is_active"))
        ),
    ).values_list(*CORE, *DEPENDS)


@functools.cache
def _compiled(with_depends: bool, vendor: str):
    sql, params = _lookup_queryset(_NOW, _PK, with_depends).query.sql_with_params()
    slots = []
    for param in params:
        if isinstance(param, datetime) and param == _NOW:
            slots.append(_NOW)
        elif type(param) is int and param == _PK:
            slots.append(_PK)
        else:
            slots.append(param)
    if _PK not in slots or _NOW not in slots:  # the ORM changed how it passes them: don't guess
        return None
    return sql, tuple(slots)


def fetch(pk: int, *, with_depends: bool, now=None) -> tuple | None:
    """The published story ``pk`` as ``CORE`` (+ ``DEPENDS``) values, or None. One query."""
    now = now or timezone.now()
    compiled = _compiled(with_depends, connection.vendor)
    if compiled is None:
        return _lookup_queryset(now, pk, with_depends).first()
    sql, slots = compiled
    params = [now if slot is _NOW else pk if slot is _PK else slot for slot in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _digest(values) -> str:
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


# --- Rendering ------------------------------------------------------------------------------------


def _context(**extra) -> dict:
    return {"SITE_URL": settings.SITE_URL, "SITE_NAME": settings.SITE_NAME, **extra}


def _safe(template: str, context: dict):
    return mark_safe(render_to_string(template, context))  # noqa: S308 - a rendered template


def render_story(article) -> dict:
    """The ``story`` fragment of a story loaded with ``for_story_page()`` (no query). Its labels ("By",
    "Updated", "Corrections"...) are in the story's language (``ui_language``), whatever the site's."""
    from articles.querysets import story_corrections, story_tags

    corrections = story_corrections(article)
    context = _context(article=article, corrections=corrections)
    with translation.override(ui_language(article.language)):
        head = _safe("articles/story/head.html", context)
        top = _safe("articles/story/top.html", context)
        bottom = _safe("articles/story/bottom.html", context)
    return {
        "language": article.language,
        "direction": text_direction(article.language),
        "title": article.seo_title or article.headline,
        "head": head,
        "top": top,
        "bottom": bottom,
        "latest_correction": max((c.created_at for c in corrections), default=None),
        # What ``around`` needs when it must be rebuilt while ``story`` is still current.
        "section_id": article.section_id,
        "tag_ids": [t.pk for t in story_tags(article)],
    }


def render_around(article, translation_links, related) -> dict:
    """The ``around`` fragment: "Also in" and the "Related stories" heading in the story's language (the
    related teasers carry their own ``lang`` and name their dates in it)."""
    context = _context(article=article, translation_links=translation_links or [], related=related)
    with translation.override(ui_language(article.language)):
        return {
            "hreflang": _safe("articles/story/hreflang.html", context),
            "translations": _safe("articles/story/translations.html", context),
            "related": _safe("articles/story/related.html", context),
        }


def preview_parts(article) -> tuple[dict, dict]:
    """Both fragments of a draft, for a preview: rendered, never cached, no related stories."""
    return render_story(article), render_around(article, getattr(article, "translation_links", None), [])


# --- The story page -------------------------------------------------------------------------------


class Found:
    """A published story for the view: ``pk``, ``slug``, ``modified_at``, ``updated_at``, and its two
    fragments (``story``, ``around``), from the cache or rendered now."""

    def __init__(self, core: tuple, story: dict, around: dict):
        self.pk, self.slug, self.version, self.modified_at, self.updated_at = core[:5]
        self.story = story
        self.around = around

    @property
    def last_modified(self):
        times = [self.modified_at, self.updated_at, self.story["latest_correction"]]
        return max((t for t in times if t), default=None)


def story_page(pk: int) -> Found | None:
    """The published story ``pk`` with its fragments, or None when it may not be shown.

    Queries: one when the fragments are current; otherwise at most four more (translations and
    related stories; or the story, its credits and related stories), plus the generation's re-read
    (at most once a second)."""
    from articles.models import Article
    from public.caching import generation

    key = entry_key(pk)
    entry = cache.get(key)
    current = generation()
    same_generation = entry is not None and entry["generation"] == current
    row = fetch(pk, with_depends=not same_generation)
    if row is None:
        return None
    core = tuple(row[: len(CORE)])
    if same_generation and entry["core"] == core:
        return Found(core, entry["story"], entry["around"])

    depends = None if same_generation else _digest(row[len(CORE) :])
    if entry is not None and entry["core"] == core and depends is not None and entry["depends"] == depends:
        # The story and what it shows are unchanged; other stories may have changed.
        story = entry["story"]
        stub = Article(pk=pk, slug=core[1], language=story["language"], section_id=story["section_id"])
        translation_links = (
            Article.objects.filter(pk=pk)
            .with_translations()
            .values_list("translation_links", flat=True)
            .first()
        )
        related = list(Article.objects.published().related_to_ids(pk, story["section_id"], story["tag_ids"]))
        around = render_around(stub, translation_links, related)
    else:
        article = Article.objects.published().for_story_page().filter(pk=pk).first()
        if article is None:  # unpublished between the two queries
            return None
        story = render_story(article)
        related = list(Article.objects.published().related_to(article))
        around = render_around(article, article.translation_links, related)
        if article.version != core[2]:  # changed between the two queries: render, but keep nothing
            return Found(core, story, around)
        # (When the generation had not moved on, ``depends`` was not read: None, so the next generation
        # change renders the story again.)
    cache.set(
        key,
        {"core": core, "depends": depends, "generation": current, "story": story, "around": around},
        fragment_seconds(),
    )
    return Found(core, story, around)
