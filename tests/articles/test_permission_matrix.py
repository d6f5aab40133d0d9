"""Who may do what, as a table: each role × each action × each state a story can be in, driven
through the services (not the admin), so that the table is the rule whatever screen calls them.

``articles.permissions.ArticlePermissions`` is the one place that decides; this file is the rule
written out for a reviewer. Each cell is

* ``yes``: the service did it (and its effect is checked);
* ``no``: the service raised ``Refused`` (a 403 in the desk) and wrote a ``refused`` audit row;
* ``·``: the move does not exist from that state (a ``ValidationError``, whoever asks).

The actors: ``reporter`` wrote the story and uploaded its picture; ``other_reporter`` is a reporter
who did neither; the others are the role groups of ``editors/roles.py`` and a superuser. The states:
``live`` and ``scheduled`` are both ``published`` (a publish time past or ahead); ``unpublished`` is
how a story is taken down (a legal withdrawal among others).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import images, services
from articles.models import Article, AuditEntry, Image
from articles.permissions import ArticlePermissions, Refused
from sources import triage
from sources.models import WireItem
from sources.wire.base import ParsedStory
from tests.conftest import role_user
from tests.factories import ArticleFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

STATES = ("draft", "in_review", "live", "scheduled", "unpublished", "killed")
ACTORS = ("reporter", "other_reporter", "wire_editor", "editor", "chief_editor", "superuser")

# fmt: off
MATRIX = """
action        actor           draft  in_review  live  scheduled  unpublished  killed
edit          reporter        yes    yes        no    no         no           no
edit          other_reporter  no     no         no    no         no           no
edit          wire_editor     yes    yes        no    no         no           no
edit          editor          yes    yes        yes   yes        yes          yes
edit          chief_editor    yes    yes        yes   yes        yes          yes
edit          superuser       yes    yes        yes   yes        yes          yes

reschedule    reporter        yes    no         no    no         no           no
reschedule    other_reporter  no     no         no    no         no           no
reschedule    wire_editor     yes    no         no    no         no           no
reschedule    editor          yes    yes        yes   yes        yes          yes
reschedule    chief_editor    yes    yes        yes   yes        yes          yes
reschedule    superuser       yes    yes        yes   yes        yes          yes

restore       reporter        yes    yes        no    no         no           no
restore       other_reporter  no     no         no    no         no           no
restore       wire_editor     yes    yes        no    no         no           no
restore       editor          yes    yes        yes   yes        yes          yes
restore       chief_editor    yes    yes        yes   yes        yes          yes
restore       superuser       yes    yes        yes   yes        yes          yes

share         reporter        yes    yes        no    no         no           no
share         other_reporter  no     no         no    no         no           no
share         wire_editor     yes    yes        no    no         no           no
share         editor          yes    yes        yes   yes        yes          yes
share         chief_editor    yes    yes        yes   yes        yes          yes
share         superuser       yes    yes        yes   yes        yes          yes

lead_image    reporter        yes    yes        no    no         no           no
lead_image    other_reporter  no     no         no    no         no           no
lead_image    wire_editor     yes    yes        no    no         no           no
lead_image    editor          yes    yes        yes   yes        yes          yes
lead_image    chief_editor    yes    yes        yes   yes        yes          yes
lead_image    superuser       yes    yes        yes   yes        yes          yes

new_file      reporter        yes    yes        no    no         no           no
new_file      other_reporter  no     no         no    no         no           no
new_file      wire_editor     yes    yes        no    no         no           no
new_file      editor          yes    yes        yes   yes        yes          yes
new_file      chief_editor    yes    yes        yes   yes        yes          yes
new_file      superuser       yes    yes        yes   yes        yes          yes

correct       reporter        no     no         no    no         no           no
correct       other_reporter  no     no         no    no         no           no
correct       wire_editor     no     no         no    no         no           no
correct       editor          yes    yes        yes   yes        yes          yes
correct       chief_editor    yes    yes        yes   yes        yes          yes
correct       superuser       yes    yes        yes   yes        yes          yes

