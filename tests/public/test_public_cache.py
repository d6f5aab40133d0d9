"""The page cache, conditional requests and Cache-Control; purging on signals and from publish_due."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.signals import article_changed, article_published
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_public_page_headers(client, published_article):
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control
    assert "stale-while-revalidate=" in cache_control
    assert response["ETag"].startswith('"')
    assert response.has_header("Last-Modified")
    assert "Cookie" in response["Vary"]


def test_etag_and_last_modified_give_304(client, published_article):
    url = published_article.get_absolute_url()
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_second_request_is_a_hit_with_the_same_body(client, published_article):
    url = published_article.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first.content == second.content and first["ETag"] == second["ETag"]


@pytest.mark.parametrize("signal", [article_published, article_changed])
def test_signals_purge_at_once(client, published_article, signal):
    url = published_article.get_absolute_url()
    client.get(url)
    published_article.headline = "A new headline after an edit"
    published_article.version += 1  # as every save through the services does (the story fragment's key)
    published_article.save()
    assert "A new headline" not in client.get(url).content.decode()  # still the cached page
    signal.send(sender=type(published_article), article=published_article)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "A new headline after an edit" in response.content.decode()


def test_services_purge_through_the_real_signal(
    client, published_article, django_capture_on_commit_callbacks
):
    """``after_commit`` (used by the services) reaches the purge once the transaction commits."""
    from articles.signals import after_commit

    client.get("/")
    published_article.headline = "Changed by the desk"
    published_article.save()
    with django_capture_on_commit_callbacks(execute=True):
        after_commit(article_changed, published_article)
    assert "Changed by the desk" in client.get("/").content.decode()


def test_a_source_renamed_purges_but_a_new_one_does_not(
    published_article, django_capture_on_commit_callbacks
):
    from public import caching as page_cache
    from tests.factories import SourceFactory

    before = page_cache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory()  # an import meeting a new agency code: nothing public changed
    page_cache.forget_generation()
    assert page_cache.generation() == before
    with django_capture_on_commit_callbacks(execute=True):
        source.name = "Renamed Agency"
        source.save()
    page_cache.forget_generation()
    assert page_cache.generation() > before  # its name is on its stories' pages


def test_section_change_purges(client, section, published_article, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        SectionFactory(name="Culture", slug="culture")
    assert 'href="/culture/"' in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        section.name = "Global"
        section.save()
    assert ">Global</a>" in client.get("/").content.decode()


def _generation_row():
    from articles.models import SchedulerMark

    return SchedulerMark.objects.filter(name="page-cache-generation").values_list("value", flat=True).first()


def test_a_new_tag_or_author_purges_nothing(client, published_article, django_capture_on_commit_callbacks):
    """An import creates tags inside its transaction, for draft wire copy too: no purge, no row lock."""
    from tests.factories import EditorFactory, TagFactory

    client.get("/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        TagFactory(name="Dams", slug="dams")
        EditorFactory(display_name="New Reporter", slug="new-reporter")
    assert callbacks == [] and _generation_row() is None
    assert client.get("/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("change", ["tag-save", "tag-delete", "editor-save", "section-delete"])
def test_model_changes_purge_only_after_commit(
    client, published_article, django_capture_on_commit_callbacks, change
):
    from tests.factories import EditorFactory, TagFactory

    tag, editor, other = (
        TagFactory(name="Dams", slug="dams"),
        EditorFactory(slug="shilan"),
        SectionFactory(slug="x"),
    )
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        if change == "tag-save":
            tag.name = "Dams and rivers"
            tag.save()
        elif change == "tag-delete":
            tag.delete()
        elif change == "editor-save":
            editor.bio = "Covers water."
            editor.save()
        else:
            other.delete()
        # still inside the transaction: the generation row is neither written nor locked
        assert _generation_row() is None
    assert len(callbacks) == 1 and _generation_row() is not None
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_logged_in_staff_are_never_cached(client, published_article):
    url = published_article.get_absolute_url()
    staff = UserFactory(username="desk", is_staff=True)
    client.force_login(staff)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get(url)["X-Page-Cache"] == "miss"  # the staff view was not stored


def test_an_embargo_set_on_a_cached_story_takes_it_off_at_once(
    client, section, django_capture_on_commit_callbacks
):
    """The cached pages of a live story must not outlive an embargo put on it: the story page, the home
    page, the feed and the news sitemap lose the story when the edit commits."""
    from articles import services

    story = ArticleFactory(published=True, section=section, headline="Dam talks resume in Erbil")
    url = story.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "hit"
    for page in ("/", "/feeds/latest/", "/sitemap-news.xml"):
        assert "Dam talks resume in Erbil" in client.get(page).content.decode()
        assert client.get(page)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.update_article(story, embargo_until=timezone.now() + timedelta(hours=1))
    response = client.get(url)
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
    for page in ("/", "/feeds/latest/", "/sitemap-news.xml"):
        assert "Dam talks resume in Erbil" not in client.get(page).content.decode()


def test_publish_due_purges_when_a_scheduled_story_went_live(
    client, section, django_capture_on_commit_callbacks
):
    now = timezone.now()
    ArticleFactory(published=True, section=section, headline="Already out")
    scheduled = ArticleFactory(
        status="published", section=section, publish_at=now + timedelta(seconds=2), headline="Scheduled story"
    )
    call_command("publish_due", stdout=StringIO())  # first run: records the watermark
    assert "Scheduled story" not in client.get("/").content.decode()
    # time passes: the story becomes due just after the scheduler's watermark
    from articles.models import SchedulerMark

    scheduled.publish_at = SchedulerMark.objects.get(name="publish_due").value + timedelta(microseconds=1)
    scheduled.save(update_fields=["publish_at"])
    assert "Scheduled story" not in client.get("/").content.decode()  # the cached front page
    with django_capture_on_commit_callbacks(execute=True):  # the signals go out after commit
        call_command("publish_due", stdout=StringIO())
    assert "Scheduled story" in client.get("/").content.decode()


def test_publish_due_does_not_purge_when_nothing_became_due(
    client, published_article, django_capture_on_commit_callbacks
):
    from public.caching import generation

    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_due", stdout=StringIO())
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_due", stdout=StringIO())
    assert generation() == before


def test_page_cache_can_be_switched_off(client, published_article, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = published_article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_redis_cache_url_is_understood():
    import environ

    config = environ.Env.cache_url_config("rediscache://127.0.0.1:6379/1")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_a_purge_in_another_process_reaches_this_one(client, published_article, settings):
    """Workers keep their own local-memory cache; the generation they key it by is in the database,
    so a kill handled by one worker (or by publish_due) empties every worker's pages."""
    from django.db import connection

    from articles.models import SchedulerMark

    settings.PAGE_CACHE_GENERATION_TTL = 3600
    url = published_article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # Another process purges: it writes the row; this process only sees the database change.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_schedulermark (name, value) VALUES ('page-cache-generation', clock_timestamp()) "
            "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value"
        )
    assert client.get(url)["X-Page-Cache"] == "hit"  # until this process looks at the generation again
    settings.PAGE_CACHE_GENERATION_TTL = 0
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert SchedulerMark.objects.filter(name="page-cache-generation").exists()


