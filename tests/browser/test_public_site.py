"""The public site in a real Chromium: home, an English and a Sorani story, on a phone and a desktop.

Checks ``dir``, that nothing overflows horizontally, that the Arabic-script font loads, and saves
screenshots (SCREENSHOT_DIR) for a person to look at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    CreditFactory,
    EditorFactory,
    SectionFactory,
    TagFactory,
)
from tests.public.public_helpers import image_with_renditions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SORANI_BODY = (
    "<p>ئەندازیارەکان دوای سێ مانگ کارکردن، درزەکانی دیواری بەنداوی دوکانیان چاککردەوە. "
    "بەپێی وتەی <bdi>Shilan Aziz</bdi>، کارەکە ١٢ ملیۆن دۆلاری تێچووە.</p>"
    "<p>وەزارەتی کشتوکاڵ ڕایگەیاند کە ئاوی بەنداوەکە بۆ وەرزی هاوین بەسە.</p>"
)
ENGLISH_BODY = (
    "<p>Engineers sealed the last crack in the wall of the Dukan dam on Monday, three months after the "
    "work began and weeks before the spring floods are expected.</p>"
    "<p>“We are ready for the water,” said the site manager, who asked not to be named. The repairs cost "
    "about $12 million, according to the ministry.</p>"
    "<blockquote><p>The dam holds back 6.8 billion cubic metres of water.</p></blockquote>"
    "<p>Farmers downstream said they had been worried since the cracks were found last autumn.</p>"
)


@pytest.fixture
def site(media_root):
    now = timezone.now()
    sections = [
        SectionFactory(name=name, slug=slug, position=i)
        for i, (name, slug) in enumerate(
            [
                ("Kurdistan", "kurdistan"),
                ("Iraq", "iraq"),
                ("World", "world"),
                ("Business", "business"),
                ("Sport", "sport"),
                ("Culture", "culture"),
            ]
        )
    ]
    image = image_with_renditions()
    editor = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz", job_title="Energy correspondent")
    tag = TagFactory(name="Water", slug="water")
    english = ArticleFactory(
        published=True,
        section=sections[0],
        headline="Dam repairs finished ahead of the spring floods",
        slug="dam-repairs-finished",
        kicker="Infrastructure",
        standfirst="Engineers sealed the last crack in the Dukan dam's wall, three months after the work began.",
        body=ENGLISH_BODY,
        dateline_place="DUKAN, Kurdistan Region",
        dateline_outlet="Kurdistan 24",
        lead_image=image,
        publish_at=now - timedelta(minutes=5),
        updated_at=now - timedelta(minutes=1),
    )
    english.tags.add(tag)
    CreditFactory(article=english, editor=editor, name="", role="reporting", position=0)
    CreditFactory(article=english, name="Ava Homa", role="editing", position=1)
    CorrectionFactory(article=english, text="An earlier version gave the wrong cost of the repairs.")
    sorani = ArticleFactory(
        published=True,
        section=sections[0],
        language="ckb",
        headline="چاککردنەوەی بەنداوی دوکان پێش لافاوەکانی بەهار تەواو بوو",
        slug="بەنداوی-دوکان",
        standfirst="ئەندازیارەکان دوایین درزی دیواری بەنداوی دوکانیان داخست.",
        body=SORANI_BODY,
        dateline_place="DUKAN",
        dateline_outlet="Kurdistan 24",
        lead_image=image,
        translation_of=english,
        publish_at=now - timedelta(minutes=4),
    )
    sorani.tags.add(tag)
    CreditFactory(article=sorani, editor=editor, name="", role="reporting")
    CreditFactory(article=sorani, name="Karwan Ali", role="translation")
    for i in range(14):
        story = ArticleFactory(
            published=True,
            section=sections[i % len(sections)],
            headline=[
                "Parliament passes the budget after a night of debate",
                "Oil exports through the northern pipeline resume",
                "New bridge over the Greater Zab opens to traffic",
                "Erbil marathon draws record field of runners",
                "Central bank holds interest rates steady",
                "Museum reopens with restored Assyrian reliefs",
                "Water levels in the Tigris reach a ten-year high",
            ][i % 7],
            standfirst="A short summary of the story that tells the reader what happened and why it matters.",
            lead_image=image if i % 3 == 0 else None,
            publish_at=now - timedelta(minutes=10 + i * 7),
        )
        CreditFactory(article=story)
    ArticleFactory(section=sections[0], headline="A secret draft that nobody may see")
    return {"english": english, "sorani": sorani, "editor": editor}


def settle(page):
    """Scroll through the page so lazy images load, then wait for every image and font."""
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 600) {
                window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30));
            }
            window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_function("[...document.images].every(img => img.complete)")
    page.evaluate("document.fonts.ready.then(() => true)")


def shoot(page, screenshot, name):
    settle(page)
    broken = page.evaluate("[...document.images].filter(img => !img.naturalWidth).map(img => img.src)")
    assert broken == [], broken
    return screenshot(page, name)


def no_horizontal_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page is {width}px wide in a {viewport}px viewport"
    offenders = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => { const r = el.getBoundingClientRect();
                            return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1)
                                   && getComputedStyle(el).position !== 'absolute'
                                   && !el.closest('.sections'); })
            .map(el => el.tagName + '.' + el.className).slice(0, 5)"""
    )
    assert offenders == [], offenders


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_home(live_server, site, viewport, request, screenshot):
    page = request.getfixturevalue("phone_page" if viewport == "phone" else "page")
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").count() == 1
    assert page.get_by_role("link", name="Dam repairs finished ahead of the spring floods").first.is_visible()
    assert "secret draft" not in page.content()
    assert page.locator("main").count() == 1 and page.locator("nav[aria-label=Sections]").count() == 1
    no_horizontal_overflow(page)
    shoot(page, screenshot, f"home-{viewport}")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_english_story(live_server, site, viewport, request, screenshot):
    page = request.getfixturevalue("phone_page" if viewport == "phone" else "page")
    page.goto(live_server.url + site["english"].get_absolute_url())
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text() == "Dam repairs finished ahead of the spring floods"
    assert "Reporting by Shilan Aziz" in page.locator(".credits").inner_text()
    # the responsive image loaded from a rendition
    current = page.locator(".story__image img").evaluate("img => img.complete && img.naturalWidth")
    assert current and current > 0
    no_horizontal_overflow(page)
    shoot(page, screenshot, f"story-en-{viewport}")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_sorani_story(live_server, site, viewport, request, screenshot):
    page = request.getfixturevalue("phone_page" if viewport == "phone" else "page")
    page.goto(live_server.url + site["sorani"].get_absolute_url())
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ckb"
    assert page.locator("h1").evaluate("el => getComputedStyle(el).direction") == "rtl"
    # the headline starts at the right edge of the column
    box = page.locator("h1").bounding_box()
    body_box = page.locator(".story__header").bounding_box()
    assert abs((box["x"] + box["width"]) - (body_box["x"] + body_box["width"])) < 2
    # the shipped Arabic-script font is used
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Newsroom Naskh\"', 'دوکان')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Newsroom Naskh') && f.status === 'loaded').length"
    )
    assert loaded >= 1
    assert page.locator('link[hreflang="en"]').count() == 1
    # the story's labels in Sorani; the site's chrome in its own language (English), left to right
    credits = page.locator(".credits").inner_text()
    assert credits.startswith("ڕاپۆرتی Shilan Aziz") and "وەرگێڕانی Karwan Ali" in credits
    assert page.locator(".translations").inner_text().startswith("بە زمانەکانی تر:")
    masthead = page.locator(".masthead")
    assert masthead.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert masthead.get_by_role("button").inner_text() == "Search"
    no_horizontal_overflow(page)
    shoot(page, screenshot, f"story-ckb-{viewport}")


