"""What every bench command shares: the environment, the bench databases, and the output format.

Output: one line per figure, ``name=value unit [target=...] [ok=yes|no]``, or ``name=missing reason=...``
for something the code base does not have yet. Lines starting with ``#`` are commentary.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = Path(os.environ.get("BENCH_VAR", ROOT / "var" / "bench"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/nr_bench"
DEFAULT_IMPORT_DB = "postgres://postgres@127.0.0.1:5432/nr_bench_import"


def bench_env(database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment for bench processes: production settings over plain HTTP on loopback."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STATIC_MANIFEST": "true",
        "WHITENOISE_USE_FINDERS": "false",
        "STATIC_ROOT": str(BENCH_VAR / "static"),
        "MEDIA_ROOT": str(BENCH_VAR / "media"),
        "SECRET_KEY": "bench-only-" + "k" * 50,
        "LOG_LEVEL": "ERROR",
    }
    env.update(extra)
    return env


def setup_django(database_url: str | None = None, **extra: str) -> None:
    """Put the bench environment in this process and start Django.

    The bench's variables override the caller's (a DATABASE_URL pointing at a development database
    must not get 100,000 stories): choose the database with BENCH_DATABASE_URL instead.
    """
    os.environ.update(bench_env(database_url, **extra))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the database named in ``url`` if it is missing (drop it first with ``fresh``)."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            if fresh:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(stories: int) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_bench", "--stories", str(stories), stdout=out)
    comment(out.getvalue().strip())


def prepare_site() -> None:
    """The bench database migrated and seeded to BENCH_STORIES, static files collected (manifest)."""
    from django.core.management import call_command

    ensure_database(os.environ["DATABASE_URL"])
    migrate()
    seed(stories_wanted())
    call_command("collectstatic", interactive=False, verbosity=0)
    render_pages()


def render_pages() -> None:
    """Every live story's stored rendering (public/caching/stored.py), as publishing them through the
    services would have written it (seed_bench writes rows by COPY; a real story is rendered when it is
    published). Idempotent: only stories without a current rendering are rendered."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("render_pages", stdout=out)
    comment("render_pages: " + out.getvalue().strip())


def stories_wanted() -> int:
    return int(os.environ.get("BENCH_STORIES", "100000"))


def fmt(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def emit(
    name: str, value, unit: str = "", *, target: str | None = None, ok: bool | None = None, **extra
) -> None:
    parts = [f"{name}={fmt(value) if isinstance(value, int | float) else value}"]
    if unit:
        parts.append(unit)
    if target is not None:
        parts.append(f"target={target}")
    if ok is not None:
        parts.append(f"ok={'yes' if ok else 'no'}")
    parts.extend(f"{key}={fmt(v) if isinstance(v, int | float) else v}" for key, v in extra.items())
    print(" ".join(parts), flush=True)


def missing(name: str, reason: str) -> None:
    print(f"{name}=missing reason={reason.replace(' ', '_')}", flush=True)


def comment(text: str) -> None:
    for line in text.splitlines():
        print(f"# {line}", flush=True)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100), nearest-rank on sorted values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(p / 100 * len(ordered) - 1e-9)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def header(what: str) -> None:
    import platform

    comment(
        f"bench {what} {time.strftime('%Y-%m-%d %H:%M:%S %Z')} on {platform.node()} "
        f"({os.cpu_count()} cpus, load {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )
