"""Login throttling (issue 13, item 4): 50 wrong passwords in 18 s, then the right one worked. Now a
sign-in is locked after LOGIN_FAILURE_LIMIT failures per account and, separately, per address; the
lockout is audited, the page says what happened, and a chief editor unlocks it from the desk."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import AuditEntry
from tests.conftest import role_user
from tests.newsroom.accounts import sign_in, signed_in

pytestmark = pytest.mark.django_db


def test_fifty_wrong_passwords_then_the_right_one_is_refused(reporter):
    attacker = Client()
    for _ in range(50):
        response = sign_in(attacker, "reporter", "wrong password, guess again")
        assert response.status_code in (200, 429)
    response = sign_in(attacker, "reporter")  # the right password
    assert response.status_code == 429
    assert not signed_in(attacker)
    page = response.content.decode()
    assert "Too many failed sign-ins for this account or from this address" in page
    assert "ask a chief editor to unlock it" in page and "15 minutes" in page
    assert response["Retry-After"] == "900"
    assert attacker.get("/admin/").status_code == 302  # to the login page, not the desk
    # per account: the right password from another address is refused too while the lockout lasts
    assert sign_in(Client(), "reporter", address="198.51.100.7").status_code == 429
    # audited once per account and address, not once per refused attempt
    entries = AuditEntry.objects.filter(action="locked_out", message__contains="192.0.2.10")
    assert entries.count() == 1 and "“reporter”" in entries[0].message


def test_the_limit_is_five_failures_and_a_success_before_it_resets_the_count(reporter):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "reporter", "wrong").status_code == 200
    assert sign_in(client, "reporter").status_code == 302 and signed_in(client)  # the 5th try, right
    other = Client()
    for _ in range(4):
        sign_in(other, "reporter", "wrong")
    assert sign_in(Client(), "reporter").status_code == 302  # the count started again at the success
    for _ in range(5):
        sign_in(other, "reporter", "wrong")
    assert sign_in(Client(), "reporter").status_code == 429


def test_lockout_per_address_covers_every_username_from_it(reporter, editor_user):
    spray = Client()
    for name in ["admin", "root", "chief", "sara", "daniel"]:  # one try each: no account reaches 5
        assert sign_in(spray, name, "Winter2026!", address="203.0.113.9").status_code in (200, 429)
    # that address is locked for everyone, even with a right password ...
    assert sign_in(Client(), "editor", address="203.0.113.9").status_code == 429
    # ... and the same account from another address signs in
    other = Client()
    assert sign_in(other, "editor", address="198.51.100.20").status_code == 302
    assert signed_in(other)


def test_the_lockout_lifts_after_the_lockout_time(reporter):
    for _ in range(5):
        sign_in(Client(), "reporter", "wrong")
    assert sign_in(Client(), "reporter").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    client = Client()
    assert sign_in(client, "reporter").status_code == 302 and signed_in(client)


def test_a_chief_editor_unlocks_an_account_from_the_desk(reporter, chief_editor):
    for _ in range(6):
        sign_in(Client(), "reporter", "wrong", address="192.0.2.50")
    assert sign_in(Client(), "reporter", address="198.51.100.1").status_code == 429
    chief = Client()
    chief.force_login(chief_editor)
    response = chief.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [reporter.pk]},
        follow=True,
    )
    assert "Unlocked 1 account." in response.content.decode()
    entry = AuditEntry.objects.get(action="unlocked")
    assert entry.actor == chief_editor and "reporter" in entry.message
    client = Client()
    assert sign_in(client, "reporter", address="198.51.100.1").status_code == 302 and signed_in(client)


def test_a_chief_editor_unlocks_an_address_from_the_lockout_screen(reporter, chief_editor):
    for name in ["a", "b", "c", "d", "e"]:
        sign_in(Client(), name, "wrong", address="203.0.113.77")
    assert sign_in(Client(), "reporter", address="203.0.113.77").status_code == 429
    chief = Client()
    chief.force_login(chief_editor)
    url = reverse("admin:axes_accessattempt_changelist")
    listing = chief.get(url)
    assert listing.status_code == 200 and "203.0.113.77" in listing.content.decode()
    ids = list(AccessAttempt.objects.filter(ip_address="203.0.113.77").values_list("pk", flat=True))
    assert len(ids) == 6  # five usernames, and the refused right password
    response = chief.post(url, {"action": "unlock", "_selected_action": ids}, follow=True)
    assert "Cleared 6 lockout records." in response.content.decode()
    assert AuditEntry.objects.filter(action="unlocked", actor=chief_editor).count() == 6
    assert sign_in(Client(), "reporter", address="203.0.113.77").status_code == 302


def test_only_chief_editors_see_the_lockouts(reporter, editor_user, chief_editor):
    url = reverse("admin:axes_accessattempt_changelist")
    for user, status in [(reporter, 403), (editor_user, 403), (chief_editor, 200)]:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status, user
    wire = role_user("Wire editor")
    client = Client()
    client.force_login(wire)
    response = client.post(
        reverse("admin:auth_user_changelist"), {"action": "unlock_sign_in", "_selected_action": [reporter.pk]}
    )
    assert response.status_code == 403


def test_a_forged_forwarded_for_does_not_move_the_count(settings, reporter):
    """Without a trusted proxy, X-Forwarded-For is the client's word: ignored."""
    client = Client()
    for n in range(5):
        client.post(
            reverse("admin:login"),
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="192.0.2.99",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )
    assert sign_in(Client(), "reporter", address="192.0.2.99").status_code == 429
    # behind one proxy that sets it, the address it names is the one counted
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client().post(
        reverse("admin:login"),
        {"username": "reporter", "password": "correct horse battery staple", "next": "/admin/"},
        REMOTE_ADDR="192.0.2.99",
        HTTP_X_FORWARDED_FOR="forged, 198.51.100.44",
    )
    assert response.status_code == 302
