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


def test_a_feed_declares_the_site_language_only_when_its_entries_share_it(client, settings, section):
    from django.core.cache import cache

    settings.LANGUAGE_CODE = "ckb"
    ArticleFactory(section=section, published=True, language="ckb", headline="پردی نوێ")
    rss = client.get("/feeds/latest/").content.decode()
    atom = client.get("/feeds/latest/atom/").content.decode()
    # ISO 639-3 ckb is written ku-Arab for feed readers (the W3C Feed Validator knows ISO 639-1/2 only)
    assert (
        "<language>ku-Arab</language>" in rss
        and '<feed xml:lang="ku-Arab" xmlns="http://www.w3.org/2005/Atom">' in atom
    )
    ArticleFactory(section=section, published=True, language="en")
    cache.clear()
    rss = client.get("/feeds/latest/").content.decode()
    atom = client.get("/feeds/latest/atom/").content.decode()
    assert "<language>" not in rss and '<feed xmlns="http://www.w3.org/2005/Atom">' in atom
    assert atom.count('xml:lang="ku-Arab"') == 1 and atom.count('xml:lang="en"') == 1


def test_plain_text_that_looks_like_markup_stays_text_in_feeds(client, section):
    story = ArticleFactory(section=section, published=True, standfirst="<img src=x onerror=alert(1)> & more")
    CorrectionFactory(article=story, text="<script>alert(1)</script> the date")
    rss = client.get("/feeds/latest/").content.decode()
    # escaped once for HTML, once for XML: a reader shows the characters, never an element
    assert "&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;amp; more" in rss and "<img" not in rss
    corrections = client.get("/feeds/corrections/atom/").content.decode()
    assert "&amp;lt;script&amp;gt;" in corrections and "<script" not in corrections


def test_feed_links_are_on_site_url_whatever_the_request_host(client, settings, section):
    settings.SITE_URL = "https://news.example.org"
    ArticleFactory(section=section, published=True)
    atom = client.get(
        "/feeds/latest/atom/", HTTP_HOST="localhost:6666", HTTP_X_FORWARDED_PROTO="https"
    ).content.decode()
    assert "localhost" not in atom and 'href="https://news.example.org/feeds/latest/atom/"' in atom


def test_an_entry_without_standfirst_is_summed_up_by_its_opening_and_images_are_enclosed(
    client, section, media_root
):
    from tests.public.public_helpers import image_with_renditions

    ArticleFactory(section=section, published=True, standfirst="", body="<p>The dam opened <b>today</b>.</p>")
    ArticleFactory(section=section, published=True, lead_image=image_with_renditions(widths=(480, 960, 1600)))
    rss = client.get("/feeds/latest/").content.decode()
    assert "<description>The dam opened today.</description>" in rss
    assert rss.count("<enclosure ") == 1 and 'type="image/jpeg"' in rss and "dam-960" in rss
