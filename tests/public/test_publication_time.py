"""One publication time (``Article.published_time``): the page, JSON-LD, Open Graph, RSS, Atom and the
news sitemap print the same instant for a story, and "modified" is never before it."""

import json
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.querysets import modified_time_expr, published_time_expr
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def _republished(section, days_ago=5):
    """First published ``days_ago`` days ago, unpublished, republished now (through the services)."""
    story = services.create_article(headline="Dam reopens after repairs", section=section, status="draft")
    services.transition(story, "publish")
    then = timezone.now() - timedelta(days=days_ago)
    Article.objects.filter(pk=story.pk).update(publish_at=then, first_published_at=then, updated_at=then)
    story.refresh_from_db()
    services.transition(story, "unpublish", reason="Legal check")
    services.transition(story, "publish")
    story.refresh_from_db()
    return story


@pytest.fixture
def stories(section):
    now = timezone.now()
    embargoed = ArticleFactory(
        section=section,
        published=True,
        headline="Budget figures released",
        publish_at=now - timedelta(hours=3),
        embargo_until=now - timedelta(hours=1),  # readers first saw it an hour ago
    )
    corrected = ArticleFactory(section=section, published=True, headline="Minister resigns")
    services.add_correction(corrected, kind="correction", text="The minister's name was misspelt.")
    corrected.refresh_from_db()
    return {"republished": _republished(section, days_ago=5), "embargoed": embargoed, "corrected": corrected}


def _page_times(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    meta = re.search(r'<p class="meta">\s*<time datetime="([^"]+)"', html).group(1)
    og_published = re.search(r'property="article:published_time" content="([^"]+)"', html).group(1)
    og_modified = re.search(r'property="article:modified_time" content="([^"]+)"', html).group(1)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    return {
        "page": datetime.fromisoformat(meta),
        "og": datetime.fromisoformat(og_published),
        "og_modified": datetime.fromisoformat(og_modified),
        "json_ld": datetime.fromisoformat(ld["datePublished"]),
        "json_ld_modified": datetime.fromisoformat(ld["dateModified"]),
    }


def _feed_items(client):
    rss = ElementTree.fromstring(client.get("/feeds/latest/").content)
    atom = ElementTree.fromstring(client.get("/feeds/latest/atom/").content)
    by_link = {}
    for item in rss.iter("item"):
        by_link.setdefault(item.findtext("link"), {})["rss"] = parsedate_to_datetime(item.findtext("pubDate"))
    for entry in atom.iter(f"{ATOM}entry"):
        times = by_link.setdefault(entry.find(f"{ATOM}link").get("href"), {})
        times["atom"] = datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
        times["atom_updated"] = datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    return by_link


def _news_items(client):
    root = ElementTree.fromstring(client.get("/sitemap-news.xml").content)
    return {
        url.findtext(f"{SITEMAP}loc"): datetime.fromisoformat(
            url.findtext(f"{NEWS}news/{NEWS}publication_date")
        )
        for url in root.iter(f"{SITEMAP}url")
    }


def test_every_surface_prints_the_same_publication_time(client, stories, settings):
    feeds = _feed_items(client)
    news = _news_items(client)
    for name, story in stories.items():
        expected = _second(story.published_time)
        url = settings.SITE_URL + story.get_absolute_url()
        printed = _page_times(client, story)
        assert {k: _second(printed[k]) for k in ("page", "og", "json_ld")} == dict.fromkeys(
            ("page", "og", "json_ld"), expected
        ), name
        assert {_second(feeds[url][k]) for k in ("rss", "atom")} == {expected}, name
        for modified in (printed["og_modified"], printed["json_ld_modified"], feeds[url]["atom_updated"]):
            assert modified >= printed["json_ld"], name
        if name != "republished":
            assert _second(news[url]) == expected, name


def test_the_rule_for_each_kind_of_story(stories):
    now = timezone.now()
    republished, embargoed, corrected = stories["republished"], stories["embargoed"], stories["corrected"]
    # Back online under its original date, and told to readers as an update.
    assert republished.published_time == republished.publish_at < now - timedelta(days=4)
    assert republished.modified_time == republished.updated_at > now - timedelta(minutes=1)
    # Readers first saw it when the embargo lifted; its "updated_at" (the publish time) is earlier.
    assert embargoed.published_time == embargoed.embargo_until
    assert embargoed.updated_at < embargoed.published_time == embargoed.modified_time
    # A correction moves the modified time, not the publication time.
    assert corrected.published_time == corrected.publish_at < corrected.modified_time


def test_news_sitemap_leaves_out_a_story_first_published_days_ago_and_republished_today(client, stories):
    news = _news_items(client)
    assert not any(stories["republished"].get_absolute_url() in loc for loc in news)
    assert any(stories["embargoed"].get_absolute_url() in loc for loc in news)


def test_news_sitemap_takes_an_embargoed_story_by_the_embargo_end(client, section):
    """Published (in the desk's sense) three days ago under an embargo that lifted an hour ago: new to
    readers, so in the 48 hours."""
    now = timezone.now()
    story = ArticleFactory(
        section=section,
        published=True,
        publish_at=now - timedelta(days=3),
        embargo_until=now - timedelta(hours=1),
    )
    assert any(story.get_absolute_url() in loc for loc in _news_items(client))


def test_the_sql_rule_is_the_python_rule(section):
    now = timezone.now()
    times = [None, now - timedelta(hours=2), now + timedelta(hours=2)]
    for n, (publish_at, embargo, updated) in enumerate(
        (p, e, u) for p in times[1:] for e in times for u in times
    ):
        ArticleFactory(
            slug=f"rule-{n}",
            status="published",
            publish_at=publish_at,
            embargo_until=embargo,
            updated_at=updated,
        )
    rows = Article.objects.annotate(p=published_time_expr(), m=modified_time_expr())
    assert rows.count() == 18
    for article in rows:
        assert (article.p, article.m) == (article.published_time, article.modified_time)
        assert article.m >= article.p
