"""Share-preview links: revoking every link made so far (a new ``preview_nonce``)."""

from __future__ import annotations

from django.db import transaction

from articles.models import Article, new_preview_nonce
from articles.permissions import ArticlePermissions
from articles.services.audit import audit, refusals_audited


@refusals_audited
@transaction.atomic
def revoke_share_links(article: Article, *, user) -> Article:
    """A new ``preview_nonce``: every share-preview link made so far stops working. Audited."""
    allowed = ArticlePermissions(user, article)
    allowed.require(allowed.can_share(), "revoke this story's share links")
    nonce = new_preview_nonce()
    Article.objects.filter(pk=article.pk).update(preview_nonce=nonce)
    article.preview_nonce = nonce
    audit(article, "revoke_share_links", user=user, message="Share-preview links revoked")
    return article
