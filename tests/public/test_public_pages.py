"""Every public page: status codes, content, pagination, and nothing unpublished anywhere."""

import re
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
from tests.public.public_helpers import HIDDEN_MARK, hidden_stories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(section):
    """A published story with a tag, an author and a correction, plus every kind of hidden story."""
    tag = TagFactory(name="Water", slug="water")
    editor = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz", bio="Covers energy and water.")
    story = ArticleFactory(published=True, section=section, headline="Dam repairs finished", slug="dam")
    story.tags.add(tag)
    CreditFactory(article=story, editor=editor, name="", role="writer")
    CorrectionFactory(article=story, text="An earlier version gave the wrong year.")
    hidden = hidden_stories(section, tag=tag, editor=editor)
    return {"story": story, "tag": tag, "editor": editor, "hidden": hidden, "section": section}


def public_urls(world):
    return [
        "/",
        world["story"].get_absolute_url(),
        world["section"].get_absolute_url(),
        world["tag"].get_absolute_url(),
        world["editor"].get_absolute_url(),
        "/corrections/",
        f"/search/?q={HIDDEN_MARK}",
        "/search/?q=hidden",
        "/feeds/latest/",
        "/feeds/latest/atom/",
        f"/feeds/{world['section'].slug}/",
        f"/feeds/{world['section'].slug}/atom/",
        f"/feeds/tag/{world['tag'].slug}/",
        f"/feeds/tag/{world['tag'].slug}/atom/",
        f"/feeds/author/{world['editor'].slug}/",
        f"/feeds/author/{world['editor'].slug}/atom/",
        "/feeds/corrections/",
        "/feeds/corrections/atom/",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/sitemap-news.xml",
    ]


def test_every_public_page_answers_200(client, world):
    for url in public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url


def test_no_hidden_story_appears_anywhere(client, world):
    for url in public_urls(world):
        html = client.get(url).content.decode()
        if url.startswith("/search/"):
            html = html.replace(f"“{HIDDEN_MARK}”", "").replace(f'value="{HIDDEN_MARK}"', "")
            html = html.replace(f'<q dir="auto">{HIDDEN_MARK}</q>', "")
            # both searches match hidden stories only: no result at all
            assert 'class="teaser' not in html and "Nothing found for" in html, url
        assert HIDDEN_MARK not in html, url
        for story in world["hidden"].values():
            assert f"/story/{story.pk}/" not in html, url
    # and the published one does appear where it should
    assert "Dam repairs finished" in client.get("/").content.decode()
    assert "Dam repairs finished" in client.get("/corrections/").content.decode()


@pytest.mark.parametrize("name", ["draft", "in_review", "unpublished", "scheduled", "embargoed", "expired"])
def test_hidden_story_page_is_404(client, world, name):
    response = client.get(world["hidden"][name].get_absolute_url())
    assert response.status_code == 404
    assert HIDDEN_MARK not in response.content.decode()


