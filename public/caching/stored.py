"""Stored renderings: a story's page parts and its teaser, rendered when the story is written and kept
in PostgreSQL (``articles.RenderedPage``), so that a story read for the first time, in any process and
with no cache at all, costs one indexed query and string assembly instead of the ORM and the
templates (about 20 ms of CPU).

When they are written: by the receivers (``receivers.on_article_signal``) after a story is published
or changed through the services; by the story page itself when it finds none that is current (a
story imported in a batch, seeded, or shown by a section, tag, author or image that changed since); by
``manage.py render_pages`` for everything live (after an import or a deploy).

Why they can never be out of date: ``digest`` is a fingerprint, computed *in SQL* (``digest_expr``)
from everything the parts show (the story's columns, its section, lead image and renditions, source,
tags and the staff profiles in its credits) and from the site's templates, translations and settings
(``render_key``). Every read computes it again from the current rows in the same query and takes the
stored parts only when it matches; so an edit, a renamed tag or a new template shows at once, whether
or not anything was re-rendered. Whether the story may be shown (``published()``: status, publish
time, embargo, expiry) is checked by that same query on every read; a killed or embargoed story never
comes from a stored row.

What is not stored: what depends on *other* stories (the translations' links and the related
stories), read by the same query at request time; the related teasers come from their own stored
rows."""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import JSONObject
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.languages import text_direction
from public.caching import keys

# The templates whose output is stored (the story page's parts, credits, picture, the teaser's time).
TEMPLATES = (
    "articles/story/head.html",
    "articles/story/top.html",
    "articles/story/bottom.html",
    "includes/credits.html",
    "includes/picture.html",
)


def render_key() -> str:
    """What the stored parts depend on besides the rows: templates, translations, the settings that
    appear in them (site name and address, language, time zone, media and static addresses)."""
    settings_now = (
        translation.get_language() or "",
        settings.SITE_URL,
        settings.SITE_NAME,
        settings.TIME_ZONE,
        settings.MEDIA_URL,
        str(getattr(settings, "MEDIA_HOST", "")),
        settings.STATIC_URL,
        str(settings.STORAGES.get("staticfiles")),
    )
    key = _render_keys.get(settings_now)
    if key is None:
        if len(_render_keys) > 32:
            _render_keys.clear()
        key = _render_keys[settings_now] = "|".join(
            ("v1", keys.templates_digest(TEMPLATES), keys.catalogues_digest(), *settings_now, _logo_url())
        )
    return key


_render_keys: dict = {}


def _logo_url() -> str:
    """The one static file the stored parts name (the publisher's logo in the JSON-LD), as the
    static storage names it now (a deploy's new hashed name is a new render key)."""
    from public.seo import LOGO

    try:
        return static(LOGO)
    except ValueError:  # no manifest entry: rendering would fail the same way
        return ""


class _Fingerprint(Func):
    """``md5(concat_ws('|', coalesce(e1::text, '~'), ...))`` (or the joined text without md5): every
    value, NULL distinct from empty."""

    output_field = models.TextField()

    def __init__(self, *expressions, hashed=True):
        super().__init__(*expressions)
        self.hashed = hashed

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, p = compiler.compile(expression)
            parts.append(f"coalesce(({sql})::text, '~')")
            params.extend(p)
        joined = f"concat_ws('|', {', '.join(parts)})"
        return (f"md5({joined})" if self.hashed else joined), params


