"""seed_bench at a small scale: realistic rows, idempotent top-up, stories the public site can show."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleCredit, Correction, Section, Status, Tag
from editors.models import Editor

pytestmark = pytest.mark.django_db


def seed(n, **options):
    out = StringIO()
    # --jobs 1: worker threads would use their own connections, outside the test's transaction.
    call_command("seed_bench", "--stories", str(n), "--jobs", "1", stdout=out, **options)
    return out.getvalue()


def test_seeds_realistic_stories(media_root):
    out = seed(30)
    assert "Added 30 stories" in out
    assert Article.objects.count() == 30
    assert Section.objects.count() >= 5
    assert Tag.objects.filter(slug__startswith="bench-").count() == 400
    assert Editor.objects.filter(slug__startswith="bench-").count() == 60
    published = Article.objects.published()
    assert 20 <= published.count() <= 30
    assert ArticleCredit.objects.count() >= 30
    assert ArticleCredit.objects.filter(editor__isnull=False).exists()
    assert ArticleCredit.objects.filter(editor__isnull=True).exclude(name="").exists()
    # Every story has a headline, a slug, a body and its search vector (a generated column).
    for article in Article.objects.all():
        assert article.headline and article.slug and article.body.startswith("<p>")
        assert article.search_vector
        assert article.credits.filter(role="writer").exists()


def test_languages_and_scripts(media_root):
    seed(200)
    languages = set(Article.objects.values_list("language", flat=True))
    assert {"en", "ckb", "ar"} <= languages
    sorani = Article.objects.filter(language="ckb").first()
    assert sorani.direction == "rtl"
    assert any("\u0600" <= ch <= "\u06ff" for ch in sorani.headline)
    assert Article.objects.exclude(status=Status.PUBLISHED).exists()
    assert Correction.objects.exists()
    assert Article.objects.filter(lead_image__isnull=False).exists()


def test_tops_up_and_is_idempotent(media_root):
    seed(30)
    ids = set(Article.objects.values_list("pk", flat=True))
    assert "nothing to add" in seed(30)
    assert Article.objects.count() == 30
    seed(45, batch=10)
    assert Article.objects.count() == 45
    assert ids < set(Article.objects.values_list("pk", flat=True))
    # Reference data is not duplicated by a second run.
    assert Tag.objects.filter(slug__startswith="bench-").count() == 400
    assert Editor.objects.filter(slug__startswith="bench-").count() == 60


def test_seeded_stories_render(client, media_root):
    seed(30)
    story = Article.objects.published().first()
    assert client.get(story.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
    assert client.get(f"/{story.section.slug}/").status_code == 200


def test_rejects_bad_arguments():
    with pytest.raises(CommandError):
        call_command("seed_bench", "--stories", "-1", stdout=StringIO())
