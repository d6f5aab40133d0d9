"""import_wire in batches: brand-new stories inserted together, unchanged files recognised by their
bytes, one bad story still failing alone, files moved only once their batch is committed."""

import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article, AuditEntry, Revision, Tag
from public.caching import purging
from sources.ingest import mapping, pipeline, store
from sources.models import ImportedFile, WireItem
from tests.sources.wire_helpers import fixture, many, ninjs, run, write

pytestmark = pytest.mark.django_db


def test_a_batch_writes_what_one_story_at_a_time_writes(tmp_path):
    folder = many(tmp_path / "in", 5, keywords=["oil", "Budget", "Ölpreis", "نفط", "budget"])
    code, out, _ = run(folder, "--source", "NRW", "--publish")
    assert code == 0 and "created 5, updated 0, unchanged 0, failed 0" in out
    for article in Article.objects.all():
        assert article.status == "published" and article.publish_at and article.first_published_at
        assert article.slug.startswith("story-number") and article.language == "en"
        assert [(c.name, c.role) for c in article.credits.order_by("position")] == [
            ("Dana Aziz", "writer"),
            ("Karwan Ali", "writer"),
        ]
        assert sorted(article.tags.values_list("name", flat=True)) == sorted(
            ["oil", "Budget", "Ölpreis", "نفط"]
        )
        revision = article.revisions.get()
        assert revision.number == 1 and revision.snapshot["tags"] == sorted(
            ["oil", "Budget", "Ölpreis", "نفط"]
        )
        assert revision.snapshot["credits"][0] == {"role": "writer", "name": "Dana Aziz", "editor_id": None}
        assert article.audit_entries.get().action == "publish"
        item = article.wire_items.get()
        assert item.outcome == "created" and item.article_version == article.version == 1
        # computed from the values written; the same as re-reading them
        assert item.article_checksum == mapping.article_wire_checksum(article)
    assert Tag.objects.count() == 4
    assert ImportedFile.objects.count() == 5
    # the search vector is the database's (generated), though the insert did not read it back
    assert Article.objects.filter(search_vector="paragraph").count() == 5


def test_a_new_version_of_a_batch_created_story_applies(tmp_path):
    """The article checksum computed in memory must match the stored story, or updates would wait."""
    run(many(tmp_path / "v1", 3), "--source", "NRW", "--publish")
    code, out, _ = run(many(tmp_path / "v2", 3, version=2), "--source", "NRW", "--publish")
    assert code == 0 and "created 0, updated 3, unchanged 0, failed 0" in out


def test_query_count_does_not_grow_with_the_number_of_stories(tmp_path):
    run(many(tmp_path / "warm", 1, start=999), "--source", "NRW", "--publish")  # the source exists
    counts = []
    for count, start in ((20, 0), (60, 100)):
        folder = many(tmp_path / f"in{count}", count, start=start, keywords=[f"tag {start}", "common"])
        with CaptureQueriesContext(connection) as queries:
            code, out, _ = run(folder, "--source", "NRW", "--publish")
        assert code == 0 and f"created {count}," in out
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 25, counts


def test_reimport_of_unchanged_files_costs_a_query_a_batch(tmp_path, monkeypatch):
    folder = many(tmp_path / "in", 30)
    run(folder, "--source", "NRW")
    monkeypatch.setattr(pipeline, "parse_bytes", lambda *a, **k: pytest.fail("an unchanged file was parsed"))
    with CaptureQueriesContext(connection) as queries:
        code, out, _ = run(folder, "--source", "NRW")
    assert code == 0 and "created 0, updated 0, unchanged 30, failed 0" in out
    assert len(queries) <= 2, [q["sql"] for q in queries]  # the source, then the batch's files
    monkeypatch.setattr(pipeline, "BATCH_FILES", 10)
    with CaptureQueriesContext(connection) as queries:
        code, out, _ = run(folder, "--source", "NRW")
    assert "unchanged 30," in out and len(queries) <= 1 + 3


