"""Page throughput: gunicorn (2 sync workers, DEBUG off, plain HTTP, static by whitenoise) against the
bench database, loaded by wrk (-t2 -c16) on loopback; each page's requests a second as a ratio of a
bare Django view returning 20 KB of HTML from the same gunicorn in the same run. Three runs:

* ``cache_on``: the production configuration (page cache and fragment caches in local memory);
* ``cache_off``: the page cache off (``PAGE_CACHE_SECONDS=0``), the cache framework still on, so the
  story's rendered fragments and the navigation are cached (docs/caching.md): this is "with the page
  cache off" of the DESIGN.md target;
* ``all_caches_off``: ``CACHE_URL=dummycache://``, nothing cached at all (every fragment rendered on
  every request), for comparison.

``BENCH_PAGE_MODES`` (``on,off,all_off``) chooses the runs. Also: SQL queries per public page (Django
test client, nothing cached: the worst case) and the peak RSS of a worker.

    python -m bench.pages          # BENCH_SECONDS (10) a page, BENCH_STORIES (100000) stories

Database: BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/nr_bench), created, migrated and
seeded (seed_bench tops it up) if need be. Without wrk (apt-get install wrk) a Python load generator
on threads is used instead, and says so (it shares the two cores with the server: lower figures).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.common import (
    BENCH_VAR,
    ROOT,
    bench_env,
    comment,
    emit,
    header,
    median,
    missing,
    percentile,
    prepare_site,
    setup_django,
)

CACHE_ON = "locmemcache://bench"
CACHE_OFF = "dummycache://"
# mode -> (label in the output, environment of the gunicorn run)
MODES = {
    "on": ("cache_on", {"CACHE_URL": CACHE_ON}),
    "off": ("cache_off", {"CACHE_URL": CACHE_ON, "PAGE_CACHE_SECONDS": "0"}),
    "all_off": ("all_caches_off", {"CACHE_URL": CACHE_OFF, "PAGE_CACHE_SECONDS": "0"}),
    # Production: the page cache in Redis (a redis-server of the bench's own, on a free port).
    "redis": ("cache_redis", {"CACHE_URL": "rediscache://127.0.0.1:{port}/0"}),
}
# (page, mode) -> the ratio to the bare view it must reach (DESIGN.md, issues #6 and #16).
TARGETS = {
    ("story", "on"): 0.60,
    ("story", "off"): 0.20,
    ("story_mix", "on"): 0.15,  # the long tail, production settings
    ("story", "all_off"): 0.10,  # one story, nothing cached
    ("story_mix", "all_off"): 0.10,  # 500 stories, nothing cached (no target of its own; as one story)
    ("home", "all_off"): 0.08,
    ("section", "all_off"): 0.08,
    ("tag", "all_off"): 0.08,
    ("author", "all_off"): 0.08,
    ("search_mix", "on"): 0.10,  # 40 different queries in turn
    ("story", "redis"): 0.60,
    ("story_mix", "redis"): 0.15,
    ("search_mix", "redis"): 0.10,
}
SEARCH_MIX = 40
MAX_QUERIES = 6
MAX_WORKER_MIB = 80
CONNECTIONS = 16
THREADS = 2


# --- Choosing the pages --------------------------------------------------------------------------


def choose_pages() -> dict[str, list[str]]:
    """name -> paths (several for story_mix). Pages the code base does not serve yet are left out."""
    from django.db.models import Count

    from articles.models import Article, Section
    from articles.querysets import newest_first, public_tags
    from editors.models import Editor

    section = Section.objects.filter(is_active=True).annotate(n=Count("articles")).order_by("-n").first()
    published = Article.objects.published()
    story = (
        published.filter(section=section, lead_image__isnull=False)
        .annotate(n_credits=Count("credits", distinct=True), n_tags=Count("tags", distinct=True))
        .filter(n_credits__gte=2, n_tags__gte=1)
        .order_by(*newest_first())
        .first()
    ) or published.order_by(*newest_first()).first()
    mix = list(published.order_by("?").values_list("pk", "slug")[:500])
    tag = public_tags().annotate(n=Count("articles")).order_by("-n").first()
    author = Editor.objects.filter(is_active=True).annotate(n=Count("credits")).order_by("-n").first()
    from bench.search import queries

    return {
        "home": ["/"],
        "section": [f"/{section.slug}/"] if section else [],
        "tag": [tag.get_absolute_url()] if tag else [],
        "author": [author.get_absolute_url()] if author else [],
        "story": [story.get_absolute_url()] if story else [],
        "story_mix": [f"/story/{pk}/{slug or '-'}/" for pk, slug in mix],
        "search": ["/search/?q=government+budget"],
        "search_mix": [f"/search/?{urlencode({'q': q})}" for q in queries(SEARCH_MIX)],
        "feed": ["/feeds/latest/"],
    }


def check_pages(pages: dict[str, list[str]]) -> dict[str, list[str]]:
    """Query counts (cache off, anonymous) and which pages exist; prints one line per page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    found = {}
    for name, paths in pages.items():
        if not paths:
            missing(f"queries.{name}", "no data for this page")
            continue
        with CaptureQueriesContext(connection) as queries:
            response = client.get(paths[0])
        if response.status_code != 200:
            missing(f"queries.{name}", f"GET {paths[0]} answered {response.status_code}")
            continue
        count = len(queries.captured_queries)
        emit(
            f"queries.{name}",
            count,
            "queries",
            target=f"<={MAX_QUERIES}",
            ok=count <= MAX_QUERIES,
            bytes=len(response.content),
        )
        found[name] = paths
    return found