def test_killed_story_is_410_in_the_site_design(client, world):
    response = client.get(world["hidden"]["killed"].get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This story has been removed" in html
    assert 'class="masthead"' in html and HIDDEN_MARK not in html


def test_404_page_is_in_the_site_design(client, db):
    response = client.get("/no-such-section/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="masthead"' in html and 'role="search"' in html


@pytest.mark.parametrize(
    "url", ["/tag/nothing/", "/author/nobody/", "/feeds/nothing/", "/feeds/tag/nothing/"]
)
def test_unknown_listing_is_404(client, db, url):
    assert client.get(url).status_code == 404


def test_inactive_section_is_404(client, db):
    SectionFactory(name="Archive", slug="archive", is_active=False)
    assert client.get("/archive/").status_code == 404


def test_story_missing_slug_redirects(client, world):
    story = world["story"]
    response = client.get(f"/story/{story.pk}/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_home_has_lead_latest_and_section_blocks(client, db):
    sections = [
        SectionFactory(name=n, slug=n.lower(), position=i) for i, n in enumerate(["Politics", "Sport"])
    ]
    now = timezone.now()
    for i in range(30):
        ArticleFactory(
            published=True,
            section=sections[i % 2],
            headline=f"Story number {i:02d}",
            publish_at=now - timedelta(minutes=i + 1),
        )
    html = client.get("/").content.decode()
    assert 'aria-label="Top story"' in html
    assert html.index("Story number 00") < html.index("Story number 01")
    assert 'id="latest-heading"' in html
    for s in sections:
        assert f'id="section-{s.pk}"' in html
    # the blocks continue after the latest list: older stories appear in them
    assert "Story number 13" in html or "Story number 14" in html


def test_home_headings_in_order_and_landmarks(client, published_article):
    html = client.get("/").content.decode()
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    for landmark in ("<header", "<main", "<nav", "<footer", 'class="skip-link" href="#main"'):
        assert landmark in html


def test_section_pagination_has_numbers_and_rel(client, section):
    now = timezone.now()
    for i in range(45):
        ArticleFactory(published=True, section=section, publish_at=now - timedelta(minutes=i + 1))
    first = client.get("/world/").content.decode()
    assert '<link rel="next" href="/world/?page=2">' in first
    assert 'rel="prev"' not in first
    assert 'aria-label="Page 3"' in first
    second = client.get("/world/?page=2").content.decode()
    assert '<link rel="prev" href="/world/">' in second
    assert '<link rel="next" href="/world/?page=3">' in second
    assert 'aria-current="page" href="/world/?page=2"' in second
    # out-of-range and junk page numbers do not fail: they are sent to the page shown, so that invented
    # numbers neither fill the page cache nor show one page under many addresses
    for asked, shown in (("999", "/world/?page=3"), ("1", "/world/"), ("-2", "/world/"), ("0", "/world/")):
        response = client.get(f"/world/?page={asked}")
        assert (response.status_code, response["Location"]) == (302, shown), asked
        assert response["X-Page-Cache"] == "miss"
    assert client.get("/world/?page=3").status_code == 200
    assert (
        client.get("/world/?page=abc").status_code == 200
    )  # no number: page 1 (one cache entry with /world/)
    from django.core.cache import cache

    assert not [k for k in cache._cache if "999" in k or "abc" in k]
    moved = client.get("/search/", {"q": "council", "page": "50"})
    assert moved.status_code == 302 and moved["Location"].startswith("/search/?q=council")


def test_author_page_shows_profile_and_only_their_stories(client, section):
    editor = EditorFactory(
        display_name="Ava Homa", slug="ava-homa", job_title="Chief correspondent", bio="Reports."
    )
    mine = ArticleFactory(published=True, section=section, headline="Mine")
    CreditFactory(article=mine, editor=editor, name="")
    CreditFactory(article=mine, editor=editor, name="", role="editing")  # twice: listed once
    ArticleFactory(published=True, section=section, headline="Somebody else's")
    html = client.get("/author/ava-homa/").content.decode()
    assert "Ava Homa" in html and "Chief correspondent" in html and "Reports." in html
    assert html.count(">Mine<") == 1
    assert "Somebody else" not in html


def test_tag_page_lists_tagged_stories(client, section):
    tag = TagFactory(name="Oil", slug="oil")
    tagged = ArticleFactory(published=True, section=section, headline="Pipeline reopens")
    tagged.tags.add(tag)
    ArticleFactory(published=True, section=section, headline="Unrelated")
    html = client.get("/tag/oil/").content.decode()
    assert "Pipeline reopens" in html and "Unrelated" not in html


def test_corrections_log_lists_newest_first(client, section):
    story = ArticleFactory(published=True, section=section, headline="Budget vote")
    old = CorrectionFactory(article=story, text="Old correction.")
    new = CorrectionFactory(article=story, text="New clarification.", kind="clarification")
    old.created_at = timezone.now() - timedelta(days=3)
    old.save()
    html = client.get("/corrections/").content.decode()
    assert html.index("New clarification.") < html.index("Old correction.")
    assert f"#correction-{new.pk}" in html


def test_robots_txt_names_the_sitemaps(client, db, settings):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap-news.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.parametrize("slug", ["search", "corrections", "feeds", "robots.txt", "sitemap.xml"])
def test_fixed_paths_win_over_a_section_of_the_same_name(client, db, slug):
    SectionFactory(name=slug.title(), slug=slug)
    response = client.get(f"/{slug}/" if "." not in slug else f"/{slug}")
    assert response.status_code in (200, 404)
    if slug in ("search", "corrections"):
        assert f'<h1 class="page-title">{slug.title()}</h1>' in response.content.decode()


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("a &lt;b&gt; c", "a <b> c"),
        ("Prices &lt;5% &amp; &lt;em&gt;falling&lt;/em&gt;", "Prices <5% & <em>falling</em>"),
        ("<b>Bold</b>\n &amp; <script>x()</script>co", "Bold & co"),
    ],
)
def test_plain_text_strips_tags_before_decoding_entities(raw, text):
    from articles.sanitize import plain_text

    assert plain_text(raw) == text


def test_an_escaped_angle_bracket_headline_is_shown_whole(client, section):
    from articles.sanitize import plain_text

    ArticleFactory(published=True, section=section, headline=plain_text("Vote &lt;50%&gt; turnout"))
    assert "Vote &lt;50%&gt; turnout" in client.get("/").content.decode()


def test_section_blocks_take_the_newest_few_per_active_section_in_one_query(db, django_assert_num_queries):
    from articles.models import Article

    now = timezone.now()
    politics, sport = SectionFactory(slug="politics"), SectionFactory(slug="sport")
    archive = SectionFactory(slug="archive", is_active=False)
    stories = {
        s.slug: [
            ArticleFactory(published=True, section=s, publish_at=now - timedelta(minutes=i + 1))
            for i in range(7)
        ]
        for s in (politics, sport, archive)
    }
    ArticleFactory(status="draft", section=sport, publish_at=now)  # newest, but not published
    shown = [stories["politics"][0].pk]
    with django_assert_num_queries(1):
        got = list(Article.objects.published().exclude(pk__in=shown).section_blocks(per_section=4))
    assert {a.pk for a in got} == {a.pk for a in stories["politics"][1:5] + stories["sport"][:4]}
    assert [a.publish_at for a in got] == sorted((a.publish_at for a in got), reverse=True)
    sql = str(Article.objects.published().section_blocks(per_section=4).query)
    # the cost does not grow with the stories: a LIMIT per section, no window over all of them
    assert "ROW_NUMBER" not in sql.upper() and "LIMIT 4" in sql


def test_listing_count_is_capped(client, section, monkeypatch):
    """The paginator counts at most LISTING_COUNT_CAP stories, so a section front costs the same at any size."""
    from public import views

    monkeypatch.setattr(views, "LISTING_COUNT_CAP", 25)
    for _ in range(30):
        ArticleFactory(published=True, section=section)
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 25
    assert response.context["page"].paginator.num_pages == 2
