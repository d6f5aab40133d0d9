"""Scheduling in Chromium: a scheduled story is unscheduled with one button, no reason asked (nobody
has read it), and reads "In review" afterwards; a live story offers no such button."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles import services
from articles.models import Article
from editors.roles import sync_roles
from tests.browser.test_editorial import login
from tests.conftest import role_user
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_scheduled_story_is_unscheduled_without_a_reason(live_server, browser, section, screenshot):
    sync_roles()
    editor = role_user("Editor", "shilan")
    story = ArticleFactory(section=section, status="in_review", headline="Budget vote on Sunday")
    services.transition(story, "publish", user=editor, publish_at=timezone.now() + timedelta(hours=5))
    live = ArticleFactory(section=section, published=True, headline="Already out")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(page, live_server.url, "shilan")

    page.goto(f"{live_server.url}/admin/articles/article/{live.pk}/change/")
    expect(page.get_by_role("button", name="Unpublish", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Unschedule", exact=True)).to_have_count(0)

    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    expect(page.locator("#desk-panel")).to_contain_text("Scheduled")
    screenshot(page, "desk-scheduled-story")
    page.get_by_role("button", name="Unschedule", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("in review")
    expect(page.locator("#desk-panel")).to_contain_text("In review")
    story.refresh_from_db()
    assert story.status == "in_review" and story.first_published_at is None
    assert Article.objects.published().filter(pk=story.pk).count() == 0
