"""The import's round trips per story are pinned, so that speed does not silently regress
(bench/ measures the stories per second)."""

import pytest

from sources.ingest import store
from sources.wire.base import ParsedCredit, ParsedStory
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def story(n, tags=()):
    return ParsedStory(
        headline=f"Bridge reopens {n}",
        body_html="<p>The bridge reopened.</p>",
        credits=[ParsedCredit("Ava Homa", "editing"), ParsedCredit("Rebin Omar", "reporting")],
        keywords=list(tags),
        guid=f"urn:test:{n}",
        version=1,
    )


@pytest.mark.parametrize("tags", [0, 8])
def test_a_new_story_costs_a_fixed_number_of_queries(django_assert_max_num_queries, tags):
    source = SourceFactory()
    store.import_story(story(0, ["warm"]), source=source, fmt="ninjs", raw="{}")
    with django_assert_max_num_queries(16):
        result = store.import_story(
            story(1, [f"tag {i}" for i in range(tags)]), source=source, fmt="ninjs", raw="{}", publish=True
        )
    assert result.outcome == "created"
    assert result.article.tags.count() == tags and result.article.credits.count() == 2
    assert result.article.revisions.get().snapshot["tags"] == sorted(f"tag {i}" for i in range(tags))
