"""The story page's two fragments, rendered from ``templates/articles/story/``:

* ``story``: the head metadata and JSON-LD, headline, byline, image, body, corrections, tags and share
  links: what depends on the story and the rows it shows (section, lead image and its renditions,
  source, tag names, the staff profiles in its credits). Stored in PostgreSQL when rendered
  (``stored.py``: ``articles.RenderedPage``, under a fingerprint of all of that, checked on every read);
* ``around``: the hreflang links, "Also in" and the related stories: what depends on *other* stories,
  put together on every request from what the story's one lookup query read (the related stories'
  teasers come from their own stored renderings).

Every request runs ``published()`` for the story (in that same query), whatever is stored: an
unpublished, killed, embargoed, scheduled or expired story answers 404/410 and never comes from a
stored rendering. Previews render the same templates but never read or write the stored renderings.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from articles.languages import text_direction, ui_language
from public.caching.keys import catalogues_digest, language_key, templates_digest  # noqa: F401 - re-exported

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
            # Both print nothing for a story without translations (most): not rendered then.
            "hreflang": _safe("articles/story/hreflang.html", context) if translation_links else "",
            "translations": _safe("articles/story/translations.html", context) if translation_links else "",
            "related": _safe("articles/story/related.html", context),
        }


def preview_parts(article) -> tuple[dict, dict]:
    """Both fragments of a draft, for a preview: rendered, never cached, no related stories."""
    return render_story(article), render_around(article, getattr(article, "translation_links", None), [])


# --- The story page -------------------------------------------------------------------------------


class Found:
    """A published story for the view: ``pk``, ``slug``, ``modified_at``, ``updated_at``, and its two
    fragments (``story``, ``around``): ``story`` from its stored rendering (``stored.py``) or rendered
    now, ``around`` put together now from what the lookup read."""

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

    One query when the story and its related stories have current stored renderings (``stored.fetch``:
    whether it is live, its stored parts if their fingerprint still matches, its translations' links,
    its related stories' stored teasers). Otherwise one more renders whatever is missing (the story;
    related stories without a current teaser) and one stores it; plus the generation's re-read (at
    most once a second)."""
    from articles.models import Article
    from public.caching import stored

    row = stored.fetch(pk)
    if row is None:
        return None
    n = len(stored.LOOKUP)
    core = tuple(row[:5])
    language = row[5]
    page, translation_links, related = row[n], row[n + 1] or [], row[n + 2] or []
    missing = [r["id"] for r in related if r["t"] is None]
    to_store = []
    if page is None or missing:
        # One query renders whatever is missing: the story's parts, the related stories' teasers.
        wanted = ([pk] if page is None else []) + missing
        articles = {a.pk: a for a in stored.for_render(Article.objects.published().filter(pk__in=wanted))}
        if page is None:
            article = articles.get(pk)
            if article is None:  # unpublished between the two queries
                return None
            core = (article.pk, article.slug, article.version, article.modified_at, article.updated_at)
            language = article.language
        to_store = stored.render(articles.values())
        rendered = {r[0]: r for r in to_store}
        if page is None:
            page = rendered[pk][3]
        related = [{"id": r["id"], "t": r["t"] or rendered.get(r["id"], (None,) * 5)[4]} for r in related]
        stored.store(to_store)
    stub = Article(pk=core[0], slug=core[1], language=language)
    around = render_around(stub, translation_links, [r["t"] for r in related if r["t"]])
    return Found(core, stored.page_from_json(page), around)
