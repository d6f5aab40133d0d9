"""The desk: p95 of the admin's article change list, unfiltered and filtered, at BENCH_STORIES
stories, as a logged-in superuser through Django's test client (the whole stack but the socket).

    python -m bench.desk        # BENCH_DESK_REQUESTS (30) requests a list, after 3 to warm up
"""

from __future__ import annotations

import os
import time

from bench.common import comment, emit, header, median, missing, percentile, prepare_site, setup_django

TARGET_P95_MS = 150


def lists() -> list[tuple[str, str, bool]]:
    """(name, query string, has a target)"""
    from articles.models import Section

    section = Section.objects.order_by("position").first()
    return [
        ("unfiltered", "", True),
        ("status_published", "?status__exact=published", True),
        (
            "section_language",
            f"?section__id__exact={section.pk}&language__exact=ckb" if section else "",
            True,
        ),
        ("drafts", "?status__exact=draft", True),
        ("page_100", "?p=100", True),
        ("search", "?q=government", False),
    ]


def main() -> None:
    setup_django(CACHE_URL="dummycache://")
    header("desk")
    prepare_site()
    from django.contrib.auth import get_user_model
    from django.test import Client

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-admin").first() or user_model.objects.create_superuser(
        "bench-admin", "bench@example.invalid", None
    )
    client = Client()
    client.force_login(user)
    requests = int(os.environ.get("BENCH_DESK_REQUESTS", "30"))
    url = "/admin/articles/article/"
    for name, query, has_target in lists():
        response = client.get(url + query)
        if response.status_code != 200:
            missing(f"desk.changelist.{name}", f"GET {url}{query} answered {response.status_code}")
            continue
        for _ in range(2):
            client.get(url + query)
        times = []
        deadline = time.monotonic() + 120
        for _ in range(requests):
            if time.monotonic() > deadline:
                comment(f"{name}: stopped after 120 s")
                break
            started = time.perf_counter()
            response = client.get(url + query)
            times.append((time.perf_counter() - started) * 1000)
        p95 = percentile(times, 95)
        emit(
            f"desk.changelist.{name}.p95",
            p95,
            "ms",
            target=f"<={TARGET_P95_MS}" if has_target else None,
            ok=p95 <= TARGET_P95_MS if has_target else None,
            p50_ms=median(times),
            requests=len(times),
            bytes=len(response.content),
        )


if __name__ == "__main__":
    main()
