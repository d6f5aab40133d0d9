"""Render and store the page parts and teasers of every live story that has no current stored
rendering (public/caching/stored.py): after an import of many stories, a deploy that changed a
template or a translation, or a section, tag or author renamed. Safe to run at any time and again;
readers never wait for it (a story without a current rendering is rendered by its first reader)."""

import time

from django.core.management.base import BaseCommand

from public.caching import stored


class Command(BaseCommand):
    help = "Render and store every live story that has no current stored rendering."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=200, help="stories per query (default 200)")
        parser.add_argument("--limit", type=int, default=0, help="at most this many stories (default all)")

    def handle(self, *args, batch, limit, **options):
        started = time.monotonic()
        pks = stored.stale_story_ids()
        if limit:
            pks = pks[:limit]
        done = 0
        for start in range(0, len(pks), batch):
            done += stored.render_stories(pks[start : start + batch])
        elapsed = time.monotonic() - started
        rate = f" ({done / elapsed:.0f} a second)" if done and elapsed else ""
        self.stdout.write(f"Rendered {done} stories in {elapsed:.1f}s{rate}.")