def digest_expr(key: str, *, teaser: bool = False):
    """The fingerprint of an article row (the outer query's) and of every row its parts show
    (``teaser``: what the teaser shows, without tags and credits)."""
    from articles.models import ArticleCredit, Image, ImageRendition, Section, Tag
    from sources.models import Source

    def joined(*names):
        return _Fingerprint(*(F(n) for n in names), hashed=False)

    section = Section.objects.filter(pk=OuterRef("section_id")).values(v=joined("name", "slug"))
    image = Image.objects.filter(pk=OuterRef("lead_image_id")).values(
        v=joined("file", "width", "height", "caption", "credit", "alt_text")
    )
    renditions = ImageRendition.objects.filter(image_id=OuterRef("lead_image_id")).order_by("id")
    own = (
        "version",
        "slug",
        "modified_at",
        "updated_at",
        "publish_at",
        "embargo_until",
        "language",
        "section_id",
        "lead_image_id",
        "source_id",
        "translation_of_id",
    )
    shown = [
        Subquery(section),
        Subquery(image),
        ArraySubquery(renditions.values(v=joined("file", "width", "height", "format"))),
    ]
    if not teaser:
        tags = Tag.objects.filter(articles=OuterRef("pk")).order_by("id")
        people = ArticleCredit.objects.filter(article_id=OuterRef("pk"), editor__isnull=False).order_by("id")
        source = Source.objects.filter(pk=OuterRef("source_id")).values(v=joined("name", "code"))
        shown += [
            ArraySubquery(tags.values(v=joined("name", "slug"))),
            ArraySubquery(
                people.values(v=joined("editor__display_name", "editor__slug", "editor__is_active"))
            ),
            Subquery(source),
        ]
    return _Fingerprint(Value(key), *(F(name) for name in own), *shown)


def stored_teaser(key: str):
    """The current stored teaser of the outer query's article (None when missing or out of date), for
    a subquery of the story page's lookup (compiled once)."""
    from articles.models import RenderedPage

    return Subquery(
        RenderedPage.objects.filter(article_id=OuterRef("pk"), teaser_digest=OuterRef("live_teaser")).values(
            "teaser"
        )
    )


@functools.cache
def _stored_teaser_sql(key: str) -> tuple[str, tuple]:
    """``stored_teaser`` as SQL on the main ``articles_article`` of a listing query, compiled once per
    process: building and compiling the fingerprint through the ORM cost more than running it."""
    from articles.models import Article, RenderedPage

    queryset = Article.objects.alias(live_teaser=digest_expr(key, teaser=True)).annotate(t=stored_teaser(key))
    sql, params = queryset.order_by().values("t").query.sql_with_params()
    prefix, suffix = "SELECT ", ' AS "t" FROM "articles_article"'
    if not (sql.startswith(prefix) and sql.endswith(suffix)) or RenderedPage._meta.db_table not in sql:
        raise RuntimeError(f"unexpected SQL for the stored teaser: {sql[:200]}")
    return sql[len(prefix) : -len(suffix)], tuple(params)


def with_stored_teasers(queryset):
    """``stored_teaser`` on each story of ``queryset`` (a listing on the article table): its teaser's
    parts, or None when it has no current stored rendering."""
    from django.db.models.expressions import RawSQL

    sql, params = _stored_teaser_sql(render_key())
    return queryset.annotate(stored_teaser=RawSQL(sql, params, output_field=models.JSONField()))  # noqa: S611


# --- Rendering ------------------------------------------------------------------------------------


def for_render(queryset):
    """Everything the page parts and the teaser show, in one query (credits as JSON, not a prefetch),
    with the fingerprint of what was read (``render_digest``) from the same snapshot."""
    from articles.models import ArticleCredit

    credits = (
        ArticleCredit.objects.filter(article_id=OuterRef("pk"))
        .order_by("position", "id")
        .values(
            json=JSONObject(
                id="id",
                position="position",
                role="role",
                name="name",
                editor_id="editor_id",
                e_name="editor__display_name",
                e_slug="editor__slug",
                e_active="editor__is_active",
            )
        )
    )
    return (
        queryset.select_related("section", "lead_image", "source")
        .defer("search_vector", "search_head")
        .with_renditions()
        .with_tag_list()
        .with_correction_list()
        .annotate(
            credit_list=ArraySubquery(credits),
            render_digest=digest_expr(render_key()),
            teaser_render_digest=digest_expr(render_key(), teaser=True),
        )
    )


