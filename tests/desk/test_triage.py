"""Wire update triage: the service and the admin screen (previous, new and current side by side)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles import services as article_services
from articles.models import Article, AuditEntry
from sources import triage
from sources.models import WireItem
from tests.sources.wire_helpers import fixture, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(editor_user):
    run(fixture("newsml-g2", "item-v1.xml"), "--publish")
    article = Article.objects.get()
    article_services.update_article(
        article, user=editor_user, standfirst="The editor's standfirst.", expected_version=article.version
    )
    run(fixture("newsml-g2", "item-v2.xml"))
    article = Article.objects.get()
    assert article.wire_update_waiting
    return article


def test_pending_triage_pairs_previous_and_new(waiting):
    pending = triage.pending_triage(waiting)
    assert pending.waiting.version == 2 and pending.previous.version == 1
    assert "three spillways" in pending.new_story.body_html
    assert "two spillways" in pending.previous_story.body_html


def test_accept_applies_the_agency_version(waiting, chief_editor, tmp_path):
    article = triage.accept_wire_update(waiting, user=chief_editor, expected_version=waiting.version)
    assert "three spillways" in article.body and not article.wire_update_waiting
    assert article.standfirst == "Reservoirs are at their highest in a decade."
    item = WireItem.objects.get(version=2)
    assert item.outcome == "accepted" and item.article_version == article.version
    # and the next agency version applies directly again
    v3 = (
        fixture("newsml-g2", "item-v2.xml")
        .read_bytes()
        .replace(b'version="2"', b'version="3"')
        .replace(b"three spillways", b"all spillways")
    )
    path = tmp_path / "v3.xml"
    path.write_bytes(v3)
    code, out, _ = run(path)
    assert code == 0 and "updated 1" in out


def test_reject_keeps_the_editors_story(waiting, wire_editor):
    article = triage.reject_wire_update(waiting, user=wire_editor)
    assert not article.wire_update_waiting
    article.refresh_from_db()
    assert article.standfirst == "The editor's standfirst." and "two spillways" in article.body
    assert WireItem.objects.get(version=2).outcome == "rejected"


def test_triage_needs_the_permission(waiting, reporter):
    with pytest.raises(PermissionDenied):
        triage.accept_wire_update(waiting, user=reporter)
    with pytest.raises(PermissionDenied):
        triage.reject_wire_update(waiting, user=reporter)
    # both refusals are audited: the rows survive the services' rollback
    refused = AuditEntry.objects.filter(action="refused", article=waiting, actor=reporter)
    assert refused.count() == 2
    assert all("wire triage" in m for m in refused.values_list("message", flat=True))
    assert Article.objects.get().wire_update_waiting


def test_accept_checks_the_version_of_the_locked_row_not_the_callers_copy(waiting, editor_user, chief_editor):
    """The triage screen was built from ``waiting``; an editor saves meanwhile. Accepting with the
    version the screen saw must be refused, not overwrite the editor's save."""
    seen = Article.objects.get(pk=waiting.pk)
    article_services.update_article(
        Article.objects.get(pk=waiting.pk),
        user=editor_user,
        standfirst="Saved meanwhile.",
        expected_version=waiting.version,
    )
    with pytest.raises(article_services.StaleVersion):
        triage.accept_wire_update(seen, user=chief_editor, expected_version=seen.version)
    article = Article.objects.get()
    assert article.standfirst == "Saved meanwhile." and article.wire_update_waiting
    assert WireItem.objects.get(version=2).outcome == "waiting"


def test_nothing_waiting(wire_editor):
    run(fixture("newsml-g2", "item-v1.xml"))
    with pytest.raises(ValidationError):
        triage.accept_wire_update(Article.objects.get(), user=wire_editor)


def test_accepting_over_live_copy_needs_publish_rights(client, waiting, wire_editor):
    """The story is published: applying the agency's version changes live copy, as an edit would
    (issue 13 item 3). A wire editor may still keep the editor's story (reject)."""
    with pytest.raises(PermissionDenied):
        triage.accept_wire_update(waiting, user=wire_editor, expected_version=waiting.version)
    assert "two spillways" in Article.objects.get().body
    assert AuditEntry.objects.filter(action="refused", article=waiting, actor=wire_editor).exists()
    client.force_login(wire_editor)
    page = client.get(reverse("admin:sources_wire_triage", args=[waiting.pk])).content.decode()
    assert 'value="accept"' not in page and 'value="reject"' in page and "needs publish rights" in page
    triage.reject_wire_update(waiting, user=wire_editor)
    assert not Article.objects.get().wire_update_waiting


def test_admin_screen_shows_three_columns_and_accepts(client, waiting, chief_editor):
    client.force_login(chief_editor)
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
    url = reverse("admin:sources_wire_triage", args=[waiting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "accept", "version": waiting.version}).status_code == 403
    assert AuditEntry.objects.filter(action="refused", article=waiting, actor=reporter).count() == 1
    assert Article.objects.get().wire_update_waiting


@pytest.mark.parametrize("version", ["junk", "", None])
def test_admin_accept_with_a_bad_version_is_an_error_message_not_a_500(client, waiting, wire_editor, version):
    client.force_login(wire_editor)
    url = reverse("admin:sources_wire_triage", args=[waiting.pk])
    data = {"action": "accept"} if version is None else {"action": "accept", "version": version}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "reload the page" in response.content.decode()
    article = Article.objects.get()
    assert article.wire_update_waiting and "two spillways" in article.body


def test_admin_screen_sanitises_stored_html_again(client, waiting, wire_editor):
    """HTML stored around the services (or before today's allow-list) is not shown as it is."""
    hostile = '<p onclick="steal()">kept text</p><script>alert("x")</script><iframe src="//evil"></iframe>'
    for item in WireItem.objects.filter(article=waiting):
        item.parsed["body_html"] = hostile
        WireItem.objects.filter(pk=item.pk).update(parsed=item.parsed)
    Article.objects.filter(pk=waiting.pk).update(body=hostile)
    client.force_login(wire_editor)
    page = client.get(reverse("admin:sources_wire_triage", args=[waiting.pk])).content.decode()
    start = page.index("wire-triage")
    table = page[start : page.index("</table>", start)]
    assert table.count("kept text") == 3
    assert "<script" not in table and "onclick" not in table and "<iframe" not in table
