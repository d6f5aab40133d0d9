"""The logins `make run` prints (desk/management/commands/load_demo.py) meet the password rules and
sign in through the desk's real login form: `make run` has DEBUG on, where two-factor sign-in is asked
only of those who set it up (OTP_REQUIRED's default), so every demo role reaches the desk."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import Client

from tests.newsroom.accounts import sign_in

pytestmark = pytest.mark.django_db


def test_the_demo_logins_meet_the_rules_and_sign_in(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OTP_REQUIRED = False  # as with DEBUG (make run)
    call_command("load_demo", stdout=StringIO())
    logins = [line.split()[:2] for line in (tmp_path / "demo-logins.txt").read_text().splitlines()]
    assert [username for username, _ in logins] == ["reporter", "editor", "wire", "chief"]
    for username, password in logins:
        user = get_user_model().objects.get(username=username)
        validate_password(password, user)  # 12 characters or more, not common, not numeric
        client = Client()
        assert sign_in(client, username, password).status_code == 302, username
        assert client.get("/admin/").status_code == 200, username
