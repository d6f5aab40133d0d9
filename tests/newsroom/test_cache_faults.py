"""A cache that is down or goes away never takes the site with it (issue 14, item 6).

Real processes: a gunicorn with DEBUG off whose CACHE_URL names a port where nothing listens, and one
whose Redis (a redis-server of this test's own) is stopped while readers keep asking, then started
again. Every answer is a 200 throughout; the error is logged once per retry interval, not once per
request; and once Redis is back, pages are stored in it and served from it again by themselves.
"""

import json
import threading
import time
import urllib.request
from urllib.error import HTTPError

import pytest
import redis

from tests.factories import ArticleFactory, SectionFactory
from tests.servers import RedisServer, free_port, gunicorn_server

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def story():
    section = SectionFactory(name="World", slug="world")
    return ArticleFactory(section=section, published=True, headline="Bridge vote passes")


def pages(story):
    return ["/", story.get_absolute_url(), "/world/", "/feeds/latest/", "/robots.txt"]


def test_a_cache_port_with_nothing_listening_serves_every_page_uncached(story):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with gunicorn_server(CACHE_URL=dead, CACHE_RETRY_SECONDS="60", LOG_LEVEL="WARNING") as server:
        for _ in range(3):
            for path in pages(story):
                status, headers, body = fetch(server.base + path)
                assert status == 200, (path, body[:300])
        status, headers, body = fetch(server.base + story.get_absolute_url())
        assert headers["X-Page-Cache"] == "miss"
        assert b"Bridge vote passes" in body
        status, headers, body = fetch(server.base + "/readyz")
        assert status == 503 and json.loads(body)["checks"]["cache"]["ok"] is False
        log = server.log_text()
    # One error for the whole interval (16 requests, each asking the cache several times), not one each.
    assert log.count("unreachable") == 1, log[-3000:]
    assert "Internal Server Error" not in log


def hits(base: str, path: str, tries: int = 40) -> bool:
    """Whether ``path`` comes from the page cache within a few seconds (the breaker's interval)."""
    for _ in range(tries):
        status, headers, _ = fetch(base + path)
        assert status == 200
        if headers["X-Page-Cache"] == "hit":
            return True
        time.sleep(0.1)
    return False


def test_redis_stopped_mid_run_and_started_again(story):
    server_redis = RedisServer()
    server_redis.start()
    statuses: list[int] = []
    stop = threading.Event()
    try:
        with gunicorn_server(CACHE_URL=server_redis.url, CACHE_RETRY_SECONDS="1") as server:
            path = story.get_absolute_url()
            assert hits(server.base, path)  # stored in Redis, served from it
            assert redis.Redis.from_url(server_redis.url).dbsize() > 0

            def readers():  # steady load while Redis goes away and comes back
                while not stop.is_set():
                    for page in pages(story):
                        statuses.append(fetch(server.base + page)[0])

            thread = threading.Thread(target=readers)
            thread.start()
            time.sleep(0.5)
            server_redis.stop()
            time.sleep(1.5)
            status, headers, body = fetch(server.base + path)
            assert status == 200 and headers["X-Page-Cache"] == "miss"
            assert b"Bridge vote passes" in body
            server_redis.start()  # same port, empty
            assert hits(server.base, path), "pages are not cached again after Redis came back"
            stop.set()
            thread.join()
            assert redis.Redis.from_url(server_redis.url).dbsize() > 0
            log = server.log_text()
    finally:
        stop.set()
        server_redis.stop()
    assert len(statuses) > 20
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    assert "unreachable" in log and "reachable again" in log, log[-3000:]
    assert "Internal Server Error" not in log
