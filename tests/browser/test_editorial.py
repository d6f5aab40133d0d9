"""A story's life on the desk, in a real browser: a reporter drafts and submits it, an editor finds
it in the review queue, edits it, reads the history diff and publishes it; readers see it."""

import re
import time

import pytest
from playwright.sync_api import expect

from articles.models import Article, AuditEntry
from editors.roles import sync_roles
from tests.conftest import role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def login(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


def test_draft_review_publish(live_server, browser, screenshot, section):
    sync_roles()  # transactional tests flush the groups the data migration made
    role_user("Reporter", "rebin")
    role_user("Editor", "shilan")
    base = live_server.url

    # The reporter writes a draft in the rich-text editor and submits it.
    reporter = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(reporter, base, "rebin")
    reporter.goto(base + "/admin/articles/article/add/")
    reporter.fill("#id_headline", "Erbil opens its first night market")
    reporter.fill("#id_standfirst", "Stalls stay open until two in the morning through the summer.")
    editor_box = reporter.locator(".prose-editor .tiptap.ProseMirror")
    expect(editor_box).to_be_visible()
    editor_box.click()
    reporter.keyboard.type("Traders set up forty stalls in the old citadel square.")
    reporter.keyboard.press("Enter")
    reporter.keyboard.type("The council expects ten thousand visitors a week.")
    reporter.locator(".field-section .select2-selection").click()  # the admin's autocomplete widget
    reporter.locator(".select2-dropdown .select2-search__field").fill("Wor")
    reporter.locator(".select2-results__option", has_text="World").click()
    reporter.fill("#id_credits-0-name", "Rebin Omar")
    reporter.click("input[name=_continue]")
    expect(reporter.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(headline="Erbil opens its first night market")
    assert article.section == section
    assert article.body == (
        "<p>Traders set up forty stalls in the old citadel square.</p>"
        "<p>The council expects ten thousand visitors a week.</p>"
    )
    expect(reporter.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    reporter.get_by_role("button", name="Submit for review").click()
    expect(reporter.locator(".messagelist")).to_contain_text("is now in review")
    # Leaving the story releases the reporter's lock (a beacon on pagehide); closing the context alone
    # may not fire it, and the beacon is not waited for: wait until the lock is gone.
    reporter.goto(base + "/admin/articles/article/")
    for _ in range(50):
        if Article.objects.filter(headline="Erbil opens its first night market", locked_by=None).exists():
            break
        time.sleep(0.1)
    reporter.context.close()

    # The editor finds it in the review queue.
    page = browser.new_context(viewport={"width": 1600, "height": 900}).new_page()
    login(page, base, "shilan")
    page.goto(base + "/admin/articles/article/?queue=review")
    row = page.locator("#result_list tbody tr", has_text="Erbil opens its first night market")
    expect(row).to_contain_text("In review")
    screenshot(page, "desk-change-list")
    row.get_by_role("link", name="Erbil opens its first night market").click()

    # ... edits it (the lock is theirs now) ...
    expect(page.locator("#desk-panel")).to_contain_text("In review")
    page.fill("#id_headline", "Erbil opens its first night market in the citadel")
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    body.locator("p").last.click()  # the caret at the end of the last paragraph
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("Entry is free.")
    screenshot(page, "desk-edit-form")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.locked_by.username == "shilan"
    assert "<p>Entry is free.</p>" in article.body

    # ... reads what changed ...
    page.get_by_role("link", name="History and changes").click()
    page.get_by_role("button", name="Compare selected").click()
    diff = page.locator("#diff")
    expect(diff).to_contain_text("Headline")
    expect(diff.locator("ins").first).to_be_visible()
    assert "in the citadel" in diff.locator("ins").all_inner_texts()[0]
    screenshot(page, "desk-history-diff")

    # ... and publishes it.
    page.go_back()
    page.go_back()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is now published")
    article.refresh_from_db()
    assert article.status == "published"
    assert AuditEntry.objects.filter(article=article, action="publish", actor__username="shilan").exists()

    # Readers see it.
    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(base + article.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("Erbil opens its first night market in the citadel")
    expect(reader.locator(".story__body")).to_contain_text("Entry is free.")
    expect(reader.locator(".credits")).to_contain_text("By Rebin Omar")
    screenshot(reader, "desk-published-page")
    reader.context.close()
    page.context.close()
    assert re.search(r"/story/\d+/", article.get_absolute_url())
