"""Revisions (snapshot, diff, restore) and edit locks, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles import services
from articles.diff import diff_snapshots, html_to_words, word_diff
from articles.models import Article, AuditEntry
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_every_save_and_transition_writes_a_revision(editor_user):
    article = services.create_article(user=editor_user, headline="One", body="<p>a</p>")
    services.update_article(article, user=editor_user, headline="Two")
    services.transition(article, "publish", user=editor_user, reason="Checked")
    numbers = list(article.revisions.order_by("number").values_list("number", "reason", "snapshot__headline"))
    assert numbers == [(1, "Created", "One"), (2, "Edited", "Two"), (3, "Checked", "Two")]
    assert article.revisions.get(number=3).snapshot["version"] == 3


def test_word_diff_marks_words_and_escapes():
    old = html_to_words("<p>The council voted <em>on Tuesday</em>.</p><p>Work begins in spring.</p>")
    new = html_to_words("<p>The council voted on Wednesday.</p><p>Work begins in <b>autumn</b> & winter.</p>")
    html = word_diff(old, new)
    assert "<del>Tuesday</del>." not in html  # words, not characters
    assert "<del>Tuesday.</del> <ins>Wednesday.</ins>" in html
    assert "<br>" in html and "&amp;" in html
    assert "<ins>autumn &amp; winter.</ins>" in html


def test_word_diff_escapes_markup_in_text():
    html = word_diff([], ["<script>alert(1)</script>"])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_diff_snapshots_field_by_field(editor_user):
    world, sport = SectionFactory(name="World", slug="world"), SectionFactory(name="Sport", slug="sport")
    article = services.create_article(
        user=editor_user,
        headline="Bridge approved",
        standfirst="Vote on Tuesday",
        body="<p>Close vote.</p>",
        section=world,
        tags=["Erbil"],
        credits=[services.CreditInput(name="Shilan Aziz", role="reporting")],
    )
    old = services.snapshot(article)
    services.update_article(
        article,
        user=editor_user,
        headline="Bridge approved at last",
        section=sport,
        tags=["Erbil", "Roads"],
        credits=[
            services.CreditInput(name="Shilan Aziz", role="reporting"),
            services.CreditInput(name="Dilan Omar", role="editing"),
        ],
        embargo_until=timezone.now() + timedelta(hours=1),
    )
    new = services.snapshot(article)
    diffs = {d.name: d for d in diff_snapshots(old, new)}
    assert diffs["headline"].changed and "<ins>at last</ins>" in diffs["headline"].html
    assert not diffs["standfirst"].changed and not diffs["body"].changed
    assert diffs["section"].changed and "<del>World</del> → <ins>Sport</ins>" in diffs["section"].html
    assert "<ins>Roads</ins>" in diffs["tags"].html
    assert "<ins>Editing: Dilan Omar</ins>" in diffs["credits"].html
    assert diffs["embargo_until"].changed and not diffs["publish_at"].changed


def test_restore_makes_a_new_revision_and_keeps_the_status(editor_user):
    article = services.create_article(
        user=editor_user,
        headline="First words",
        body="<p>One</p>",
        tags=["A"],
        credits=[services.CreditInput(name="X Y")],
    )
    services.update_article(
        article, user=editor_user, headline="Second words", body="<p>Two</p>", tags=["B"], credits=[]
    )
    services.transition(article, "publish", user=editor_user)
    first = article.revisions.get(number=1)
    services.restore_revision(article, first, user=editor_user, expected_version=article.version)
    article.refresh_from_db()
    assert article.headline == "First words" and article.body == "<p>One</p>"
    assert list(article.tags.values_list("name", flat=True)) == ["A"]
    assert [c.display_name for c in article.credits.all()] == ["X Y"]
    assert article.status == "published"
    latest = article.revisions.order_by("-number").first()
    assert latest.number == 4 and latest.reason == "Restored revision 1"
    assert article.revisions.count() == 4  # nothing lost


def test_restore_is_refused_to_a_reporter_on_someone_elses_story(reporter, editor_user):
    article = services.create_article(user=editor_user, headline="Desk story")
    services.update_article(article, user=editor_user, headline="Desk story v2")
    with pytest.raises(PermissionDenied):
        services.restore_revision(article, article.revisions.get(number=1), user=reporter)
    article.refresh_from_db()
    assert article.headline == "Desk story v2"


def test_stale_version_is_refused(editor_user):
    article = services.create_article(user=editor_user, headline="Original")
    services.update_article(article, user=editor_user, headline="Theirs", expected_version=1)
    with pytest.raises(services.StaleVersion):
        services.update_article(article, user=editor_user, headline="Mine", expected_version=1)
    article.refresh_from_db()
    assert article.headline == "Theirs"


# --- locks --------------------------------------------------------------------------------------------


def test_lock_is_exclusive_and_expires(settings, reporter, editor_user):
    settings.ARTICLE_LOCK_TIMEOUT = 60
    article = ArticleFactory()
    assert services.acquire_lock(article, editor_user)
    assert not services.acquire_lock(article, reporter)
    assert article.locked_by == editor_user  # the second person sees who
    assert services.lock_holder(article) == editor_user
    assert article.version == 1  # locks never change the content version
    type(article).objects.filter(pk=article.pk).update(locked_at=timezone.now() - timedelta(seconds=61))
    article.refresh_from_db()
    assert services.lock_holder(article) is None
    assert services.acquire_lock(article, reporter)
    assert article.locked_by == reporter


def test_heartbeat_renews_only_ones_own_lock(editor_user, reporter):
    article = ArticleFactory()
    services.acquire_lock(article, editor_user)
    before = article.locked_at
    assert services.renew_lock(article, editor_user) and article.locked_at >= before
    assert not services.renew_lock(article, reporter)
    assert not services.release_lock(article, reporter)
    assert services.release_lock(article, editor_user)
    article.refresh_from_db()
    assert article.locked_by is None


def test_save_refused_while_someone_else_holds_the_lock(editor_user, chief_editor):
    article = ArticleFactory()
    services.acquire_lock(article, chief_editor)
    with pytest.raises(services.LockedByOther, match="chief_editor is editing this story"):
        services.edit_article(article, user=editor_user, fields={"headline": "Overwrite"}, expected_version=1)
    assert Article.objects.get(pk=article.pk).headline != "Overwrite"


def test_force_unlock_is_for_chief_editors_and_audited(editor_user, chief_editor):
    article = ArticleFactory()
    services.acquire_lock(article, editor_user)
    with pytest.raises(PermissionDenied):
        services.force_unlock(article, user=editor_user)
    assert AuditEntry.objects.filter(action="refused", actor=editor_user).exists()
    services.force_unlock(article, user=chief_editor)
    article.refresh_from_db()
    assert article.locked_by is None
    entry = AuditEntry.objects.get(action="force_unlock")
    assert entry.actor == chief_editor and "editor" in entry.message