submit        reporter        yes    ·          ·     ·          ·            ·
submit        other_reporter  no     ·          ·     ·          ·            ·
submit        wire_editor     yes    ·          ·     ·          ·            ·
submit        editor          yes    ·          ·     ·          ·            ·
submit        chief_editor    yes    ·          ·     ·          ·            ·
submit        superuser       yes    ·          ·     ·          ·            ·

return        reporter        ·      no         ·     ·          ·            ·
return        other_reporter  ·      no         ·     ·          ·            ·
return        wire_editor     ·      no         ·     ·          ·            ·
return        editor          ·      yes        ·     ·          ·            ·
return        chief_editor    ·      yes        ·     ·          ·            ·
return        superuser       ·      yes        ·     ·          ·            ·

publish       reporter        no     no         ·     ·          no           ·
publish       other_reporter  no     no         ·     ·          no           ·
publish       wire_editor     no     no         ·     ·          no           ·
publish       editor          yes    yes        ·     ·          yes          ·
publish       chief_editor    yes    yes        ·     ·          yes          ·
publish       superuser       yes    yes        ·     ·          yes          ·

unpublish     reporter        ·      ·          no    no         ·            ·
unpublish     other_reporter  ·      ·          no    no         ·            ·
unpublish     wire_editor     ·      ·          no    no         ·            ·
unpublish     editor          ·      ·          yes   yes        ·            ·
unpublish     chief_editor    ·      ·          yes   yes        ·            ·
unpublish     superuser       ·      ·          yes   yes        ·            ·

redraft       reporter        ·      ·          ·     ·          no           ·
redraft       other_reporter  ·      ·          ·     ·          no           ·
redraft       wire_editor     ·      ·          ·     ·          no           ·
redraft       editor          ·      ·          ·     ·          yes          ·
redraft       chief_editor    ·      ·          ·     ·          yes          ·
redraft       superuser       ·      ·          ·     ·          yes          ·

kill          reporter        ·      ·          no    no         no           ·
kill          other_reporter  ·      ·          no    no         no           ·
kill          wire_editor     ·      ·          no    no         no           ·
kill          editor          ·      ·          no    no         no           ·
kill          chief_editor    ·      ·          yes   yes        yes          ·
kill          superuser       ·      ·          yes   yes        yes          ·

unlock        reporter        no     no         no    no         no           no
unlock        other_reporter  no     no         no    no         no           no
unlock        wire_editor     no     no         no    no         no           no
unlock        editor          no     no         no    no         no           no
unlock        chief_editor    yes    yes        yes   yes        yes          yes
unlock        superuser       yes    yes        yes   yes        yes          yes

accept_wire   reporter        no     no         no    no         no           no
accept_wire   other_reporter  no     no         no    no         no           no
accept_wire   wire_editor     yes    yes        no    no         no           no
accept_wire   editor          no     no         no    no         no           no
accept_wire   chief_editor    yes    yes        yes   yes        yes          yes
accept_wire   superuser       yes    yes        yes   yes        yes          yes

reject_wire   reporter        no     no         no    no         no           no
reject_wire   other_reporter  no     no         no    no         no           no
reject_wire   wire_editor     yes    yes        yes   yes        yes          yes
reject_wire   editor          no     no         no    no         no           no
reject_wire   chief_editor    yes    yes        yes   yes        yes          yes
reject_wire   superuser       yes    yes        yes   yes        yes          yes
"""
# fmt: on


def _table() -> dict[str, dict[tuple[str, str], str]]:
    lines = [line.split() for line in MATRIX.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    assert header == ["action", "actor", *STATES]
    table: dict[str, dict[tuple[str, str], str]] = {}
    for action, actor, *cells in rows:
        assert actor in ACTORS and len(cells) == len(STATES), (action, actor)
        for state, cell in zip(STATES, cells, strict=True):
            assert cell in ("yes", "no", "·")
            table.setdefault(action, {})[(actor, state)] = cell
    for action, cells in table.items():
        assert len(cells) == len(ACTORS) * len(STATES), f"{action}: a role or a state is missing"
    return table


EXPECTED = _table()


@pytest.fixture
def picture(media_root):
    """The stored file every story's lead image points at."""
    from PIL import Image as PILImage

    path = media_root / "images" / "matrix.jpg"
    path.parent.mkdir(parents=True)
    PILImage.new("RGB", (600, 400), "teal").save(path, "JPEG")
    return "images/matrix.jpg"


