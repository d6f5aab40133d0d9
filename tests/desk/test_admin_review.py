"""Review findings on the desk, over HTTP: live copy, schedules, withdrawals, share links, deletion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, AuditEntry
from tests.desk.test_admin_desk import change_url, client_for, form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


# --- live copy and schedules -------------------------------------------------------------------------------


def test_wire_editor_posting_an_embargo_on_a_live_story_gets_403(wire_editor):
    article = ArticleFactory(published=True)
    response = client_for(wire_editor).post(
        change_url(article), form_data(article, embargo_until=timezone.now() + timedelta(days=2))
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.embargo_until is None
    assert AuditEntry.objects.filter(article=article, action="refused", actor=wire_editor).exists()


def test_wire_editor_rescheduling_a_story_in_review_gets_403_and_an_audit_row(wire_editor):
    article = ArticleFactory(status="in_review", publish_at=timezone.now() + timedelta(days=1))
    response = client_for(wire_editor).post(change_url(article), form_data(article, publish_at=None))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).publish_at is not None
    assert AuditEntry.objects.filter(article=article, action="refused", actor=wire_editor).exists()


def test_editor_clearing_publish_at_on_a_published_story_gets_a_form_error(editor_user):
    article = ArticleFactory(published=True)
    response = client_for(editor_user).post(change_url(article), form_data(article, publish_at=None))
    assert response.status_code == 200
    assert "A published story needs a publish time" in response.content.decode()
    assert Article.objects.get(pk=article.pk).publish_at is not None


def test_editor_rescheduling_through_the_form_is_audited(editor_user):
    article = ArticleFactory(published=True)
    response = client_for(editor_user).post(
        change_url(article), form_data(article, expire_at=timezone.now() + timedelta(days=2))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(article=article, action="reschedule")
    assert entry.actor == editor_user and entry.message.startswith("expire_at: none → ")


# --- kill and unpublish reasons -----------------------------------------------------------------------------


def test_unpublish_over_http_without_a_reason_changes_nothing(editor_user):
    from tests.desk.test_admin_desk import transition_url

    article = ArticleFactory(published=True)
    page = client_for(editor_user).get(change_url(article)).content.decode()
    assert 'aria-label="Reason for unpublish"' in page
    response = client_for(editor_user).post(
        transition_url(article, "unpublish"), {"expected_version": article.version}, follow=True
    )
    assert "Unpublish needs a reason" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == "published"
    client_for(editor_user).post(transition_url(article, "unpublish"), {"reason": "Wrong photo"})
    assert Article.objects.get(pk=article.pk).status == "unpublished"


def test_bulk_unpublish_takes_its_reason_from_the_action_form(editor_user):
    from django.urls import reverse

    article = ArticleFactory(published=True)
    url = reverse("admin:articles_article_changelist")
    data = {"action": "unpublish_selected", "_selected_action": [article.pk], "index": 0}
    client_for(editor_user).post(url, data)
    assert Article.objects.get(pk=article.pk).status == "published"
    client_for(editor_user).post(url, {**data, "reason": "Legal hold"})
    assert Article.objects.get(pk=article.pk).status == "unpublished"
    assert AuditEntry.objects.get(article=article, action="unpublish").message == "Legal hold"


# --- agency withdrawals ---------------------------------------------------------------------------------------


def test_withdrawn_story_shows_a_banner_and_publish_asks_for_an_override(editor_user):
    from articles import services
    from tests.desk.test_admin_desk import transition_url

    article = ArticleFactory(status="in_review")
    services.withdraw_from_wire(article, reason="dpa: canceled by agency")
    page = client_for(editor_user).get(change_url(article)).content.decode()
    assert (
        'id="desk-withdrawn"' in page and "Withdrawn by the agency:</strong> dpa: canceled by agency" in page
    )
    # the button submits the edit form, with the override and its reason in it
    assert 'name="override_publish" value="1"' in page and 'aria-label="Override reason"' in page
    response = client_for(editor_user).post(transition_url(article, "publish"), follow=True)
    assert "Withdrawn by the agency" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == "in_review"
    client_for(editor_user).post(
        transition_url(article, "publish"), {"override_withdrawal": "1", "reason": "Checked with dpa"}
    )
    assert Article.objects.get(pk=article.pk).status == "published"
    assert AuditEntry.objects.filter(
        article=article, action="override_withdrawal", actor=editor_user
    ).exists()
    plain = ArticleFactory(status="in_review")
    assert 'id="desk-withdrawn"' not in client_for(editor_user).get(change_url(plain)).content.decode()


# --- share-preview links --------------------------------------------------------------------------------------


def test_share_link_is_minted_only_for_those_who_can_edit(reporter, editor_user):
    from articles import services

    draft = services.create_article(user=editor_user, headline="Editor's draft")
    page = client_for(reporter).get(change_url(draft)).content.decode()
    assert client_for(reporter).get(change_url(draft)).status_code == 200  # they may look
    assert "testserver/preview/" not in page and 'id="desk-share-url"' not in page
    own = client_for(editor_user).get(change_url(draft)).content.decode()
    assert 'id="desk-share-url"' in own and "Revoke share links" in own


def test_revoking_share_links_kills_old_links_and_is_audited(client, editor_user, reporter):
    from django.urls import reverse

    from public import preview

    article = ArticleFactory(status="draft", headline="Scoop")
    old = preview.share_url(article)
    assert client.get(old).status_code == 200
    url = reverse("admin:articles_article_revoke_share", args=[article.pk])
    assert client_for(reporter).post(url).status_code == 403  # not theirs to edit
    assert client.get(old).status_code == 200
    assert client_for(editor_user).post(url).status_code == 302
    assert client.get(old).status_code == 404
    article.refresh_from_db()
    assert client.get(preview.share_url(article)).status_code == 200
    assert AuditEntry.objects.filter(article=article, action="revoke_share_links", actor=editor_user).exists()


def test_token_signs_the_nonce_not_only_the_pk(client):
    from django.core import signing

    from public import preview

    article = ArticleFactory(status="draft")
    pk_only = signing.TimestampSigner(salt=preview.SALT).sign(str(article.pk))
    assert client.get(f"/preview/{pk_only}/").status_code == 404


@pytest.mark.parametrize(
    "traits",
    [
        {"status": "unpublished", "publish_at": timezone.now()},
        {"status": "killed", "publish_at": timezone.now()},
        {"status": "draft", "withdrawn_reason": "Reuters: canceled"},
    ],
)
def test_share_link_shows_nothing_of_taken_down_stories(client, traits):
    from public import preview

    article = ArticleFactory(headline="Taken down", **traits)
    response = client.get(preview.share_url(article))
    assert response.status_code == 410 and "Taken down" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


# --- deleting stories ----------------------------------------------------------------------------------------


def test_no_role_may_delete_a_story(chief_editor):
    from django.urls import reverse

    from tests.conftest import role_user

    for role in ("Reporter", "Editor", "Wire editor", "Chief editor"):
        assert not role_user(role, f"del_{role.replace(' ', '_')}").has_perm("articles.delete_article")
    article = ArticleFactory(published=True)
    client = client_for(chief_editor)
    assert client.get(reverse("admin:articles_article_delete", args=[article.pk])).status_code == 403
    changelist = reverse("admin:articles_article_changelist")
    assert 'value="delete_selected"' not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()


def test_superuser_may_still_delete(admin_client):
    from django.urls import reverse

    article = ArticleFactory()
    response = admin_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Article.objects.filter(pk=article.pk).exists()


# --- optimistic locking cannot be switched off; a save writes only the form's columns ----------------------


def test_change_without_expected_version_is_a_form_error(editor_user):
    article = ArticleFactory()
    data = form_data(article, headline="Saved without a version")
    del data["expected_version"]
    response = client_for(editor_user).post(change_url(article), data)
    assert response.status_code == 200
    assert "does not say which version of the story it was opened from" in response.content.decode()
    article.refresh_from_db()
    assert article.headline != "Saved without a version" and article.version == 1


def test_save_does_not_overwrite_columns_outside_the_form(editor_user):
    from articles import services

    article = ArticleFactory(status="in_review")
    loaded = Article.objects.get(pk=article.pk)  # what the admin read at the start of the request
    Article.objects.filter(pk=article.pk).update(wire_update_waiting=True, withdrawn_reason="AFP: canceled")
    services.edit_article(
        loaded, user=editor_user, fields={"headline": "Edited in the form"}, expected_version=loaded.version
    )
    article.refresh_from_db()
    assert article.headline == "Edited in the form" and article.version == 2
    assert article.wire_update_waiting is True and article.withdrawn_reason == "AFP: canceled"


# --- the preview says what it is ------------------------------------------------------------------------------


def test_preview_has_a_banner_and_asks_not_to_be_indexed(client, editor_user):
    from django.urls import reverse

    from public import preview

    article = ArticleFactory(status="draft")
    for response in (
        client.get(preview.share_url(article)),
        client_for(editor_user).get(reverse("admin:articles_article_preview", args=[article.pk])),
    ):
        page = response.content.decode()
        assert "Preview — not published" in page
        assert '<meta name="robots" content="noindex, nofollow">' in page
    live = client.get(ArticleFactory(published=True).get_absolute_url()).content.decode()
    assert "Preview — not published" not in live and 'content="noindex' not in live


def test_allowed_transitions_match_what_the_service_enforces(reporter, wire_editor, editor_user):
    from articles.permissions import ArticlePermissions

    theirs = ArticleFactory(status="draft")
    assert [m.name for m in ArticlePermissions(reporter, theirs).transitions()] == []
    assert [m.name for m in ArticlePermissions(wire_editor, theirs).transitions()] == ["submit"]
    assert {m.name for m in ArticlePermissions(editor_user, theirs).transitions()} == {"submit", "publish"}


# --- locks ---------------------------------------------------------------------------------------------------


def test_looking_without_edit_rights_takes_no_lock(reporter, wire_editor, editor_user):
    draft = ArticleFactory(status="draft")
    assert client_for(reporter).get(change_url(draft)).status_code == 200
    live = ArticleFactory(published=True)
    assert client_for(wire_editor).get(change_url(live)).status_code == 200
    assert Article.objects.get(pk=draft.pk).locked_by is None
    assert Article.objects.get(pk=live.pk).locked_by is None
    client_for(editor_user).get(change_url(live))
    assert Article.objects.get(pk=live.pk).locked_by == editor_user


def test_restore_over_http_while_locked_by_someone_else_is_a_message(editor_user, chief_editor):
    from django.urls import reverse

    from articles import services

    article = services.create_article(user=editor_user, headline="Original")
    services.update_article(article, user=editor_user, headline="Second")
    client_for(chief_editor).get(change_url(article))
    response = client_for(editor_user).post(
        reverse("admin:articles_article_restore", args=[article.pk, 1]), follow=True
    )
    assert "hief_editor is editing this story (since" in response.content.decode()  # the admin capitalises
    assert Article.objects.get(pk=article.pk).headline == "Second"


def test_a_workflow_button_on_the_edit_form_saves_the_edits_then_moves(editor_user):
    """What the browser sends when an editor clicks Publish with unsaved edits: the whole form plus
    ``_transition``. The edits land as a revision first; the move is made on the version just saved."""
    from tests.desk.test_admin_desk import form_data

    article = ArticleFactory(status="in_review", headline="Old headline")
    client = client_for(editor_user)
    data = form_data(article, headline="Edited and published at once", _transition="publish")
    response = client.post(change_url(article), data, follow=True)
    assert "is now published" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "published" and article.headline == "Edited and published at once"
    reasons = list(article.revisions.order_by("number").values_list("reason", "snapshot__headline"))
    assert reasons[-2:] == [
        ("Edited", "Edited and published at once"),
        ("Publish", "Edited and published at once"),
    ]


def test_an_invalid_form_with_a_workflow_button_moves_nothing(editor_user):
    from tests.desk.test_admin_desk import form_data

    article = ArticleFactory(status="in_review", headline="Old headline")
    client = client_for(editor_user)
    data = form_data(article, headline="", _transition="publish")
    response = client.post(change_url(article), data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "in_review" and article.headline == "Old headline"


def test_an_in_review_story_with_a_future_time_is_not_called_scheduled(editor_user):
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + timedelta(days=1)
    in_review = ArticleFactory(status="in_review", publish_at=later)
    page = client_for(editor_user).get(change_url(in_review)).content.decode()
    assert "Scheduled for" not in page and "Schedule for" in page  # the button says what Publish will do
    scheduled = ArticleFactory(status="published", publish_at=later, first_published_at=later)
    assert "Scheduled for" in client_for(editor_user).get(change_url(scheduled)).content.decode()


def test_share_preview_controls_only_on_stories_readers_cannot_see_yet(editor_user):
    from articles import services

    shown = {
        "draft": ArticleFactory(status="draft"),
        "in_review": ArticleFactory(status="in_review"),
    }
    hidden = {
        "live": ArticleFactory(published=True),
        "unpublished": ArticleFactory(status="unpublished"),
        "killed": ArticleFactory(status="killed"),
    }
    withdrawn = ArticleFactory(status="draft")
    services.withdraw_from_wire(withdrawn, reason="AFP: kill")
    hidden["withdrawn"] = withdrawn
    client = client_for(editor_user)
    for name, story in shown.items():
        assert 'id="desk-share-url"' in client.get(change_url(story)).content.decode(), name
    for name, story in hidden.items():
        page = client.get(change_url(story)).content.decode()
        assert 'id="desk-share-url"' not in page and "Revoke share links" not in page, name


def test_agency_withdrawn_stories_are_flagged_and_filterable_in_the_list(editor_user):
    from articles import services

    withdrawn = ArticleFactory(status="draft", headline="Withdrawn by AFP")
    services.withdraw_from_wire(withdrawn, reason="AFP: kill")
    ArticleFactory(status="draft", headline="An ordinary draft")
    ArticleFactory(status="killed", headline="Killed by the desk", withdrawn_reason="Legal")
    client = client_for(editor_user)
    listing = client.get("/admin/articles/article/").content.decode()
    assert "withdrawn by the agency" in listing and "Withdrawn by the agency" in listing  # badge, filter
    filtered = client.get("/admin/articles/article/?queue=withdrawn").content.decode()
    assert "Withdrawn by AFP" in filtered
    assert "An ordinary draft" not in filtered and "Killed by the desk" not in filtered
