"""Desk sessions end after idle time and on a password change; passwords have at least 12 characters
(issue 13, item 4)."""

import subprocess
import sys
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.newsroom.accounts import PASSWORD, sign_in, signed_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "olive groves at dawn 2026"


def test_an_idle_desk_session_ends(settings, reporter):
    settings.SESSION_IDLE_TIMEOUT = 2
    client = Client()
    sign_in(client, "reporter")
    assert client.get("/admin/").status_code == 200
    time.sleep(1)
    assert client.get("/admin/").status_code == 200  # within the idle time: still signed in
    time.sleep(3.1)
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:login") + "?next=/admin/articles/article/"
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 1 minute without activity. Please sign in again." in page
    assert client.get("/admin/").status_code == 302  # and it stays ended


def test_activity_keeps_a_desk_session(settings, reporter):
    settings.SESSION_IDLE_TIMEOUT = 3
    client = Client()
    sign_in(client, "reporter")
    for _ in range(4):  # 6 s in all, never 3 s without a request
        assert client.get("/admin/").status_code == 200
        time.sleep(1.5)
    assert signed_in(client)


def test_changing_ones_password_ends_every_other_session(reporter):
    laptop, phone = Client(), Client()
    sign_in(laptop, "reporter", address="192.0.2.1")
    sign_in(phone, "reporter", address="198.51.100.2")
    assert laptop.get("/admin/").status_code == 200 and phone.get("/admin/").status_code == 200
    response = laptop.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()
    assert laptop.get("/admin/").status_code == 200  # the session that changed it stays
    assert phone.get("/admin/").status_code == 302  # the other one (a thief's?) is signed out
    assert not signed_in(phone)
    assert sign_in(Client(), "reporter").status_code == 200  # the old password fails now
    assert sign_in(Client(), "reporter", NEW_PASSWORD).status_code == 302


def test_a_password_set_by_a_chief_editor_ends_the_users_sessions(reporter, chief_editor):
    victim = Client()
    sign_in(victim, "reporter")
    assert victim.get("/admin/").status_code == 200
    chief = Client()
    chief.force_login(chief_editor)
    response = chief.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()
    assert victim.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    "password, ok",
    [
        ("shortpass11", False),
        ("kurdistan24", False),
        ("123456789012345", False),
        ("password1234", False),
        ("olive-dawn-77", True),
        ("zagros river stone", True),
    ],
)
def test_passwords_need_twelve_characters_and_no_common_ones(password, ok, reporter):
    try:
        validate_password(password, reporter)
    except ValidationError:
        assert not ok
    else:
        assert ok


def test_the_desk_refuses_a_short_new_password(reporter):
    client = Client()
    sign_in(client, "reporter")
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": "Erbil-2026x", "new_password2": "Erbil-2026x"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


@pytest.mark.parametrize("debug, required", [("true", "False"), ("false", "True")])
def test_two_factor_is_required_by_default_unless_debug(debug, required):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": debug,
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://u@h/d",
    }
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.OTP_REQUIRED)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == required
