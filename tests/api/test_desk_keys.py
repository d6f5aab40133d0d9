"""The desk's API key screen: a key is shown once, at creation, and works; the list shows its last
use; revoking it from the list stops it."""

import re

import pytest

from api.models import ApiKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    admin = UserFactory(username="chief", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def _create(desk, **fields):
    data = {
        "name": "Partner paper",
        "scopes": ["stories", "sections"],
        "rate_limit": "",
        "note": "",
        **fields,
    }
    response = desk.post("/admin/api/apikey/add/", data)
    assert response.status_code == 200, response.content[:2000]
    raw = re.search(r'<code id="api-key"[^>]*>(nr_[\w-]+)</code>', response.content.decode())[1]
    return response, raw


def test_a_key_made_in_the_desk_is_shown_once_and_works(desk, client):
    response, raw = _create(desk)
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get()
    assert key.scopes == ["stories", "sections"] and key.created_by.username == "chief"
    # Never shown again: not on its page, not in the list, not in a message.
    for page in (f"/admin/api/apikey/{key.pk}/change/", "/admin/api/apikey/", "/admin/"):
        text = desk.get(page).content.decode()
        assert raw not in text
    assert key.prefix in desk.get("/admin/api/apikey/").content.decode()

    desk.logout()
    assert client.get("/api/v1/sections", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.get("/api/v1/authors", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403


def test_the_list_shows_last_use_and_revoking_stops_the_key(desk, client):
    _, raw = _create(desk)
    key = ApiKey.objects.get()
    assert "-" in desk.get("/admin/api/apikey/").content.decode()  # never used
    client.get("/api/v1/sections", HTTP_AUTHORIZATION=f"Bearer {raw}")
    key.refresh_from_db()
    assert key.last_used_at is not None
    response = desk.post(
        "/admin/api/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]}, follow=True
    )
    assert "1 key(s) revoked." in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get("/api/v1/sections", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_key_needs_a_name_and_a_scope(desk):
    response = desk.post("/admin/api/apikey/add/", {"name": "", "scopes": []})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_staff_without_the_permission_cannot_see_keys(client):
    client.force_login(UserFactory(username="reporter", is_staff=True))
    assert client.get("/admin/api/apikey/").status_code == 403
