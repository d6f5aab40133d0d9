"""A story's history (``ArticleHistoryMixin``): its revisions and audit rows, comparing two revisions,
restoring one (through ``services.restore_revision``)."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from articles import services
from articles.diff import diff_snapshots
from articles.models import Revision
from articles.permissions import ArticlePermissions


class ArticleHistoryMixin:
    """The history, compare and restore views of ``ArticleAdmin``."""

    def history_view(self, request, object_id, extra_context=None):
        article = self._article(request, object_id)
        revisions = list(article.revisions.select_related("created_by__editor").order_by("-number"))
        audit_entries = None
        if ArticlePermissions(request.user, article).can_view_audit():
            audit_entries = list(
                article.audit_entries.select_related("actor__editor").order_by("-created_at")[:50]
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {article.headline}",
            "opts": self.opts,
            "original": article,
            "article": article,
            "revisions": revisions,
            "audit_entries": audit_entries,
            "can_restore": ArticlePermissions(request.user, article).can_edit(),
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, pk):
        article = self._article(request, pk)
        numbers = sorted(int(n) for n in (request.GET.get("a", ""), request.GET.get("b", "")) if n.isdigit())
        revisions = {
            r.number: r
            for r in article.revisions.filter(number__in=numbers).select_related("created_by__editor")
        }
        if len(numbers) != 2 or len(revisions) != 2:
            if len(numbers) == 2 and numbers[0] == numbers[1] and numbers[0] in revisions:
                revisions = {numbers[0]: revisions[numbers[0]]}
            else:
                raise Http404("Choose two revisions of this story.")
        old, new = revisions[numbers[0]], revisions[numbers[-1]]
        diffs = diff_snapshots(old.snapshot, new.snapshot)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to “{article.headline}”",
            "opts": self.opts,
            "original": article,
            "article": article,
            "old": old,
            "new": new,
            "changed": [d for d in diffs if d.changed],
            "unchanged": [d for d in diffs if not d.changed],
            "can_restore": ArticlePermissions(request.user, article).can_edit(),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, pk, number):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        revision = get_object_or_404(Revision, article=article, number=number)
        expected = request.POST.get("expected_version")
        try:
            services.restore_revision(
                article, revision, user=request.user, expected_version=int(expected) if expected else None
            )
        except (services.StaleVersion, services.LockedByOther) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[article.pk]))
        self.message_user(request, f"Revision {number} restored as a new revision.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(article))
