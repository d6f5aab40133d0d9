"""The desk never loses an edit: a workflow button clicked with unsaved edits saves them first (through
the form's validation and version check), then makes the move; an invalid form keeps the edits and
moves nothing; a kill asks for confirmation; leaving with unsaved edits warns."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles.models import Article
from editors.roles import sync_roles
from tests.browser.test_editorial import login
from tests.conftest import role_user
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(live_server, browser, section):
    sync_roles()  # transactional tests flush the groups the data migration made
    role_user("Editor", "shilan")
    role_user("Chief editor", "nawroz")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    return page, live_server.url


def test_publish_with_unsaved_edits_publishes_the_edits(editor_page, section, screenshot):
    page, base = editor_page
    story = ArticleFactory(section=section, status="in_review", headline="Old headline")
    login(page, base, "shilan")
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    page.fill("#id_headline", "New headline, not yet saved")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is now published")
    screenshot(page, "desk-publish-saved-first")
    story.refresh_from_db()
    assert story.status == "published" and story.headline == "New headline, not yet saved"
    assert story.revisions.filter(
        snapshot__headline="New headline, not yet saved", status="published"
    ).exists()


def test_an_invalid_form_keeps_the_edits_and_moves_nothing(editor_page, section):
    page, base = editor_page
    story = ArticleFactory(section=section, status="in_review", headline="Old headline")
    login(page, base, "shilan")
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    page.fill("#id_standfirst", "A standfirst the editor wrote")
    page.fill("#id_headline", "")
    page.locator("#id_headline").evaluate("el => el.removeAttribute('required')")  # past the browser's check
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    assert page.locator("#id_standfirst").input_value() == "A standfirst the editor wrote"
    story.refresh_from_db()
    assert story.status == "in_review" and story.headline == "Old headline"


def test_kill_asks_for_a_reason_and_a_confirmation(editor_page, section):
    page, base = editor_page
    story = ArticleFactory(section=section, published=True)
    login(page, base, "nawroz")
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    kill = page.get_by_role("button", name="Kill", exact=True)
    kill.click()  # no reason: nothing is sent
    page.wait_for_timeout(300)
    story.refresh_from_db()
    assert story.status == "published"
    page.get_by_label("Reason for kill").fill("Court order")
    page.once("dialog", lambda dialog: dialog.dismiss())
    kill.click()  # dismissed: nothing is sent
    page.wait_for_timeout(300)
    story.refresh_from_db()
    assert story.status == "published"
    page.once("dialog", lambda dialog: dialog.accept())
    kill.click()
    expect(page.locator(".messagelist")).to_contain_text("is now killed")
    story.refresh_from_db()
    assert story.status == "killed" and story.withdrawn_reason == "Court order"


def test_leaving_with_unsaved_edits_warns(editor_page, section):
    page, base = editor_page
    story = ArticleFactory(section=section, status="draft")
    login(page, base, "shilan")
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    page.fill("#id_headline", "Edited but not saved")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    with pytest.raises(PlaywrightError, match="ERR_ABORTED"):  # the editor chose to stay
        page.goto(f"{base}/admin/articles/article/", wait_until="commit")
    assert asked == ["beforeunload"]
    assert page.locator("#id_headline").input_value() == "Edited but not saved"
    assert Article.objects.get(pk=story.pk).headline != "Edited but not saved"