def _attach_credits(article) -> None:
    from articles.models import ArticleCredit
    from editors.models import Editor

    credits = []
    for c in article.credit_list or []:
        credit = ArticleCredit(
            id=c["id"],
            article_id=article.pk,
            position=c["position"],
            role=c["role"],
            name=c["name"],
            editor_id=c["editor_id"],
        )
        if c["editor_id"]:
            credit.editor = Editor(
                id=c["editor_id"], display_name=c["e_name"], slug=c["e_slug"], is_active=c["e_active"]
            )
        credits.append(credit)
    article._prefetched_objects_cache = {"credits": credits}


def teaser_parts(article) -> dict:
    """The pieces of a story's teaser (``news.teaser`` puts them together for each place it appears):
    its link, language, pictures at the two sizes used, kicker, headline, standfirst, section, time."""
    from django.template.loader import render_to_string

    from public.seo import image_sources
    from public.templatetags.news import reader_time

    image = image_sources(article)

    def picture(sizes, lazy):
        if not image:
            return ""
        return render_to_string(
            "includes/picture.html", {"image": image, "sizes": sizes, "lazy": lazy}
        ).strip()

    return {
        "id": article.pk,
        "url": escape(article.get_absolute_url()),
        "language": article.language,
        "direction": text_direction(article.language),
        "picture_lead": picture("(min-width: 60rem) 40rem, 100vw", False),
        "picture": picture("(min-width: 60rem) 22rem, 100vw", True),
        "kicker": escape(article.kicker),
        "headline": escape(article.headline),
        "standfirst": escape(article.standfirst),
        "section": escape(article.section.name) if article.section_id else "",
        "time": str(reader_time(article.published_time, article.language, "j M Y, H:i")),
    }


def _page_json(story: dict) -> dict:
    latest = story["latest_correction"]
    return {**story, "latest_correction": latest.isoformat() if latest else None}


# The page parts that are rendered HTML (``title`` is text, escaped where it is shown).
HTML_PARTS = ("head", "top", "bottom")


def page_from_json(page: dict) -> dict:
    latest = page.get("latest_correction")
    html = {name: mark_safe(page[name]) for name in HTML_PARTS}  # noqa: S308 - rendered templates
    return {**page, **html, "latest_correction": datetime.fromisoformat(latest) if latest else None}


def render(articles, *, pages=True) -> list[tuple]:
    """(pk, digest, teaser digest, page parts, teaser parts) for articles loaded with ``for_render()``
    (``pages=False``: the teasers only, page parts None, from a listing queryset: never stored)."""
    from public.caching import fragments

    rendered = []
    for article in articles:
        page = None
        if pages:
            _attach_credits(article)
            page = _page_json(fragments.render_story(article))
        digest = getattr(article, "render_digest", None)
        rendered.append(
            (article.pk, digest, getattr(article, "teaser_render_digest", None), page, teaser_parts(article))
        )
    return rendered


def store(rendered) -> None:
    """Write what ``render`` returned (with the page parts), in one statement."""
    rendered = [r for r in rendered if r[3] is not None]
    if not rendered:
        return
    values = ", ".join(["(%s, %s, %s, %s::jsonb, %s::jsonb, now())"] * len(rendered))
    params = []
    for pk, digest, teaser_digest, page, teaser in rendered:
        params += [pk, digest, teaser_digest, json.dumps(page), json.dumps(teaser)]
    sql = (
        "INSERT INTO articles_renderedpage (article_id, digest, teaser_digest, page, teaser, rendered_at) "  # noqa: S608
        "VALUES " + values + " ON CONFLICT (article_id) DO UPDATE SET digest = EXCLUDED.digest, "
        "teaser_digest = EXCLUDED.teaser_digest, page = EXCLUDED.page, teaser = EXCLUDED.teaser, "
        "rendered_at = EXCLUDED.rendered_at"
    )  # only placeholders are joined in: every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def render_stories(pks) -> int:
    """Render and store the page parts and teasers of the live stories ``pks`` (the receivers, the
    command). Returns how many were stored."""
    from articles.models import Article

    articles = list(for_render(Article.objects.published().filter(pk__in=list(pks))))
    rendered = render(articles)
    store(rendered)
    return len(rendered)


