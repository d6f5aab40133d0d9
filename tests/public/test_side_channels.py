"""What a reader must not learn or keep: a draft-only tag's name, a revived share link, a cached 404."""

import pytest

from articles import services
from public.preview import share_url
from tests.conftest import role_user
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_a_tag_used_only_by_unpublished_stories_is_a_404_everywhere(client, section):
    secret = TagFactory(name="Minister resigns", slug="minister-resigns")
    ArticleFactory(section=section).tags.add(secret)  # a draft
    shown = TagFactory(name="Oil", slug="oil")
    ArticleFactory(section=section, published=True).tags.add(shown)
    for url in (
        "/tag/minister-resigns/",
        "/feeds/tag/minister-resigns/",
        "/feeds/tag/minister-resigns/atom/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Minister resigns" not in response.content.decode()
    assert client.get("/tag/oil/").status_code == 200 and client.get("/feeds/tag/oil/").status_code == 200
    sitemap = client.get("/sitemap-tags.xml").content.decode()
    assert "/tag/oil/" in sitemap and "minister-resigns" not in sitemap


@pytest.mark.parametrize("takedown", ["unpublish", "kill"])
def test_a_share_link_revoked_by_a_takedown_stays_dead_after_back_to_draft(client, section, takedown):
    editor, chief = role_user("Editor", "editor"), role_user("Chief editor", "chief")
    story = ArticleFactory(section=section, published=True)
    link = share_url(story)
    services.transition(story, takedown, user=chief, reason="legal")
    assert client.get(link).status_code in (404, 410)  # revoked: as an unknown link
    if takedown == "unpublish":
        services.transition(story, "redraft", user=editor)
        assert client.get(link).status_code in (404, 410)  # it came back as 200: the nonce was the same
        assert client.get(share_url(story)).status_code == 200  # a new link works


def test_a_404_for_an_unknown_address_is_not_kept_by_shared_caches(client, db):
    response = client.get("/no/such/page/here/")
    assert response.status_code == 404
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
