"""History → Compare in Chromium: an edit that changed only a link's address, or only formatting, is
shown as a change (it read "These revisions are the same" while the public page served the new link)."""

import pytest
from playwright.sync_api import expect

from articles import services
from editors.roles import sync_roles
from tests.browser.test_editorial import login
from tests.conftest import role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_shows_a_changed_link_and_formatting(live_server, browser, section, screenshot):
    sync_roles()
    editor = role_user("Editor", "shilan")
    story = services.create_article(
        user=editor,
        headline="Dam report published",
        section=section,
        body='<p>Read the <a href="https://krg.example/report">full report</a> on the dam.</p>',
    )
    services.update_article(
        story,
        user=editor,
        body='<p>Read the <a href="https://elsewhere.example/report">full report</a> on the <strong>dam</strong>.</p>',
    )
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(page, live_server.url, "shilan")
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/history/")
    page.get_by_role("button", name="Compare selected").click()
    table = page.locator("#diff")
    expect(table).not_to_contain_text("These revisions are the same")
    body_row = table.locator("tr", has=page.locator("th", has_text="Body"))
    expect(body_row.locator("del").first).to_contain_text("https://krg.example/report")
    expect(body_row.locator("ins").first).to_contain_text("https://elsewhere.example/report")
    expect(body_row.locator("ins strong")).to_have_text("dam")
    screenshot(page, "desk-compare-link-change")