def test_one_invalid_story_fails_alone(tmp_path):
    folder = many(tmp_path / "in", 6)
    (folder / "0003.json").write_bytes(ninjs(3, headline="x" * 301))
    (folder / "0004.json").write_bytes(ninjs(4, located="P" * 300 + " (NR Wire)"))
    code, out, err = run(folder, "--source", "NRW")
    assert code == 1 and "created 4, updated 0, unchanged 0, failed 2" in out
    assert "0003.json: story" in err and "field headline" in err and "at most 300" in err
    assert "0004.json" in err and "field dateline_place" in err
    assert Article.objects.count() == 4 and WireItem.objects.count() == 4


def test_a_database_error_in_the_bulk_insert_falls_back_story_by_story(tmp_path, monkeypatch):
    """A story another import stored meanwhile (here: found by nobody's look-up) makes the bulk
    insert fail; the batch is then imported one story at a time, each in its own savepoint."""
    folder = many(tmp_path / "in", 5)
    (folder / "0002.json").write_bytes(ninjs(2, version=2))
    run(write(tmp_path / "first", {"a.json": ninjs(2)}), "--source", "NRW")
    monkeypatch.setattr(store, "stored_identities", lambda identities: set())
    calls = []
    real = store.import_story
    monkeypatch.setattr(store, "import_story", lambda *a, **k: calls.append(1) or real(*a, **k))
    code, out, _ = run(folder, "--source", "NRW")
    assert code == 0 and "created 4, updated 1, unchanged 0, failed 0" in out
    assert len(calls) == 5
    assert Article.objects.count() == 5 and WireItem.objects.count() == 6


def test_a_story_that_cannot_be_stored_fails_alone_with_its_file_and_story(tmp_path, monkeypatch):
    folder = many(tmp_path / "in", 4)
    real_bulk = store.import_new_stories
    real_one = store.import_story

    def bad_one(story, **kwargs):
        if story.headline == "Story number 2":
            with transaction.atomic():
                raise IntegrityError('new row violates check constraint "made_up"')
        return real_one(story, **kwargs)

    monkeypatch.setattr(
        store,
        "import_new_stories",
        lambda batch: (
            real_bulk(batch)
            if not any(n.story.headline == "Story number 2" for n in batch)
            else (_ for _ in ()).throw(IntegrityError("bulk"))
        ),
    )
    monkeypatch.setattr(store, "import_story", bad_one)
    code, out, err = run(folder, "--source", "NRW")
    assert code == 1 and "created 3, updated 0, unchanged 0, failed 1" in out
    assert "0002.json: story 'Story number 2': not stored: new row violates" in err
    assert ImportedFile.objects.count() == 3  # not the failed file


def test_a_multi_story_file_is_skipped_whole_on_reimport(tmp_path, monkeypatch):
    feed = fixture("rss", "feed.rss").read_text()
    feed = feed[: feed.index("  <item>\n    <description>An item without")] + "</channel>\n</rss>\n"
    path = tmp_path / "feed.rss"
    path.write_text(feed)
    code, out, _ = run(path, "--source", "NRW")
    assert code == 0 and "created 2, updated 0, unchanged 0, failed 0" in out
    record = ImportedFile.objects.get()
    assert record.stories == 2 and sorted(record.wire_items) == sorted(
        WireItem.objects.values_list("pk", flat=True)
    )
    monkeypatch.setattr(pipeline, "parse_bytes", lambda *a, **k: pytest.fail("an unchanged file was parsed"))
    code, out, _ = run(path, "--source", "NRW")
    assert code == 0 and "created 0, updated 0, unchanged 2, failed 0" in out


