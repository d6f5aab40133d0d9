"""The desk in the admin: transitions over HTTP, 403s, locks, stale saves, preview, corrections, list."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry, Correction
from public import preview
from tests.conftest import role_user
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def _dt(prefix, value):
    if not value:
        return {f"{prefix}_0": "", f"{prefix}_1": ""}
    local = timezone.localtime(value)
    return {f"{prefix}_0": local.strftime("%Y-%m-%d"), f"{prefix}_1": local.strftime("%H:%M:%S")}


def form_data(article, **overrides):
    """What the change form posts for ``article`` (as it is in the database), with overrides."""
    data = {
        "kicker": article.kicker,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "body": article.body,
        "expected_version": article.version,
        "dateline_place": article.dateline_place,
        "dateline_outlet": article.dateline_outlet,
        "section": article.section_id or "",
        "language": article.language,
        "lead_image": "",
        "translation_of": "",
        "slug": article.slug,
        "seo_title": "",
        "seo_description": "",
        "urgency": "",
        "copyright": "",
        "editor_note": "",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    for name in ("publish_at", "updated_at", "embargo_until", "expire_at"):
        data.update(_dt(name, getattr(article, name)))
    for key, value in overrides.items():
        if key in ("publish_at", "updated_at", "embargo_until", "expire_at"):
            data.update(_dt(key, value))
        else:
            data[key] = value
    return data


# --- permissions over HTTP ------------------------------------------------------------------------------


def test_reporter_posting_a_publish_request_by_hand_gets_403_and_nothing_changes(reporter):
    article = services.create_article(user=reporter, headline="My draft")
    services.transition(article, "submit", user=reporter)
    response = client_for(reporter).post(
        transition_url(article, "publish"), {"expected_version": article.version}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == "in_review" and article.publish_at is None
    refusal = AuditEntry.objects.get(article=article, action="refused")
    assert refusal.actor == reporter and "publish" in refusal.message


def test_reporter_cannot_post_a_change_to_someone_elses_story(reporter, editor_user):
    article = services.create_article(user=editor_user, headline="Desk story")
    response = client_for(reporter).post(change_url(article), form_data(article, headline="Hijacked"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Desk story"
    assert AuditEntry.objects.filter(article=article, action="refused", actor=reporter).exists()


def test_reporter_sees_only_submit_and_editor_sees_publish(reporter, editor_user):
    article = services.create_article(user=reporter, headline="Mine")
    page = client_for(reporter).get(change_url(article)).content.decode()
    assert "Submit for review" in page and ">Publish<" not in page
    services.release_lock(article, reporter)
    services.transition(article, "submit", user=reporter)
    page = client_for(editor_user).get(change_url(article)).content.decode()
    assert ">Publish<" in page and "Return to draft" in page and ">Kill<" not in page


def test_editor_publishes_through_the_desk(editor_user):
    article = ArticleFactory(status="in_review")
    response = client_for(editor_user).post(
        transition_url(article, "publish"), {"expected_version": article.version}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "published"
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_schedule_button_and_scheduled_publication(editor_user):
    at = timezone.now() + timedelta(hours=3)
    article = ArticleFactory(status="in_review", publish_at=at)
    client = client_for(editor_user)
    assert "Schedule for" in client.get(change_url(article)).content.decode()
    client.post(transition_url(article, "publish"), {"expected_version": article.version})
    article.refresh_from_db()
    assert article.status == "published" and article.publish_at == at
    assert not Article.objects.published().filter(pk=article.pk).exists()
    listing = client.get(reverse("admin:articles_article_changelist") + "?state=scheduled").content.decode()
    assert article.headline in listing and "Scheduled" in listing


def test_illegal_transition_over_http_is_a_message_not_a_change(editor_user):
    article = ArticleFactory(status="draft")
    response = client_for(editor_user).post(transition_url(article, "unpublish"), follow=True)
    assert "Cannot unpublish: the story is draft" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "draft"


def test_transition_is_post_only(editor_user):
    article = ArticleFactory(status="in_review")
    assert client_for(editor_user).get(transition_url(article, "publish")).status_code == 405
    article.refresh_from_db()
    assert article.status == "in_review"


def test_kill_is_for_chief_editors(editor_user, chief_editor):
    article = ArticleFactory(published=True)
    assert (
        client_for(editor_user).post(transition_url(article, "kill"), {"reason": "Legal"}).status_code == 403
    )
    client_for(chief_editor).post(transition_url(article, "kill"), {"reason": "Court order"})
    article.refresh_from_db()
    assert article.status == "killed" and article.withdrawn_reason == "Court order"
    assert client_for(chief_editor).get(article.get_absolute_url()).status_code == 410


# --- locks and stale saves -------------------------------------------------------------------------------


def test_opening_the_form_takes_the_lock_and_a_second_person_sees_it(editor_user, chief_editor):
    article = ArticleFactory()
    client_for(editor_user).get(change_url(article))
    article.refresh_from_db()
    assert article.locked_by == editor_user
    since = timezone.localtime(article.locked_at).strftime("%H:%M")
    page = client_for(chief_editor).get(change_url(article)).content.decode()
    assert f"Locked by {editor_user.username}</strong> since " in page  # no profile, no full name
    assert f"{since} +03." in page
    assert "Force unlock" in page
    article.refresh_from_db()
    assert article.locked_by == editor_user  # the second person did not take it


def test_save_while_locked_by_someone_else_is_refused(editor_user, chief_editor):
    article = ArticleFactory()
    client_for(chief_editor).get(change_url(article))
    response = client_for(editor_user).post(change_url(article), form_data(article, headline="Mine"))
    assert response.status_code == 200
    assert "chief_editor is editing this story" in response.content.decode()
    article.refresh_from_db()
    assert article.headline != "Mine"


def test_heartbeat_renews_and_release_frees(settings, editor_user, reporter):
    settings.ARTICLE_LOCK_TIMEOUT = 60
    article = ArticleFactory()
    client = client_for(editor_user)
    client.get(change_url(article))
    Article.objects.filter(pk=article.pk).update(locked_at=timezone.now() - timedelta(seconds=50))
    beat = client.post(reverse("admin:articles_article_heartbeat", args=[article.pk])).json()
    assert beat["locked"] is True and beat["holder"] == editor_user.username
    article.refresh_from_db()
    assert article.locked_at > timezone.now() - timedelta(seconds=5)
    client.post(reverse("admin:articles_article_release", args=[article.pk]))
    article.refresh_from_db()
    assert article.locked_by is None


def test_lock_lapses_after_inactivity(settings, editor_user, chief_editor):
    settings.ARTICLE_LOCK_TIMEOUT = 60
    article = ArticleFactory()
    client_for(editor_user).get(change_url(article))
    Article.objects.filter(pk=article.pk).update(locked_at=timezone.now() - timedelta(seconds=61))
    page = client_for(chief_editor).get(change_url(article)).content.decode()
    assert "Locked by" not in page
    article.refresh_from_db()
    assert article.locked_by == chief_editor


def test_force_unlock_over_http(editor_user, chief_editor):
    article = ArticleFactory()
    client_for(editor_user).get(change_url(article))
    url = reverse("admin:articles_article_force_unlock", args=[article.pk])
    assert client_for(editor_user).post(url).status_code == 403
    assert client_for(chief_editor).post(url).status_code == 302
    article.refresh_from_db()
    assert article.locked_by is None
    assert AuditEntry.objects.filter(article=article, action="force_unlock", actor=chief_editor).exists()


def test_stale_save_is_refused_and_shows_their_changes(editor_user, chief_editor):
    article = services.create_article(
        user=editor_user, headline="Bridge approved", body="<p>The vote was close.</p>"
    )
    opened = form_data(article)  # editor opens version 1
    services.update_article(article, user=chief_editor, body="<p>The vote was very close.</p>")
    response = client_for(editor_user).post(
        change_url(article), {**opened, "headline": "Bridge approved today"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this story while you were editing it" in page
    assert "Saved meanwhile by chief_editor" in page
    assert "<ins>very</ins>" in page  # their change
    assert "<ins>today</ins>" in page  # yours, against the current version
    article.refresh_from_db()
    assert article.headline == "Bridge approved" and article.body == "<p>The vote was very close.</p>"


def test_save_through_the_form_sanitises_and_records_a_revision(editor_user):
    article = services.create_article(user=editor_user, headline="Story")
    client = client_for(editor_user)
    assert "data-django-prose-editor-configurable" in client.get(change_url(article)).content.decode()
    response = client.post(
        change_url(article),
        form_data(
            article, body='<p>Hello <script>alert(1)</script><a href="javascript:x()">link</a></p><img src=x>'
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert "script" not in article.body and "javascript" not in article.body and "<img" not in article.body
    assert article.version == 2 and article.revisions.count() == 2
    assert article.locked_by is None  # released on save


# --- preview ------------------------------------------------------------------------------------------


def test_preview_button_renders_the_draft_with_the_story_template(editor_user):
    article = ArticleFactory(status="draft", headline="Not yet public")
    response = client_for(editor_user).get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 200
    assert "articles/story.html" in [t.name for t in response.templates]
    assert '<h1 class="story__headline">Not yet public</h1>' in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_share_preview_link_works_without_login_and_expires(settings, client):
    article = ArticleFactory(status="draft", headline="Embargoed scoop")
    url = preview.share_url(article)
    assert url.startswith("/preview/")
    response = client.get(url)
    assert response.status_code == 200 and "Embargoed scoop" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert client.get(url[:-3] + "xx/").status_code == 404  # tampered
    settings.PREVIEW_MAX_AGE = -1
    expired = client.get(url)
    assert expired.status_code == 410 and "no-store" in expired["Cache-Control"]


def test_share_link_is_on_the_change_form(editor_user):
    article = ArticleFactory()
    page = client_for(editor_user).get(change_url(article)).content.decode()
    assert 'id="desk-share-url"' in page and "/preview/" in page


# --- embargo ------------------------------------------------------------------------------------------


def test_embargo_banner_with_countdown(editor_user):
    until = timezone.now() + timedelta(hours=5)
    article = ArticleFactory(published=True, embargo_until=until)
    page = client_for(editor_user).get(change_url(article)).content.decode()
    assert "EMBARGOED" in page and 'class="desk-countdown"' in page
    assert f'data-until="{timezone.localtime(until).isoformat()}"' in page
    assert ">Embargoed<" in page
    assert client_for(editor_user).get(article.get_absolute_url()).status_code == 404
    plain = ArticleFactory(published=True)
    assert "EMBARGOED" not in client_for(editor_user).get(change_url(plain)).content.decode()


# --- corrections --------------------------------------------------------------------------------------


def test_correction_added_from_the_change_form(editor_user):
    article = ArticleFactory(published=True)
    before = article.updated_at
    data = form_data(
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version gave the wrong date.",
        },
    )
    response = client_for(editor_user).post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = Correction.objects.get(article=article)
    assert correction.created_by == editor_user and correction.kind == "correction"
    article.refresh_from_db()
    assert article.updated_at > before
    assert AuditEntry.objects.filter(article=article, action="correct").exists()


def test_a_correction_cannot_be_deleted_even_by_a_superuser(admin_user):
    correction = services.add_correction(
        ArticleFactory(published=True),
        kind="correction",
        text="An earlier version gave the wrong date.",
        user=admin_user,
    )
    client = client_for(admin_user)
    url = reverse("admin:articles_correction_delete", args=[correction.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_reporter_gets_no_correction_form(reporter):
    article = services.create_article(user=reporter, headline="Mine")
    page = client_for(reporter).get(change_url(article)).content.decode()
    assert 'name="corrections-TOTAL_FORMS" value="0"' in page
    assert "corrections-empty" not in page


# --- history --------------------------------------------------------------------------------------------


def test_history_compare_and_restore(editor_user):
    article = services.create_article(user=editor_user, headline="First headline", body="<p>Alpha beta.</p>")
    services.update_article(article, user=editor_user, headline="Second headline", body="<p>Alpha gamma.</p>")
    client = client_for(editor_user)
    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Compare selected" in history and "Edited" in history
    compare = client.get(reverse("admin:articles_article_compare", args=[article.pk]) + "?a=1&b=2")
    page = compare.content.decode()
    assert "<del>First</del> <ins>Second</ins>" in page and "<del>beta.</del> <ins>gamma.</ins>" in page
    response = client.post(
        reverse("admin:articles_article_restore", args=[article.pk, 1]), {"expected_version": article.version}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "First headline" and article.revisions.count() == 3


def test_compare_needs_two_revisions(editor_user):
    article = services.create_article(user=editor_user, headline="Only one")
    url = reverse("admin:articles_article_compare", args=[article.pk])
    assert client_for(editor_user).get(url + "?a=1&b=9").status_code == 404


# --- the change list ----------------------------------------------------------------------------------


def test_change_list_filters(editor_user, reporter):
    now = timezone.now()
    mine = services.create_article(user=editor_user, headline="Alpha mine")
    review = ArticleFactory(status="in_review", headline="Bravo review")
    wire = ArticleFactory(headline="Charlie wire", wire_update_waiting=True, source=SourceFactory(code="AFP"))
    scheduled = ArticleFactory(
        status="published", publish_at=now + timedelta(hours=1), headline="Delta scheduled"
    )
    embargoed = ArticleFactory(
        published=True, embargo_until=now + timedelta(hours=1), headline="Echo embargoed"
    )
    by_reporter = services.create_article(user=reporter, headline="Foxtrot reporter")
    client = client_for(editor_user)
    base = reverse("admin:articles_article_changelist")

    def listed(query):
        return {
            h
            for h in (mine, review, wire, scheduled, embargoed, by_reporter).__iter__()
            if h.headline in client.get(base + query).content.decode()
        }

    assert listed("?mine=created") == {mine}
    assert listed("?queue=review") == {review}
    assert listed("?queue=wire") == {wire}
    assert listed("?state=scheduled") == {scheduled}
    assert listed("?state=embargoed") == {embargoed}
    assert listed(f"?author={reporter.pk}") == {by_reporter}
    assert listed(f"?source__id__exact={wire.source_id}") == {wire}


def test_change_list_columns(editor_user, chief_editor):
    article = ArticleFactory(status="published", publish_at=timezone.now() + timedelta(hours=1))
    services.acquire_lock(article, chief_editor)
    page = client_for(editor_user).get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Scheduled" in page and "🔒 chief_editor since" in page and "⏱" in page


def test_change_list_query_count_does_not_grow(editor_user, django_assert_max_num_queries):
    client = client_for(editor_user)
    url = reverse("admin:articles_article_changelist")
    ArticleFactory(source=SourceFactory(code="AFP"))
    client.get(url)  # warm caches (content types, permissions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(40):
        ArticleFactory(
            source=SourceFactory(code=f"S{i % 3}"),
            created_by=editor_user,
            locked_by=editor_user,
            locked_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(one)
    assert len(one) <= 14
    counts = [q["sql"] for q in many.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1  # the page count only; no second "full result" count


def test_unfiltered_change_list_uses_the_planner_estimate_on_a_big_table(editor_user):
    from desk.admin.paginators import EstimatedCountPaginator

    ArticleFactory.create_batch(3)
    exact = EstimatedCountPaginator(Article.objects.order_by("pk"), 50)
    assert exact.count == 3  # small table: exact
    EstimatedCountPaginator.EXACT_BELOW = 0
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
        estimated = EstimatedCountPaginator(Article.objects.order_by("pk"), 50)
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert estimated.count == 3
        assert "pg_class" in queries.captured_queries[0]["sql"]
        filtered = EstimatedCountPaginator(Article.objects.filter(status="draft").order_by("pk"), 50)
        assert filtered.count == 3
    finally:
        EstimatedCountPaginator.EXACT_BELOW = 10_000


# --- audit log ------------------------------------------------------------------------------------------


def test_audit_log_is_for_chief_editors_only(editor_user, chief_editor, reporter):
    url = reverse("admin:articles_auditentry_changelist")
    assert client_for(chief_editor).get(url).status_code == 200
    assert client_for(editor_user).get(url).status_code == 403
    assert client_for(reporter).get(url).status_code == 403


def test_wire_editor_role_exists_and_can_edit_any_story():
    """Editing, not viewing: a read-only page is a 200 too, so the edit is posted and read back."""
    user = role_user("Wire editor", "wired")
    article = services.create_article(headline="Agency copy as filed")  # someone else's story
    client = client_for(user)
    page = client.get(change_url(article)).content.decode()
    assert 'name="headline"' in page and 'id="id_headline"' in page  # an input, not a read-only line
    response = client.post(
        change_url(article), form_data(article, headline="Agency copy, edited on the desk")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.headline == "Agency copy, edited on the desk" and article.version == 2


# --- capped count and deep pages ------------------------------------------------------------------------


@pytest.fixture
def small_pages(monkeypatch):
    """The desk's paging at a scale a test can build: 2 rows a page, counting stops at 3 rows (at
    least two pages), deep pages (from the 3rd row on) read their ids first."""
    from desk.admin.articles import ArticleAdmin
    from desk.admin.paginators import DeskPaginator

    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    monkeypatch.setattr(DeskPaginator, "COUNT_CAP", 3)
    monkeypatch.setattr(DeskPaginator, "DEFERRED_FROM", 2)


def test_filtered_change_list_counts_at_most_the_cap_and_keeps_paging(
    editor_user, small_pages, django_assert_max_num_queries
):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    drafts = [
        ArticleFactory(headline=f"Draft number {i}", modified_at=now - timedelta(minutes=i)) for i in range(9)
    ]
    ArticleFactory(headline="A published one", status="published", publish_at=now)
    client = client_for(editor_user)
    url = reverse("admin:articles_article_changelist") + "?status__exact=draft"

    def page(n):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + (f"&p={n}" if n > 1 else ""))
        assert response.status_code == 200, n
        html = response.content.decode()
        shown = list(dict.fromkeys(re.findall(r"Draft number \d+", html)))  # (also in the checkbox's label)
        return html, shown, [q["sql"] for q in queries.captured_queries]

    html, shown, sql = page(1)
    assert shown == ["Draft number 0", "Draft number 1"]  # newest modified first
    assert "4+ articles" in html  # counted 4 (two pages' worth), not all 9
    counts = [q for q in sql if "COUNT(" in q.upper()]
    assert len(counts) == 1 and "LIMIT 5" in counts[0]
    assert 'href="?p=2&amp;status__exact=draft"' in html
    assert "showall" not in html  # "all" of an uncounted list could be anything

    html, shown, _ = page(2)
    assert shown == ["Draft number 2", "Draft number 3"]
    assert 'href="?p=3&amp;status__exact=draft"' in html  # one page past the current one is always linked

    html, shown, sql = page(3)  # a deep page: its ids first, then those rows
    assert shown == ["Draft number 4", "Draft number 5"]
    assert any("OFFSET 4" in q and '"articles_article"."headline"' not in q for q in sql)

    html, shown, _ = page(5)  # the count reaches the end: exact again
    assert shown == ["Draft number 8"] and "9 articles" in html and "+ articles" not in html
    assert "?p=6&amp;" not in html and '<span class="this-page">5</span>' in html
    assert "A published one" not in html
    assert {d.headline for d in drafts} >= set(shown)


def test_capped_count_shows_with_a_thousands_separator():
    from desk.admin.paginators import AtLeast

    assert str(AtLeast(1000)) == "1,000+" and AtLeast(1000) == 1000 and AtLeast(1000) > 50
