"""Review findings on the editorial workflow, through the services: rescheduling live copy, agency
withdrawals, kill reasons, locks, share-link nonces."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry
from articles.permissions import ArticlePermissions
from tests.conftest import role_user
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


# --- rescheduling is publishing ----------------------------------------------------------------------------


def test_wire_editor_cannot_edit_live_copy_nor_reschedule_it(wire_editor):
    article = ArticleFactory(published=True)
    assert not ArticlePermissions(wire_editor, article).can_edit()
    with pytest.raises(PermissionDenied):
        services.update_article(article, user=wire_editor, embargo_until=timezone.now() + timedelta(days=1))
    article.refresh_from_db()
    assert article.embargo_until is None
    assert AuditEntry.objects.filter(article=article, action="refused", actor=wire_editor).exists()


@pytest.mark.parametrize("name", ["publish_at", "embargo_until", "expire_at", "updated_at"])
def test_rescheduling_a_story_in_review_needs_publish_rights(wire_editor, name):
    article = ArticleFactory(status="in_review")
    assert ArticlePermissions(wire_editor, article).can_edit()  # they may still edit its text
    services.update_article(article, user=wire_editor, headline="Text edits are fine")
    with pytest.raises(PermissionDenied, match="publish_article"):
        services.update_article(article, user=wire_editor, **{name: timezone.now() + timedelta(days=1)})
    assert getattr(Article.objects.get(pk=article.pk), name) is None


def test_reporter_may_schedule_own_draft_without_audit(reporter):
    article = services.create_article(user=reporter, headline="Mine")
    at = timezone.now() + timedelta(days=1)
    services.update_article(article, user=reporter, publish_at=at)
    assert Article.objects.get(pk=article.pk).publish_at == at
    assert not AuditEntry.objects.filter(article=article, action="reschedule").exists()


def test_editor_reschedule_of_a_live_story_is_audited_with_old_and_new(editor_user):
    article = ArticleFactory(published=True)
    until = timezone.now() + timedelta(hours=3)
    services.update_article(article, user=editor_user, embargo_until=until)
    entry = AuditEntry.objects.get(article=article, action="reschedule")
    assert entry.actor == editor_user
    assert entry.message == f"embargo_until: none → {until.isoformat()}"


def test_clearing_publish_at_on_a_published_story_is_a_validation_error(editor_user):
    article = ArticleFactory(published=True)
    with pytest.raises(ValidationError) as exc:
        services.update_article(article, user=editor_user, publish_at=None)
    assert "publish_at" in exc.value.message_dict
    assert Article.objects.get(pk=article.pk).publish_at is not None


def test_system_may_still_change_an_embargo_on_a_live_story():
    article = ArticleFactory(published=True)
    until = timezone.now() + timedelta(hours=1)
    services.update_article(article, user=None, embargo_until=until)
    assert Article.objects.get(pk=article.pk).embargo_until == until
    assert AuditEntry.objects.filter(article=article, action="reschedule", actor=None).exists()


def test_reporter_cannot_edit_published_story_even_with_edit_any(db):
    user = role_user("Wire editor", "wire2")
    article = ArticleFactory(published=True)
    with pytest.raises(PermissionDenied):
        services.update_article(article, user=user, headline="Changed live")
    assert Article.objects.get(pk=article.pk).headline != "Changed live"


# --- a kill or an unpublish needs a reason ------------------------------------------------------------------


@pytest.mark.parametrize("move", ["kill", "unpublish"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_kill_and_unpublish_need_a_reason(chief_editor, move, reason):
    article = ArticleFactory(published=True)
    with pytest.raises(ValidationError, match="needs a reason"):
        services.transition(article, move, user=chief_editor, reason=reason)
    article.refresh_from_db()
    assert article.status == "published" and article.version == 1
    services.transition(article, move, user=chief_editor, reason="Court order")
    assert Article.objects.get(pk=article.pk).status == move.replace("kill", "killed").replace(
        "unpublish", "unpublished"
    )
    assert AuditEntry.objects.get(article=article, action=move).message == "Court order"


def test_refused_user_gets_403_not_a_reason_error(editor_user):
    article = ArticleFactory(published=True)
    with pytest.raises(PermissionDenied):
        services.transition(article, "kill", user=editor_user, reason="")


# --- agency withdrawals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_withdrawn_story_is_not_published_without_an_override(editor_user, status):
    article = ArticleFactory(status=status)
    services.withdraw_from_wire(article, reason="Reuters: canceled by agency")
    with pytest.raises(ValidationError, match="Withdrawn by the agency: Reuters: canceled by agency"):
        services.transition(article, "publish", user=editor_user)
    with pytest.raises(ValidationError, match="override"):
        services.transition(article, "publish", user=editor_user, override_withdrawal=True, reason=" ")
    assert Article.objects.get(pk=article.pk).status == status
    services.transition(
        article,
        "publish",
        user=editor_user,
        override_withdrawal=True,
        reason="Agency confirmed the cancel was sent in error",
    )
    assert Article.objects.get(pk=article.pk).status == "published"
    entry = AuditEntry.objects.get(article=article, action="override_withdrawal")
    assert (
        entry.actor == editor_user
        and "sent in error" in entry.message
        and "canceled by agency" in entry.message
    )
    # The override settled that withdrawal: the story can be taken down and put back without another.
    assert Article.objects.get(pk=article.pk).withdrawn_reason == ""
    services.transition(article, "unpublish", user=editor_user, reason="Holding for a legal read")
    services.transition(article, "publish", user=editor_user)
    assert Article.objects.get(pk=article.pk).status == "published"
    assert AuditEntry.objects.filter(article=article, action="override_withdrawal").count() == 1


def test_story_unpublished_by_the_agency_needs_the_override_to_go_back(editor_user):
    article = ArticleFactory(published=True)
    services.withdraw_from_wire(article, reason="AFP: killed by agency")
    assert Article.objects.get(pk=article.pk).status == "unpublished"
    with pytest.raises(ValidationError, match="Withdrawn by the agency"):
        services.transition(article, "publish", user=editor_user)


# --- locks held by others ----------------------------------------------------------------------------------


def test_update_and_restore_are_refused_while_someone_else_holds_the_lock(editor_user, chief_editor):
    article = services.create_article(user=editor_user, headline="Original")
    services.update_article(article, user=editor_user, headline="Second")
    first = article.revisions.get(number=1)
    assert services.acquire_lock(article, chief_editor)
    with pytest.raises(services.LockedByOther, match="chief_editor is editing this story"):
        services.update_article(article, user=editor_user, headline="Over their work")
    with pytest.raises(services.LockedByOther):
        services.restore_revision(article, first, user=editor_user)
    assert Article.objects.get(pk=article.pk).headline == "Second"
    services.update_article(article, user=chief_editor, headline="The holder may save")
    services.update_article(article, user=None, headline="So may the wire")
    assert Article.objects.get(pk=article.pk).headline == "So may the wire"
