"""The allowed moves between states. No database access, no request.

draft -> in_review -> published (a future publish_at shows as scheduled) -> unpublished;
killed ends a story's public life and can be reached from any state that was ever public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

DRAFT, IN_REVIEW, PUBLISHED, UNPUBLISHED, KILLED = "draft", "in_review", "published", "unpublished", "killed"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str  # "articles.<codename>"; "own" transitions also accept the story's author


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


def available(current: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if current in t.sources]


def desk_state(status: str, publish_at, embargo_until, expire_at, now) -> str:
    """What the desk calls a story at ``now``: its status, or for a published one whether it is
    scheduled (publish time ahead), embargoed (an embargo in force wins over a schedule),
    expired (``expire_at`` passed) or live. The public site's rule is ``Article.objects.published()``;
    this is the same rule, for one story already in memory."""
    if status != PUBLISHED:
        return status
    if embargo_until is not None and embargo_until > now:
        return "embargoed"
    if publish_at is not None and publish_at > now:
        return "scheduled"
    if expire_at is not None and expire_at <= now:
        return "expired"
    return "live"


DESK_STATES = (DRAFT, IN_REVIEW, "scheduled", "embargoed", "live", "expired", UNPUBLISHED, KILLED)


def desk_state_condition(state: str, now) -> Q:
    """``desk_state`` as a filter: the stories that ``desk_state`` calls ``state`` at ``now``.
    ``Article.objects.published()`` is ``desk_state_condition("live", now)``, so the desk's status
    filter and the public site share one rule (``tests/articles/test_desk_state_rule.py`` pins it)."""
    if state not in DESK_STATES:
        raise ValueError(f"unknown desk state {state!r}")
    if state not in ("scheduled", "embargoed", "live", "expired"):
        return Q(status=state)
    if state == "embargoed":
        return Q(status=PUBLISHED, embargo_until__gt=now)
    not_embargoed = Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)
    if state == "scheduled":
        return Q(not_embargoed, status=PUBLISHED, publish_at__gt=now)
    due = Q(not_embargoed, status=PUBLISHED, publish_at__lte=now)  # a published story always has publish_at
    if state == "expired":
        return Q(due, expire_at__lte=now)
    return Q(due, Q(expire_at__isnull=True) | Q(expire_at__gt=now))
