"""Sorani and Arabic stories are edited right to left: the story's own fields take dir and lang from its
Language, when the form opens and as soon as the language is changed, and the body editor with them."""

import pytest
from playwright.sync_api import expect

from editors.roles import sync_roles
from tests.browser.test_editorial import login
from tests.conftest import role_user
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = ["#id_kicker", "#id_headline", "#id_standfirst", "#id_seo_title", "#id_seo_description"]


def direction(page, selector):
    return page.eval_on_selector(selector, "node => getComputedStyle(node).direction")


@pytest.fixture
def editor(live_server, browser):
    sync_roles()
    role_user("Editor", "shilan")
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    login(page, live_server.url, "shilan")
    return page, live_server.url


def test_an_arabic_story_opens_right_to_left(editor, section, screenshot):
    page, base = editor
    story = ArticleFactory(section=section, language="ar", headline="«السدّ» يمتلئ للمرة الأولى")
    page.goto(f"{base}/admin/articles/article/{story.pk}/change/")
    body = page.locator(".field-body .tiptap.ProseMirror")
    expect(body).to_be_visible()
    for selector in FIELDS:
        assert direction(page, selector) == "rtl", selector
        assert page.get_attribute(selector, "lang") == "ar"
    assert direction(page, ".field-body .tiptap.ProseMirror") == "rtl"
    screenshot(page, "desk-edit-arabic-rtl")


def test_the_direction_follows_the_language_as_it_changes(editor, section, screenshot):
    page, base = editor
    page.goto(f"{base}/admin/articles/article/add/")
    expect(page.locator(".field-body .tiptap.ProseMirror")).to_be_visible()
    assert direction(page, "#id_headline") == "ltr"  # a new story starts in English

    page.select_option("#id_language", "ckb")
    for selector in FIELDS:
        assert direction(page, selector) == "rtl", selector
        assert page.get_attribute(selector, "lang") == "ckb"
    assert direction(page, ".field-body .tiptap.ProseMirror") == "rtl"
    page.fill("#id_headline", "«بەنداوی دوکان» پڕ بوو")
    page.locator(".field-body .tiptap.ProseMirror").click()
    page.keyboard.type("ئاوی بەنداوەکە گەیشتە ئاستی بەرز.")
    screenshot(page, "desk-edit-sorani-rtl")

    page.select_option("#id_language", "en")
    for selector in FIELDS:
        assert direction(page, selector) == "ltr", selector
        assert page.get_attribute(selector, "lang") == "en"
    assert direction(page, ".field-body .tiptap.ProseMirror") == "ltr"