def test_a_file_with_unchanged_and_new_stories_is_recorded_with_both(tmp_path):
    feed = fixture("rss", "feed.rss").read_text()
    feed = feed[: feed.index("  <item>\n    <description>An item without")] + "</channel>\n</rss>\n"
    (tmp_path / "feed.rss").write_text(feed)
    run(tmp_path / "feed.rss", "--source", "NRW")
    longer = feed.replace("</channel>", "<item><title>Third</title><guid>nrw-9</guid></item></channel>")
    (tmp_path / "feed.rss").write_text(longer)
    code, out, _ = run(tmp_path / "feed.rss", "--source", "NRW")
    assert "created 1, updated 0, unchanged 2, failed 0" in out
    record = ImportedFile.objects.get(stories=3)
    assert sorted(record.wire_items) == sorted(WireItem.objects.values_list("pk", flat=True))
    code, out, _ = run(tmp_path / "feed.rss", "--source", "NRW")
    assert "created 0, updated 0, unchanged 3, failed 0" in out


def test_a_partly_failed_file_is_processed_again():
    code, out, _ = run(fixture("newsml-g2", "message-prefixed.xml"), "--publish")
    assert code == 1 and "created 2, updated 0, unchanged 0, failed 1" in out
    assert not ImportedFile.objects.exists()
    code, out, err = run(fixture("newsml-g2", "message-prefixed.xml"), "--publish")
    assert code == 1 and "created 0, updated 0, unchanged 2, failed 1" in out
    assert "field headline" in err


def test_a_record_is_not_trusted_once_a_wire_item_is_gone(tmp_path):
    folder = many(tmp_path / "in", 3)
    run(folder, "--source", "NRW")
    WireItem.objects.filter(guid="urn:test:batch:1").delete()
    code, out, _ = run(folder, "--source", "NRW")
    assert "unchanged 2," in out and "failed 0" in out  # the third was read again (and waits: no item)


def test_a_parser_change_reads_the_files_again(tmp_path, monkeypatch):
    folder = many(tmp_path / "in", 3)
    run(folder, "--source", "NRW")
    monkeypatch.setattr(pipeline, "parser_fingerprint", lambda: "changed")
    calls = []
    real = pipeline.parse_bytes
    monkeypatch.setattr(pipeline, "parse_bytes", lambda *a, **k: calls.append(1) or real(*a, **k))
    code, out, _ = run(folder, "--source", "NRW")
    assert code == 0 and "unchanged 3" in out and len(calls) == 3


def test_another_source_or_format_is_not_the_same_file(tmp_path):
    folder = many(tmp_path / "in", 2)
    run(folder, "--source", "NRW")
    code, out, _ = run(folder, "--source", "OTHER")
    assert "created 2," in out
    code, out, err = run(folder, "--source", "NRW", "--format", "text")
    assert "unchanged 2" not in out


def test_dry_run_writes_nothing(tmp_path):
    folder = many(tmp_path / "in", 5)
    code, out, _ = run(folder, "--source", "NRW", "--publish", "--dry-run")
    assert code == 0 and "dry run, nothing written: created 5," in out
    assert (
        not Article.objects.exists() and not WireItem.objects.exists() and not ImportedFile.objects.exists()
    )
    assert not Revision.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_purges_the_page_cache_once(tmp_path, monkeypatch):
    purges = []
    monkeypatch.setattr(purging, "forget_generation", lambda: purges.append(1))
    monkeypatch.setattr(pipeline, "BATCH_FILES", 10)
    code, out, _ = run(many(tmp_path / "in", 25), "--source", "NRW", "--publish")
    assert code == 0 and "created 25," in out
    assert len(purges) == 3  # one a batch of 10, not one a story


@pytest.mark.parametrize("workers", [0, 1])
def test_a_large_run_parses_the_next_batch_in_a_worker_process(tmp_path, monkeypatch, settings, workers):
    """Batches of 4 files: the parse of each next batch runs in a worker process (or inline with
    WIRE_IMPORT_PARSE_WORKERS = 0) while the one before is stored; the outcome is the same."""
    monkeypatch.setattr(pipeline, "BATCH_FILES", 4)
    settings.WIRE_IMPORT_PARSE_WORKERS = workers
    folder = many(tmp_path / "in", 10)
    (folder / "0006.json").write_bytes(b'{"uri": "urn:x", "headline": 5}')
    (folder / "0007.json").write_bytes(ninjs(7, headline="x" * 301))
    code, out, err = run(folder, "--source", "NRW", "--publish")
    assert code == 1 and "created 8, updated 0, unchanged 0, failed 2" in out
    assert "0006.json: " in err and "field headline" in err and "0007.json: story" in err
    assert err.index("0006.json") < err.index("0007.json")
    assert Article.objects.count() == 8
    code, out, _ = run(folder, "--source", "NRW", "--publish")
    assert "created 0, updated 0, unchanged 8, failed 2" in out


