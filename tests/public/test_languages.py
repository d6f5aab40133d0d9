"""The reader-facing site in its languages: the chrome (header, footer, listings, search, error pages,
``<html lang dir>`` of every page that is not a story) in the site's language (``LANGUAGE_CODE``), a
story's labels (byline phrases, "Updated", corrections, "Related stories", share, "Photo:") in the
story's; the page and fragment caches never serve one language's copy for another; the desk stays in
English; the committed catalogues are complete and compiled."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.template import loader
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from articles.languages import endonym, ui_language
from articles.models import RenderedPage
from tests.factories import ArticleFactory, CorrectionFactory, CreditFactory, EditorFactory
from tests.public.public_helpers import image_with_renditions
from tests.public.test_public_queries import BUDGET, assert_answered, populate, urls  # noqa: F401 - populate is a fixture

pytestmark = pytest.mark.django_db

# What the chrome says in each language (locale/*/LC_MESSAGES/django.po).
SKIP = {"en": "Skip to content", "ckb": "بازدان بۆ ناوەڕۆک", "ar": "انتقل إلى المحتوى"}
SEARCH = {"en": "Search", "ckb": "گەڕان", "ar": "بحث"}
FOOTER_CORRECTIONS = {"en": "Corrections", "ckb": "ڕاستکردنەوەکان", "ar": "تصحيحات"}
BY = {"en": "By", "ckb": "نووسینی", "ar": "بقلم"}
RELATED = {"en": "Related stories", "ckb": "هەواڵی پەیوەندیدار", "ar": "أخبار ذات صلة"}


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def page(client, url, status=200):
    return get(client, url, status).content.decode()


def part(html, start, end):
    """The text of ``html`` from the first ``start`` to the next ``end``."""
    assert start in html, start
    return html.split(start, 1)[1].split(end, 1)[0]


def month(value, language):
    with translation.override(language):
        return dateformat.format(timezone.localtime(value), "F")


@pytest.fixture
def sorani(section, media_root):
    """A Sorani story with every story-level label: writer and editor credits, an image credit, a
    correction, a translation and a related story."""
    english = ArticleFactory(published=True, section=section, headline="Dukan dam repaired", slug="dukan")
    story = ArticleFactory(
        published=True,
        section=section,
        language="ckb",
        headline="بەنداوی دوکان چاککرایەوە",
        slug="دوکان",
        translation_of=english,
        lead_image=image_with_renditions(),
    )
    story.updated_at = story.publish_at + timezone.timedelta(minutes=30)
    story.save(update_fields=["updated_at"])
    CreditFactory(
        article=story, editor=EditorFactory(display_name="شیلان عەزیز", slug="shilan"), name="", position=0
    )
    CreditFactory(article=story, name="ئاڤا", role="writer", position=1)
    CreditFactory(article=story, name="ڕێبین", role="editing", position=2)
    CorrectionFactory(article=story, kind="clarification", text="ڕوونکردنەوەیەک.")
    ArticleFactory(published=True, section=section, language="ckb", headline="هەواڵێکی تر", slug="تر")
    return story


@pytest.fixture
def english_story(section):
    story = ArticleFactory(
        published=True, section=section, headline="Council approves the bridge", slug="bridge"
    )
    CreditFactory(article=story, name="Ava Homa", position=0)
    CreditFactory(article=story, name="Karwan Ali", position=1)
    CorrectionFactory(article=story, kind="correction", text="An earlier version misspelt a name.")
    ArticleFactory(published=True, section=section, headline="Another bridge story", slug="another")
    return story


def test_a_sorani_story_on_an_english_site(client, sorani):
    html = page(client, sorani.get_absolute_url())
    assert '<html lang="ckb" dir="rtl">' in html
    # the chrome: English, marked up as English, left to right
    assert '<header class="masthead" lang="en" dir="ltr">' in html
    assert '<footer class="site-footer" lang="en" dir="ltr">' in html
    assert f'lang="en" dir="ltr">{SKIP["en"]}</a>' in html
    assert f'<button type="submit">{SEARCH["en"]}</button>' in html
    # the story: its labels in Sorani
    credits = part(html, '<p class="credits">', "</p>")
    assert credits.startswith(f'<span class="credit" dir="auto">{BY["ckb"]} ')
    assert " و <bdi>ئاڤا</bdi>" in credits  # "and" between the last two names
    assert "دەستکاریی <bdi>ڕێبین</bdi>" in credits
    assert "By" not in credits and " and " not in credits
    assert '<span class="updated">نوێکراوەتەوە ' in html
    assert 'class="credit-line">وێنە: <bdi>' in html
    assert '<h2 id="corrections-heading">ڕاستکردنەوەکان</h2>' in html
    assert "<strong>ڕوونکردنەوە</strong>، <time" in html
    assert f'<h2 id="related-heading" class="block-heading">{RELATED["ckb"]}</h2>' in html
    assert '<h2 class="share__heading">هاوبەشکردن</h2>' in html
    assert 'class="translations">بە زمانەکانی تر:' in html
    assert 'lang="en" dir="ltr">English</a>' in html  # each translation named in its own language
    # dates: the month named in Sorani, in the byline's time and in the correction's
    meta = part(html, '<p class="meta">', "</p>")
    assert month(sorani.publish_at, "ckb") in meta
    assert month(sorani.publish_at, "en") not in meta
    assert month(sorani.corrections.get().created_at, "ckb") in part(
        html, 'id="corrections-heading"', "</aside>"
    )
    for english in ("Related stories", "Photo:", "Updated", ">Share<", "Also in", "Corrections</h2>"):
        assert english not in html, english


def test_the_home_page_of_a_sorani_site(client, settings, english_story):
    settings.LANGUAGE_CODE = "ckb"
    html = page(client, "/")
    assert '<html lang="ckb" dir="rtl">' in html
    assert f">{SKIP['ckb']}</a>" in html
    assert '<header class="masthead" lang="ckb" dir="rtl">' in html
    assert f'placeholder="{SEARCH["ckb"]}"' in html and f">{SEARCH['ckb']}</button>" in html
    assert 'aria-label="بەشەکان"' in html
    assert f">{FOOTER_CORRECTIONS['ckb']}</a>" in html
    assert ">نوێترین</h2>" in html  # "Latest"
    assert 'title="Newsroom: دوایین هەواڵەکان"' in html  # the feed link in <head>
    for english in (SKIP["en"], ">Search<", ">Latest<", ">Corrections<", "latest stories"):
        assert english not in html, english
    # a teaser keeps its story's language and direction
    assert 'class="teaser teaser--lead" lang="en" dir="ltr"' in html


def test_an_english_story_on_a_sorani_site(client, settings, english_story):
    settings.LANGUAGE_CODE = "ckb"
    html = page(client, english_story.get_absolute_url())
    assert '<html lang="en" dir="ltr">' in html  # the story's
    assert '<header class="masthead" lang="ckb" dir="rtl">' in html  # the site's
    assert f'lang="ckb" dir="rtl">{SKIP["ckb"]}</a>' in html
    credits = part(html, '<p class="credits">', "</p>")
    assert (
        credits.startswith('<span class="credit" dir="auto">By ') and " and <bdi>Karwan Ali</bdi>" in credits
    )
    assert (
        '<h2 id="corrections-heading">Corrections</h2>' in html
        and "<strong>Correction</strong>, <time" in html
    )
    assert f">{RELATED['en']}</h2>" in html and '<h2 class="share__heading">Share</h2>' in html
    meta = part(html, '<p class="meta">', "</p>")
    assert month(english_story.publish_at, "en") in meta
    assert f">{FOOTER_CORRECTIONS['ckb']}</a>" in html


def test_an_arabic_site(client, settings, english_story):
    settings.LANGUAGE_CODE = "ar"
    ArticleFactory(published=True, language="ar", headline="جسر جديد فوق النهر", slug="jisr")
    html = page(client, "/search/?q=bridge")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 class="page-title">بحث</h1>' in html and "كل اللغات" in html
    # Arabic has six plural forms: two results
    assert 'نتيجتان عن <q dir="auto">bridge</q>' in html
    # the language filter names each language in itself
    assert '<option value="ckb" lang="ckb" dir="rtl">کوردی</option>' in html
    html = page(client, "/no-such-section/", status=404)
    assert '<html lang="ar" dir="rtl">' in html and "الصفحة غير موجودة" in html
    html = page(client, "/corrections/")
    assert "<strong>تصحيح</strong>" in html  # the kinds in the site's language on the list
    assert '<p lang="en" dir="auto">An earlier version misspelt a name.</p>' in html


def test_the_server_error_page_follows_the_site(settings):
    assert '<html lang="en" dir="ltr">' in loader.get_template("500.html").render()
    settings.LANGUAGE_CODE = "ckb"
    html = loader.get_template("500.html").render()
    assert '<html lang="ckb" dir="rtl">' in html and "هەڵەیەک ڕوویدا" in html


def test_feeds_in_the_site_language(client, settings, english_story):
    settings.LANGUAGE_CODE = "ckb"
    xml = page(client, "/feeds/latest/")
    assert "<title>Newsroom: دوایین هەواڵەکان</title>" in xml
    assert "<title>Council approves the bridge</title>" in xml  # stories keep their own words
    assert "<language>" not in xml  # its one story is English: the feed declares no language
    assert 'xml:lang="en"' in page(client, "/feeds/latest/atom/")  # each entry names its own
    assert "<title>ڕاستکردنەوە: Council approves the bridge</title>" in page(client, "/feeds/corrections/")


def test_the_page_cache_never_serves_one_language_for_another(client, settings, english_story):
    first = get(client, "/")
    assert first["X-Page-Cache"] == "miss" and SKIP["en"] in first.content.decode()
    assert get(client, "/")["X-Page-Cache"] == "hit"
    settings.LANGUAGE_CODE = "ckb"  # same URL, same generation: only the language differs
    sorani = get(client, "/")
    assert sorani["X-Page-Cache"] == "miss"
    html = sorani.content.decode()
    assert SKIP["ckb"] in html and SKIP["en"] not in html and '<header class="masthead" lang="ckb"' in html
    settings.LANGUAGE_CODE = "en"
    again = get(client, "/")
    assert again["X-Page-Cache"] == "hit" and again.content == first.content


def test_the_header_and_footer_fragments_are_kept_per_language(client, settings, english_story):
    settings.PAGE_CACHE_SECONDS = 0
    for language in ("en", "ckb", "ar", "en"):
        settings.LANGUAGE_CODE = language
        html = page(client, "/corrections/")
        masthead = part(html, '<header class="masthead"', "</header>")
        footer = part(html, '<footer class="site-footer"', "</footer>")
        assert f'<button type="submit">{SEARCH[language]}</button>' in masthead, language
        assert f">{FOOTER_CORRECTIONS[language]}</a>" in footer, language


def test_the_story_fragments_follow_the_story_not_the_site(client, settings, sorani):
    """A Sorani story's fragments are the same on every site; they are kept per site language all the
    same (a story in a language without a catalogue takes the site's labels), never served across."""
    settings.PAGE_CACHE_SECONDS = 0
    parts = {}
    for language in ("en", "ckb", "en"):
        settings.LANGUAGE_CODE = language
        html = page(client, sorani.get_absolute_url())
        parts[language] = part(html, "<main", "</main>")
        assert RenderedPage.objects.filter(article_id=sorani.pk).exists()
    assert parts["en"] == parts["ckb"]
    assert BY["ckb"] in parts["en"]


def test_a_story_in_a_language_without_a_catalogue_takes_the_site_labels(client, settings, section):
    settings.PAGE_CACHE_SECONDS = 0
    persian = ArticleFactory(published=True, section=section, language="fa", headline="سد دوکان", slug="sad")
    CreditFactory(article=persian, name="آوا")
    assert ui_language("fa") == "en" and ui_language("ar-IQ") == "ar" and ui_language("en-US") == "en"
    english_site = page(client, persian.get_absolute_url())
    assert '<html lang="fa" dir="rtl">' in english_site and ">By <bdi>آوا</bdi>" in english_site
    settings.LANGUAGE_CODE = "ckb"
    sorani_site = page(client, persian.get_absolute_url())
    assert f">{BY['ckb']} <bdi>آوا</bdi>" in sorani_site and ">By <" not in sorani_site
    settings.LANGUAGE_CODE = "en"
    assert ">By <bdi>آوا</bdi>" in page(client, persian.get_absolute_url())  # its own entry, still there


def test_previews_chrome_in_the_site_language_labels_in_the_story_language(
    client, settings, sorani, editor_user
):
    from public.preview import share_url

    settings.LANGUAGE_CODE = "ar"
    client.force_login(editor_user)
    for url in (reverse("admin:articles_article_preview", args=[sorani.pk]), share_url(sorani)):
        html = page(client, url)
        assert '<html lang="ckb" dir="rtl">' in html
        assert 'lang="ckb" dir="rtl"' in part(html, '<p class="preview-banner"', "</p>")
        assert "پێشبینین — بڵاونەکراوەتەوە" in html  # the banner: the story's language
        assert '<header class="masthead" lang="ar" dir="rtl">' in html and f">{SEARCH['ar']}</button>" in html
        assert f">{BY['ckb']} " in html


def test_the_desk_stays_in_english(client, settings, editor_user):
    settings.LANGUAGE_CODE = "ckb"
    html = page(client, "/admin/login/")
    assert '<html lang="en" dir="ltr">' in html and "Log in" in html
    client.force_login(editor_user)
    html = page(client, reverse("admin:articles_article_changelist"))
    assert '<html lang="en" dir="ltr">' in html
    assert translation.get_language() == "ckb"  # the desk's language does not outlive its request


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_every_public_page_within_budget_in_every_language(
    client,
    settings,
    populate,  # noqa: F811 - the fixture imported above
    language,
    django_assert_max_num_queries,
):
    settings.LANGUAGE_CODE = language
    data = populate(3)
    for url in urls(data):
        cache.clear()
        with django_assert_max_num_queries(BUDGET):
            response = client.get(url)
        assert_answered(url, response)


def test_language_names():
    assert endonym("ckb") == "کوردی" and endonym("ar-IQ") == "العربية" and endonym("en") == "English"
    assert endonym("xx") == "xx"


# --- The catalogues -------------------------------------------------------------------------------

LOCALE = Path(django_settings.BASE_DIR) / "locale"
DESK_ONLY = re.compile(r"^(articles/admin\.py|editors/|sources/|templates/admin/)")


def po_entries(path):
    """(references, context, msgid, msgid_plural, [msgstr...]) of each entry of a .po file."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        refs, fields, current = [], {}, None
        for line in block.splitlines():
            if line.startswith("#:"):
                refs += [r.rsplit(":", 1)[0] for r in line[2:].split()]
                continue
            m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if m:
                current = m.group(1)
                fields[current] = ""
                line = m.group(2)
            elif not line.startswith('"'):
                continue
            fields[current] += re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), line[1:-1])
        if fields.get("msgid"):
            strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            entries.append((refs, fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), strs))
    return entries


@pytest.mark.parametrize("language", ["ckb", "ar"])
def test_every_reader_facing_string_is_translated_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    with open(po.with_suffix(".mo"), "rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    entries = po_entries(po)
    assert len(entries) > 60
    for refs, context, msgid, plural, strs in entries:
        key = f"{context}\x04{msgid}" if context is not None else msgid
        if all(DESK_ONLY.match(r) for r in refs):
            continue  # the desk's: Django's own catalogue translates it, or it stays English
        assert all(strs), f"untranslated in {po}: {msgid!r}"
        # the committed .mo is the .po compiled (a fresh machine may have no gettext to compile it)
        if plural is None:
            assert mo._catalog.get(key) == strs[0], f"{language}: {msgid!r}: run compilemessages"
        else:
            assert [mo._catalog.get((key, i)) for i in range(len(strs))] == strs, f"{language}: {msgid!r}"
