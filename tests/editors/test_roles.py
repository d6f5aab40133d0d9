"""Roles are groups with exactly the permissions of editors/roles.py; staff management cannot escalate."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from editors.roles import ROLE_PERMISSIONS
from tests.conftest import role_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_groups_match_the_table(role):
    group = Group.objects.get(name=role)
    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }
    assert granted == set(ROLE_PERMISSIONS[role])


def test_only_chief_editors_read_the_audit_log():
    assert "articles.view_auditentry" not in ROLE_PERMISSIONS["Editor"]
    assert "articles.view_audit" in ROLE_PERMISSIONS["Chief editor"]


def test_chief_editor_cannot_make_anyone_a_superuser(client):
    chief = role_user("Chief editor")
    client.force_login(chief)
    url = reverse("admin:auth_user_change", args=[chief.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    assert 'name="groups"' in html  # roles are given through the groups


def test_chief_editor_cannot_change_a_superuser(client):
    chief = role_user("Chief editor")
    boss = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(chief)
    page = client.get(reverse("admin:auth_user_change", args=[boss.pk]))
    assert page.status_code == 200 and 'name="username"' not in page.content.decode()  # view only
    response = client.post(reverse("admin:auth_user_change", args=[boss.pk]), {"username": "taken"})
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.username == "root"
