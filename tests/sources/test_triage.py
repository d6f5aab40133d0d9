"""Wire update triage: the service and the admin screen (previous, new and current side by side)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles import services as article_services
from articles.models import Article
from sources import services
from sources.models import WireItem
from tests.sources.wire_helpers import fixture, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(editor_user):
    run(fixture("newsml-g2", "item-v1.xml"), "--publish")
    article = Article.objects.get()
    article_services.update_article(article, user=editor_user, standfirst="The editor's standfirst.",
                                    expected_version=article.version)
    run(fixture("newsml-g2", "item-v2.xml"))
    article = Article.objects.get()
    assert article.wire_update_waiting
    return article


def test_pending_triage_pairs_previous_and_new(waiting):
    triage = services.pending_triage(waiting)
    assert triage.waiting.version == 2 and triage.previous.version == 1
    assert "three spillways" in triage.new_story.body_html
    assert "two spillways" in triage.previous_story.body_html


def test_accept_applies_the_agency_version(waiting, wire_editor, tmp_path):
    article = services.accept_wire_update(waiting, user=wire_editor, expected_version=waiting.version)
    assert "three spillways" in article.body and not article.wire_update_waiting
    assert article.standfirst == "Reservoirs are at their highest in a decade."
    item = WireItem.objects.get(version=2)
    assert item.outcome == "accepted" and item.article_version == article.version
    # and the next agency version applies directly again
    v3 = fixture("newsml-g2", "item-v2.xml").read_bytes().replace(b'version="2"', b'version="3"').replace(
        b"three spillways", b"all spillways")
    path = tmp_path / "v3.xml"
    path.write_bytes(v3)
    code, out, _ = run(path)
    assert code == 0 and "updated 1" in out


def test_reject_keeps_the_editors_story(waiting, wire_editor):
    article = services.reject_wire_update(waiting, user=wire_editor)
    assert not article.wire_update_waiting
    article.refresh_from_db()
    assert article.standfirst == "The editor's standfirst." and "two spillways" in article.body
    assert WireItem.objects.get(version=2).outcome == "rejected"


def test_triage_needs_the_permission(waiting, reporter):
    with pytest.raises(PermissionDenied):
        services.accept_wire_update(waiting, user=reporter)
    with pytest.raises(PermissionDenied):
        services.reject_wire_update(waiting, user=reporter)


def test_nothing_waiting(wire_editor):
    run(fixture("newsml-g2", "item-v1.xml"))
    with pytest.raises(ValidationError):
        services.accept_wire_update(Article.objects.get(), user=wire_editor)


def test_admin_screen_shows_three_columns_and_accepts(client, waiting, wire_editor):
    client.force_login(wire_editor)
    url = reverse("admin:sources_wire_triage", args=[waiting.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Agency, previous" in page and "Agency, new" in page and "Current story" in page
    assert "three spillways" in page and "two spillways" in page and "The editor&#x27;s standfirst." in page
    response = client.post(url, {"action": "accept", "version": waiting.version})
    assert response.status_code == 302
    assert "three spillways" in Article.objects.get().body


def test_admin_screen_refuses_without_permission(client, waiting, reporter):
    client.force_login(reporter)
    response = client.get(reverse("admin:sources_wire_triage", args=[waiting.pk]))
    assert response.status_code == 403
