"""The polyglot attack end to end in Chromium: a GIF/HTML file runs its script when a server calls it
HTML (the control), and runs nothing as our media is served, whether uploaded through the desk today
or left in MEDIA_ROOT under its old name by an upload from before the fix.

The media come from a real gunicorn (DEBUG off), not from ``live_server``: Django's test server
serves MEDIA_ROOT with a handler of its own that guesses types from the name, as the old site did."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from articles.models import Image
from editors.roles import sync_roles
from tests.conftest import role_user
from tests.desk.test_admin_images import upload
from tests.polyglots import gif_html_polyglot
from tests.servers import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(transactional_db, media_root):
    with gunicorn(MEDIA_ROOT=str(media_root)) as base:
        yield base


@pytest.fixture
def watched(page):
    """The page, and the list of the URLs the polyglot's script would call."""
    calls = []
    page.route("**/__pwned__", lambda route: (calls.append(route.request.url), route.fulfill(status=204)))
    return page, calls


def open_and_settle(page, url):
    try:
        page.goto(url)
    except PlaywrightError as exc:  # an attachment: Chromium downloads it instead
        assert "Download is starting" in str(exc), exc
    page.wait_for_timeout(500)


def test_the_control_runs_the_script_when_served_as_html(server, watched):
    page, calls = watched
    page.route(
        "**/__control__",
        lambda route: route.fulfill(status=200, content_type="text/html", body=gif_html_polyglot()),
    )
    page.goto(server + "/__control__")
    page.wait_for_function("document.title === 'pwned'")
    page.wait_for_timeout(300)
    assert calls


def test_an_uploaded_polyglot_runs_nothing(server, watched):
    page, calls = watched
    sync_roles()  # transactional tests flush the groups the data migration made
    desk = Client()
    desk.force_login(role_user("Editor"))
    assert upload(desk, SimpleUploadedFile("team.html", gif_html_polyglot())).status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".gif")
    open_and_settle(page, server + image.file.url)
    assert page.evaluate("document.title") != "pwned"
    assert calls == []


@pytest.mark.parametrize("name", ["team.html", "team.gif", "team"])
def test_a_polyglot_stored_before_the_fix_runs_nothing(server, watched, media_root, name):
    page, calls = watched
    (media_root / "images").mkdir(parents=True)
    (media_root / "images" / name).write_bytes(gif_html_polyglot())  # script and all
    open_and_settle(page, f"{server}/media/images/{name}")
    assert page.evaluate("document.title") != "pwned"
    assert calls == []
