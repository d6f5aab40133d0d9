"""Who may do what to a story: the one place that decides.

``ArticlePermissions(user, article)`` answers every question the services, the desk's screens and
templates ask (``can_edit``, ``can_publish``, ``transitions()``...) and ``require(...)`` raises
``Refused`` for the services. Nothing else reads a role's permissions to decide: the desk's
``has_*_permission`` methods delegate here, and so do the image services and triage.

``user=None`` is the system (an import, the scheduler): it may do anything. A person needs the
Django permissions their role group gives them (``editors/roles.py``); a superuser has them all.

The rules, stated once:

* **Live copy needs publish rights.** A story that is or was public (published, whether live,
  scheduled or embargoed; unpublished, which may be a legal withdrawal; killed) is edited only by
  someone who may publish (``EVER_PUBLIC``); so is an image a story of that kind leads with, and so
  is a change of the schedule of any story that is not a draft.
* Otherwise ``edit_any_article`` edits any story, and a reporter (``change_article``) their own drafts
  and stories in review.
* A move (``workflow.TRANSITIONS``) needs its permission; submitting a story one cannot edit (someone
  else's) is a desk decision and needs publish rights too.
* Accepting a waiting agency version is triage (``sources.triage_wire``) and, on a story that is or
  was public, publishing too; rejecting one is triage alone (the copy stays as it is).
* An image is changed by whoever uploaded it or by the desk (``edit_any_article``), and, when a story
  that is or was public leads with it, only with publish rights.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from articles import workflow
from articles.models import Article, Image

# The statuses in which a story's copy is, was or may again be public: edits need publish rights.
EVER_PUBLIC = frozenset({workflow.PUBLISHED, workflow.UNPUBLISHED, workflow.KILLED})
# An edit may still change a draft's schedule freely (it is not public, and publishing it is a move).
SCHEDULE_FREE = frozenset({workflow.DRAFT})

PUBLISH = "articles.publish_article"
EDIT_ANY = "articles.edit_any_article"
CHANGE = "articles.change_article"


class Refused(PermissionDenied):
    """A person tried something their role does not allow. Shown as 403; always audited.

    The audit row is written by ``services.record_refusal`` *after* the service's transaction has
    rolled back (otherwise it would be rolled back with it); callers that wrap a service in their own
    transaction (the admin's change form) call ``record_refusal`` again once theirs has ended."""

    def __init__(self, message: str, *, article: Article | None = None, user=None, action: str = ""):
        super().__init__(message)
        self.article, self.user, self.action = article, user, action
        self.audit_id = None


class ArticlePermissions:
    """What ``user`` may do with ``article`` (``None``: a story not chosen yet, e.g. the change list,
    where ``can_edit`` says whether the user edits stories at all)."""

    def __init__(self, user, article: Article | None = None):
        self.user = user
        self.article = article

    # -- the person -------------------------------------------------------------------------------

    @property
    def system(self) -> bool:
        return self.user is None

    def _has(self, *permissions: str) -> bool:
        return self.user is None or (self.user.is_active and all(self.user.has_perm(p) for p in permissions))

    @property
    def _status(self) -> str | None:
        return self.article.status if self.article is not None else None

    # -- questions ----------------------------------------------------------------------------------

    def can_view(self) -> bool:
        return self._has("articles.view_article") or self._has(CHANGE)

    def can_create(self) -> bool:
        return self._has("articles.add_article")

    def can_edit(self) -> bool:
        """Change the story's copy, placement, credits, tags or schedule (and restore a revision)."""
        if self.system:
            return True
        if not self._has(CHANGE):
            return False
        article = self.article
        if article is None:
            return True
        if article.status in EVER_PUBLIC and not self._has(PUBLISH):
            return False
        if self._has(EDIT_ANY):
            return True
        return article.created_by_id == self.user.pk and article.status in (
            workflow.DRAFT,
            workflow.IN_REVIEW,
        )

    def can_reschedule(self) -> bool:
        """Change when a story is (or was) public (publish, embargo, expiry, "updated" times): that is
        publishing, for anything but a draft. (Editing the story at all is ``can_edit``.)"""
        return self._status in SCHEDULE_FREE or self._has(PUBLISH)

    def can_publish(self) -> bool:
        return self._has(PUBLISH)

    def can_submit(self) -> bool:
        return self._has("articles.submit_article")

    def can_kill(self) -> bool:
        return self._has("articles.kill_article")

    def can_unlock(self) -> bool:
        """Take someone else's edit lock away."""
        return self._has("articles.unlock_article")

    def can_triage(self) -> bool:
        """Accept or reject a waiting agency version."""
        return self._has("sources.triage_wire")

    def can_accept_wire_update(self) -> bool:
        """Apply a waiting agency version over the editor's changes: triage, and for a story that is
        or was public publish rights too (it changes live copy, as an edit would)."""
        if self._status in EVER_PUBLIC and not self._has(PUBLISH):
            return False
        return self.can_triage()

    def can_import(self) -> bool:
        return self._has("sources.import_wire")

    def can_share(self) -> bool:
        """Make or revoke the story's share-preview links: whoever may edit it."""
        return self.can_edit()

    def can_correct(self) -> bool:
        """Add a correction or note to readers."""
        return self._has("articles.correct_article")

    def can_view_audit(self) -> bool:
        return self._has("articles.view_audit")

    def can_delete(self) -> bool:
        """Deleting skips the audit, the purge and the wire link: stories are unpublished or killed
        instead. Only a superuser (cleaning up test data) deletes; the system never does."""
        return self.user is not None and self.user.is_active and self.user.is_superuser

    def can_upload_image(self) -> bool:
        return self._has("articles.add_image")

    def can_change_image(self, image: Image | None = None) -> bool:
        """Change an image's file, caption, credit, alt text or focal point (``None``: any image)."""
        if self.system:
            return True
        if not self._has("articles.change_image"):
            return False
        if image is None or image.pk is None:
            return True
        if not (self._has(EDIT_ANY) or (image.uploaded_by_id and image.uploaded_by_id == self.user.pk)):
            return False
        if self._has(PUBLISH):
            return True
        return not Article.objects.filter(lead_image=image, status__in=EVER_PUBLIC).exists()

    # -- the workflow -----------------------------------------------------------------------------

    def move_permissions(self, move: workflow.Transition) -> list[tuple[str, str]]:
        """The permissions ``move`` needs on this story, each with the action a refusal names."""
        needed = []
        if move.name == "submit" and not self.can_edit():
            needed.append((PUBLISH, "submit this story"))  # someone else's story: a desk decision
        needed.append((move.permission, move.label.lower()))
        return needed

    def can_move(self, name: str) -> bool:
        move = workflow.TRANSITIONS.get(name)
        if move is None or self._status not in move.sources:
            return False
        return all(self._has(permission) for permission, _ in self.move_permissions(move))

    def transitions(self) -> list[workflow.Transition]:
        """The moves the user may make on the story now: the rule ``services.transition`` enforces."""
        if self.article is None:
            return []
        return [move for move in workflow.available(self.article.status) if self.can_move(move.name)]

    # -- refusing -----------------------------------------------------------------------------------

    def refuse(self, message: str, action: str) -> Refused:
        return Refused(message, article=self.article, user=self.user, action=action)

    def require(self, allowed: bool, action: str, needs: str | None = None) -> None:
        """Raise ``Refused`` unless ``allowed`` (one of the answers above)."""
        if allowed:
            return
        why = f" (needs {needs})" if needs else ""
        raise self.refuse(f"You are not allowed to {action}{why}.", action)

    def require_edit(self) -> None:
        if not self.can_edit():
            raise self.refuse("You are not allowed to edit this story.", "edit")

    def require_reschedule(self) -> None:
        self.require(self.can_reschedule(), "reschedule a story that is not a draft", PUBLISH)

    def require_move(self, name: str) -> None:
        """The move must be possible from the story's status (``IllegalTransition`` otherwise,
        checked first by the caller); this checks who may make it."""
        for permission, action in self.move_permissions(workflow.TRANSITIONS[name]):
            self.require(self._has(permission), action, permission)

    def require_change_image(self, image: Image) -> None:
        if not self.can_change_image(image):
            raise self.refuse(
                "You are not allowed to change this image: a story that is or was public leads with it, "
                "and changing it needs publish rights (or it is not yours to change).",
                "change an image",
            )


def policy(user, article: Article | None = None) -> ArticlePermissions:
    return ArticlePermissions(user, article)