# --- The key describes what was rendered: no visitor can store a page under another page's key ------


@pytest.fixture
def world_pages(section):
    """25 stories in /world/: page 1 holds "Story 24" .. "Story 05", page 2 "Story 04" .. "Story 00"."""
    now = timezone.now()
    for i in range(25):
        ArticleFactory(
            published=True,
            section=section,
            headline=f"Story {i:02d}",
            publish_at=now - timedelta(minutes=100 - i),
        )
    return section


def test_a_repeated_page_parameter_cannot_poison_another_page(client, world_pages):
    assert "Story 04" in client.get("/world/?page=1&page=2").content.decode()  # the last value wins
    first = client.get("/world/?page=1", follow=True)  # page 1's own address has no page number
    assert first.redirect_chain == [("/world/", 302)]
    assert "Story 24" in first.content.decode() and "Story 04" not in first.content.decode()
    assert "Story 24" in client.get("/world/").content.decode()
    assert "Story 04" in client.get("/world/?page=2").content.decode()
    assert "Story 04" in client.get("/world/?page=02", follow=True).content.decode()


def test_a_repeated_search_parameter_cannot_poison_another_search(client, section):
    ArticleFactory(published=True, section=section, headline="Alpha dam opens")
    ArticleFactory(published=True, section=section, headline="Zebra crossing painted")
    assert "Zebra crossing" in client.get("/search/?q=alpha&q=zebra").content.decode()
    html = client.get("/search/?q=alpha").content.decode()
    assert "Alpha dam opens" in html and "Zebra crossing" not in html


