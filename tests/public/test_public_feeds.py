"""Feeds (parsed with feedparser) and sitemaps (parsed as XML)."""

from datetime import timedelta

import feedparser
import pytest
from defusedxml import ElementTree
from django.utils import timezone

from tests.factories import ArticleFactory, CorrectionFactory, CreditFactory, EditorFactory, TagFactory
from tests.public.public_helpers import HIDDEN_MARK, hidden_stories

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def content(section):
    tag = TagFactory(name="Water", slug="water")
    editor = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz")
    story = ArticleFactory(
        published=True, section=section, headline="Dam repairs & floods", standfirst="Done."
    )
    story.tags.add(tag)
    CreditFactory(article=story, editor=editor, name="")
    CorrectionFactory(article=story, text="We misnamed the dam.")
    hidden_stories(section, tag=tag, editor=editor)
    return {"story": story, "tag": tag, "editor": editor}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


@pytest.mark.parametrize(
    "url,version",
    [
        ("/feeds/latest/", "rss20"),
        ("/feeds/latest/atom/", "atom10"),
        ("/feeds/world/", "rss20"),
        ("/feeds/world/atom/", "atom10"),
        ("/feeds/tag/water/", "rss20"),
        ("/feeds/tag/water/atom/", "atom10"),
        ("/feeds/author/shilan-aziz/", "rss20"),
        ("/feeds/author/shilan-aziz/atom/", "atom10"),
    ],
)
def test_story_feeds_parse_and_hold_only_published(client, content, url, version):
    _, feed = parse(client, url)
    assert feed.version == version
    assert [e.title for e in feed.entries] == ["Dam repairs & floods"]
    entry = feed.entries[0]
    assert entry.link.endswith(content["story"].get_absolute_url())
    assert entry.get("published_parsed") or entry.get("updated_parsed")
    assert HIDDEN_MARK not in str(feed)


def test_latest_feed_details(client, content):
    response, feed = parse(client, "/feeds/latest/")
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.feed.title.endswith("latest stories")
    entry = feed.entries[0]
    assert entry.summary == "Done."
    assert entry.author == "Shilan Aziz"
    assert entry.tags[0].term == "World"


def test_corrections_feed(client, content):
    _, feed = parse(client, "/feeds/corrections/")
    assert [e.summary for e in feed.entries] == ["We misnamed the dam."]
    assert feed.entries[0].title == "Correction: Dam repairs & floods"
    _, atom = parse(client, "/feeds/corrections/atom/")
    assert atom.version == "atom10" and len(atom.entries) == 1


def test_sitemap_index_and_pages(client, content):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ElementTree.fromstring(response.content)
    locations = [s.find(f"{SM}loc").text for s in index.findall(f"{SM}sitemap")]
    assert any(loc.endswith("/sitemap-stories.xml") for loc in locations)
    stories = [s for s in index.findall(f"{SM}sitemap") if s.find(f"{SM}loc").text.endswith("stories.xml")][0]
    assert stories.find(f"{SM}lastmod") is not None

    urlset = ElementTree.fromstring(client.get("/sitemap-stories.xml").content)
    urls = urlset.findall(f"{SM}url")
    assert [u.find(f"{SM}loc").text.split("/", 3)[3] for u in urls] == [
        content["story"].get_absolute_url().lstrip("/")
    ]
    assert urls[0].find(f"{SM}lastmod") is not None
    for name in ("sections", "tags", "authors"):
        assert client.get(f"/sitemap-{name}.xml").status_code == 200


def test_story_sitemap_is_paginated(client, section, settings):
    from public.sitemaps import StorySitemap

    StorySitemap.limit = 3
    try:
        for _ in range(7):
            ArticleFactory(published=True, section=section)
        index = ElementTree.fromstring(client.get("/sitemap.xml").content)
        locations = [s.find(f"{SM}loc").text for s in index.findall(f"{SM}sitemap")]
        assert sum("sitemap-stories.xml" in loc for loc in locations) == 3
        page3 = ElementTree.fromstring(client.get("/sitemap-stories.xml?p=3").content)
        assert len(page3.findall(f"{SM}url")) == 1
        assert client.get("/sitemap-stories.xml?p=9").status_code == 404
    finally:
        StorySitemap.limit = 5000


def test_news_sitemap_holds_the_last_48_hours(client, section):
    now = timezone.now()
    fresh = ArticleFactory(published=True, section=section, headline="Fresh & new", language="ckb")
    ArticleFactory(published=True, section=section, headline="Old news", publish_at=now - timedelta(hours=49))
    hidden_stories(section)
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    urls = root.findall(f"{SM}url")
    assert len(urls) == 1
    news = urls[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}title").text == "Fresh & new"
    assert news.find(f"{NEWS}publication/{NEWS}language").text == "ckb"
    assert news.find(f"{NEWS}publication_date").text.startswith(str(fresh.publish_at.year))
    assert urls[0].find(f"{SM}loc").text.endswith(fresh.get_absolute_url())


def test_news_sitemap_caps_at_1000(client, section):
    from articles.models import Article

    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"Story {i}",
            slug=f"story-{i}",
            status="published",
            publish_at=now - timedelta(minutes=1, seconds=i),
            section=section,
        )
        for i in range(1005)
    )
    root = ElementTree.fromstring(client.get("/sitemap-news.xml").content)
    assert len(root.findall(f"{SM}url")) == 1000
