"""In Chromium: the Content-Security-Policy blocks nothing the site and the desk need (no violation on
the story page, the desk's change list, the story edit form, the staff list and the 2FA set-up page)
while it does block an injected script; a chief editor sets up two-factor sign-in from the QR page's
key and signs in with a code; a locked-out sign-in reads why (issue 13, items 4 and 9)."""

import base64
import re
import time

import pytest
from playwright.sync_api import expect

from editors.roles import sync_roles
from tests.conftest import role_user
from tests.factories import ArticleFactory, CreditFactory
from tests.newsroom.accounts import PASSWORD, totp
from tests.public.public_helpers import image_with_renditions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


def watched(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda m: page.console_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return page


def violations(page) -> list[str]:
    page.wait_for_timeout(300)  # violation events are queued
    return page.evaluate("window.__violations") + page.console_errors


def login(page, base, username, password=PASSWORD):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def test_no_policy_violation_where_people_work_and_read(
    live_server, browser, section, media_root, screenshot
):
    sync_roles()  # transactional tests flush the groups the data migration made
    role_user("Chief editor", "nawroz")
    story = ArticleFactory(
        published=True,
        section=section,
        headline="Dam repairs finished ahead of the spring floods",
        body="<p>Engineers sealed the last crack.</p><p>“We are ready,” said the manager.</p>",
        lead_image=image_with_renditions(),
    )
    CreditFactory(article=story)
    base = live_server.url

    page = watched(browser)
    page.goto(base + story.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("Dam repairs")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert violations(page) == []
    # the control: the policy is enforced in this browser, an injected inline script does not run
    ran = page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1";
                   document.body.append(s); return window.__ran === 1; }"""
    )
    assert ran is False
    assert any("script-src" in v for v in violations(page))

    desk = watched(browser)
    login(desk, base, "nawroz")
    expect(desk.locator("#user-tools")).to_contain_text("nawroz")
    for url in [
        "/admin/articles/article/",
        f"/admin/articles/article/{story.pk}/change/",
        "/admin/articles/article/add/",
        "/admin/auth/user/",
        "/admin/two-factor/setup/",
    ]:
        desk.goto(base + url)
        desk.wait_for_load_state("networkidle")
        assert violations(desk) == [], url
    desk.goto(base + f"/admin/articles/article/{story.pk}/change/")
    expect(desk.locator(".prose-editor .tiptap.ProseMirror")).to_be_visible()  # the editor's scripts ran
    desk.locator(".field-section .select2-selection").click()  # and the admin's autocomplete
    expect(desk.locator(".select2-dropdown")).to_be_visible()
    assert violations(desk) == []
    screenshot(desk, "csp-desk-edit-form")


def test_a_chief_editor_sets_up_two_factor_and_signs_in_with_a_code(
    live_server, browser, settings, screenshot
):
    settings.OTP_REQUIRED = True
    sync_roles()
    role_user("Chief editor", "sara")
    base = live_server.url
    page = watched(browser)
    login(page, base, "sara")
    expect(page).to_have_url(re.compile(r"/admin/two-factor/setup/"))
    expect(page.locator("#two-factor-qr svg")).to_be_visible()
    screenshot(page, "two-factor-setup")
    key = page.locator("#two-factor-key").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))  # what a phone reads from the QR code
    page.fill("#id_token", totp(secret))
    page.click("#two-factor-form input[type=submit]")
    expect(page.locator("#backup-codes li")).to_have_count(10)
    screenshot(page, "two-factor-backup-codes")
    page.get_by_role("link", name="Continue to the desk").click()
    expect(page.locator("#user-tools")).to_contain_text("sara")
    assert violations(page) == []

    # a second browser: the password, then the code of the next 30-second step
    other = watched(browser)
    login(other, base, "sara")
    expect(other).to_have_url(re.compile(r"/admin/two-factor/\?next="))
    other.goto(base + "/admin/auth/user/")  # no way round it
    expect(other).to_have_url(re.compile(r"/admin/two-factor/\?next="))
    other.fill("#id_token", totp(secret, at=time.time() + 30))
    other.click("#two-factor-form input[type=submit]")
    expect(other).to_have_url(re.compile(r"/admin/auth/user/$"))
    expect(other.locator("#result_list")).to_contain_text("sara")
    assert violations(other) == []


def test_a_locked_out_sign_in_says_why(live_server, browser, screenshot):
    sync_roles()
    role_user("Reporter", "rebin")
    page = watched(browser)
    for _ in range(5):
        login(page, live_server.url, "rebin", "not my password")
    login(page, live_server.url, "rebin")  # the right one, too late
    expect(page.locator("#lockout-message")).to_contain_text(
        "Too many failed sign-ins for this account or from this address. Try again in 15 minutes"
    )
    screenshot(page, "sign-in-locked")
    assert violations(page) == []
