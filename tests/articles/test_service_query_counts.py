"""What the desk's services cost, pinned (as Zulip pins its actions): a change that adds a query to
``transition``, ``edit_article``, ``restore_revision`` or a wire update shows up here, and the new
count is a decision, not an accident.

Each count is for a person whose permissions are not loaded yet (a fresh request: two queries, the
user's and their groups' permissions), so it covers everything the service asks. Signals are sent
after commit, outside these counts (the tests' transaction never commits).
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory, SectionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads them: no permission cache."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def story(editor_user):
    article = ArticleFactory(status="in_review", section=SectionFactory(), created_by=editor_user)
    services.set_credits(article, [services.CreditInput(name="Daniel Brooks", role="editing")])
    services.set_tags(article, ["Water", "Dams"])
    services.record_revision(article, reason="Created", first=True)
    return Article.objects.get(pk=article.pk)


# The queries each service makes, in order, written out so that a change is read, not just counted.
LOCKED_AND_ASKED = [
    "SAVEPOINT (the service's atomic block)",
    "SELECT ... FOR UPDATE: the story, its version checked",
    "the user's own permissions",
    "the user's groups' permissions",
]
SAVED = [
    "UPDATE the story (the fields, version + 1, modified_at/by)",
    "SELECT the new version",
]
CREDITS_AND_TAGS = [
    "DELETE the credits",
    "INSERT the credits (one statement)",
    "SELECT the tags by name (lower(name) IN ...)",
    "SELECT the story's current tag links",
    "DELETE the tag links that went",
    "INSERT the tag links that came",
]
REVISION = [
    "SELECT max(revision number)",
    "SELECT the credits (with their staff profiles) for the snapshot",
    "SELECT the tag names for the snapshot",
    "INSERT the revision",
]
RELEASED = ["RELEASE SAVEPOINT"]

TRANSITION = [*LOCKED_AND_ASKED, *SAVED, *REVISION, "INSERT the audit row", *RELEASED]


def test_transition(django_assert_num_queries, story, editor_user):
    user = fresh(editor_user)
    with django_assert_num_queries(len(TRANSITION)):
        services.transition(story, "publish", user=user, expected_version=story.version)
    assert Article.objects.get(pk=story.pk).status == "published"


EDIT = [*LOCKED_AND_ASKED, *SAVED, *CREDITS_AND_TAGS, *REVISION, *RELEASED]


def test_edit_article(django_assert_num_queries, story, editor_user):
    TagFactory(name="Rivers", slug="rivers")
    user = fresh(editor_user)
    writer = EditorFactory()
    with django_assert_num_queries(len(EDIT)):
        services.edit_article(
            story,
            user=user,
            fields={
                "headline": "Dam repairs finished early",
                "standfirst": "Engineers widened the spillway.",
            },
            credits=[
                services.CreditInput(role="writer", editor_id=writer.pk),
                services.CreditInput(role="editing", name="Daniel Brooks"),
            ],
            tags=["Water", "Rivers"],
            expected_version=story.version,
        )
    story.refresh_from_db()
    assert story.headline == "Dam repairs finished early" and story.version == 2
    assert sorted(story.tags.values_list("name", flat=True)) == ["Rivers", "Water"]


# No credits or tags given (they stay as they are); a schedule change is audited.
RESCHEDULE = [*LOCKED_AND_ASKED, *SAVED, *REVISION, "INSERT the reschedule audit row", *RELEASED]


def test_edit_article_rescheduling(django_assert_num_queries, story, editor_user):
    user = fresh(editor_user)
    later = timezone.now() + timedelta(days=3)
    with django_assert_num_queries(len(RESCHEDULE)):
        services.edit_article(story, user=user, fields={"expire_at": later}, expected_version=story.version)
    assert story.audit_entries.filter(action="reschedule").exists()


# The revision's section is looked up (it may have been deleted since; so would its lead image be, had
# it one), then it is an edit; its tags are the story's already, so the tag links are not touched.
RESTORE = [
    "SELECT the section the revision names",
    *LOCKED_AND_ASKED,
    *SAVED,
    *[q for q in CREDITS_AND_TAGS if "tag links that" not in q],
    *REVISION,
    *RELEASED,
]


def test_restore_revision(django_assert_num_queries, story, editor_user):
    services.update_article(story, user=editor_user, headline="A headline to undo")
    first = story.revisions.get(number=1)
    user = fresh(editor_user)
    story = Article.objects.get(pk=story.pk)
    with django_assert_num_queries(len(RESTORE)):
        services.restore_revision(story, first, user=user, expected_version=story.version)
    assert Article.objects.get(pk=story.pk).headline == first.snapshot["headline"]


# The system (no permissions to load), an edit inside apply_wire_update's own block, then the
# published story's "updated" time.
WIRE_UPDATE = [
    "SAVEPOINT (apply_wire_update)",
    "SAVEPOINT (edit_article)",
    "SELECT ... FOR UPDATE: the story",
    *SAVED,
    *CREDITS_AND_TAGS,
    *REVISION,
    "RELEASE SAVEPOINT (edit_article)",
    "UPDATE updated_at, wire_update_waiting (a published story)",
    "SELECT updated_at, wire_update_waiting back",
    "RELEASE SAVEPOINT (apply_wire_update)",
]


def test_apply_wire_update(django_assert_num_queries):
    source = SourceFactory(code="AFP")
    article = services.create_from_wire(
        source=source,
        guid="urn:afp:1",
        fields={"headline": "Dam repairs begin", "body": "<p>Version one.</p>", "language": "en"},
        credits=[services.CreditInput(name="Agency reporter", role="reporting")],
        tags=["Water"],
        publish=True,
        reason="AFP v1",
    )
    TagFactory(name="Dams", slug="dams")
    article = Article.objects.get(pk=article.pk)
    with django_assert_num_queries(len(WIRE_UPDATE)):
        services.apply_wire_update(
            article,
            fields={"headline": "Dam repairs finished", "body": "<p>Version two.</p>"},
            credits=[services.CreditInput(name="Agency reporter", role="reporting")],
            tags=["Dams"],
            reason="AFP v2",
        )
    article.refresh_from_db()
    assert article.headline == "Dam repairs finished" and article.version == 2
