"""Colleagues by name, times in the newsroom's zone: locks, takeovers, history and audit say "Shilan
Aziz" and "8 Dec 2026, 14:05 +03", not "shilan" and a bare clock."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article
from editors.models import Editor
from editors.people import display_name
from tests.conftest import role_user
from tests.factories import UserFactory

ZONED = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}(:\d{2})? \+03")


def named(role, username, name):
    user = role_user(role, username)
    Editor.objects.create(user=user, display_name=name, slug=username)
    return user


def test_display_name_prefers_the_profile_then_the_full_name_then_the_username(db):
    with_profile = UserFactory(username="shilan", first_name="S.", last_name="A.")
    Editor.objects.create(user=with_profile, display_name="Shilan Aziz", slug="shilan")
    assert display_name(with_profile) == "Shilan Aziz"
    assert display_name(UserFactory(username="rebin", first_name="Rebin", last_name="Omar")) == "Rebin Omar"
    assert display_name(UserFactory(username="nawroz", first_name="", last_name="")) == "nawroz"
    assert display_name(None) == "system"


def test_the_lock_banner_names_the_holder_and_the_time_with_its_zone(db):
    shilan = named("Editor", "shilan", "Shilan Aziz")
    named("Chief editor", "nawroz", "Nawroz Karim")
    story = services.create_article(user=shilan, headline="Dam report")
    services.acquire_lock(story, shilan)
    client = Client()
    client.force_login(story.locked_by.__class__.objects.get(username="nawroz"))
    page = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    banner = page[page.index('id="desk-lock"') :][:400]
    assert "Locked by Shilan Aziz" in banner and "shilan<" not in banner
    assert ZONED.search(banner), banner


def test_history_and_audit_name_people_and_zone_times(db):
    shilan = named("Editor", "shilan", "Shilan Aziz")
    chief = named("Chief editor", "nawroz", "Nawroz Karim")
    story = services.create_article(user=shilan, headline="Dam report")
    services.update_article(story, user=shilan, headline="Dam report, updated")
    client = Client()
    client.force_login(chief)
    page = client.get(reverse("admin:articles_article_history", args=[story.pk])).content.decode()
    start = page.index('id="revisions"')
    revisions = page[start : page.index("</table>", start)]
    assert "Shilan Aziz" in revisions and ">shilan<" not in revisions
    assert ZONED.search(revisions)
    compare = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]) + "?a=1&b=2"
    ).content.decode()
    assert "Shilan Aziz: Created" in compare and ZONED.search(compare)


def test_the_audit_log_says_what_happened_in_words_at_a_fixed_cost(db, django_assert_max_num_queries):
    shilan = named("Editor", "shilan", "Shilan Aziz")
    chief = named("Chief editor", "nawroz", "Nawroz Karim")
    story = services.create_article(user=shilan, headline="Dam report")
    services.transition(story, "submit", user=shilan)
    services.transition(story, "publish", user=shilan)
    client = Client()
    client.force_login(chief)
    page = client.get(reverse("admin:articles_article_history", args=[story.pk])).content.decode()
    start = page.index('id="audit"')
    audit = page[start : page.index("</table>", start)]
    assert "Submitted for review" in audit and "Published" in audit and "In review → Published" in audit
    assert ">submit<" not in audit and "in_review" not in audit
    log = client.get(reverse("admin:articles_auditentry_changelist")).content.decode()
    assert "Submitted for review" in log and "Shilan Aziz" in log
    for _ in range(5):
        services.update_article(story, user=shilan, headline="Dam report, again")  # no audit rows, revisions
    with django_assert_max_num_queries(12):
        client.get(reverse("admin:articles_article_history", args=[story.pk]))


def test_who_may_only_read_a_story_sees_its_body_rendered_not_its_html(db):
    """A reporter opening a live story (read-only for them) reads it as readers do."""
    reporter = named("Reporter", "rebin", "Rebin Omar")
    story = services.create_article(
        user=reporter, headline="Night market", body="<p>Forty <strong>stalls</strong> open.</p>"
    )
    Article.objects.filter(pk=story.pk).update(
        status="published", publish_at=timezone.now(), body=story.body + "<script>x()</script>"
    )
    client = Client()
    client.force_login(reporter)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert '<div class="desk-readonly-body"><p>Forty <strong>stalls</strong> open.</p></div>' in page
    assert "&lt;p&gt;Forty" not in page and "<script>x()" not in page


def test_a_takeover_and_a_refused_save_name_the_holder(db):
    shilan = named("Editor", "shilan", "Shilan Aziz")
    chief = named("Chief editor", "nawroz", "Nawroz Karim")
    story = services.create_article(user=shilan, headline="Dam report")
    services.acquire_lock(story, shilan)
    services.force_unlock(story, user=chief)
    services.acquire_lock(story, chief)
    client = Client()
    client.force_login(shilan)
    beat = client.post(reverse("admin:articles_article_heartbeat", args=[story.pk])).json()
    assert beat["locked"] is False and beat["holder"] == "Nawroz Karim"
