"""No public page reads the whole article table: every query each page runs is ``EXPLAIN``-ed on a
seeded archive (``seed_bench``, committed, then ``VACUUM (ANALYZE)``: the planner's own choice, no
``enable_seqscan`` switched off) and a ``Seq Scan`` of ``articles_article`` anywhere in a plan fails the page.

A sequential scan costs in proportion to the archive: fine at 1,000 stories, the whole page's time at
100,000 (the story page's translation lookup read every published story). The archive here is big
enough (STORIES) that the planner prefers an index wherever one answers the query."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

STORIES = 4000


# The tables seed_bench writes (and what refers to them), emptied before and after the module.
SEEDED = (
    "articles_article",
    "articles_articlecredit",
    "articles_article_tags",
    "articles_correction",
    "articles_tag",
    "articles_section",
    "articles_image",
    "editors_editor",
    "sources_source",
)


def _empty_seeded_tables():
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(SEEDED)} CASCADE")


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    """A seeded archive, committed and vacuumed as the bench's is (and as autovacuum keeps a live one:
    the visibility map that index-only scans need, the GIN indexes' pending lists merged), shared by
    this module's tests and emptied after them."""
    with django_db_blocker.unblock():
        _empty_seeded_tables()  # an interrupted run (--reuse-db) may have left its rows
        try:
            # --jobs 1: one connection, so that the rows are seen by the VACUUM below at once.
            call_command("seed_bench", "--stories", str(STORIES), "--jobs", "1", stdout=StringIO())
            yield _pages()
        finally:
            _empty_seeded_tables()


def _pages() -> dict[str, str]:
    """One URL of each kind of public page, chosen from the seeded data."""
    from django.db.models import Count

    from articles.models import Article, Section
    from articles.querysets import public_tags
    from editors.models import Editor

    published = Article.objects.published()
    # Translations: a few stories translated (seed_bench makes none), so the lookup has rows to find.
    originals = list(published.filter(language="en").values_list("pk", flat=True)[:20])
    for original, translation in zip(
        originals, published.exclude(language="en").values_list("pk", flat=True)[:20], strict=False
    ):
        Article.objects.filter(pk=translation).update(translation_of_id=original)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) articles_article")
    story = published.filter(pk=originals[0]).get()
    translated = published.filter(translation_of_id=originals[0]).get()
    section = Section.objects.filter(is_active=True).annotate(n=Count("articles")).order_by("-n").first()
    tag = public_tags().annotate(n=Count("articles")).order_by("n", "pk").last()
    rare_tag = public_tags().annotate(n=Count("articles")).order_by("n", "pk").first()
    author = Editor.objects.filter(is_active=True, credits__isnull=False).distinct().first()
    return {
        "home": "/",
        "section": section.get_absolute_url(),
        "section page 3": section.get_absolute_url() + "?page=3",
        "tag": tag.get_absolute_url(),
        "rare tag": rare_tag.get_absolute_url(),
        "author": author.get_absolute_url(),
        "story": story.get_absolute_url(),
        "translated story": translated.get_absolute_url(),
        "search": "/search/?q=government",
        "search rare word": "/search/?q=" + _rare_word(),
        "search phrase": '/search/?q="the+government"',
        "search section": f"/search/?q=water&section={section.slug}",
        "latest feed": "/feeds/latest/",
        "section feed": f"/feeds/{section.slug}/",
        "tag feed": f"/feeds/tag/{tag.slug}/",
        "author feed": f"/feeds/author/{author.slug}/",
        "corrections": "/corrections/",
        "corrections feed": "/feeds/corrections/",
        "sitemap index": "/sitemap.xml",
        "story sitemap": "/sitemap-stories.xml",
        "section sitemap": "/sitemap-sections.xml",
        "tag sitemap": "/sitemap-tags.xml",
        "news sitemap": "/sitemap-news.xml",
    }


def _rare_word() -> str:
    from bench.management.commands import _benchtext as text

    return text.VOCABULARY["en"][0][len(text.EN_WORDS) + 500]


def seq_scan_nodes(plan: dict) -> list[dict]:
    """The Seq Scan nodes of a plan (EXPLAIN's JSON), anywhere in it (subplans, CTEs)."""
    found = [plan] if plan.get("Node Type") == "Seq Scan" else []
    for child in plan.get("Plans", ()):
        found += seq_scan_nodes(child)
    return found


def seq_scans(plan: dict) -> list[str]:
    """The relations a plan reads with a Seq Scan."""
    return [node.get("Relation Name", "?") for node in seq_scan_nodes(plan)]


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        result = cursor.fetchone()[0]
    return (json.loads(result) if isinstance(result, str) else result)[0]["Plan"]


PAGES = [
    "home",
    "section",
    "section page 3",
    "tag",
    "rare tag",
    "author",
    "story",
    "translated story",
    "search",
    "search rare word",
    "search phrase",
    "search section",
    "latest feed",
    "section feed",
    "tag feed",
    "author feed",
    "corrections",
    "corrections feed",
    "sitemap index",
    "story sitemap",
    "section sitemap",
    "tag sitemap",
    "news sitemap",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.xdist_group("query_plans")  # one worker seeds the archive once
def test_no_sequential_scan_of_articles(page, archive, client, db):
    from django.core.cache import cache

    from public.caching import forget_generation

    url = archive[page]
    cache.clear()
    forget_generation()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    offending = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH", "(SELECT")):
            continue
        plan = explain(sql)
        nodes = [n for n in seq_scan_nodes(plan) if n.get("Relation Name") == "articles_article"]
        if nodes:
            scans = "\n".join(f"  Seq Scan on articles_article: {n.get('Filter', '')[:600]}" for n in nodes)
            offending.append(f"{sql[:600]}...\n{scans}")
    assert not offending, f"{page} ({url}) scans articles_article:\n\n" + "\n\n".join(offending)


@pytest.mark.xdist_group("query_plans")
def test_the_check_finds_a_sequential_scan(archive, db):
    """The check can fail: a filter no index answers is a Seq Scan of the article table."""
    from articles.models import Article

    sql, params = Article.objects.filter(kicker__contains="zzz").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        sql = cursor.mogrify(sql, params).decode()
    assert "articles_article" in seq_scans(explain(sql))
