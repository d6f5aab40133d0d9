"""Reads. "Published" is defined here, once; every public surface starts from it."""

from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What a reader may see at ``now``: published, due, not embargoed, not expired."""
        now = now or timezone.now()
        return self.filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
            Q(expire_at__isnull=True) | Q(expire_at__gt=now),
            status="published",
            publish_at__lte=now,
        )

    def _with_credits(self):
        from articles.models import ArticleCredit

        return self.prefetch_related(
            Prefetch("credits", queryset=ArticleCredit.objects.select_related("editor").order_by("position", "id"))
        )

    def for_listing(self):
        """A teaser in a list: headline, standfirst, section, image, credits. Three queries for any length."""
        return (
            self.select_related("section", "lead_image")
            .defer("body", "editor_note", "withdrawn_reason")
            ._with_credits()
            .order_by("-publish_at", "-id")
        )

    def for_story_page(self):
        from articles.models import Correction

        return (
            self.select_related("section", "lead_image", "source")
            ._with_credits()
            .prefetch_related("tags", Prefetch("corrections", queryset=Correction.objects.order_by("created_at")))
        )
