"""Every feed the site exposes passes the W3C Feed Validator (../shared/validators/feedvalidator) with
no error and no warning, over stories in English, Sorani and Arabic, with and without images, writers,
standfirsts and corrections.

The validator is not copied into this repository; CI has it beside the checkout. Where it is absent
(a checkout without ../shared) this module is skipped, and says why."""

import sys
from pathlib import Path

import pytest

from tests.factories import ArticleFactory, CorrectionFactory, CreditFactory, EditorFactory, TagFactory
from tests.public.public_helpers import image_with_renditions

VALIDATOR = Path(__file__).resolve().parents[2].parent / "shared" / "validators" / "feedvalidator"
if not VALIDATOR.is_dir():
    pytest.skip(f"the W3C Feed Validator is not at {VALIDATOR} (CI has it)", allow_module_level=True)
sys.path.insert(0, str(VALIDATOR))

import feedvalidator  # noqa: E402
from feedvalidator.logging import Error, Warning  # noqa: E402

pytestmark = [pytest.mark.conformance, pytest.mark.django_db]


@pytest.fixture
def newsroom(section, media_root):
    """Three languages, a story with an image and writer, one with neither and no standfirst, an
    agency story, a correction, a standfirst with markup-looking text."""
    tag = TagFactory(name="Oil", slug="oil")
    writer = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz")
    with_image = ArticleFactory(section=section, published=True, lead_image=image_with_renditions())
    CreditFactory(article=with_image, editor=writer, name="")
    bare = ArticleFactory(section=section, published=True, standfirst="")
    sorani = ArticleFactory(
        section=section,
        published=True,
        language="ckb",
        headline="پردێکی نوێ لە هەولێر",
        standfirst="ئەنجومەن دەنگی دا.",
    )
    CreditFactory(article=sorani, name="ڕێبین عومەر")
    arabic = ArticleFactory(
        section=section,
        published=True,
        language="ar",
        headline="جسر جديد في أربيل",
        standfirst="&lt;img src=x onerror=alert(1)&gt; <b>x</b>",
    )
    CreditFactory(article=arabic, name="Reuters", role="writer")
    for story in (with_image, bare, sorani, arabic):
        story.tags.add(tag)
    CorrectionFactory(article=with_image, text="An earlier version misspelt the minister's name.")
    CorrectionFactory(article=arabic, text="<script>alert(1)</script> the date was wrong.")
    return {"section": section, "tag": tag, "writer": writer}


def feed_urls(data):
    urls = [
        "/feeds/latest/",
        "/feeds/corrections/",
        f"/feeds/{data['section'].slug}/",
        f"/feeds/tag/{data['tag'].slug}/",
    ]
    urls.append(f"/feeds/author/{data['writer'].slug}/")
    return [u for url in urls for u in (url, url + "atom/")]


def test_every_feed_passes_the_w3c_feed_validator(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    problems = {}
    for url in feed_urls(newsroom):
        response = client.get(url)
        assert response.status_code == 200, url
        events = feedvalidator.validateString(
            response.content.decode(), firstOccurrenceOnly=0, base="https://news.example.org" + url
        )["loggedEvents"]
        found = [
            f"{type(e).__name__} {e.__class__.__mro__[1].__name__}: {e.params}"
            for e in events
            if isinstance(e, Error | Warning)
        ]
        if found:
            problems[url] = found
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
