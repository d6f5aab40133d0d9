"""The domain's announcements, for decoupled side effects (the public site's cache purge, later
webhooks). Sent only after commit; the domain never imports who listens (``public`` connects its
receivers in its own ``AppConfig.ready()``)."""

import threading
from contextlib import contextmanager

from django.db import transaction
from django.dispatch import Signal

article_published = Signal()  # sender=Article, article=...
article_changed = Signal()  # any change to a story that is or was public
# sender=Article, changes=[(signal, article), ...]: what one ``batch()`` committed, sent once instead
stories_committed = Signal()

_batch = threading.local()


class _Committed(list):
    closed = False


def after_commit(signal: Signal, article) -> None:
    """Send ``signal`` for ``article`` once the current transaction commits (never if it rolls back).
    Inside ``batch()`` it is gathered and sent with the others as one ``stories_committed``."""
    gathered = getattr(_batch, "committed", None)

    def send():
        if gathered is not None and not gathered.closed:
            gathered.append((signal, article))
        else:
            signal.send(sender=type(article), article=article)

    transaction.on_commit(send)


@contextmanager
def batch():
    """Gather what the block's transactions announce (an import batch's 500 stories) and send it as
    one ``stories_committed`` on leaving the outermost block, if anything committed. Wrap the whole
    transaction, so that its commit happens inside; a commit after the block sends one by one."""
    if getattr(_batch, "committed", None) is not None:
        yield
        return
    gathered = _batch.committed = _Committed()
    try:
        yield
    finally:
        gathered.closed = True
        _batch.committed = None
        if gathered:
            from articles.models import Article

            stories_committed.send(sender=Article, changes=list(gathered))
