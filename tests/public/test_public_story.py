"""The story page: byline, dateline, image with srcset, related, translations, metadata, JSON-LD."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, CorrectionFactory, CreditFactory, EditorFactory, TagFactory
from tests.public.public_helpers import image_with_renditions

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def story(section, media_root):
    image = image_with_renditions()
    article = ArticleFactory(
        published=True,
        section=section,
        headline="Dam repairs finished ahead of the spring floods",
        slug="dam-repairs",
        standfirst="Engineers sealed the last crack on Monday.",
        dateline_place="DUKAN, Kurdistan Region",
        dateline_outlet="Kurdistan 24",
        lead_image=image,
    )
    writer = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz")
    CreditFactory(article=article, editor=writer, name="", role="writer", position=0)
    CreditFactory(article=article, name="Ava Homa", role="editing", position=1)
    CorrectionFactory(article=article, text="An earlier version misnamed the dam.")
    article.tags.add(TagFactory(name="Water", slug="water"))
    return article


def test_story_page_content(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<h1 class="story__headline">Dam repairs finished ahead of the spring floods</h1>' in html
    assert "Engineers sealed the last crack on Monday." in html
    assert '<p class="dateline"><bdi>DUKAN, Kurdistan Region (Kurdistan 24)</bdi> –</p>' in html
    assert 'By <a href="/author/shilan-aziz/" dir="auto"><bdi>Shilan Aziz</bdi></a>' in html
    assert "Editing by <bdi>Ava Homa</bdi>" in html
    assert "An earlier version misnamed the dam." in html
    assert 'href="/tag/water/"' in html
    assert "<time datetime=" in html


def test_lead_image_has_caption_credit_and_srcset(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    assert "The Dukan dam in spring." in html
    assert "Photo: <bdi>Shilan Aziz</bdi>" in html
    assert 'alt="Workers on the dam wall at Dukan"' in html
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', html).group(1)
    assert "480w" in webp and "960w" in webp and ".webp" in webp
    img_srcset = re.search(r'<img src="[^"]+" srcset="([^"]+)"', html).group(1)
    assert "480w" in img_srcset and "960w" in img_srcset
    # og:image is the largest JPEG rendition (960 x 640 here), and says so
    assert re.search(r'<meta property="og:image" content="[^"]+-960\.jpeg">', html)
    assert '<meta property="og:image:width" content="960">' in html
    assert '<meta property="og:image:height" content="640">' in html


def test_image_without_renditions_uses_the_original(client, section, media_root):
    image = image_with_renditions(widths=())
    article = ArticleFactory(published=True, section=section, lead_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="{image.file.url}"' in html
    assert "srcset" not in html.split('class="story__image"')[1].split("</figure>")[0]


def test_metadata_canonical_open_graph_twitter(client, story, settings):
    html = client.get(story.get_absolute_url()).content.decode()
    url = f"{settings.SITE_URL}{story.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Dam repairs finished ahead of the spring floods">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(r'<meta property="og:image" content="http[^"]+dam-960[^"]*\.jpeg"', html)


def test_json_ld_news_article(client, story, settings):
    data = json_ld(client.get(story.get_absolute_url()).content.decode())
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == story.headline
    assert data["description"] == story.standfirst
    assert data["inLanguage"] == "en"
    assert data["dateline"] == "DUKAN, Kurdistan Region (Kurdistan 24)"
    assert data["datePublished"] and data["dateModified"]
    assert data["author"] == [
        {"@type": "Person", "name": "Shilan Aziz", "url": f"{settings.SITE_URL}/author/shilan-aziz/"}
    ]
    assert data["editor"] == [{"@type": "Person", "name": "Ava Homa"}]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["logo"]["url"].endswith("img/logo.png")
    assert data["image"][0].startswith("http")
    assert data["correction"][0]["@type"] == "CorrectionComment"
    assert data["mainEntityOfPage"]["@id"] == f"{settings.SITE_URL}{story.get_absolute_url()}"


def test_json_ld_cannot_be_broken_out_of(client, section):
    nasty = 'Ends here </script><script>alert("x")</script> & <!-- more'
    article = ArticleFactory(published=True, section=section, headline=nasty, standfirst=nasty)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert json_ld(html)["headline"] == nasty


def test_related_stories_share_a_tag_or_the_section_newest_first(client, section):
    from tests.factories import SectionFactory

    other_section = SectionFactory(name="Sport", slug="sport")
    tag = TagFactory(name="Floods", slug="floods")
    now = timezone.now()
    article = ArticleFactory(published=True, section=section, headline="Main story")
    article.tags.add(tag)
    same_section = ArticleFactory(
        published=True, section=section, headline="Same section", publish_at=now - timedelta(hours=3)
    )
    same_tag = ArticleFactory(
        published=True, section=other_section, headline="Same tag", publish_at=now - timedelta(hours=2)
    )
    same_tag.tags.add(tag)
    ArticleFactory(published=True, section=other_section, headline="Unrelated sport story")
    draft = ArticleFactory(section=section, headline="A draft in the section")
    html = client.get(article.get_absolute_url()).content.decode()
    related = html.split('id="related-heading"')[1]
    assert related.index(same_tag.headline) < related.index(same_section.headline)
    assert "Unrelated sport story" not in related
    assert draft.headline not in related
    assert "Main story</a>" not in related


def test_sorani_story_rtl_with_bdi_and_hreflang(client, section, settings):
    english = ArticleFactory(published=True, section=section, headline="Dukan dam repaired", slug="dukan")
    sorani = ArticleFactory(
        published=True,
        section=section,
        language="ckb",
        headline="بەنداوی دوکان چاککرایەوە",
        slug="دوکان",
        dateline_place="DUKAN",
        dateline_outlet="Kurdistan 24",
        translation_of=english,
    )
    arabic = ArticleFactory(
        published=True,
        section=section,
        language="ar",
        headline="إصلاح سد دوكان",
        slug="dukan-ar",
        translation_of=english,
    )
    unpublished_translation = ArticleFactory(language="fa", headline="سد", translation_of=english)
    CreditFactory(article=sorani, name="Shilan Aziz", role="reporting")

    html = client.get(sorani.get_absolute_url()).content.decode()
    assert '<html lang="ckb" dir="rtl">' in html
    assert "<bdi>Shilan Aziz</bdi>" in html
    assert "<bdi>DUKAN (Kurdistan 24)</bdi>" in html
    assert (
        f'<link rel="alternate" hreflang="en" href="{settings.SITE_URL}{english.get_absolute_url()}">' in html
    )
    assert f'hreflang="ar" href="{settings.SITE_URL}{arabic.get_absolute_url()}"' in html
    assert 'hreflang="fa"' not in html and f"/story/{unpublished_translation.pk}/" not in html
    assert json_ld(html)["inLanguage"] == "ckb"

    # the original lists both translations, each with its own language
    english_html = client.get(english.get_absolute_url()).content.decode()
    assert 'hreflang="ckb"' in english_html and 'hreflang="ar"' in english_html
    assert '<html lang="en" dir="ltr">' in english_html


def test_share_links_are_plain_links(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    share = html.split('class="share"')[1].split("</div>")[0]
    assert "mailto:?subject=" in share and "facebook.com/sharer" in share
    assert "<script" not in share
    assert html.count("<script") == 1  # the JSON-LD only: no third-party JavaScript


def test_related_and_search_teasers_never_load_the_original_image(client, story, section):
    """The related teasers use the renditions (srcset, a 960px src), not the 1200px original; the search
    results are compact teasers, without images."""
    other_image = image_with_renditions(alt="Sluice gates")
    ArticleFactory(
        published=True, section=section, headline="Dam sluice gates tested", lead_image=other_image
    )
    html = client.get(story.get_absolute_url()).content.decode()
    related = html.split('id="related-heading"')[1]
    assert 'alt="Sluice gates"' in related
    assert other_image.file.url not in related
    img = re.search(r'<img src="([^"]+)" srcset="([^"]+)"', related)
    assert img and "960w" in img.group(2) and img.group(1) != other_image.file.url
    results = client.get("/search/?q=dam").content.decode()
    assert "Dam sluice gates tested" in results
    assert "/media/images/" not in results and "<img" not in results.split('class="results"')[1]