def test_other_parameters_never_reach_the_cached_page(client, world_pages, settings):
    html = client.get("/world/?x=evil&page=2&utm_source=%22%3E").content.decode()
    assert "evil" not in html and "utm_source" not in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/world/?page=2">' in html
    assert 'href="/world/"' in html  # pagination back to page 1, without the extra parameters
    html = client.get("/world/?x=evil").content.decode()
    assert "evil" not in html and f'<link rel="canonical" href="{settings.SITE_URL}/world/">' in html
    cached = client.get("/world/")
    assert cached["X-Page-Cache"] == "hit" and "evil" not in cached.content.decode()


def test_parameters_a_page_does_not_read_add_no_entry(client, published_article):
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/?language=zz&page=3&section=x")["X-Page-Cache"] == "hit"
    url = published_article.get_absolute_url()
    client.get(url)
    assert client.get(f"{url}?q=anything&p=7")["X-Page-Cache"] == "hit"


def test_searches_are_stored_briefly_and_keep_validators(client, section, settings):
    """A page of results is kept for SEARCH_CACHE_SECONDS (the popular searches asked again and
    again), never longer than the page cache, and a purge (a publication, a kill) ends it at once."""
    from django.core.cache import cache

    from public.caching import purge

    settings.SEARCH_CACHE_SECONDS = 7
    ArticleFactory(published=True, section=section, headline="Dam repairs finished")
    assert client.get("/search/", {"q": "dam"})["X-Page-Cache"] == "miss"
    response = client.get("/search/", {"q": "dam"})
    assert response["X-Page-Cache"] == "hit" and "Dam repairs" in response.content.decode()
    stored = [key for key, value in cache._cache.items() if "Dam repairs" in str(value)]
    assert stored
    for key in stored:  # fresh for 7 s; then kept only as the stale copy a database outage may serve
        assert cache.get(key.split(":", 2)[2])["fresh"] == 7
        assert cache._expire_info[key] - time.time() <= 7 + settings.PAGE_STALE_IF_ERROR_SECONDS
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert client.get("/search/?q=dam", headers={"If-None-Match": response["ETag"]}).status_code == 304
    purge("a story was killed")
    assert client.get("/search/", {"q": "dam"})["X-Page-Cache"] == "miss"
    settings.SEARCH_CACHE_SECONDS = 0
    client.get("/search/", {"q": "bridge"})
    assert client.get("/search/", {"q": "bridge"})["X-Page-Cache"] == "miss"
    # the empty search form is one page, stored as any other
    client.get("/search/")
    assert client.get("/search/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    "url", ["/feeds/latest/", "/feeds/latest/atom/", "/sitemap.xml", "/sitemap-news.xml", "/robots.txt"]
)
def test_a_hostile_host_or_scheme_never_reaches_the_links_others_get(client, section, settings, url):
    """Issue 13, item 10: a request with ``Host: localhost:6666`` or ``X-Forwarded-Proto: https`` used to
    store its own host and scheme in the feed and sitemap links for everyone. Links are on SITE_URL."""
    ArticleFactory(section=section, published=True)
    settings.PAGE_CACHE_SECONDS = 300
    hostile = client.get(url, HTTP_HOST="localhost:6666", HTTP_X_FORWARDED_PROTO="https")
    assert hostile.status_code == 200
    normal = client.get(url)
    assert normal["X-Page-Cache"] == "hit"  # one copy for every host: nothing in it depends on the host
    for response in (hostile, normal):
        text = response.content.decode()
        assert f"{settings.SITE_URL}/" in text
        assert "6666" not in text and "https://localhost" not in text and "testserver" not in text
