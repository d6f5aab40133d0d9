"""The home and story pages: status codes, redirects, lang/dir and pinned query counts."""

import re

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, CorrectionFactory, CreditFactory

pytestmark = pytest.mark.django_db


def test_story_page(client, published_article):
    CreditFactory(article=published_article, name="Ava Homa", role="editing")
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert published_article.headline in html
    assert "ERBIL, Kurdistan Region (Newsroom)" in html
    assert "Editing by <bdi>Ava Homa</bdi>" in html
    assert "<p>The vote was close.</p>" in html


def test_sorani_story_is_right_to_left(client):
    article = ArticleFactory(published=True, language="ckb", headline="هەواڵ", slug="هەواڵ")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert '<html lang="ckb" dir="rtl">' in response.content.decode()


def test_wrong_slug_redirects_permanently(client, published_article):
    response = client.get(reverse("public:story", kwargs={"pk": published_article.pk, "slug": "old-slug"}))
    assert response.status_code == 301
    assert response["Location"] == published_article.get_absolute_url()


@pytest.mark.parametrize(
    "traits",
    [{"status": "draft"}, {"status": "in_review"}, {"status": "unpublished"}],
)
def test_unpublished_story_is_404(client, traits):
    article = ArticleFactory(**traits)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unknown_story_is_404(client, db):
    assert client.get("/story/999999/nothing/").status_code == 404


def test_killed_story_is_410_and_shows_no_headline(client):
    from django.utils import timezone

    article = ArticleFactory(status="killed", publish_at=timezone.now(), headline="Defamatory claim")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert "Defamatory claim" not in response.content.decode()


def test_home_lists_only_published(client, published_article):
    draft = ArticleFactory(headline="Secret draft about the budget")
    html = client.get("/").content.decode()
    assert published_article.headline in html
    assert draft.headline not in html


@pytest.mark.parametrize("count", [1, 50])
def test_home_query_count_is_constant(client, django_assert_max_num_queries, section, count):
    for _ in range(count):
        article = ArticleFactory(published=True, section=section)
        CreditFactory(article=article)
    from public.caching import forget_generation

    forget_generation()
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("credits", [1, 10])
def test_story_query_count_is_constant(client, django_assert_max_num_queries, published_article, credits):
    for _ in range(credits):
        CreditFactory(article=published_article)
        CorrectionFactory(article=published_article)
    from public.caching import forget_generation

    forget_generation()  # the worst case: this request also re-reads the page-cache generation
    with django_assert_max_num_queries(6):
        assert client.get(published_article.get_absolute_url()).status_code == 200


def test_story_without_slug_is_served_not_redirected_to_itself(client, section):
    article = ArticleFactory(section=section, published=True, headline="No slug")
    type(article).objects.filter(pk=article.pk).update(slug="")
    url = f"/story/{article.pk}/-/"
    response = client.get(url)
    assert response.status_code == 200 and "No slug" in response.content.decode()
    moved = client.get(f"/story/{article.pk}/something/")
    assert moved.status_code == 301 and moved["Location"] == url


def test_times_are_shown_in_the_site_zone_with_its_offset(client, section, settings):
    from datetime import UTC, datetime

    settings.TIME_ZONE = "Asia/Baghdad"
    when = datetime(2026, 11, 25, 13, 4, tzinfo=UTC)
    story = ArticleFactory(section=section, published=True, headline="Zoned story", publish_at=when)
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<time datetime="2026-11-25T16:04:00+03:00"><bdi dir="ltr">25 November 2026, 16:04</bdi>' in html
    assert '<bdi dir="ltr" class="zone">(UTC+3)</bdi></time>' in html
    home = client.get("/").content.decode()
    assert '<time datetime="2026-11-25T16:04:00+03:00"><bdi dir="ltr">25 Nov 2026, 16:04</bdi>' in home
    assert "(UTC+3)" in home


def test_a_right_to_left_teaser_date_reads_in_order(client, section, settings):
    from datetime import UTC, datetime

    settings.TIME_ZONE = "Asia/Baghdad"
    ArticleFactory(
        section=section,
        published=True,
        language="ckb",
        headline="هەواڵ",
        publish_at=datetime(2026, 11, 25, 10, 4, tzinfo=UTC),
    )
    html = client.get("/").content.decode()
    teaser = html.split('lang="ckb" dir="rtl"')[1]
    date = re.search(r'<time datetime="2026-11-25T13:04:00\+03:00"><bdi dir="rtl">([^<]+)</bdi>', teaser)
    assert date and date.group(1).endswith("2026\u060c 13:04") and "," not in date.group(1)
    assert '<bdi dir="ltr" class="zone">(UTC+3)</bdi>' in teaser


def test_json_ld_credits_agencies_and_desks_as_organisations_and_people_as_persons(client, section):
    import json
    import re

    from sources.models import Source
    from tests.factories import CreditFactory

    source = Source.objects.create(name="Reuters", code="REUTERS", slug="reuters")
    story = ArticleFactory(section=section, published=True, source=source)
    for name in ("Rebin Omar", "Reuters", "Foreign desk", "AFP staff"):
        CreditFactory(article=story, name=name)
    html = client.get(story.get_absolute_url()).content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert [(a["@type"], a["name"]) for a in ld["author"]] == [
        ("Person", "Rebin Omar"),
        ("Organization", "Reuters"),
        ("Organization", "Foreign desk"),
        ("Organization", "AFP staff"),
    ]
