"""The domain's after-commit announcements, and ``batch()``, which sends an import batch's as one."""

import pytest
from django.db import transaction

from articles import signals
from tests.factories import ArticleFactory


@pytest.fixture
def heard():
    got = []

    def one(sender, article=None, **kwargs):
        got.append(("one", article.pk))

    def many(sender, changes=(), **kwargs):
        got.append(("batch", [(s is signals.article_published, a.pk) for s, a in changes]))

    signals.article_changed.connect(one, dispatch_uid="test-one")
    signals.article_published.connect(one, dispatch_uid="test-one-published")
    signals.stories_committed.connect(many, dispatch_uid="test-many")
    yield got
    signals.article_changed.disconnect(dispatch_uid="test-one")
    signals.article_published.disconnect(dispatch_uid="test-one-published")
    signals.stories_committed.disconnect(dispatch_uid="test-many")


@pytest.mark.django_db(transaction=True)
def test_sent_after_commit_and_never_for_a_rollback(heard):
    a = ArticleFactory()
    with transaction.atomic():
        signals.after_commit(signals.article_changed, a)
        assert heard == []
    assert heard == [("one", a.pk)]
    with pytest.raises(RuntimeError), transaction.atomic():
        signals.after_commit(signals.article_changed, a)
        raise RuntimeError
    assert heard == [("one", a.pk)]


@pytest.mark.django_db(transaction=True)
def test_a_batch_sends_what_it_committed_once(heard):
    a, b = ArticleFactory(), ArticleFactory()
    with signals.batch():
        with transaction.atomic():
            signals.after_commit(signals.article_published, a)
            signals.after_commit(signals.article_changed, b)
        with signals.batch(), transaction.atomic():  # nested: still the outer one's
            signals.after_commit(signals.article_changed, a)
        with pytest.raises(RuntimeError), transaction.atomic():
            signals.after_commit(signals.article_changed, b)
            raise RuntimeError
        assert heard == []
    assert heard == [("batch", [(True, a.pk), (False, b.pk), (False, a.pk)])]


@pytest.mark.django_db(transaction=True)
def test_an_empty_batch_sends_nothing_and_a_commit_after_it_sends_alone(heard):
    with signals.batch():
        pass
    assert heard == []
    a = ArticleFactory()
    with transaction.atomic():
        with signals.batch():
            signals.after_commit(signals.article_changed, a)
        assert heard == []
    assert heard == [("one", a.pk)]
