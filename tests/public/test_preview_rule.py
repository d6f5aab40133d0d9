"""A share link follows the one liveness rule (``Article.desk_state``): it shows a story before it
goes live (draft, scheduled, embargoed) and nothing once its public life is over (``workflow.ENDED``:
unpublished, expired, killed)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from public import preview
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"status": "draft"}, 200),
        ({"status": "published", "publish_at": +HOUR}, 200),  # scheduled
        ({"status": "published", "publish_at": -HOUR, "embargo_until": +HOUR}, 200),  # embargoed
        ({"status": "published", "publish_at": -HOUR}, 200),  # live
        ({"status": "published", "publish_at": -2 * HOUR, "expire_at": -HOUR}, 410),  # expired
        ({"status": "unpublished", "publish_at": -HOUR}, 410),
    ],
)
def test_share_link_follows_the_desk_state(client, fields, status):
    now = timezone.now()
    times = {k: now + v if isinstance(v, timedelta) else v for k, v in fields.items()}
    article = ArticleFactory(headline="Dam talks resume", **times)
    response = client.get(preview.share_url(article))
    assert response.status_code == status
    assert ("Dam talks resume" in response.content.decode()) is (status == 200)