@pytest.fixture
def actors(db):
    return {
        "reporter": role_user("Reporter", "matrix_reporter"),
        "other_reporter": role_user("Reporter", "matrix_other"),
        "wire_editor": role_user("Wire editor", "matrix_wire"),
        "editor": role_user("Editor", "matrix_editor"),
        "chief_editor": role_user("Chief editor", "matrix_chief"),
        "superuser": UserFactory(username="matrix_super", is_staff=True, is_superuser=True),
    }


def _story(state: str, author) -> Article:
    now = timezone.now()
    past, ahead = now - timedelta(days=1), now + timedelta(days=1)
    status = {"live": "published", "scheduled": "published"}.get(state, state)
    publish_at = {"draft": None, "in_review": None, "scheduled": ahead}.get(state, past)
    image = Image.objects.create(
        file="images/matrix.jpg", width=600, height=400, alt_text="A bridge", uploaded_by=author
    )
    article = ArticleFactory(
        status=status,
        publish_at=publish_at,
        first_published_at=publish_at if status != "draft" and publish_at else None,
        created_by=author,
        lead_image=image,
    )
    services.record_revision(article, user=author, reason="Created", first=True)
    return article


def _waiting_update(article: Article) -> None:
    source = SourceFactory(code="MTX")
    Article.objects.filter(pk=article.pk).update(source=source, wire_guid="mtx-1", wire_update_waiting=True)
    article.refresh_from_db()
    WireItem.objects.create(
        source=source,
        guid="mtx-1",
        version=2,
        format="ninjs",
        checksum="0" * 64,
        raw_payload="{}",
        parsed=ParsedStory(headline="Agency version two", body_html="<p>Version two.</p>").as_json(),
        outcome=WireItem.Outcome.WAITING,
        article=article,
    )


def _transition(name):
    target = {
        "submit": "in_review",
        "return": "draft",
        "publish": "published",
        "unpublish": "unpublished",
        "redraft": "draft",
        "kill": "killed",
    }[name]

    def act(article, user, actors):
        services.transition(article, name, user=user, reason="Matrix reason")
        return Article.objects.get(pk=article.pk).status == target

    return act


def _edit(article, user, actors):
    services.update_article(article, user=user, headline="Edited in the matrix")
    return Article.objects.get(pk=article.pk).headline == "Edited in the matrix"


def _reschedule(article, user, actors):
    later = timezone.now() + timedelta(days=30)
    services.update_article(article, user=user, expire_at=later)
    return Article.objects.get(pk=article.pk).expire_at == later


def _restore(article, user, actors):
    Article.objects.filter(pk=article.pk).update(headline="Changed since revision 1")
    article.refresh_from_db()
    services.restore_revision(article, article.revisions.get(number=1), user=user)
    return Article.objects.get(pk=article.pk).headline != "Changed since revision 1"


def _share(article, user, actors):
    before = article.preview_nonce
    services.revoke_share_links(article, user=user)
    return Article.objects.get(pk=article.pk).preview_nonce != before


def _lead_image(article, user, actors):
    image = Image.objects.get(pk=article.lead_image_id)
    image.caption = "A new caption"
    images.update_image(image, user=user)
    return Image.objects.get(pk=image.pk).caption == "A new caption"


def _new_file(article, user, actors):
    """A new file for the image (``save_image``: stored, renditions made, its stories purged)."""
    image = Image.objects.get(pk=article.lead_image_id)
    image.credit = "New picture"
    images.save_image(image, user=user)
    return Image.objects.get(pk=image.pk).credit == "New picture" and image.renditions.exists()


def _correct(article, user, actors):
    services.add_correction(article, kind="correction", text="A name was misspelt.", user=user)
    return article.corrections.count() == 1