# --- gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, settings: dict[str, str]):
        self.port = free_port()
        env = {**os.environ, **bench_env(os.environ["DATABASE_URL"], **settings)}
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi:application",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--chdir",
                str(ROOT),
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.log.seek(0)
        raise RuntimeError(f"gunicorn did not start: {self.log.read().decode(errors='replace')[-2000:]}")

    def wait_idle(self, timeout: float = 90) -> None:
        """Until the bare view answers within 50 ms (the workers have drained their queue), at most ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", "/__bench/bare/")
                conn.getresponse().read()
            except OSError:
                pass
            if time.perf_counter() - started < 0.05:
                return
            time.sleep(0.5)
        comment("server still busy after waiting; figures that follow may be low")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def worker_memory(self) -> list[tuple[float, float]]:
        """(peak RSS, current RSS) in MiB for each worker, from /proc/<pid>/status."""
        out = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            values = {
                m[1]: int(m[2]) / 1024 for m in re.finditer(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.M)
            }
            out.append((values.get("VmHWM", 0.0), values.get("VmRSS", 0.0)))
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


# --- Load generators -----------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(match[1]) * _UNITS[match[2]] if match else float("nan")


def wrk(base: str, paths: list[str], seconds: int) -> dict:
    paths = [quote(p, safe="/?=&+%") for p in paths]  # Sorani and Arabic slugs, percent-encoded
    script = None
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if len(paths) > 1:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115 - unlinked below
        quoted = ",".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
        script.write(
            f"local paths = {{{quoted}}}\nlocal i = math.random(#paths)\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
        )
        script.close()
        command += ["-s", script.name]
    command.append(base + paths[0])
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=False)
    finally:
        if script:
            os.unlink(script.name)
    out = result.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    return {
        "rps": float(rps[1]) if rps else 0.0,
        "p50": _ms(latency.get("50", "")),
        "p99": _ms(latency.get("99", "")),
        "errors": (int(non2xx[1]) if non2xx else 0)
        + (sum(int(x) for x in socket_errors.groups()) if socket_errors else 0),
        "raw": out if not rps else "",
    }


def python_load(base: str, paths: list[str], seconds: int) -> dict:
    """A bounded thread-based generator on loopback, for machines without wrk."""
    host, port = base.removeprefix("http://").split(":")
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    errors = [0] * CONNECTIONS

    def run(slot: int) -> None:
        i = slot
        while time.monotonic() < deadline and len(latencies[slot]) < 1_000_000:
            path = paths[i % len(paths)]
            i += CONNECTIONS
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=5)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status >= 400:
                    errors[slot] += 1
            except OSError:
                errors[slot] += 1
                continue
            latencies[slot].append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(slot,), daemon=True) for slot in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - started
    flat = [x for slot in latencies for x in slot]
    return {
        "rps": len(flat) / elapsed,
        "p50": median(flat),
        "p99": percentile(flat, 99),
        "errors": sum(errors),
        "raw": "",
    }


# --- The run -------------------------------------------------------------------------------------


class Redis:
    """A redis-server of the bench's own (no persistence), on a free port, for the ``redis`` mode."""

    def __init__(self):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def run_mode(mode: str, pages: dict[str, list[str]], seconds: int, load) -> None:
    label, settings = MODES[mode]
    redis = None
    if mode == "redis":
        if not shutil.which("redis-server"):
            missing(f"page.mode.{label}", "no redis-server (apt-get install redis-server)")
            return
        redis = Redis()
        settings = {k: v.format(port=redis.port) for k, v in settings.items()}
    comment(f"{label}: {' '.join(f'{k}={v}' for k, v in settings.items())}, load {os.getloadavg()[0]:.2f}")
    server = Gunicorn(settings)
    try:
        server.wait_ready("/__bench/bare/")
        bare = None
        for name, paths in [("bare", ["/__bench/bare/"]), *pages.items()]:
            server.wait_idle()  # a slow page's backlog must not count against the next one
            load(server.base, paths, 1)  # warm-up: imports, template loading, connections, page cache
            result = load(server.base, paths, seconds)
            if result["raw"]:
                comment(result["raw"][-800:])
            if name == "bare":
                bare = result["rps"] or float("nan")
                emit(
                    f"page.bare.{label}",
                    result["rps"],
                    "req/s",
                    p50_ms=result["p50"],
                    p99_ms=result["p99"],
                    errors=result["errors"],
                )
                continue
            ratio = result["rps"] / bare
            target = TARGETS.get((name, mode))
            emit(
                f"page.{name}.{label}",
                result["rps"],
                "req/s",
                ratio=round(ratio, 3),
                target=f"ratio>={target}" if target else None,
                ok=(ratio >= target and result["errors"] == 0) if target else None,
                p50_ms=result["p50"],
                p99_ms=result["p99"],
                errors=result["errors"],
            )
        memory = server.worker_memory()
        if memory:
            peak = max(m[0] for m in memory)
            emit(
                f"memory.worker_peak_rss.{label}",
                peak,
                "MiB",
                target=f"<={MAX_WORKER_MIB}",
                ok=peak <= MAX_WORKER_MIB,
                workers=len(memory),
            )
        else:
            missing(f"memory.worker_peak_rss.{label}", "no /proc worker entries")
    finally:
        server.stop()
        if redis is not None:
            redis.stop()


