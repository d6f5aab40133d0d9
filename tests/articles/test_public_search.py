"""Search: English stemming, Sorani/Arabic (simple + trigram + prefix), ranking, snippets, filters,
hostile input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.articles.public_helpers import HIDDEN_MARK, hidden_stories
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def results(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.context["page"], response.content.decode()


def test_english_is_stemmed_and_highlighted(client, section):
    story = ArticleFactory(
        published=True, section=section, headline="Council votes", body="<p>Two new bridges were approved.</p>"
    )
    page, html = results(client, q="bridge")
    assert [s.pk for s in page] == [story.pk]
    assert "<mark>bridges</mark>" in html


def test_headline_ranks_above_body(client, section):
    now = timezone.now()
    in_body = ArticleFactory(
        published=True, section=section, headline="Council news", standfirst="", body="<p>The dam leaks.</p>",
        publish_at=now - timedelta(minutes=1),
    )
    in_headline = ArticleFactory(
        published=True, section=section, headline="Dam repairs finished", standfirst="", body="<p>Work done.</p>",
        publish_at=now - timedelta(days=3),
    )
    page, _ = results(client, q="dam")
    assert [s.pk for s in page] == [in_headline.pk, in_body.pk]


def test_sorani_matches_inflected_forms(client, section):
    story = ArticleFactory(
        published=True,
        section=section,
        language="ckb",
        headline="بەنداوەکەی دوکان چاککرایەوە",
        standfirst="",
        body="<p>ئەندازیارەکان بەنداوەکەیان لە هەولێر چاککردەوە.</p>",
    )
    for query in ("بەنداو", "دوکان", "هەولێر", "ئەندازیار"):
        page, html = results(client, q=query)
        assert [s.pk for s in page] == [story.pk], query
        if query == "هەولێر":
            assert "<mark>هەولێر</mark>" in html


def test_arabic_search(client, section):
    story = ArticleFactory(
        published=True, section=section, language="ar", headline="افتتاح جسر جديد في أربيل", body="<p>الجسر</p>"
    )
    page, _ = results(client, q="أربيل")
    assert [s.pk for s in page] == [story.pk]


def test_filters_by_language_and_section(client, section):
    sport = SectionFactory(name="Sport", slug="sport")
    english = ArticleFactory(published=True, section=section, headline="Erbil bridge opens")
    sorani = ArticleFactory(published=True, section=sport, language="ckb", headline="Erbil پرد")
    page, _ = results(client, q="Erbil")
    assert {s.pk for s in page} == {english.pk, sorani.pk}
    page, _ = results(client, q="Erbil", language="ckb")
    assert [s.pk for s in page] == [sorani.pk]
    page, _ = results(client, q="Erbil", language="en")
    assert [s.pk for s in page] == [english.pk]
    page, _ = results(client, q="Erbil", section="sport")
    assert [s.pk for s in page] == [sorani.pk]
    # an unknown language is ignored, not an error
    page, _ = results(client, q="Erbil", language="xx-bogus")
    assert len(page) == 2


def test_search_is_paginated_and_keeps_the_query(client, section):
    for i in range(25):
        ArticleFactory(published=True, section=section, headline=f"Bridge {i}")
    page, html = results(client, q="bridge")
    assert page.paginator.count == 25 and len(page) == 20
    assert '<link rel="next" href="/search/?q=bridge&amp;page=2">' in html
    page, _ = results(client, q="bridge", page=2)
    assert len(page) == 5


def test_hidden_stories_are_never_found(client, section):
    hidden_stories(section)
    page, _ = results(client, q=HIDDEN_MARK)
    assert page.paginator.count == 0
    page, _ = results(client, q="hidden story")
    assert page.paginator.count == 0


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "a & b | !c <-> d",
        "'; DROP TABLE articles_article; --",
        "<script>alert(1)</script>",
        "\x00nul byte",
        ":*:*",
        "-",
        "OR OR OR",
        "\\",
        "%%%",
        "😀 🔥",
        "a" * 200,
    ],
)
def test_hostile_queries_answer_200(client, published_article, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_very_long_query_is_400(client, db):
    response = client.get("/search/", {"q": "word " * 200})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_empty_query_shows_the_form(client, db):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()
    assert response.context["page"] is None


def test_only_the_newest_matches_are_ranked(monkeypatch):
    """A common word costs the same at any archive size: the search ranks the newest SEARCH_WINDOW."""
    from articles import querysets
    from articles.models import Article

    monkeypatch.setattr(querysets, "SEARCH_WINDOW", 3)
    now = timezone.now()
    stories = [
        ArticleFactory(published=True, headline=f"Pomegranate harvest report {i}", publish_at=now - timedelta(days=i))
        for i in range(5)
    ]
    found = list(Article.objects.published().search("pomegranate"))
    assert {a.pk for a in found} == {s.pk for s in stories[:3]}
