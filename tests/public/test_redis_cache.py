"""The page cache on a real Redis (production's CACHE_URL=rediscache://...), not only local memory.

Needs the Redis these machines run on 127.0.0.1:6379 (``TEST_REDIS_URL`` selects another); it uses
database 15 and clears it. Without a Redis the test fails and says so: it is not skipped.
"""

import os

import environ
import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from articles.signals import article_published

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("redis")]  # one Redis database: one worker

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"these tests need a Redis at {REDIS_URL} (set TEST_REDIS_URL): {exc}")
    config = environ.Env.cache_url_config(REDIS_URL)  # the mapping settings.py applies to CACHE_URL
    with override_settings(CACHES={"default": config}):
        cache = caches["default"]
        assert type(cache).__name__ == "RedisCache"
        cache.clear()
        yield cache
        cache.clear()


def test_pages_are_stored_in_redis_and_served_from_it(client, published_article, redis_cache):
    url = published_article.get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss"
    stored = redis.Redis.from_url(REDIS_URL).keys("*")
    assert stored, "the rendered page was not written to Redis"
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content and second["ETag"] == first["ETag"]


def test_a_purge_reaches_pages_cached_in_redis(client, published_article, redis_cache):
    url = published_article.get_absolute_url()
    client.get(url)
    published_article.headline = "Corrected headline after the purge"
    published_article.version += 1  # as every save through the services does (the story fragment's key)
    published_article.save()
    assert "Corrected headline" not in client.get(url).content.decode()
    article_published.send(sender=type(published_article), article=published_article)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Corrected headline after the purge" in response.content.decode()