def _unlock(article, user, actors):
    holder = actors["other_reporter"] if user != actors["other_reporter"] else actors["reporter"]
    Article.objects.filter(pk=article.pk).update(locked_by=holder, locked_at=timezone.now())
    services.force_unlock(article, user=user)
    return Article.objects.get(pk=article.pk).locked_by_id is None


def _accept_wire(article, user, actors):
    _waiting_update(article)
    triage.accept_wire_update(article, user=user, expected_version=article.version)
    return Article.objects.get(pk=article.pk).headline == "Agency version two"


def _reject_wire(article, user, actors):
    _waiting_update(article)
    triage.reject_wire_update(article, user=user)
    return not Article.objects.get(pk=article.pk).wire_update_waiting


ACTIONS = {
    "edit": _edit,
    "reschedule": _reschedule,
    "restore": _restore,
    "share": _share,
    "lead_image": _lead_image,
    "new_file": _new_file,
    "correct": _correct,
    **{name: _transition(name) for name in ("submit", "return", "publish", "unpublish", "redraft", "kill")},
    "unlock": _unlock,
    "accept_wire": _accept_wire,
    "reject_wire": _reject_wire,
}


class _Undo(Exception):
    pass


def _outcome(action: str, actor: str, state: str, actors) -> str:
    """Run one cell in a savepoint that is rolled back, and say what happened."""
    user = actors[actor]
    result = None
    try:
        with transaction.atomic():
            article = _story(state, actors["reporter"])
            try:
                done = ACTIONS[action](article, user, actors)
            except Refused:
                refused = AuditEntry.objects.filter(action="refused", actor=user).exists()
                result = "no" if refused else "no (not audited)"
            except ValidationError as exc:
                result = "·" if "Cannot" in str(exc) else f"invalid: {exc}"
            else:
                result = "yes" if done else "yes (no effect)"
            raise _Undo
    except _Undo:
        pass
    return result


def test_the_matrix_covers_every_action_and_role():
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(action, actors, picture):
    actual = {(actor, state): _outcome(action, actor, state, actors) for actor in ACTORS for state in STATES}
    wrong = {cell: (want, actual[cell]) for cell, want in EXPECTED[action].items() if actual[cell] != want}
    assert not wrong, "\n".join(
        f"{action} by {actor} on a {state} story: expected {want}, got {got}"
        for (actor, state), (want, got) in sorted(wrong.items())
    )


@pytest.mark.parametrize("action", ["edit", "share", "correct", "unlock", "accept_wire", "reject_wire"])
def test_the_policy_answers_what_the_services_enforce(action, actors):
    """The desk shows buttons from the policy's answers: they must agree with the table."""
    ask = {
        "edit": "can_edit",
        "share": "can_share",
        "correct": "can_correct",
        "unlock": "can_unlock",
        "accept_wire": "can_accept_wire_update",
        "reject_wire": "can_triage",
    }[action]
    for state in STATES:
        with transaction.atomic():
            article = _story(state, actors["reporter"])
            for actor in ACTORS:
                allowed = getattr(ArticlePermissions(actors[actor], article), ask)()
                assert allowed == (EXPECTED[action][(actor, state)] == "yes"), (action, actor, state)
            transaction.set_rollback(True)


def test_the_policy_lists_the_moves_the_services_make(actors):
    moves = ("submit", "return", "publish", "unpublish", "redraft", "kill")
    for state in STATES:
        with transaction.atomic():
            article = _story(state, actors["reporter"])
            for actor in ACTORS:
                listed = {m.name for m in ArticlePermissions(actors[actor], article).transitions()}
                assert listed == {m for m in moves if EXPECTED[m][(actor, state)] == "yes"}, (actor, state)
            transaction.set_rollback(True)


def test_the_system_may_do_anything_but_delete():
    policy = ArticlePermissions(None, ArticleFactory(status="killed"))
    assert policy.can_edit() and policy.can_publish() and policy.can_kill() and policy.can_change_image()
    assert not policy.can_delete()
