"""The story page's stored renderings (public/caching/stored.py, articles.RenderedPage), with the page
cache off: what a request costs when they are current, that every change a reader must see reaches the
page at once (with or without a signal), and that a story that may not be shown never comes from one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import images, services
from articles.models import Article, RenderedPage
from public.caching import stored
from tests.factories import ArticleFactory, CreditFactory, EditorFactory, TagFactory
from tests.public.public_helpers import image_with_renditions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def story(section, media_root):
    article = ArticleFactory(
        section=section, published=True, headline="Dam repairs finished", lead_image=image_with_renditions()
    )
    article.tags.add(TagFactory(name="Water", slug="water"))
    CreditFactory(
        article=article, editor=EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz"), name=""
    )
    return article


def html(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"  # the page cache is off: what follows is the fragments' doing
    return response.content.decode()


def cached_entry(article):
    return RenderedPage.objects.filter(article_id=article.pk).first()


def test_a_current_rendering_costs_one_query_and_gives_the_same_page(
    client, story, django_assert_num_queries
):
    first = html(client, story)
    assert cached_entry(story) is not None
    cache.clear()  # nothing from the cache framework: the stored rendering alone
    with django_assert_num_queries(1):  # published() for this story and its stored parts; nothing else
        second = html(client, story)
    assert second == first
    assert "Dam repairs finished" in second and "Shilan Aziz" in second and ">Water</a>" in second


def test_same_etag_and_304_from_the_fragment(client, story):
    first = client.get(story.get_absolute_url())
    again = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert first["Last-Modified"]


def test_an_edit_changes_the_page_at_once_without_a_purge(client, story):
    html(client, story)
    services.update_article(
        story, headline="Dam repairs finished a month early"
    )  # on_commit not run: no purge
    assert "Dam repairs finished a month early" in html(client, story)


def test_a_correction_appears_at_once(client, story):
    html(client, story)
    services.add_correction(story, kind="correction", text="An earlier version gave the wrong river.")
    page = html(client, story)
    assert "An earlier version gave the wrong river." in page
    assert '"@type":"CorrectionComment"' in page


def test_an_image_caption_or_credit_edit_appears_at_once(client, story, django_capture_on_commit_callbacks):
    assert "Photo:" in html(client, story)
    image = story.lead_image
    image.caption = "Workers on the dam wall at dawn"
    image.credit = "New Agency"
    with django_capture_on_commit_callbacks(execute=True):
        images.update_image(image)
    page = html(client, story)
    assert "Workers on the dam wall at dawn" in page and "New Agency" in page


def test_an_image_edit_without_a_signal_appears_at_once(client, story):
    """A caption saved outside the services (no signal, no purge, no re-render) reaches the page: the
    stored rendering's fingerprint covers the image row."""
    html(client, story)
    type(story.lead_image).objects.filter(pk=story.lead_image_id).update(caption="Quietly changed caption")
    assert "Quietly changed caption" in html(client, story)


def test_a_renamed_tag_section_or_author_appears_at_once(client, story):
    """Saved without any purge running (on_commit callbacks not run): the fingerprint sees the rows."""
    html(client, story)
    tag = story.tags.get()
    tag.name = "Water supply"
    tag.save()
    editor = story.credits.get().editor
    editor.display_name = "Shilan A. Aziz"
    editor.save()
    story.section.name = "World news"
    story.section.save()
    page = html(client, story)
    assert ">Water supply</a>" in page and "Shilan A. Aziz" in page and ">World news</a>" in page


