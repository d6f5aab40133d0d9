"""What the desk's screens share: the state badge's labels and colours, and messages from errors."""

from django.utils import timezone

from articles import workflow

STATUS_COLOURS = {
    "draft": "#6b7280",
    "in_review": "#b45309",
    "published": "#15803d",
    "unpublished": "#7c3aed",
    "killed": "#b91c1c",
    "scheduled": "#0369a1",
    "embargoed": "#be185d",
    "live": "#15803d",
    "expired": "#57534e",
}
STATE_LABELS = dict(workflow.DeskState.choices)  # the labels live beside workflow.desk_state


SHAREABLE_STATES = frozenset({"draft", "in_review", "scheduled", "embargoed"})


def state_of(article, now=None):
    return workflow.desk_state(
        article.status, article.publish_at, article.embargo_until, article.expire_at, now or timezone.now()
    )


def error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])
