"""A story published for later can be unscheduled (back to review, no reason: nobody has read it) and
rescheduled by editing its time, without "Unpublish with reason"; a story readers can see cannot."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry
from articles.permissions import ArticlePermissions
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def scheduled_story(editor, **fields):
    story = ArticleFactory(status="in_review", **fields)
    return services.transition(story, "publish", user=editor, publish_at=timezone.now() + timedelta(hours=3))


def test_a_scheduled_story_is_unscheduled_without_a_reason(editor_user):
    story = scheduled_story(editor_user)
    assert story.desk_state() == "scheduled" and story.first_published_at is not None
    assert "unschedule" in {m.name for m in ArticlePermissions(editor_user, story).transitions()}
    services.transition(story, "unschedule", user=editor_user)
    story = Article.objects.get(pk=story.pk)
    assert story.status == "in_review" and story.desk_state() == "in_review"
    assert story.first_published_at is None  # the scheduled first publication never happened
    assert AuditEntry.objects.filter(article=story, action="unschedule", to_status="in_review").exists()
    assert not Article.objects.published(now=timezone.now() + timedelta(hours=4)).filter(pk=story.pk).exists()


def test_an_embargoed_story_can_be_unscheduled_too(editor_user):
    story = ArticleFactory(status="in_review", embargo_until=timezone.now() + timedelta(hours=2))
    services.transition(story, "publish", user=editor_user)
    assert Article.objects.get(pk=story.pk).desk_state() == "embargoed"
    services.transition(story, "unschedule", user=editor_user)
    assert Article.objects.get(pk=story.pk).status == "in_review"


def test_a_live_story_cannot_be_unscheduled(editor_user):
    story = ArticleFactory(published=True)
    assert "unschedule" not in {m.name for m in ArticlePermissions(editor_user, story).transitions()}
    with pytest.raises(ValidationError, match="readers can already see this story"):
        services.transition(story, "unschedule", user=editor_user)
    assert Article.objects.get(pk=story.pk).status == "published"


def test_a_reporter_cannot_unschedule(editor_user, reporter):
    story = scheduled_story(editor_user)
    assert "unschedule" not in {m.name for m in ArticlePermissions(reporter, story).transitions()}


def test_rescheduling_is_an_edit_of_the_time(editor_user):
    story = scheduled_story(editor_user)
    later = timezone.now() + timedelta(days=1)
    services.update_article(story, user=editor_user, publish_at=later)
    story = Article.objects.get(pk=story.pk)
    assert story.status == "published" and story.desk_state() == "scheduled" and story.publish_at == later
