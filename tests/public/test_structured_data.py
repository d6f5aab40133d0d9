"""JSON-LD beyond NewsArticle: a story's BreadcrumbList (home, section, story; the breadcrumb of the
page the article is the main entity of, so one block a page) and the home page's
NewsMediaOrganization with its logo and corrections policy (Google's and schema.org's)."""

import json
import re

from tests.factories import ArticleFactory

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def blocks(response) -> dict:
    found = [json.loads(text) for text in LD.findall(response.content.decode())]
    return {block["@type"]: block for block in found}


def test_a_story_has_a_breadcrumb_trail_through_its_section(client, section, settings):
    story = ArticleFactory(published=True, section=section, headline="Dam repairs finished")
    page = blocks(client.get(story.get_absolute_url()))["NewsArticle"]["mainEntityOfPage"]
    assert page["breadcrumb"]["@type"] == "BreadcrumbList"
    trail = page["breadcrumb"]["itemListElement"]
    assert [(item["position"], item["name"]) for item in trail] == [
        (1, "Home"),
        (2, section.name),
        (3, "Dam repairs finished"),
    ]
    assert [item["item"] for item in trail] == [
        f"{settings.SITE_URL}/",
        f"{settings.SITE_URL}{section.get_absolute_url()}",
        f"{settings.SITE_URL}{story.get_absolute_url()}",
    ]


def test_a_story_without_a_section_skips_that_step(client, db):
    story = ArticleFactory(published=True, section=None, headline="Unfiled")
    page = blocks(client.get(story.get_absolute_url()))["NewsArticle"]["mainEntityOfPage"]
    assert [item["name"] for item in page["breadcrumb"]["itemListElement"]] == ["Home", "Unfiled"]


def test_the_home_page_names_the_news_organisation(client, db, settings):
    organisation = blocks(client.get("/"))["NewsMediaOrganization"]
    assert organisation["name"] == settings.SITE_NAME
    assert organisation["url"] == f"{settings.SITE_URL}/"
    assert organisation["logo"]["url"].startswith(settings.SITE_URL) and organisation["logo"]["width"] == 600
    assert organisation["correctionsPolicy"] == f"{settings.SITE_URL}/corrections/"
