"""Versions end to end through import_wire: unchanged, updated, waiting, stale, withdrawn."""

import pytest

from articles import services as article_services
from articles.models import Article
from sources.ingest import mapping
from sources.models import WireItem
from tests.sources.wire_helpers import fixture, run

pytestmark = pytest.mark.django_db

V1, V2, V3 = (fixture("newsml-g2", n) for n in ("item-v1.xml", "item-v2.xml", "item-v3-canceled.xml"))


def test_same_file_twice_is_unchanged():
    assert run(V1, "--publish")[0] == 0
    article = Article.objects.get()
    code, out, _ = run(V1, "--publish")
    assert code == 0 and "created 0, updated 0, unchanged 1, failed 0" in out
    assert Article.objects.get().version == article.version
    assert WireItem.objects.count() == 1


def test_newer_version_updates_the_story():
    run(V1, "--publish")
    code, out, _ = run(V2)
    assert code == 0 and "updated 1" in out
    article = Article.objects.get()
    assert "three spillways" in article.body and not article.wire_update_waiting
    assert list(WireItem.objects.order_by("version").values_list("version", "outcome")) == [
        (1, "created"),
        (2, "updated"),
    ]
    assert article.status == "published"


def test_editor_change_in_between_makes_the_update_wait(editor_user):
    run(V1, "--publish")
    article = Article.objects.get()
    article_services.update_article(
        article, user=editor_user, standfirst="An editor's standfirst.", expected_version=article.version
    )
    code, out, _ = run(V2)
    assert code == 0 and "waiting 1" in out
    article = Article.objects.get()
    assert article.wire_update_waiting
    assert article.standfirst == "An editor's standfirst." and "two spillways" in article.body
    assert WireItem.objects.get(version=2).outcome == "waiting"


def test_older_version_late_changes_nothing():
    run(V2, "--publish")
    before = Article.objects.get()
    code, out, _ = run(V1)
    assert code == 0 and "stale 1" in out
    after = Article.objects.get()
    assert after.version == before.version and after.body == before.body
    assert WireItem.objects.get(version=1).outcome == "stale"


def test_cancel_withdraws():
    run(V1, "--publish")
    code, out, _ = run(V3)
    assert code == 0 and "withdrawn 1" in out
    article = Article.objects.get()
    assert article.status == "unpublished" and article.withdrawn_reason
    assert not Article.objects.published().exists()


@pytest.mark.parametrize("number", [b"1", b"2"])
def test_cancel_withdraws_whatever_its_version(tmp_path, number):
    """A kill re-sent under the number of the current version (or a lower one) still applies."""
    run(V1, "--publish")
    run(V2)
    assert Article.objects.published().exists()
    path = tmp_path / "kill.xml"
    path.write_bytes(V3.read_bytes().replace(b'version="3"', b'version="' + number + b'"'))
    code, out, err = run(path)
    assert code == 0 and "withdrawn 1" in out, err
    article = Article.objects.get()
    assert article.status == "unpublished" and "canceled by agency" in article.withdrawn_reason
    assert not Article.objects.published().exists()
    kill = WireItem.objects.get(outcome="withdrawn")
    assert kill.version == int(number) and kill.article == article and "stat:canceled" in kill.raw_payload
    # the same kill again changes nothing
    code, out, _ = run(path)
    assert code == 0 and "unchanged 1" in out and WireItem.objects.count() == 3


def test_same_version_other_content_is_kept_as_a_conflict_and_reported(tmp_path):
    run(V1)
    article = Article.objects.get()
    path = tmp_path / "same-version.xml"
    path.write_bytes(V1.read_bytes().replace(b"two spillways", b"four spillways"))
    code, out, err = run(path)
    assert code == 1 and "failed 1" in out
    assert "field version" in err and "already received" in err
    # nothing received is lost: the copy is stored, marked, and not applied
    conflict = WireItem.objects.get(outcome="conflict")
    assert conflict.version == 1 and "four spillways" in conflict.raw_payload
    assert "four spillways" in conflict.parsed["body_html"] and conflict.article == article
    after = Article.objects.get()
    assert after.version == article.version and "two spillways" in after.body
    # the same conflicting copy again is not stored twice
    code, out, _ = run(path)
    assert code == 0 and "unchanged 1" in out
    assert WireItem.objects.filter(outcome="conflict").count() == 1
    assert WireItem.objects.count() == 2


def test_feed_entry_without_version_is_versioned_by_content(tmp_path):
    feed = fixture("atom", "feed.atom").read_bytes()
    (tmp_path / "a.atom").write_bytes(feed)
    run(tmp_path / "a.atom")
    (tmp_path / "a.atom").write_bytes(
        feed.replace(b"Der Damm ist voll.", b"Der Damm ist randvoll.").replace(
            b"09:30:00+01:00", b"10:30:00+01:00"
        )
    )
    code, out, _ = run(tmp_path / "a.atom")
    assert code == 0 and "updated 1" in out
    assert list(WireItem.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert "randvoll" in Article.objects.get().body


def test_publishing_is_not_an_editors_change_but_an_edit_is(editor_user, tmp_path):
    """Whether the next agency version applies is decided by the story's text, not the workflow
    version: publishing an untouched wire story bumps ``Article.version`` but changes no text."""
    run(V1)
    article = Article.objects.get()
    article_services.transition(article, "publish", user=None)
    code, out, _ = run(V2)
    assert code == 0 and "updated 1" in out
    article = Article.objects.get()
    assert "three spillways" in article.body and not article.wire_update_waiting
    assert article.status == "published"
    assert WireItem.objects.get(version=2).article_checksum == mapping.article_wire_checksum(article)
    article_services.update_article(
        article, user=editor_user, standfirst="An editor's standfirst.", expected_version=article.version
    )
    v3 = V2.read_bytes().replace(b'version="2"', b'version="3"').replace(b"three spillways", b"all spillways")
    (tmp_path / "v3.xml").write_bytes(v3)
    code, out, _ = run(tmp_path / "v3.xml")
    assert code == 0 and "waiting 1" in out
    article = Article.objects.get()
    assert article.wire_update_waiting and article.standfirst == "An editor's standfirst."
    assert "three spillways" in article.body


def test_article_checksum_sees_credits_and_tags():
    run(V1)
    article = Article.objects.get()
    before = mapping.article_wire_checksum(article)
    article_services.set_tags(article, ["Something else"])
    assert mapping.article_wire_checksum(article) != before


def test_unchanged_reimport_costs_one_query_a_file(tmp_path, django_assert_max_num_queries):
    """The stories of a file already received with this content are found in one query, with no
    transaction or lock per story (the import speed of a re-sent folder)."""
    for number in (1, 2, 3):
        (tmp_path / f"{number}.xml").write_bytes(
            V1.read_bytes().replace(b"urn:newsml:nrwire.test:2025:dam", f"urn:test:{number}".encode())
        )
    assert run(tmp_path, "--source", "NRW")[0] == 0
    with django_assert_max_num_queries(1 + 3):  # the source, then one a file
        code, out, _ = run(tmp_path, "--source", "NRW")
    assert code == 0 and "unchanged 3" in out
