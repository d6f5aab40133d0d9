"""Every sitemap validates against its XSD (copies in tests/fixtures/schemas): the index against
sitemaps.org's siteindex.xsd, each sitemap it lists against sitemap.xsd, and the news sitemap's
``<news:news>`` entries against Google's sitemap-news.xsd too (news-wrapper.xsd imports both)."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from tests.factories import ArticleFactory, EditorFactory, TagFactory

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"

pytestmark = pytest.mark.django_db


def schema(name):
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


@pytest.fixture
def stories(section):
    tag = TagFactory(name="Oil", slug="oil")
    EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz")
    made = [
        ArticleFactory(section=section, published=True, language=code, headline=f"A story in {code}")
        for code in ("en", "ckb", "ar", "nb-NO", "zh-Hant-TW", "zh-Hans", "en-GB")
    ]
    for story in made:
        story.tags.add(tag)
    return made


def fetch(client, url):
    response = client.get(urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""))
    assert response.status_code == 200, url
    return etree.fromstring(response.content)


def test_the_index_and_every_sitemap_it_lists_validate(client, stories):
    index = fetch(client, "/sitemap.xml")
    schema("siteindex.xsd").assertValid(index)
    locations = [loc.text for loc in index.iter(f"{SM}loc")]
    assert len(locations) >= 4  # stories, sections, tags, authors
    sitemap = schema("sitemap.xsd")
    for location in locations:
        document = fetch(client, location)
        sitemap.assertValid(document)
        for lastmod in document.iter(f"{SM}lastmod"):
            assert "T" in lastmod.text and lastmod.text[-6] in "+-", lastmod.text  # time and zone


def test_the_news_sitemap_validates_with_each_language_as_google_news_wants_it(client, stories):
    document = fetch(client, "/sitemap-news.xml")
    schema("news-wrapper.xsd").assertValid(document)  # both namespaces: sitemap.xsd alone demands the other
    news = schema("sitemap-news.xsd")
    entries = list(document.iter(f"{NEWS}news"))
    assert len(entries) == len(stories)
    for entry in entries:
        news.assertValid(etree.ElementTree(entry))
    languages = sorted(e.findtext(f"{NEWS}publication/{NEWS}language") for e in entries)
    assert languages == ["ar", "ckb", "en", "en", "nb", "zh-cn", "zh-tw"]