def main() -> None:
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    setup_django(CACHE_URL=CACHE_OFF)
    header(f"pages ({seconds}s a page, wrk -t{THREADS} -c{CONNECTIONS})")
    prepare_site()
    from articles.models import Article

    comment(
        f"{Article.objects.count()} stories, {Article.objects.published().count()} published; "
        f"static in {BENCH_VAR / 'static'}"
    )
    pages = check_pages(choose_pages())
    for name in ("home", "section", "tag", "author", "story", "story_mix", "search", "search_mix", "feed"):
        if name not in pages:
            missing(f"page.{name}", "not served (see the queries line)")
    if shutil.which("wrk"):
        load = wrk
    else:
        comment("wrk not found (apt-get install wrk): using the Python load generator, figures are lower")
        load = python_load
    modes = [
        m.strip() for m in os.environ.get("BENCH_PAGE_MODES", "redis,on,off,all_off").split(",") if m.strip()
    ]
    only = {m.strip() for m in os.environ.get("BENCH_PAGES", "").split(",") if m.strip()}
    if only:
        pages = {name: paths for name, paths in pages.items() if name in only}
    for mode in modes:
        if mode not in MODES:
            missing(f"page.mode.{mode}", f"unknown mode (one of {', '.join(MODES)})")
            continue
        run_mode(mode, pages, seconds, load)


if __name__ == "__main__":
    main()
