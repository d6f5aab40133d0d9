"""The page cache keeps each page past PAGE_CACHE_SECONDS for stale-if-error, but while the database
answers a page older than PAGE_CACHE_SECONDS is rendered again, as before (public/caching/page.py)."""

import time

import pytest
from django.core.cache import cache

from public.caching import keys

pytestmark = pytest.mark.django_db


def _stored(url):
    key = keys.page_key(url, {}, 0)
    return key, cache.get(key)


def test_an_entry_lives_past_its_freshness_and_is_rendered_again_after_it(
    client, published_article, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    url = published_article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    key, entry = _stored(url)
    assert time.time() - entry["stored"] < 5
    entry["stored"] -= 301  # stored more than PAGE_CACHE_SECONDS ago
    cache.set(key, entry, 3600)
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert time.time() - _stored(url)[1]["stored"] < 5


def test_the_stale_copy_outlives_page_cache_seconds(client, published_article, settings):
    settings.PAGE_CACHE_SECONDS = 1
    settings.PAGE_STALE_IF_ERROR_SECONDS = 3600
    url = published_article.get_absolute_url()
    client.get(url)
    key, _ = _stored(url)
    # The backend's own expiry is PAGE_CACHE_SECONDS + PAGE_STALE_IF_ERROR_SECONDS.
    expires = cache._expire_info[cache.make_and_validate_key(key)]
    assert expires - time.time() > 3000
