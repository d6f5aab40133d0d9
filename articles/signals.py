"""Signals for decoupled side effects (cache purge, notifications). Sent only after commit."""

from django.db import transaction
from django.dispatch import Signal

article_published = Signal()  # sender=Article, article=...
article_changed = Signal()  # any change to a story that is or was public


def after_commit(signal: Signal, article) -> None:
    transaction.on_commit(lambda: signal.send(sender=type(article), article=article))
