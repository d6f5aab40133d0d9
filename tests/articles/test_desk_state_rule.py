"""One rule for what is public: the desk's status filter, ``workflow.desk_state`` and
``Article.objects.published()`` must agree on every combination of status and times."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article
from desk.admin.article_list import DeskStateFilter
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "scheduled", "embargoed", "live", "expired", "unpublished", "killed"]


def _filter(value):
    flt = DeskStateFilter(None, {"state": [value]}, Article, None)
    return flt


@pytest.fixture
def grid():
    """A story for every combination of status, publish time, embargo and expiry."""
    now = timezone.now()
    past, future = now - timedelta(hours=2), now + timedelta(hours=2)
    stories = []
    combos = itertools.product(
        ["draft", "in_review", "published", "unpublished", "killed"],
        [past, future],  # publish_at
        [None, past, future],  # embargo_until
        [None, past, future],  # expire_at
    )
    for n, (status, publish_at, embargo, expire) in enumerate(combos):
        stories.append(
            ArticleFactory(
                status=status,
                publish_at=publish_at,
                embargo_until=embargo,
                expire_at=expire,
                slug=f"grid-{n}",
                headline=f"Grid story {n}",
            )
        )
    return stories


def test_each_story_is_in_exactly_the_filter_of_its_desk_state(grid):
    now = timezone.now()
    members = {
        value: set(_filter(value).queryset(None, Article.objects.all()).values_list("pk", flat=True))
        for value in STATES
    }
    for story in grid:
        expected = workflow.desk_state(
            story.status, story.publish_at, story.embargo_until, story.expire_at, now
        )
        found = [value for value, pks in members.items() if story.pk in pks]
        assert found == [expected], (story.status, story.publish_at, story.embargo_until, story.expire_at)


def test_live_is_exactly_what_readers_see(grid):
    now = timezone.now()
    public = set(Article.objects.published(now=now).values_list("pk", flat=True))
    live = {
        s.pk
        for s in grid
        if workflow.desk_state(s.status, s.publish_at, s.embargo_until, s.expire_at, now) == "live"
    }
    assert public == live
    assert public  # the grid has live stories
