"""The query count of every API request is pinned, and the same for a page of 2 stories and of 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    CreditFactory,
    EditorFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# The key, the page of stories (credits, tags, corrections, renditions: arrays in the same row).
STORY_LIST_QUERIES = 2
STORY_QUERIES = 2  # the key, the story with everything its item shows


def _rich_stories(n, section):
    source = SourceFactory()
    writer = EditorFactory()
    tags = [TagFactory(), TagFactory()]
    stories = []
    for _ in range(n):
        story = ArticleFactory(published=True, section=section, source=source)
        CreditFactory(article=story, editor=writer, name="")
        CreditFactory(article=story, role="editing")
        CorrectionFactory(article=story)
        story.tags.add(*tags)
        stories.append(story)
    return stories


def _count(api, path, params=None):
    api.get(path, params)  # the key's last use is written once a minute: not in the count
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("n", [2, 20])
def test_a_page_of_stories_costs_the_same_whatever_its_size(api, section, n):
    _rich_stories(n, section)
    count, response = _count(api, "/api/v1/stories", {"limit": n})
    assert len(response.json()["items"]) == n
    assert count == STORY_LIST_QUERIES
    count, response = _count(
        api, "/api/v1/stories", {"limit": n, "section": section.slug, "updated_since": "2000-01-01T00:00:00Z"}
    )
    assert len(response.json()["items"]) == n
    assert count == STORY_LIST_QUERIES


def test_one_story_costs_two_queries(api, section):
    (story,) = _rich_stories(1, section)
    count, response = _count(api, f"/api/v1/stories/{story.pk}")
    assert count == STORY_QUERIES
    assert response.json()["corrections"] and response.json()["item"]["people"]


@pytest.mark.parametrize("n", [2, 20])
def test_sections_and_authors_cost_two_queries(api, n):
    for _ in range(n):
        EditorFactory()
    assert _count(api, "/api/v1/authors", {"limit": n})[0] == 2
    assert _count(api, "/api/v1/sections")[0] == 2