def test_a_write_renders_the_story_for_its_first_reader(
    client, story, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """The receivers render and store a story when the services announce it: its first reader then
    costs the lookup alone (plus, right after the write's purge, the generation and the navigation),
    in any process, with nothing in any cache."""
    assert cached_entry(story) is None
    with django_capture_on_commit_callbacks(execute=True):
        services.update_article(story, headline="Dam repairs finished early")
    rendered = cached_entry(story)
    assert "Dam repairs finished early" in rendered.page["top"]
    cache.clear()
    with django_assert_max_num_queries(3):
        page = html(client, story)
    assert "Dam repairs finished early" in page
    assert cached_entry(story).rendered_at == rendered.rendered_at  # read, not rendered again


def test_a_rendering_from_other_templates_or_settings_is_not_used(client, story, settings):
    html(client, story)
    RenderedPage.objects.filter(article_id=story.pk).update(
        page={"head": "", "top": "FORGED", "bottom": "", "title": "", "latest_correction": None}
    )
    assert "FORGED" in html(client, story)  # same fingerprint: the stored parts are what is shown
    settings.SITE_NAME = "Another Name"  # a setting the parts print: another render key
    page = html(client, story)
    assert "FORGED" not in page and "Dam repairs finished" in page
    assert "FORGED" not in cached_entry(story).page["top"]  # rendered again and stored


def test_related_stories_follow_other_stories(client, story, section, django_capture_on_commit_callbacks):
    other = ArticleFactory(section=section, published=True, headline="Second dam story")
    assert "Second dam story" in html(client, story)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(other, "kill", reason="Legal")
    kept = cached_entry(story).rendered_at
    page = html(client, story)
    assert "Second dam story" not in page
    # ... and the story's own stored rendering was kept: only "around" was put together again
    assert "Dam repairs finished" in page
    assert cached_entry(story).rendered_at == kept


def test_a_new_translation_appears_after_its_publication(client, story, django_capture_on_commit_callbacks):
    html(client, story)
    with django_capture_on_commit_callbacks(execute=True):
        translation = ArticleFactory(language="ckb", headline="بەنداو", translation_of=story)
        services.transition(translation, "publish", reason="")
    page = html(client, story)
    assert 'rel="alternate" hreflang="ckb"' in page and "Also in:" in page
    assert f"/story/{translation.pk}/" in page


@pytest.mark.parametrize(
    "change, status",
    [
        ({"status": "killed"}, 410),
        ({"status": "unpublished"}, 404),
        ({"status": "draft"}, 404),
        ({"embargo_until": "future"}, 404),
        ({"publish_at": "future"}, 404),
        ({"expire_at": "past"}, 404),
    ],
)
def test_a_story_that_may_not_be_shown_never_comes_from_its_rendering(client, story, change, status):
    """Changed behind every cache's back (no new version, no signal, no purge): the rendering is still
    stored, and still the page answers 404/410 without the headline."""
    html(client, story)
    assert cached_entry(story) is not None
    now = timezone.now()
    values = {"future": now + timedelta(hours=2), "past": now - timedelta(minutes=1)}
    Article.objects.filter(pk=story.pk).update(**{k: values.get(v, v) for k, v in change.items()})
    response = client.get(story.get_absolute_url())
    assert response.status_code == status
    assert "Dam repairs finished" not in response.content.decode()
    assert cached_entry(story) is not None  # it was there to be (wrongly) used


def test_a_wrong_slug_still_redirects(client, story):
    html(client, story)
    response = client.get(f"/story/{story.pk}/old-slug/")
    assert response.status_code == 301 and response["Location"] == story.get_absolute_url()


def test_query_counts(client, story, django_assert_max_num_queries, django_assert_num_queries):
    from public.caching import forget_generation, purge

    with django_assert_max_num_queries(6):  # nothing cached or stored: the worst case (the budget)
        forget_generation()
        html(client, story)
    purge("elsewhere")
    with django_assert_max_num_queries(3):  # generation moved on: its re-read, the navigation, the lookup
        html(client, story)
    with django_assert_num_queries(1):
        html(client, story)


def test_previews_never_read_or_write_the_stored_renderings(client, story, editor_user):
    from public.preview import share_url

    services.update_article(story, headline="Preview only headline")
    cache.clear()
    response = client.get(share_url(story))
    assert response.status_code == 200 and "Preview only headline" in response.content.decode()
    assert cached_entry(story) is None


def test_the_lookup_query_is_published_itself(story):
    """The per-request query is compiled once from ``published()``; it must agree with the ORM."""
    now = timezone.now()
    row = stored.fetch(story.pk, now=now)
    assert row is not None and row[0] == story.pk
    assert stored.fetch(story.pk, now=story.publish_at - timedelta(seconds=1)) is None
    draft = ArticleFactory()
    assert stored.fetch(draft.pk) is None
