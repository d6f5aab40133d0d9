"""Import throughput: stories a second through ``import_wire`` (parse, sanitise, version, revision),
for N generated NITF and ninjs files into an empty database, then for the re-import of the same
unchanged files.

    python -m bench.imports            # BENCH_IMPORT_STORIES (10000) files per format

Database: BENCH_IMPORT_DATABASE_URL (postgres://postgres@127.0.0.1:5432/nr_bench_import), dropped and
created afresh for each run. Files are generated once under var/bench/wire/<format>/ (deterministic).
"""

from __future__ import annotations

import json
import os
import random
import time
from io import StringIO
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from bench.common import (
    BENCH_VAR,
    DEFAULT_IMPORT_DB,
    comment,
    emit,
    ensure_database,
    header,
    missing,
    setup_django,
)

TARGET_IMPORT = 1000
TARGET_REIMPORT = 5000
FORMATS = ("nitf", "ninjs")


def _story(rng: random.Random, index: int) -> dict:
    from bench.management.commands import _benchtext as text

    language = text.pick_language(rng)
    paras = text.paragraphs(rng, language, 4, 7)
    place, outlet = text.dateline(rng, language)
    return {
        "index": index,
        "language": language,
        "headline": text.headline(rng, language),
        "standfirst": text.standfirst(rng, language),
        "paragraphs": paras,
        "place": place,
        "outlet": outlet,
        "writers": [text.person(rng, language) for _ in range(rng.randint(1, 2))],
        "editor": text.person(rng, "en"),
        "keywords": sorted({rng.choice(text.LANGUAGES[language][0]) for _ in range(rng.randint(1, 3))}),
        "urgency": rng.randint(1, 8),
        "day": 1 + index % 28,
    }


def nitf(story: dict) -> str:
    paras = "".join(f"<p>{escape(p)}</p>" for p in story["paragraphs"])
    persons = " and ".join(f"<person>{escape(n)}</person>" for n in story["writers"])
    keywords = "".join(f"<keyword key={quoteattr(k)}/>" for k in story["keywords"])
    lang = {"en": "en-GB", "ckb": "ckb", "ar": "ar"}[story["language"]]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<nitf version="-//IPTC//DTD NITF 3.6//EN" baselang="{lang}">
  <head>
    <title>{escape(story["headline"])}</title>
    <docdata management-status="usable">
      <doc-id id-string="BENCH-NITF-{story["index"]:06d}" regsrc="BENCH"/>
      <urgency ed-urg="{story["urgency"]}"/>
      <date.issue norm="202503{story["day"]:02d}T080000Z"/>
      <du-key key="bench-{story["index"]}" version="1"/>
      <doc.copyright year="2025" holder="Bench Wire"/>
      <key-list>{keywords}</key-list>
    </docdata>
  </head>
  <body>
    <body.head>
      <hedline><hl1>{escape(story["headline"])}</hl1></hedline>
      <byline>By {persons}</byline>
      <dateline><location><city>{escape(story["place"])}</city></location></dateline>
      <abstract><p>{escape(story["standfirst"])}</p></abstract>
    </body.head>
    <body.content>{paras}<p>(Editing by {escape(story["editor"])})</p></body.content>
  </body>
</nitf>
"""


def ninjs(story: dict) -> str:
    return json.dumps(
        {
            "$standard": {"name": "ninjs", "version": "2.1"},
            "uri": f"urn:bench:ninjs:{story['index']:06d}",
            "type": "text",
            "version": "1",
            "versioncreated": f"2025-03-{story['day']:02d}T08:00:00Z",
            "pubstatus": "usable",
            "urgency": story["urgency"],
            "language": story["language"],
            "headlines": [{"role": "main", "value": story["headline"]}],
            "descriptions": [{"role": "summary", "contenttype": "text/plain", "value": story["standfirst"]}],
            "bodies": [
                {
                    "role": "main",
                    "contenttype": "text/html",
                    "value": "".join(f"<p>{escape(p)}</p>" for p in story["paragraphs"]),
                }
            ],
            "by": " and ".join(story["writers"]),
            "located": f"{story['place']} ({story['outlet']})",
            "keywords": story["keywords"],
            "copyrightnotice": "© 2025 Bench Wire",
        },
        ensure_ascii=False,
        indent=1,
    )


WRITERS = {"nitf": (nitf, "xml"), "ninjs": (ninjs, "json")}


def generate(fmt: str, count: int) -> Path:
    """``count`` files of one format under var/bench/wire/<fmt>-<count>/ (kept between runs)."""
    folder = BENCH_VAR / "wire" / f"{fmt}-{count}"
    done = folder / ".complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    write, ext = WRITERS[fmt]
    rng = random.Random(f"bench-wire-{fmt}")  # noqa: S311
    for index in range(count):
        (folder / f"{index:06d}.{ext}").write_text(write(_story(rng, index)), encoding="utf-8")
    done.write_text(str(count))
    return folder


def empty_tables() -> None:
    from django.db import connection

    from articles.models import Article, AuditEntry, Revision, Tag
    from sources.models import Source, WireItem

    tables = [m._meta.db_table for m in (WireItem, Revision, AuditEntry, Article, Tag, Source)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def run_import(folder: Path, fmt: str, code: str) -> tuple[float, str]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = StringIO(), StringIO()
    started = time.perf_counter()
    try:
        call_command(
            "import_wire", str(folder), "--source", code, "--format", fmt, "--publish", stdout=out, stderr=err
        )
    except CommandError as exc:
        comment(f"import_wire {fmt}: {exc}; {err.getvalue().strip()[:500]}")
    return time.perf_counter() - started, out.getvalue().strip().splitlines()[-1] if out.getvalue() else ""


def main() -> None:
    count = int(os.environ.get("BENCH_IMPORT_STORIES", "10000"))
    url = os.environ.get("BENCH_IMPORT_DATABASE_URL", DEFAULT_IMPORT_DB)
    ensure_database(url, fresh=True)
    setup_django(url)
    header(f"imports ({count} files a format)")
    from bench.common import migrate

    migrate()
    from sources.wire import registered_formats

    have = registered_formats()
    for fmt in FORMATS:
        if fmt not in have:
            missing(f"import.{fmt}", f"no {fmt} parser registered")
            missing(f"reimport.{fmt}", f"no {fmt} parser registered")
            continue
        folder = generate(fmt, count)
        empty_tables()
        elapsed, summary = run_import(folder, fmt, f"BENCH{fmt.upper()}")
        comment(f"{fmt} import: {summary} in {elapsed:.1f}s")
        ok_created = summary.startswith(f"created {count},")
        rate = count / elapsed
        emit(
            f"import.{fmt}",
            rate,
            "stories/s",
            target=f">={TARGET_IMPORT}",
            ok=ok_created and rate >= TARGET_IMPORT,
            stories=count,
            seconds=elapsed,
        )
        elapsed, summary = run_import(folder, fmt, f"BENCH{fmt.upper()}")
        comment(f"{fmt} re-import: {summary} in {elapsed:.1f}s")
        ok_unchanged = f"unchanged {count}" in summary
        rate = count / elapsed
        emit(
            f"reimport.{fmt}",
            rate,
            "stories/s",
            target=f">={TARGET_REIMPORT}",
            ok=ok_unchanged and rate >= TARGET_REIMPORT,
            stories=count,
            seconds=elapsed,
        )


if __name__ == "__main__":
    main()