def test_a_file_naming_its_agency_is_recorded_without_a_source_and_re_recorded():
    path = fixture("newsml-g2", "item-v1.xml")
    code, out, _ = run(path)
    assert code == 0 and "created 1," in out
    record = ImportedFile.objects.get()
    assert record.source is None and record.format == "newsml-g2"
    code, out, _ = run(path)
    assert "unchanged 1," in out
    WireItem.objects.all().delete()  # the record no longer holds: read again, and recorded afresh
    code, out, _ = run(path)
    assert "failed 0" in out and "unchanged 1," not in out
    record = ImportedFile.objects.get()
    assert record.wire_items == list(WireItem.objects.values_list("pk", flat=True))
    code, out, _ = run(path, "--source", "NRW")  # another key: the same bytes with a named source
    assert ImportedFile.objects.count() == 2


def test_validation_errors_survive_the_trip_from_a_worker_process():
    import pickle

    from django.core.exceptions import ValidationError

    from sources.wire import ParseError

    exc = pickle.loads(pickle.dumps(ValidationError({"headline": "A story needs a headline."})))
    assert exc.messages == ["A story needs a headline."]
    err = pickle.loads(pickle.dumps(ParseError("too long", field="headline", line=3, story="Dam")))
    assert str(err) == "line 3, story 'Dam', field headline: too long"


@pytest.mark.django_db(transaction=True)
def test_a_large_run_writes_in_a_thread_while_the_next_batch_is_planned(tmp_path, monkeypatch):
    """Outside a transaction, batches are written by a writer thread (its own connection) while the
    next is parsed and planned: the same outcome, in order; one purge a batch."""
    purges, threads = [], set()
    monkeypatch.setattr(purging, "forget_generation", lambda: purges.append(1))
    real_write = pipeline.Batcher.write

    def write(self, planned):
        import threading

        threads.add(threading.current_thread().name)
        if len(purges) == 0:
            time.sleep(0.5)  # the next batch is planned before this one commits
        return real_write(self, planned)

    monkeypatch.setattr(pipeline.Batcher, "write", write)
    one_by_one = []
    real_story = store.import_story
    monkeypatch.setattr(
        store, "import_story", lambda story, **kw: one_by_one.append(story.guid) or real_story(story, **kw)
    )
    monkeypatch.setattr(pipeline, "BATCH_FILES", 4)
    folder = many(tmp_path / "in", 13)
    (folder / "0005.json").write_bytes(ninjs(5, headline="x" * 301))
    # v2 of a story of the batch before, planned before that batch is committed: its insert meets
    # the first batch's article (unique identity), so that batch goes one story at a time
    (folder / "0006.json").write_bytes(ninjs(1, version=2))
    code, out, err = run(folder, "--source", "NRW", "--publish")
    assert code == 1 and "created 11, updated 1, unchanged 0, failed 1" in out
    assert "0005.json: story" in err
    assert "0006" not in err
    assert sorted(one_by_one) == ["urn:test:batch:1", "urn:test:batch:4", "urn:test:batch:7"]  # the fallback
    assert any(name.startswith("import-write") for name in threads)
    assert Article.objects.count() == 11 and WireItem.objects.count() == 12
    assert Article.objects.get(wire_guid="urn:test:batch:1").revisions.count() == 2
    assert len(purges) == 4  # 13 files in batches of 4
    code, out, _ = run(folder, "--source", "NRW", "--publish")
    assert "created 0, updated 0, unchanged 12, failed 1" in out
