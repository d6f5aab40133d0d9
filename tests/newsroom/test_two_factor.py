"""Two-factor sign-in for staff (issue 13, item 4): required for chief editors and superusers (and the
roles in OTP_REQUIRED_ROLES), asked of anyone who set it up, reset by a chief editor when a phone is
lost. The codes are computed here from the device's key, as the phone's app would."""

import re
import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import AuditEntry
from tests.conftest import role_user
from tests.factories import UserFactory
from tests.newsroom.accounts import sign_in, signed_in, totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED = True  # as in production (tests/env.py turns it off for the other tests)


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Set up the authenticator app through the set-up page; the device and the backup codes shown."""
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the QR code, drawn inline; the key as text:
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=False)
    shown = re.search(r'id="two-factor-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(shown + "=" * (-len(shown) % 8)) == bytes.fromhex(device.key)
    response = client.post(
        reverse("two_factor_setup"), {"token": totp(bytes.fromhex(device.key)), "next": "/admin/"}
    )
    assert response.status_code == 200, response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    device.refresh_from_db()
    assert device.confirmed and len(codes) == 10
    return device, codes


def test_a_chief_editor_without_a_second_factor_cannot_reach_the_desk(chief_editor):
    client = Client()
    assert sign_in(client, "chief_editor").status_code == 302 and signed_in(client)  # the password is right
    for url in [
        "/admin/",
        reverse("admin:articles_article_changelist"),
        reverse("admin:auth_user_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_setup") + "?next=")
    # nor by POSTing to a desk page
    assert (
        client.post(reverse("admin:auth_user_changelist"), {"action": "reset_two_factor"}).status_code == 302
    )


def test_set_up_then_sign_in_with_a_code_from_the_key(chief_editor):
    client = Client()
    sign_in(client, "chief_editor")
    device, codes = enrol(client)
    assert client.get("/admin/").status_code == 200  # verified in this session
    assert AuditEntry.objects.filter(action="2fa_enabled", actor=chief_editor).exists()

    # a new sign-in: the password alone is not enough any more
    other = Client()
    sign_in(other, "chief_editor")
    response = other.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    wrong = other.post(reverse("two_factor_verify"), {"token": "000000"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert other.get("/admin/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above started the throttle's clock
    device.throttling_failure_timestamp = None
    device.save()
    # the code of the next 30-second step (the set-up used this one's; a code works once)
    code = totp(bytes.fromhex(device.key), at=time.time() + 30)
    before = other.session.session_key
    response = other.post(reverse("two_factor_verify"), {"token": code, "next": "/admin/articles/article/"})
    assert response.status_code == 302 and response["Location"] == "/admin/articles/article/"
    assert other.session.session_key != before  # a new session key for the stronger sign-in
    assert other.get(reverse("admin:articles_article_changelist")).status_code == 200
    # the same code again, in a third session, is refused
    third = Client()
    sign_in(third, "chief_editor")
    assert (
        "That code is not right" in third.post(reverse("two_factor_verify"), {"token": code}).content.decode()
    )


def test_a_backup_code_works_once(chief_editor):
    client = Client()
    sign_in(client, "chief_editor")
    _, codes = enrol(client)
    first = Client()
    sign_in(first, "chief_editor")
    assert first.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert first.get("/admin/").status_code == 200
    again = Client()
    sign_in(again, "chief_editor")
    assert again.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 200
    assert again.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=chief_editor).count() == 9


def test_wrong_codes_are_throttled(chief_editor):
    client = Client()
    sign_in(client, "chief_editor")
    device, _ = enrol(client)
    attacker = Client()
    sign_in(attacker, "chief_editor")
    for guess in ["111111", "222222", "333333"]:
        attacker.post(reverse("two_factor_verify"), {"token": guess})
    right = totp(bytes.fromhex(device.key), at=time.time() + 30)
    assert attacker.post(reverse("two_factor_verify"), {"token": right}).status_code == 200  # refused: wait
    assert attacker.get("/admin/").status_code == 302


def test_a_stolen_password_cannot_replace_the_device(chief_editor):
    client = Client()
    sign_in(client, "chief_editor")
    device, _ = enrol(client)
    thief = Client()
    sign_in(thief, "chief_editor")
    response = thief.get(reverse("two_factor_setup"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))
    assert thief.post(reverse("two_factor_setup"), {"token": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=chief_editor)) == [device]


def test_who_must_use_it(settings, reporter, editor_user):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    for user, required in [(superuser, True), (reporter, False), (editor_user, False)]:
        client = Client()
        sign_in(client, user.username)
        assert (client.get("/admin/").status_code == 302) is required, user
    # OTP_REQUIRED_ROLES widens it: here to editors
    settings.OTP_REQUIRED_ROLES = ["Chief editor", "Editor"]
    client = Client()
    sign_in(client, "editor")
    assert client.get("/admin/").status_code == 302


def test_a_reporter_who_set_it_up_is_asked_for_it(reporter):
    client = Client()
    sign_in(client, "reporter")
    assert client.get("/admin/").status_code == 200  # not required of reporters
    enrol(client)
    later = Client()
    sign_in(later, "reporter")
    response = later.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))


def test_off_it_asks_nobody_without_a_device(settings, chief_editor):
    settings.OTP_REQUIRED = False  # DEBUG's default: the demo logins of make run work as printed
    client = Client()
    sign_in(client, "chief_editor")
    assert client.get("/admin/").status_code == 200


def test_a_chief_editor_resets_a_lost_second_factor(reporter, chief_editor):
    client = Client()
    sign_in(client, "reporter")
    enrol(client)
    assert client.get("/admin/").status_code == 200
    chief = Client()
    sign_in(chief, "chief_editor")
    enrol(chief)
    response = chief.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [reporter.pk]},
        follow=True,
    )
    assert "Two-factor sign-in reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    assert not StaticDevice.objects.filter(user=reporter).exists()
    entry = AuditEntry.objects.get(action="2fa_reset")
    assert entry.actor == chief_editor and "reporter" in entry.message
    later = Client()
    sign_in(later, "reporter")
    assert later.get("/admin/").status_code == 200  # no device, not required: straight in


def test_a_chief_editor_cannot_reset_a_superusers_second_factor(chief_editor):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=root, name="app", confirmed=True)
    chief = Client()
    sign_in(chief, "chief_editor")
    enrol(chief)
    response = chief.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [root.pk]},
        follow=True,
    )
    assert "Only a superuser can do that" in response.content.decode()
    assert TOTPDevice.objects.filter(user=root).exists()
    assert not AuditEntry.objects.filter(action="2fa_reset").exists()


def test_a_reset_device_no_longer_verifies_an_open_session(chief_editor):
    client = Client()
    sign_in(client, "chief_editor")
    enrol(client)
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.filter(user=chief_editor).delete()
    StaticDevice.objects.filter(user=chief_editor).delete()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_setup"))


def test_roles_as_the_migrations_made_them():
    assert Group.objects.get(name="Chief editor").permissions.filter(codename="delete_accessattempt").exists()
    assert not Group.objects.get(name="Editor").permissions.filter(codename="view_accessattempt").exists()
    role_user("Wire editor")  # (the fixture's groups exist)
