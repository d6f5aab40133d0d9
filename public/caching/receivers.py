"""What purges the page cache: the domain's signals (sent after commit by the services, and by
``publish_due``), one purge for a whole import batch (``stories_committed``), and a section, tag,
author profile or source saved or deleted. Connected by ``PublicConfig.ready()``."""

import logging

from django.db import transaction

from public.caching.purging import purge

log = logging.getLogger(__name__)

# An import batch of at most this many stories is rendered at once; a bigger one is left to its first
# readers (the story page renders and stores what it lacks) and to ``manage.py render_pages``, so that
# an import of thousands does not wait for their templates.
RENDER_BATCH_MAX = 50


def render_written(pks) -> None:
    """Store the renderings of the stories just written (``stored.py``); drop those no longer live.
    Never fails the write that announced them: a story without a current rendering is rendered by its
    first reader."""
    from public.caching import stored

    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return
    try:
        stored.render_stories(pks)
        stored.forget(pks)
    except Exception:  # noqa: BLE001 - the write has committed; its readers render what is missing
        log.exception("rendering stories %s failed; their readers will render them", pks[:10])


def on_article_signal(sender, article=None, **kwargs):
    purge(f"story {getattr(article, 'pk', '?')} published or changed")
    render_written([getattr(article, "pk", None)])


def on_stories_committed(sender, changes=(), **kwargs):
    """An import batch: one purge for all the stories it published or changed."""
    more = f" and {len(changes) - 1} more" if len(changes) > 1 else ""
    purge(f"story {getattr(changes[0][1], 'pk', '?')}{more} published or changed")
    pks = list(dict.fromkeys(getattr(article, "pk", None) for _, article in changes))
    if len(pks) <= RENDER_BATCH_MAX:
        render_written(pks)


def _visible_when_created(instance) -> bool:
    """Whether a newly created row can change a cached page at once.

    A new tag has no published story yet (an import creates them inside its transaction, for draft
    wire copy too) and a new author's page answered 404 until now, which is never stored; a new active
    section changes the navigation on every page.
    """
    from articles.models import Section

    return isinstance(instance, Section) and instance.is_active


def on_model_change(sender, instance=None, created=False, **kwargs):
    """Section, Tag, Editor, Source saved or deleted: purge once the change is committed (so never for a
    change that rolls back, and never holding the generation row's lock for the rest of a long
    transaction such as an import); a new tag or author purges nothing."""
    if created and not _visible_when_created(instance):
        return
    reason = (
        f"{sender.__name__} {getattr(instance, 'pk', '?')} {'deleted' if 'origin' in kwargs else 'changed'}"
    )
    transaction.on_commit(lambda: purge(reason), robust=True)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from articles.models import Section, Tag
    from articles.signals import article_changed, article_published, stories_committed
    from editors.models import Editor
    from sources.models import Source

    article_published.connect(on_article_signal, dispatch_uid="page-cache-published")
    article_changed.connect(on_article_signal, dispatch_uid="page-cache-changed")
    stories_committed.connect(on_stories_committed, dispatch_uid="page-cache-batch")
    for model in (Section, Tag, Editor, Source):  # a source's name is shown on its stories
        post_save.connect(on_model_change, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(on_model_change, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