def stale_story_ids() -> list[int]:
    """The live stories without a current stored page (newest first): what ``render_pages`` renders."""
    from articles.models import Article, RenderedPage
    from articles.querysets import newest_first

    current = RenderedPage.objects.filter(article_id=OuterRef("pk"), digest=OuterRef("live_digest"))
    return list(
        Article.objects.published()
        .alias(live_digest=digest_expr(render_key()))
        .filter(~models.Exists(current))
        .order_by(*newest_first())
        .values_list("pk", flat=True)
    )


def forget(pks) -> None:
    """Drop the stored parts of stories that are no longer live (unpublished, killed): never read
    anyway (every read checks ``published()``), so only tidiness."""
    from articles.models import Article, RenderedPage

    RenderedPage.objects.filter(article_id__in=list(pks)).exclude(
        article_id__in=Article.objects.published().filter(pk__in=list(pks)).values("pk")
    ).delete()


def ensure_teasers(stories) -> list:
    """Each story (annotated by ``with_stored_teasers``) with ``teaser_parts`` set: the stored ones,
    and those missing or out of date rendered now, in one query for all of them (not stored: a listing
    stays within its query budget; the story page, the receivers and ``render_pages`` store them)."""
    from articles.models import Article

    stories = list(stories)
    missing = [s.pk for s in stories if getattr(s, "stored_teaser", None) is None]
    fresh = {}
    if missing:
        loaded = Article.objects.filter(pk__in=missing).for_teasers().with_renditions()
        fresh = {r[0]: r[4] for r in render(loaded, pages=False)}
    for story in stories:
        story.teaser_parts = story.stored_teaser if story.stored_teaser is not None else fresh.get(story.pk)
    return [s for s in stories if s.teaser_parts is not None]


# --- The story page's one query -------------------------------------------------------------------
# Compiled once per process, from ``published()`` itself (the one definition of "published"), with
# placeholder values that each request replaces: the ORM's compilation costs more than the query.

_NOW = datetime(1999, 12, 31, 23, 59, 58, 424242, tzinfo=UTC)
_PK = -424242
RELATED = 4
LOOKUP = ("id", "slug", "version", "modified_at", "updated_at", "language", "section_id")


def _lookup_queryset(now, pk, key):
    from articles.models import Article, RenderedPage

    published = Article.objects.published(now=now)
    through = Article.tags.through
    # Translations: the story it translates, the stories that translate it, and their other
    # translations, as ``id = ANY(ARRAY[...] || ARRAY(...) || ARRAY(...))``: three index lookups (an OR
    # over translation_of_id read every live story).
    is_sibling = _AnyOf(
        F("pk"),
        _Array(OuterRef("translation_of_id")),
        ArraySubquery(Article.objects.filter(translation_of_id=OuterRef(OuterRef("pk"))).values("pk")),
        ArraySubquery(
            Article.objects.filter(translation_of_id=OuterRef(OuterRef("translation_of_id")))
            .exclude(pk=OuterRef(OuterRef("pk")))
            .values("pk")
        ),
    )
    siblings = published.filter(is_sibling)
    translations = siblings.order_by("language").values(
        json=JSONObject(id="id", slug="slug", language="language", headline="headline")
    )
    # Related: the newest live stories sharing the section or a tag, with their stored teasers.
    tag_ids = through.objects.filter(article_id=OuterRef(OuterRef("pk"))).values("tag_id")
    related = (
        published.filter(
            Q(section_id=OuterRef("section_id"))
            | Q(pk__in=through.objects.filter(tag_id__in=tag_ids).values("article_id"))
        )
        .exclude(pk=OuterRef("pk"))
        .order_by(*_newest_first())
        .alias(live_teaser=digest_expr(key, teaser=True))
        .values(json=JSONObject(id="id", t=stored_teaser(key)))[:RELATED]
    )
    page = RenderedPage.objects.filter(article_id=OuterRef("pk"), digest=OuterRef("live_digest")).values(
        "page"
    )
    return (
        published.filter(pk=pk)
        .order_by()
        .alias(live_digest=digest_expr(key))
        .annotate(
            stored_page=Subquery(page),
            translation_links=ArraySubquery(translations),
            related_teasers=ArraySubquery(related),
        )
        .values_list(*LOOKUP, "stored_page", "translation_links", "related_teasers")
    )


