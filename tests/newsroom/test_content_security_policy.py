"""A Content-Security-Policy on the public site, the desk and previews (issue 13, item 9), and the
deployment checks that warn when it (or a staff-account control) is off."""

import pytest
from django.core import checks
from django.test import Client
from django.urls import reverse

from public.preview import share_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict(response):
    directives = policy(response)
    scripts = directives["script-src"]
    assert "'self'" in scripts
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "https:", "data:"} & set(scripts)
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]


def test_public_pages_carry_the_policy(client, published_article):
    for url in [
        "/",
        published_article.get_absolute_url(),
        "/search/?q=dam",
        "/feeds/latest/",
        "/no-such-page/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_strict(response)
    # the page cache's copy too (no nonce is cached in it: the public pages have no inline script)
    cached = client.get(published_article.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit"
    assert_strict(cached)
    assert "nonce-" not in cached["Content-Security-Policy"]


def test_the_desk_carries_the_policy(client, editor_user, published_article):
    assert_strict(client.get(reverse("admin:login")))
    client.force_login(editor_user)
    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[published_article.pk]),
        reverse("admin:articles_article_preview", args=[published_article.pk]),
        reverse("two_factor_setup"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_a_shared_preview_carries_the_policy(client, section):
    draft = ArticleFactory(section=section)
    response = Client().get(share_url(draft))
    assert response.status_code == 200
    assert_strict(response)


def test_media_keep_their_own_sandbox(client, media_root):
    (media_root / "images").mkdir(parents=True)
    (media_root / "images" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    response = client.get("/media/images/a.png")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def _ids():
    return {m.id for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])}


def test_the_deploy_checks_say_when_the_policy_or_an_account_control_is_off(settings):
    ours = {
        "newsroom.W001",
        "newsroom.W002",
        "newsroom.W003",
        "newsroom.W010",
        "newsroom.W011",
        "newsroom.W012",
    }
    settings.OTP_REQUIRED = True  # production's default (tests/env.py turns it off)
    assert not ours & _ids()  # as configured: clean
    strict = settings.CONTENT_SECURITY_POLICY

    settings.CONTENT_SECURITY_POLICY = None
    assert "newsroom.W001" in _ids()
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = strict
    assert "newsroom.W002" in _ids()
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**strict["DIRECTIVES"], "script-src": ["'self'", "'unsafe-inline'"]}
    }
    assert "newsroom.W003" in _ids()
    settings.CONTENT_SECURITY_POLICY = strict
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]
    assert "newsroom.W001" in _ids()

    settings.OTP_REQUIRED = False
    assert "newsroom.W011" in _ids()
    settings.AXES_ENABLED = False
    assert "newsroom.W010" in _ids()
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}
    ]
    assert "newsroom.W012" in _ids()