def test_a_sorani_site(live_server, site, settings, page, phone_page, screenshot):
    """LANGUAGE_CODE=ckb: the chrome in Sorani, right to left; an English story keeps its English labels."""
    settings.LANGUAGE_CODE = "ckb"
    page.goto(live_server.url + "/")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ckb"
    masthead = page.locator(".masthead")
    assert masthead.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert masthead.get_by_role("button").inner_text() == "گەڕان"
    assert page.locator("nav[aria-label=بەشەکان]").count() == 1
    no_horizontal_overflow(page)
    shoot(page, screenshot, "home-ckb-site-desktop")
    phone_page.goto(live_server.url + site["english"].get_absolute_url())
    assert phone_page.locator("html").get_attribute("dir") == "ltr"
    assert phone_page.locator(".credits").inner_text().startswith("Reporting by Shilan Aziz")
    assert phone_page.locator(".masthead").evaluate("el => getComputedStyle(el).direction") == "rtl"
    no_horizontal_overflow(phone_page)
    shoot(phone_page, screenshot, "story-en-ckb-site-phone")


def test_author_and_search(live_server, site, page, phone_page, screenshot):
    page.goto(live_server.url + "/author/shilan-aziz/")
    assert "Energy correspondent" in page.locator("main").inner_text()
    shoot(page, screenshot, "author-desktop")
    phone_page.goto(live_server.url + "/search/?q=بەنداو")
    assert phone_page.locator(".results mark").count() >= 1
    no_horizontal_overflow(phone_page)
    shoot(phone_page, screenshot, "search-ckb-phone")


def test_keyboard_skip_link_and_focus(live_server, site, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_404_page(live_server, site, phone_page, screenshot):
    response = phone_page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert "Page not found" in phone_page.locator("h1").inner_text()
    no_horizontal_overflow(phone_page)
    shoot(phone_page, screenshot, "404-phone")
