"""Content API latency at BENCH_STORIES stories: p50/p95 of whole requests through Django (middleware,
the key, the rate limit, the query, ninjs, JSON, ETag), in this process, with nothing cached:

* ``api.stories``: pages of 20 (no filter, each section, each language; the first page and cursor pages
  down to the 50th), target p95 <= 30 ms;
* ``api.story``: one story with its body, at random;
* ``api.sync``: ``updated_since`` an hour ago, pages of 20.

    python -m bench.api
"""

from __future__ import annotations

import random
import time

from bench.common import comment, emit, header, median, percentile, prepare_site, setup_django

TARGET_P95_MS = 30
PAGE = 20


def _timed(client, auth, url, params=None):
    started = time.perf_counter()
    response = client.get(url, params or {}, **auth)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, params, response.content[:300])
    return elapsed, response


def main() -> None:
    setup_django(CACHE_URL="locmemcache://bench-api")
    header("api")
    prepare_site()
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from api import keys
    from api.models import ApiKey
    from articles.models import Article, Section

    key, raw = keys.create_key(name="bench", rate_limit=10**9)
    try:
        client = Client()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        rng = random.Random("bench-api")  # noqa: S311
        sections = list(Section.objects.filter(is_active=True).values_list("slug", flat=True))
        languages = ["en", "ckb", "ar"]
        comment(
            f"{Article.objects.count()} stories, {len(sections)} sections; requests through django.test.Client"
        )

        filters = [{}] + [{"section": s} for s in sections] + [{"language": lang} for lang in languages]
        for params in filters:  # warm: each filter's first page once
            _timed(client, auth, "/api/v1/stories", {"limit": PAGE, **params})

        pages, depth = [], []
        for params in filters * 3:
            params = {"limit": PAGE, **params}
            for n in range(rng.choice([1, 2, 5, 20, 50])):
                elapsed, response = _timed(client, auth, "/api/v1/stories", params)
                (depth if n else pages).append(elapsed)
                cursor = response.json()["next_cursor"]
                if cursor is None:
                    break
                params = {**params, "cursor": cursor}
        totals = pages + depth
        emit("api.stories.p50", median(totals), "ms", requests=len(totals))
        p95 = percentile(totals, 95)
        emit("api.stories.p95", p95, "ms", target=f"<={TARGET_P95_MS}", ok=p95 <= TARGET_P95_MS)
        emit("api.stories.first_page_p95", percentile(pages, 95), "ms")
        emit("api.stories.cursor_page_p95", percentile(depth, 95), "ms", pages=len(depth))

        ids = list(Article.objects.published().order_by("?").values_list("pk", flat=True)[:200])
        stories = [_timed(client, auth, f"/api/v1/stories/{pk}")[0] for pk in ids]
        emit("api.story.p50", median(stories), "ms", requests=len(stories))
        emit("api.story.p95", percentile(stories, 95), "ms")

        since = (timezone.now() - timedelta(hours=1)).isoformat()
        sync = [
            _timed(client, auth, "/api/v1/stories", {"limit": PAGE, "updated_since": since})[0]
            for _ in range(20)
        ]
        emit("api.sync.p95", percentile(sync, 95), "ms", note="updated_since_an_hour_ago_no_index")

        with CaptureQueriesContext(connection) as queries:
            _timed(client, auth, "/api/v1/stories", {"limit": PAGE})
        emit("api.stories.queries", len(queries), "queries", target="<=2", ok=len(queries) <= 2)
    finally:
        ApiKey.objects.filter(pk=key.pk).delete()


if __name__ == "__main__":
    main()
