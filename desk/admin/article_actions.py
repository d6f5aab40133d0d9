"""The story's own URLs (``ArticleActionsMixin``): workflow moves, lock heartbeat, release and forced
unlock, revoking share links, the preview. POST only where they change something."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from articles import services
from articles.models import Article
from articles.permissions import ArticlePermissions
from desk.admin.common import STATE_LABELS, error_text, state_of
from editors.people import display_name
from public import preview


class ArticleActionsMixin:
    """The extra views of ``ArticleAdmin`` and the URLs of every extra screen."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/transition/<str:name>/",
                view(self.transition_view),
                name="articles_article_transition",
            ),
            path("<int:pk>/heartbeat/", view(self.heartbeat_view), name="articles_article_heartbeat"),
            path("<int:pk>/release/", view(self.release_view), name="articles_article_release"),
            path(
                "<int:pk>/force-unlock/", view(self.force_unlock_view), name="articles_article_force_unlock"
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_article_preview"),
            path(
                "<int:pk>/revoke-share/", view(self.revoke_share_view), name="articles_article_revoke_share"
            ),
            path("<int:pk>/history/compare/", view(self.compare_view), name="articles_article_compare"),
            path(
                "<int:pk>/history/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, pk) -> Article:
        article = get_object_or_404(Article.objects.select_related("locked_by"), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def transition_view(self, request, pk, name):
        """POST only. A refused move is a 403 (audited by the service); an illegal one a message."""
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        self._move(
            request,
            article,
            name,
            reason=request.POST.get("reason", ""),
            expected=request.POST.get("expected_version"),
            override=request.POST.get("override_withdrawal") == "1",
        )
        return HttpResponseRedirect(self._change_url(article))

    def _move(self, request, article, name, *, reason, expected, override):
        """One workflow move and its message; a refusal (403) is audited by the service."""
        try:
            services.transition(
                article,
                name,
                user=request.user,
                reason=reason.strip(),
                expected_version=int(expected) if expected and expected.isdigit() else None,
                override_withdrawal=override,
            )
        except ValidationError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
        except services.StaleVersion as exc:
            self.message_user(
                request, str(exc).replace("Your changes were not saved.", "Nothing was done."), messages.ERROR
            )
        else:
            state = state_of(article)
            label = STATE_LABELS.get(state) or state.replace("_", " ")
            self.message_user(request, f"“{article.headline}” is now {label.lower()}.", messages.SUCCESS)

    def heartbeat_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        if not ArticlePermissions(request.user, article).can_edit():
            raise PermissionDenied
        kept = services.renew_lock(article, request.user)
        holder = article.locked_by
        return JsonResponse(
            {
                "locked": kept,
                "holder": display_name(holder) if holder else None,
                "since": article.locked_at.isoformat() if article.locked_at else None,
            }
        )

    def release_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        return JsonResponse({"released": services.release_lock(article, request.user)})

    def force_unlock_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        services.force_unlock(article, user=request.user)  # PermissionDenied -> 403, audited
        self.message_user(request, "The lock was removed; you can edit the story now.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(article))

    def revoke_share_view(self, request, pk):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        article = self._article(request, pk)
        services.revoke_share_links(article, user=request.user)  # PermissionDenied -> 403, audited
        self.message_user(
            request,
            "Every share-preview link to this story has stopped working; the link below is new.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(article))

    def preview_view(self, request, pk):
        return preview.render_preview(request, self._article(request, pk))