class _Array(Func):
    template = "ARRAY[%(expressions)s]::bigint[]"
    output_field = ArrayField(models.BigIntegerField())


class _AnyOf(Func):
    """``lhs = ANY(array || array ...)``: an index lookup of each element."""

    output_field = models.BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra):
        lhs, *arrays = self.get_source_expressions()
        sql, params = compiler.compile(lhs)
        parts = []
        for array in arrays:
            part, p = compiler.compile(array)
            parts.append(part)
            params = [*params, *p]
        return f"{sql} = ANY({' || '.join(parts)})", params


def _newest_first():
    from articles.querysets import newest_first

    return newest_first()


@functools.cache
def _compiled(key: str, vendor: str):
    sql, params = _lookup_queryset(_NOW, _PK, key).query.sql_with_params()
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


def fetch(pk: int, now=None) -> tuple | None:
    """The live story ``pk``: ``LOOKUP`` values, its current stored page parts (or None), its
    translations' links and its related stories (id and current stored teaser, or None). One query."""
    if not -(2**63) <= pk < 2**63:  # no such story (and the prepared statement's id is a bigint)
        return None
    now = now or timezone.now()
    key = render_key()
    compiled = _compiled(key, connection.vendor)
    if compiled is None:
        return _lookup_queryset(now, pk, key).first()
    sql, slots = compiled
    params = [now if slot is _NOW else pk if slot is _PK else slot for slot in slots]
    with connection.cursor() as cursor:
        execute_prepared(cursor, "newsroom_story_lookup", sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    # Django leaves json/jsonb as text on a raw cursor: parse the three JSON columns.
    n = len(LOOKUP)
    page, translations, related = row[n:]
    return (
        *row[:n],
        _loads(page),
        [_loads(t) for t in translations or []],
        [_loads(r) for r in related or []],
    )


# Statements this process has PREPAREd, per database connection: {id(connection): (connection, names)}.
_prepared: dict = {}


def _placeholders(sql: str) -> str:
    """Django's ``%s`` placeholders as PostgreSQL's ``$1, $2...`` (and ``%%`` as ``%``)."""
    count = 0

    def number(match):
        nonlocal count
        if match[0] == "%%":
            return "%"
        count += 1
        return f"${count}"

    return re.sub(r"%%|%s", number, sql)


def execute_prepared(cursor, name: str, sql: str, params) -> None:
    """Run ``sql`` as a prepared statement of this connection (PREPAREd on first use): the story
    lookup's many subqueries cost PostgreSQL more to plan (about 7 ms) than to run (about 1 ms), and a
    prepared statement is planned once (then a generic plan, as PostgreSQL chooses)."""
    if connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    raw = connection.connection
    entry = _prepared.get(id(raw))
    if entry is None or entry[0] is not raw:
        for key, (conn, _) in list(_prepared.items()):  # forget closed connections
            if getattr(conn, "closed", True):
                del _prepared[key]
        entry = _prepared[id(raw)] = (raw, set())
        # Plan it once: PostgreSQL's choice of a custom plan for every run (its estimates for a given
        # time) is what costs. Only prepared statements follow this setting; Django prepares none.
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    if name not in entry[1]:
        cursor.execute(f"PREPARE {name} AS {_placeholders(sql)}")
        entry[1].add(name)
    cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)


def _loads(value):
    return json.loads(value) if isinstance(value, str | bytes) else value
