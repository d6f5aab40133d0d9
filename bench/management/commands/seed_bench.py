"""python manage.py seed_bench --stories N [--seed S] [--batch B]

Fills the database with realistic stories for the benchmarks (``bench/``), fast: the
reference rows (sections, tags, staff, sources, images) through the ORM, the stories and
what hangs off them (credits, tags, corrections) through PostgreSQL ``COPY``.

Idempotent: it tops the number of stories up to N (it never deletes). Seeded stories get
no Revision, AuditEntry or WireItem rows: those are written by the services on real
saves and imports, which ``bench/imports.py`` measures separately.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleCredit, Correction, CreditRole, Image, Section, Status, Tag
from bench.management.commands import _benchtext as text
from editors.models import Editor
from sources.models import Source

N_TAGS = 400
N_EDITORS = 60
N_IMAGES = 2000
IMAGE_NAME = "bench/pixel.png"
BENCH_SOURCES = [
    ("Kurdistan 24", "K24", "own", "Kurdistan 24"),
    ("Agence France-Presse", "AFP", "agency", "AFP"),
    ("Reuters", "REUTERS", "agency", "Reuters"),
    ("Associated Press", "AP", "agency", "AP"),
]


# --- COPY ----------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        value = json.dumps(value)
    elif isinstance(value, list):
        value = (
            "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"
        )
    elif not isinstance(value, str):
        return str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model: type[models.Model], rows: list[dict], *, with_pk: bool) -> None:
    """COPY ``rows`` (dicts keyed by column attname) into ``model``'s table.

    Columns a row leaves out take the model field's Python default, taken once from an
    unsaved instance, so a field added later with a default does not break the seeder.
    Generated columns are left to the database.
    """
    if not rows:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not getattr(f, "generated", False) and (with_pk or not f.primary_key)
    ]
    blank = model()
    defaults = {f.attname: getattr(blank, f.attname) for f in fields}
    names = [f.attname for f in fields]
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join(_copy_value(row[n] if n in row else defaults[n]) for n in names))
        write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", buffer
        )


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]


# --- Reference data ------------------------------------------------------------------------------


def _tiny_image() -> None:
    """One shared 4x3 PNG under MEDIA_ROOT that every seeded Image record points at."""
    path = Path(settings.MEDIA_ROOT) / IMAGE_NAME
    if path.exists():
        return
    try:
        from PIL import Image as PILImage

        path.parent.mkdir(parents=True, exist_ok=True)
        PILImage.new("RGB", (4, 3), (200, 60, 40)).save(path, "PNG")
    except OSError:
        pass  # records without a file are still valid rows; the pages must cope


def reference_data(rng: random.Random) -> dict:
    sections = []
    for position, (name, slug) in enumerate(text.SECTIONS):
        section = Section.objects.filter(slug=slug).first() or Section.objects.create(
            name=name, slug=slug, position=position
        )
        sections.append(section.pk)

    if Tag.objects.filter(slug__startswith="bench-").count() < N_TAGS:
        tags = []
        for i in range(N_TAGS):
            language = text.pick_language(rng) if i % 4 else "en"
            words = text.LANGUAGES[language][0]
            name = f"{rng.choice(words)} {rng.choice(words)} {i}"
            tags.append(Tag(name=name, slug=f"bench-{i}"))
        Tag.objects.bulk_create(tags, ignore_conflicts=True)
    tags = list(Tag.objects.filter(slug__startswith="bench-").order_by("pk").values_list("pk", flat=True))

    if Editor.objects.filter(slug__startswith="bench-").count() < N_EDITORS:
        editors = []
        for i in range(N_EDITORS):
            language = "en" if i % 3 else rng.choice(["ckb", "ar"])
            editors.append(
                Editor(
                    display_name=text.person(rng, language),
                    slug=f"bench-{i}",
                    job_title="Reporter",
                    bio=text.standfirst(rng, language),
                    languages=[language],
                )
            )
        Editor.objects.bulk_create(editors, ignore_conflicts=True)
    editors = list(
        Editor.objects.filter(slug__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    )

    sources = []
    for name, code, kind, credit in BENCH_SOURCES:
        source = Source.objects.filter(code=code).first() or Source.objects.create(
            name=name, code=code, slug=slugify(code), kind=kind, credit_line=credit
        )
        sources.append(source.pk)

    _tiny_image()
    have = Image.objects.filter(file=IMAGE_NAME).count()
    if have < N_IMAGES:
        now = timezone.now()
        Image.objects.bulk_create(
            Image(
                file=IMAGE_NAME,
                width=4,
                height=3,
                caption=text.standfirst(rng, "en")[:200],
                credit="Bench",
                alt_text=f"Bench picture {i}",
                uploaded_at=now,
            )
            for i in range(have, N_IMAGES)
        )
    images = list(Image.objects.filter(file=IMAGE_NAME).order_by("pk").values_list("pk", flat=True))
    return {"sections": sections, "tags": tags, "editors": editors, "sources": sources, "images": images}


# --- Stories -------------------------------------------------------------------------------------


def _status(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.90:
        return Status.PUBLISHED
    if r < 0.94:
        return Status.DRAFT
    if r < 0.96:
        return Status.IN_REVIEW
    if r < 0.985:
        return Status.UNPUBLISHED
    return Status.KILLED


def _zipf_index(rng: random.Random, n: int) -> int:
    """An index in [0, n) where low indexes are much more common (popular tags)."""
    return min(n - 1, int(n * rng.random() ** 2.5))


def story_rows(rng: random.Random, ids: list[int], ref: dict, now: dt.datetime):
    """Rows for Article, ArticleCredit, the tag table and Correction, for the given article ids."""
    articles, credits, article_tags, corrections = [], [], [], []
    span = 3 * 365 * 86400  # three years back
    roles_extra = [
        CreditRole.REPORTING,
        CreditRole.EDITING,
        CreditRole.EDITING,
        CreditRole.PHOTO,
        CreditRole.ADDITIONAL,
    ]
    for article_id in ids:
        language = text.pick_language(rng)
        status = _status(rng)
        publish_at = now - dt.timedelta(seconds=int(span * rng.random() ** 2) + 60)
        embargo_until = None
        if status == Status.PUBLISHED:
            r = rng.random()
            if r < 0.01:  # scheduled
                publish_at = now + dt.timedelta(hours=rng.randint(1, 72))
            elif r < 0.015:  # embargoed
                embargo_until = now + dt.timedelta(hours=rng.randint(1, 24))
        elif status in (Status.DRAFT, Status.IN_REVIEW) and rng.random() < 0.7:
            publish_at = None
        first_published = (
            publish_at if status in (Status.PUBLISHED, Status.UNPUBLISHED, Status.KILLED) else None
        )
        updated_at = None
        if first_published is not None:
            updated_at = (
                publish_at + dt.timedelta(minutes=rng.randint(0, 600)) if rng.random() < 0.3 else publish_at
            )
        headline = text.headline(rng, language)
        paras = text.paragraphs(rng, language)
        place, outlet = text.dateline(rng, language)
        source_index = rng.randrange(len(ref["sources"]) + 2)  # some stories have no source
        source_id = ref["sources"][source_index] if source_index < len(ref["sources"]) else None
        modified_at = (updated_at or publish_at or now) if rng.random() < 0.9 else now
        articles.append(
            {
                "id": article_id,
                "headline": headline,
                "slug": slugify(headline, allow_unicode=True)[:200].strip("-") or "story",
                "kicker": rng.choice(["", "", "", "Analysis", "Live", "Exclusive"])
                if language == "en"
                else "",
                "standfirst": text.standfirst(rng, language),
                "body": text.body_html(paras),
                "dateline_place": place,
                "dateline_outlet": outlet,
                "language": language,
                "section_id": ref["sections"][_zipf_index(rng, len(ref["sections"]))],
                "source_id": source_id,
                "wire_guid": f"bench:{article_id}" if source_id else "",
                "urgency": rng.randint(1, 8) if source_id else None,
                "status": status,
                "publish_at": publish_at,
                "first_published_at": first_published,
                "updated_at": updated_at,
                "embargo_until": embargo_until,
                "withdrawn_reason": "Withdrawn by the agency" if status == Status.KILLED else "",
                "lead_image_id": rng.choice(ref["images"]) if rng.random() < 0.6 else None,
                "version": rng.randint(1, 4),
                "created_at": (publish_at or now) - dt.timedelta(minutes=rng.randint(5, 300)),
                "modified_at": modified_at,
            }
        )

        people = [(CreditRole.WRITER, None)]
        people += [(rng.choice(roles_extra), None) for _ in range(rng.choice([0, 1, 1, 2]))]
        if language != "en" and rng.random() < 0.4:
            people.append((CreditRole.TRANSLATION, None))
        for position, (role, _) in enumerate(people):
            if rng.random() < 0.6:
                credits.append(
                    {
                        "article_id": article_id,
                        "position": position,
                        "role": role,
                        "editor_id": rng.choice(ref["editors"]),
                        "name": "",
                    }
                )
            else:
                credits.append(
                    {
                        "article_id": article_id,
                        "position": position,
                        "role": role,
                        "editor_id": None,
                        "name": text.person(rng, language),
                    }
                )

        chosen = {ref["tags"][_zipf_index(rng, len(ref["tags"]))] for _ in range(rng.randint(0, 4))}
        article_tags.extend({"article_id": article_id, "tag_id": tag_id} for tag_id in sorted(chosen))

        if first_published is not None and article_id % 33 == 0:  # about 3 %, and every batch has some
            kind = rng.choice(list(Correction.Kind.values))
            corrections.append(
                {
                    "article_id": article_id,
                    "kind": kind,
                    "text": text.standfirst(rng, language),
                    "created_at": (first_published + dt.timedelta(hours=rng.randint(1, 48))),
                }
            )
    return articles, credits, article_tags, corrections


class Command(BaseCommand):
    help = "Top the database up to N realistic stories (sections, tags, credits, en/ckb/ar, corrections, images)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stories", type=int, default=100_000, help="total stories wanted (default 100000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--batch", type=int, default=5000, help="stories per COPY batch (default 5000)")
        parser.add_argument("--jobs", type=int, default=2, help="batches written at once (default 2)")

    def handle(self, *args, stories, seed, batch, jobs, **options):
        if stories < 0 or batch < 1 or jobs < 1:
            raise CommandError("--stories must be >= 0, --batch and --jobs >= 1", returncode=2)
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench needs PostgreSQL (it uses COPY)")
        started = time.monotonic()
        have = Article.objects.count()
        missing = stories - have
        if missing <= 0:
            self.stdout.write(f"{have} stories already; nothing to add.")
            return
        rng = random.Random(f"{seed}:{have}")  # noqa: S311 - benchmark data, not secrets
        with transaction.atomic():
            ref = reference_data(rng)
        now = timezone.now()
        sizes = [min(batch, missing - start) for start in range(0, missing, batch)]
        verbose = options.get("verbosity", 1) > 1

        def run_batch(index: int) -> tuple[int, int, int, int]:
            # Each batch has its own generator (reproducible whatever the thread order) and, being
            # in a worker thread, its own database connection: the server computes one batch's
            # search vectors and indexes while Python generates the next.
            batch_rng = random.Random(f"{seed}:{have}:{index}")  # noqa: S311
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        # Bigger GIN pending lists merge in fewer, larger steps; the commit need
                        # not wait for the disk (a crash loses only benchmark data).
                        cursor.execute("SET LOCAL gin_pending_list_limit = '32MB'")
                        cursor.execute("SET LOCAL synchronous_commit = off")
                    ids = reserve_ids(Article, sizes[index])
                    articles, credits, article_tags, corrections = story_rows(batch_rng, ids, ref, now)
                    copy_rows(Article, articles, with_pk=True)
                    copy_rows(ArticleCredit, credits, with_pk=False)
                    copy_rows(Article.tags.through, article_tags, with_pk=False)
                    copy_rows(Correction, corrections, with_pk=False)
            finally:
                if jobs > 1:
                    connection.close()
            if verbose:
                self.stdout.write(f"batch {index + 1}/{len(sizes)}: {time.monotonic() - started:.1f}s")
            return len(articles), len(credits), len(article_tags), len(corrections)

        if jobs > 1 and len(sizes) > 1:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(run_batch, range(len(sizes))))
        else:
            results = [run_batch(index) for index in range(len(sizes))]
        done, n_credits, n_tags, n_corrections = (sum(column) for column in zip(*results, strict=True))
        with connection.cursor() as cursor:
            for model in (
                Article,
                ArticleCredit,
                Article.tags.through,
                Correction,
                Tag,
                Section,
                Image,
                Editor,
            ):
                table = connection.ops.quote_name(model._meta.db_table)
                # VACUUM as autovacuum would (it may be off): flushes the GIN indexes' pending lists, which
                # every search would otherwise scan, and marks pages all-visible for index-only scans.
                # Not possible inside a transaction (the tests'): there, statistics only.
                cursor.execute(
                    f"ANALYZE {table}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {table}"
                )
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Added {done} stories ({n_credits} credits, {n_tags} tag links, "
            f"{n_corrections} corrections) in {elapsed:.1f}s; {have + done} stories now."
        )
