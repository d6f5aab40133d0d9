"""The allowed moves between states. Pure Python: no database, no request.

draft -> in_review -> published (a future publish_at shows as scheduled) -> unpublished;
killed ends a story's public life and can be reached from any state that was ever public.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        Transition("publish", "Publish", frozenset({DRAFT, IN_REVIEW, UNPUBLISHED}), PUBLISHED,
                   "articles.publish_article"),
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

