"""The allowed moves between states. No database access, no request.

draft -> in_review -> published (a future publish_at shows as scheduled) -> unpublished;
killed ends a story's public life and can be reached from any state that was ever public. A story
published for later (scheduled or under embargo, not yet readable) can be unscheduled back to review,
with no reason: nobody has read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Status

DRAFT, IN_REVIEW, PUBLISHED, UNPUBLISHED, KILLED = (
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.PUBLISHED,
    Status.UNPUBLISHED,
    Status.KILLED,
)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str  # "articles.<codename>"; "own" transitions also accept the story's author
    # Only while readers cannot see the story yet (desk state scheduled or embargoed): ``NOT_YET_PUBLIC``.
    before_public: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("submit", "Submit for review", frozenset({DRAFT}), IN_REVIEW, "articles.submit_article"),
        Transition("return", "Return to draft", frozenset({IN_REVIEW}), DRAFT, "articles.publish_article"),
        Transition(
            "publish",
            "Publish",
            frozenset({DRAFT, IN_REVIEW, UNPUBLISHED}),
            PUBLISHED,
            "articles.publish_article",
        ),
        Transition(
            "unschedule",
            "Unschedule",
            frozenset({PUBLISHED}),
            IN_REVIEW,
            "articles.publish_article",
            before_public=True,
        ),
        Transition("unpublish", "Unpublish", frozenset({PUBLISHED}), UNPUBLISHED, "articles.publish_article"),
        Transition("redraft", "Back to draft", frozenset({UNPUBLISHED}), DRAFT, "articles.publish_article"),
        Transition("kill", "Kill", frozenset({PUBLISHED, UNPUBLISHED}), KILLED, "articles.kill_article"),
    ]
}


class IllegalTransition(ValueError):
    pass


def get_transition(name: str, current: str) -> Transition:
    try:
        transition = TRANSITIONS[name]
    except KeyError:
        raise IllegalTransition(f"There is no action called {name!r}.") from None
    if current not in transition.sources:
        allowed = ", ".join(sorted(t.name for t in TRANSITIONS.values() if current in t.sources)) or "none"
        raise IllegalTransition(
            f"Cannot {transition.label.lower()}: the story is {current.replace('_', ' ')} "
            f"(possible from here: {allowed})."
        )
    return transition


def possible_now(move: Transition, article, now=None) -> bool:
    """Whether ``move`` can be made on ``article`` now, beyond its status: a ``before_public`` move
    only while no reader can see the story yet."""
    return not move.before_public or article.desk_state(now) in NOT_YET_PUBLIC


def available(current: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if current in t.sources]


class DeskState(models.TextChoices):
    """What the desk calls a story at a given time (``desk_state``), with its label: a status, or for a
    published story whether it is scheduled, embargoed, live or expired. A live story is "Published"
    to the desk ("is now published")."""

    DRAFT = Status.DRAFT.value, Status.DRAFT.label
    IN_REVIEW = Status.IN_REVIEW.value, Status.IN_REVIEW.label
    SCHEDULED = "scheduled", _("Scheduled")
    EMBARGOED = "embargoed", _("Embargoed")
    LIVE = "live", Status.PUBLISHED.label
    EXPIRED = "expired", _("Expired")
    UNPUBLISHED = Status.UNPUBLISHED.value, Status.UNPUBLISHED.label
    KILLED = Status.KILLED.value, Status.KILLED.label


DESK_STATES = tuple(DeskState.values)
# The states in which a story's public life is over (taken down, left on schedule, killed): a share
# link shows nothing of them (``public.preview``).
ENDED = frozenset({DeskState.UNPUBLISHED, DeskState.EXPIRED, DeskState.KILLED})
# Published for later: in the published status, but no reader can see it yet.
NOT_YET_PUBLIC = frozenset({DeskState.SCHEDULED, DeskState.EMBARGOED})


def embargo_in_force(embargo_until, now) -> bool:
    return embargo_until is not None and embargo_until > now


def visible_from(publish_at, embargo_until):
    """When readers first see a published story: its publish time, or the end of its embargo when that
    is later (None without a publish time). It is the story's publication time for readers
    (``Article.published_time``); ``querysets.published_time_expr()`` is the same rule in SQL."""
    if publish_at is None:
        return None
    return max(publish_at, embargo_until) if embargo_until is not None else publish_at


def desk_state(status: str, publish_at, embargo_until, expire_at, now) -> str:
    """What the desk calls a story at ``now``: its status, or for a published one whether it is
    scheduled (publish time ahead), embargoed (an embargo in force wins over a schedule),
    expired (``expire_at`` passed) or live. The public site's rule is ``Article.objects.published()``;
    this is the same rule, for one story already in memory."""
    if status != PUBLISHED:
        return status
    if embargo_in_force(embargo_until, now):
        return DeskState.EMBARGOED
    if publish_at is not None and publish_at > now:
        return DeskState.SCHEDULED
    if expire_at is not None and expire_at <= now:
        return DeskState.EXPIRED
    return DeskState.LIVE


def desk_state_condition(state: str, now) -> Q:
    """``desk_state`` as a filter: the stories that ``desk_state`` calls ``state`` at ``now``.
    ``Article.objects.published()`` is ``desk_state_condition("live", now)``, so the desk's status
    filter and the public site share one rule (``tests/articles/test_desk_state_rule.py`` pins it)."""
    if state not in DESK_STATES:
        raise ValueError(f"unknown desk state {state!r}")
    if state not in (DeskState.SCHEDULED, DeskState.EMBARGOED, DeskState.LIVE, DeskState.EXPIRED):
        return Q(status=state)
    if state == DeskState.EMBARGOED:
        return Q(status=PUBLISHED, embargo_until__gt=now)
    not_embargoed = Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)
    if state == DeskState.SCHEDULED:
        return Q(not_embargoed, status=PUBLISHED, publish_at__gt=now)
    due = Q(not_embargoed, status=PUBLISHED, publish_at__lte=now)  # a published story always has publish_at
    if state == DeskState.EXPIRED:
        return Q(due, expire_at__lte=now)
    return Q(due, Q(expire_at__isnull=True) | Q(expire_at__gt=now))
