"""States, transitions, roles, scheduling and the publish_due command, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from articles import services, signals, workflow
from articles.models import Article, AuditEntry, SchedulerMark
from tests.conftest import role_user
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

# --- pure workflow ------------------------------------------------------------------------------------


def test_illegal_move_is_rejected_with_a_clear_message():
    with pytest.raises(workflow.IllegalTransition) as exc:
        workflow.get_transition("unpublish", workflow.DRAFT)
    assert str(exc.value) == "Cannot unpublish: the story is draft (possible from here: publish, submit)."


def test_unknown_move_is_rejected():
    with pytest.raises(workflow.IllegalTransition, match="no action called 'fly'"):
        workflow.get_transition("fly", workflow.DRAFT)


def test_killed_is_the_end():
    assert workflow.available(workflow.KILLED) == []


def test_desk_state():
    now = timezone.now()
    hour = timedelta(hours=1)
    assert workflow.desk_state("draft", None, None, None, now) == "draft"
    assert workflow.desk_state("published", now - hour, None, None, now) == "live"
    assert workflow.desk_state("published", now + hour, None, None, now) == "scheduled"
    assert workflow.desk_state("published", now + hour, now + 2 * hour, None, now) == "embargoed"
    assert workflow.desk_state("published", now - hour, None, now - hour / 2, now) == "expired"


def test_service_turns_an_illegal_move_into_a_validation_error_and_changes_nothing(editor_user):
    article = ArticleFactory(status="draft")
    with pytest.raises(ValidationError, match="Cannot kill: the story is draft"):
        services.transition(article, "kill", user=editor_user)
    article.refresh_from_db()
    assert article.status == "draft" and article.version == 1
    assert not AuditEntry.objects.filter(article=article).exists()


# --- the role matrix ----------------------------------------------------------------------------------

SOURCE = {
    "submit": "draft",
    "return": "in_review",
    "publish": "in_review",
    "unpublish": "published",
    "redraft": "unpublished",
    "kill": "published",
}
ALLOWED = {
    "Reporter": set(),  # on someone else's story: nothing (own drafts are tested below)
    "Editor": {"submit", "return", "publish", "unpublish", "redraft"},
    "Wire editor": {"submit"},
    "Chief editor": {"submit", "return", "publish", "unpublish", "redraft", "kill"},
}


def _story_in(status):
    author = UserFactory(username="someone_else")
    kwargs = {"status": status, "created_by": author}
    if status in ("published", "unpublished"):
        kwargs["publish_at"] = timezone.now() - timedelta(hours=1)
    return ArticleFactory(**kwargs)


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("move", list(SOURCE))
def test_role_matrix(role, move):
    user = role_user(role)
    article = _story_in(SOURCE[move])
    reason = "Legal advice" if move in ("kill", "unpublish") else ""
    if move in ALLOWED[role]:
        services.transition(article, move, user=user, reason=reason)
        article.refresh_from_db()
        assert article.status == workflow.TRANSITIONS[move].target
        entry = AuditEntry.objects.get(article=article, action=move)
        assert entry.actor == user and entry.from_status == SOURCE[move]
        assert article.revisions.filter(created_by=user).exists()
    else:
        with pytest.raises(PermissionDenied):
            services.transition(article, move, user=user, reason=reason)
        article.refresh_from_db()
        assert article.status == SOURCE[move] and article.version == 1
        refusal = AuditEntry.objects.get(article=article, action="refused")
        assert refusal.actor == user and "not allowed" in refusal.message


def test_reporter_submits_own_draft_but_cannot_publish_it(reporter):
    article = services.create_article(user=reporter, headline="Flood defences tested", body="<p>Text</p>")
    services.transition(article, "submit", user=reporter)
    assert article.status == "in_review"
    with pytest.raises(PermissionDenied):
        services.transition(article, "publish", user=reporter)
    article.refresh_from_db()
    assert article.status == "in_review"
    assert AuditEntry.objects.filter(article=article, action="refused", actor=reporter).count() == 1


def test_reporter_edits_only_own_drafts(reporter):
    own = services.create_article(user=reporter, headline="Mine")
    services.update_article(own, user=reporter, headline="Mine, edited")
    assert Article.objects.get(pk=own.pk).headline == "Mine, edited"
    other = _story_in("draft")
    with pytest.raises(PermissionDenied):
        services.update_article(other, user=reporter, headline="Hijacked")
    assert Article.objects.get(pk=other.pk).headline != "Hijacked"
    assert AuditEntry.objects.filter(article=other, action="refused", actor=reporter).exists()
    # once published, even their own story is the desk's
    own.status, own.publish_at = "published", timezone.now()
    own.save()
    with pytest.raises(PermissionDenied):
        services.update_article(own, user=reporter, headline="Changed after publication")


def test_refusal_is_audited_even_though_the_transaction_rolled_back(reporter):
    article = _story_in("in_review")
    with pytest.raises(PermissionDenied):
        services.transition(article, "publish", user=reporter)
    assert AuditEntry.objects.filter(action="refused").count() == 1


# --- scheduling ---------------------------------------------------------------------------------------


def test_future_publish_at_schedules_and_publication_is_decided_at_query_time(editor_user):
    article = ArticleFactory(status="in_review")
    at = timezone.now() + timedelta(hours=2)
    services.transition(article, "publish", user=editor_user, publish_at=at)
    article.refresh_from_db()
    assert article.status == "published" and article.is_scheduled
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=at + timedelta(seconds=1)).filter(pk=article.pk).exists()


def test_expire_at_is_a_scheduled_unpublish(editor_user):
    article = ArticleFactory(published=True, expire_at=timezone.now() + timedelta(hours=1))
    assert Article.objects.published().filter(pk=article.pk).exists()
    later = timezone.now() + timedelta(hours=2)
    assert not Article.objects.published(now=later).filter(pk=article.pk).exists()


def test_embargo_wins_over_schedule(editor_user):
    now = timezone.now()
    article = ArticleFactory(status="in_review", embargo_until=now + timedelta(hours=3))
    services.transition(article, "publish", user=editor_user, publish_at=now + timedelta(hours=1))
    assert not Article.objects.published(now=now + timedelta(hours=2)).filter(pk=article.pk).exists()
    assert Article.objects.published(now=now + timedelta(hours=4)).filter(pk=article.pk).exists()


class Received:
    def __init__(self):
        self.events = []

    def __call__(self, signal_name):
        def receive(sender, article, **kwargs):
            self.events.append((signal_name, article.pk))

        return receive


@pytest.fixture
def received():
    r = Received()
    pub, chg = r("published"), r("changed")
    signals.article_published.connect(pub)
    signals.article_changed.connect(chg)
    yield r
    signals.article_published.disconnect(pub)
    signals.article_changed.disconnect(chg)


def test_publish_due_handles_each_story_once(editor_user, django_capture_on_commit_callbacks, received):
    now = timezone.now()
    SchedulerMark.objects.create(name="publish_due", value=now - timedelta(minutes=5))
    scheduled = ArticleFactory(status="in_review")
    services.transition(scheduled, "publish", user=editor_user, publish_at=now + timedelta(minutes=1))
    embargoed = ArticleFactory(status="in_review", embargo_until=now + timedelta(minutes=1))
    services.transition(embargoed, "publish", user=editor_user)
    expiring = ArticleFactory(published=True, expire_at=now + timedelta(minutes=1))
    at_once = ArticleFactory(status="in_review")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(at_once, "publish", user=editor_user)
    assert received.events == [
        ("published", at_once.pk)
    ]  # its transition announced it: due has nothing to add
    received.events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = services.publish_due(now=now)  # nothing yet
    assert first.went_live == [] and first.expired == []
    assert received.events == []

    later = now + timedelta(minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.publish_due(now=later)
    assert sorted(second.went_live) == sorted([scheduled.pk, embargoed.pk])
    assert second.expired == [expiring.pk]
    assert sorted(received.events) == sorted(
        [("published", scheduled.pk), ("published", embargoed.pk), ("changed", expiring.pk)]
    )
    assert AuditEntry.objects.filter(action="went_live").count() == 2
    assert AuditEntry.objects.filter(action="expired", article=expiring).count() == 1
    assert SchedulerMark.objects.get(name="publish_due").value == later

    received.events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        third = services.publish_due(now=later + timedelta(minutes=1))
    assert third.went_live == [] and third.expired == [] and received.events == []
    assert AuditEntry.objects.filter(action__in=["went_live", "expired"]).count() == 3


def test_publish_due_command():
    SchedulerMark.objects.create(name="publish_due", value=timezone.now() - timedelta(minutes=1))
    ArticleFactory(status="published", publish_at=timezone.now() - timedelta(seconds=5))  # scheduled earlier
    from io import StringIO

    out = StringIO()
    call_command("publish_due", stdout=out)
    assert "1 went live, 0 expired" in out.getvalue()
    out = StringIO()
    call_command("publish_due", stdout=out)
    assert "0 went live, 0 expired" in out.getvalue()


def test_publish_due_first_run_creates_its_watermark():
    assert not SchedulerMark.objects.exists()
    services.publish_due()
    assert SchedulerMark.objects.filter(name="publish_due").exists()


# --- corrections --------------------------------------------------------------------------------------


def test_correction_bumps_updated_at_and_is_typed(editor_user):
    article = ArticleFactory(published=True)
    before = article.updated_at
    correction = services.add_correction(
        article, kind="clarification", text="The bridge is 40 m long.", user=editor_user
    )
    article.refresh_from_db()
    assert correction.get_kind_display() == "Clarification"
    assert article.updated_at > before and article.version == 2
    with pytest.raises(ValidationError):
        services.add_correction(article, kind="rumour", text="x", user=editor_user)


def test_reporter_cannot_add_a_correction(reporter):
    article = ArticleFactory(published=True)
    with pytest.raises(PermissionDenied):
        services.add_correction(article, kind="correction", text="Wrong", user=reporter)
    assert not article.corrections.exists()
    assert AuditEntry.objects.filter(action="refused", actor=reporter).exists()


# --- embargo on every public surface ------------------------------------------------------------------


def test_embargoed_story_is_on_no_public_surface_until_publish_due_lifts_it(
    client, editor_user, section, django_capture_on_commit_callbacks
):
    from articles.models import Tag

    now = timezone.now()
    SchedulerMark.objects.create(name="publish_due", value=now - timedelta(minutes=1))
    article = services.create_article(
        user=editor_user,
        headline="Quillfeather embargoed result",
        body="<p>Zanzibarquest.</p>",
        section=section,
        tags=["Zanzibarquest"],
    )
    services.update_article(article, user=editor_user, embargo_until=now + timedelta(minutes=30))
    services.transition(article, "publish", user=editor_user)
    tag = Tag.objects.get(name="Zanzibarquest")
    surfaces = [
        "/",
        f"/{section.slug}/",
        f"/tag/{tag.slug}/",
        "/search/?q=Zanzibarquest",
        "/feeds/latest/",
        f"/feeds/{section.slug}/",
        "/sitemap-news.xml",
        f"/sitemap-{section.slug}.xml",
    ]
    for url in surfaces:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Quillfeather" not in response.content.decode(), url
    assert client.get(article.get_absolute_url()).status_code == 404

    # The embargo lifts: publish_due announces it (cache purge) and every surface shows it.
    Article.objects.filter(pk=article.pk).update(embargo_until=timezone.now() - timedelta(milliseconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.publish_due().went_live == [article.pk]
    assert client.get(article.get_absolute_url()).status_code == 200
    for url in [
        "/",
        f"/{section.slug}/",
        f"/tag/{tag.slug}/",
        "/search/?q=Zanzibarquest",
        "/feeds/latest/",
        "/sitemap-news.xml",
    ]:
        assert "Quillfeather" in client.get(url).content.decode(), url
