"""import_wire on plain text through call_command: creates, is idempotent, fails cleanly."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Revision
from sources.models import Source, WireItem

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "text"
pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_wire", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def test_import_creates_source_and_published_story():
    code, out, _ = run(FIXTURES / "erbil-dam.txt", "--source", "nr", "--publish")
    assert code == 0
    assert "Created source NR" in out
    assert "created 1, updated 0, unchanged 0, failed 0" in out
    article = Article.objects.get()
    assert article.source == Source.objects.get(code="NR")
    assert article.status == "published" and article.publish_at is not None
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.language == "en"
    assert list(article.credits.values_list("name", "role")) == [("Sara Mohammed", "editing")]
    assert Revision.objects.filter(article=article).count() == 1
    assert WireItem.objects.get().outcome == "created"


def test_same_file_twice_changes_nothing():
    run(FIXTURES / "erbil-dam.txt", "--source", "NR")
    article = Article.objects.get()
    code, out, _ = run(FIXTURES / "erbil-dam.txt", "--source", "NR")
    assert code == 0 and "created 0, updated 0, unchanged 1, failed 0" in out
    assert Article.objects.get().version == article.version
    assert WireItem.objects.count() == 1 and Revision.objects.count() == 1


def test_without_publish_lands_as_draft_in_the_wire_queue():
    run(FIXTURES / "erbil-dam.txt", "--source", "NR")
    article = Article.objects.get()
    assert article.status == "draft"
    assert not Article.objects.published().exists()


def test_language_option():
    run(FIXTURES / "sorani.txt", "--source", "NR", "--language", "ckb", "--publish")
    article = Article.objects.get()
    assert article.language == "ckb" and article.direction == "rtl"


def test_folder_is_read_recursively_and_failures_do_not_stop_the_others():
    code, out, err = run(FIXTURES, "--source", "NR")
    assert code == 1
    assert "created 4" in out and "failed 4" in out
    assert Article.objects.count() == 4
    for name in ("empty.txt", "not-utf8.txt", "no-headline.txt", "blank.txt"):
        assert f"{name}:" in err
    assert len(err.strip().splitlines()) == 4, "one line per failure"


@pytest.mark.parametrize("name", ["empty.txt", "not-utf8.txt", "no-headline.txt"])
def test_bad_file_exit_1_and_database_unchanged(name):
    code, out, err = run(FIXTURES / name, "--source", "NR")
    assert code == 1
    assert name in err and "failed 1" in out
    assert Article.objects.count() == 0 and WireItem.objects.count() == 0


def test_dry_run_writes_nothing():
    code, out, _ = run(FIXTURES / "erbil-dam.txt", "--source", "NEW", "--dry-run")
    assert code == 0 and "dry run" in out and "created 1" in out
    assert Article.objects.count() == 0 and Source.objects.count() == 0


def test_missing_path_and_bad_usage():
    code, _, err = run("/nonexistent/story.txt", "--source", "NR")
    assert code == 1 and "no such file" in err
    code, _, _ = run(FIXTURES / "erbil-dam.txt", "--source", "bad code!")
    assert code == 2


def test_editor_change_is_not_overwritten_by_a_new_wire_version(tmp_path, editor_user):
    from articles import services

    first = tmp_path / "story.txt"
    first.write_text("Bridge reopens\n\nTraffic is back.\n\nDUHOK (Newsroom) - The bridge reopened.\n")
    run(first, "--source", "NR")
    article = Article.objects.get()
    services.update_article(article, user=editor_user, expected_version=article.version, standfirst="Edited")
    first.write_text(
        "Bridge reopens\n\nTraffic is back.\n\nDUHOK (Newsroom) - The bridge reopened at noon.\n"
    )
    code, out, _ = run(first, "--source", "NR")
    assert code == 0 and "waiting 1" in out
    article.refresh_from_db()
    assert article.standfirst == "Edited" and article.wire_update_waiting
    assert "noon" not in article.body
    assert WireItem.objects.count() == 2


def test_new_wire_version_updates_untouched_story(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Bridge reopens\n\nTraffic is back.\n\nDUHOK (Newsroom) - The bridge reopened.\n")
    run(story, "--source", "NR", "--publish")
    story.write_text(
        "Bridge reopens\n\nTraffic is back.\n\nDUHOK (Newsroom) - The bridge reopened at noon.\n"
    )
    code, out, _ = run(story, "--source", "NR", "--publish")
    assert code == 0 and "updated 1" in out
    article = Article.objects.get()
    assert "noon" in article.body and article.version == 2
    assert list(WireItem.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
