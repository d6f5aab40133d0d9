"""A reader opens the front page, follows a story link and reads the story."""

import pytest

from tests.factories import ArticleFactory, CreditFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_to_story(live_server, page, screenshot, section):
    article = ArticleFactory(
        published=True,
        section=section,
        headline="Dam repairs finished ahead of the spring floods",
        slug="dam-repairs-finished",
    )
    CreditFactory(article=article, name="Shilan Aziz", role="reporting")

    page.goto(live_server.url + "/")
    shot = screenshot(page, "home")
    page.get_by_role("link", name="Dam repairs finished ahead of the spring floods").click()
    page.wait_for_url(f"**/story/{article.pk}/dam-repairs-finished/")
    assert page.locator("h1").inner_text() == "Dam repairs finished ahead of the spring floods"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Reporting by Shilan Aziz" in page.locator(".credits").inner_text()
    story_shot = screenshot(page, "story")
    assert shot.exists() and story_shot.exists()
