"""A PostgreSQL outage under a real gunicorn: readers get the stored page or a 503, never a 500; after
the restart every request succeeds at once (issue 14, item 6).

The test runs a PostgreSQL cluster of its own (initdb on a free loopback port), migrates a database on
it, stores a story, serves it with gunicorn (DEBUG off), stops the cluster and starts it again.
"""

import json
import os
import subprocess
import sys
import urllib.request
from urllib.error import HTTPError

import pytest

from tests.servers import ROOT, gunicorn_server, postgres_cluster

SEED = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Section
section = Section.objects.create(name="World", slug="world")
when = timezone.now() - timedelta(hours=1)
article = Article.objects.create(
    headline="Bridge vote passes", slug="bridge-vote-passes", standfirst="The council voted.",
    body="<p>The vote was close.</p>", language="en", status="published", section=section,
    publish_at=when, first_published_at=when, updated_at=when,
)
print(article.get_absolute_url())
"""


def fetch(url: str, method: str = "GET", headers=None):
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read().decode()
    except HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def cluster():
    with postgres_cluster() as cluster:
        cluster.createdb("outage")
        env = {**os.environ, "DATABASE_URL": cluster.url("outage"), "DEBUG": "true"}
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT, check=True, capture_output=True)
        seeded = subprocess.run(
            [*manage, "shell", "-c", SEED], env=env, cwd=ROOT, check=True, capture_output=True
        )
        cluster.story_url = seeded.stdout.decode().strip().splitlines()[-1]
        yield cluster


def test_an_outage_serves_stored_pages_or_503_and_recovers_at_once(cluster):
    story = cluster.story_url
    # The generation is read from the database on every request (production: once a second).
    settings = {
        "DATABASE_URL": cluster.url("outage"),
        "SERVICE_UNAVAILABLE_RETRY_AFTER": "17",
        "PAGE_CACHE_GENERATION_TTL": "0",
    }
    with gunicorn_server(**settings) as server:
        base = server.base
        for path in ("/", story):
            status, headers, body = fetch(base + path)
            assert status == 200, body[:500]
        assert "Bridge vote passes" in fetch(base + story)[2]

        cluster.stop()
        try:
            # A page the page cache holds: the stored copy, for this reader only.
            for path in ("/", story):
                status, headers, body = fetch(base + path)
                assert status == 200, (path, status, body[:500])
                assert headers["X-Page-Cache"] == "stale"
                assert "no-cache" in headers["Cache-Control"]
            assert "Bridge vote passes" in fetch(base + story)[2]
            # Anything else: 503 in the site's design, with Retry-After; the desk too.
            for method, path, extra in [
                ("GET", "/world/", {}),
                ("GET", "/search/?q=bridge", {}),
                ("GET", "/feeds/latest/", {}),
                ("GET", "/story/99999/nothing/", {}),
                ("GET", "/admin/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
                ("GET", story, {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}),
            ]:
                status, headers, body = fetch(base + path, method, extra)
                assert status == 503, (method, path, status, body[:800])
                assert headers["Retry-After"] == "17"
                assert headers["Cache-Control"] == "no-store"
                assert "Temporarily unavailable" in body and 'class="masthead"' in body and "site.css" in body
            # The probes: alive, not ready (the database check failed, and says so).
            assert fetch(base + "/healthz")[0] == 200
            status, headers, body = fetch(base + "/readyz")
            assert status == 503 and json.loads(body)["checks"]["database"]["ok"] is False
            # The desk's login form asks the database for nothing until it is sent; sent, it is a 503 too
            # (a 403 first without its CSRF token, as always).
            assert fetch(base + "/admin/login/")[0] == 200
        finally:
            cluster.start()

        # Back at once: no request fails after the restart.
        for method, path in [("GET", "/world/"), ("GET", story), ("GET", "/"), ("GET", "/search/?q=bridge")]:
            status, headers, body = fetch(base + path, method)
            assert status == 200, (path, status, body[:500])
        assert fetch(base + "/admin/login/")[0] == 200
        assert fetch(base + "/readyz")[0] == 200
        log = server.log_text()
    assert "Internal Server Error" not in log


def test_the_503_page_is_translated(cluster):
    settings = {
        "DATABASE_URL": cluster.url("outage"),
        "LANGUAGE_CODE": "ar",
        "PAGE_CACHE_GENERATION_TTL": "0",
    }
    with gunicorn_server(**settings) as server:
        cluster.stop()
        try:
            status, headers, body = fetch(server.base + "/world/")
        finally:
            cluster.start()
    assert status == 503
    assert 'lang="ar" dir="rtl"' in body
    assert "غير متاح مؤقتًا" in body
