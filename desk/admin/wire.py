from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.permissions import ArticlePermissions
from articles.sanitize import sanitize_html
from articles.services import Refused, StaleVersion, record_refusal
from sources import triage as services
from sources.models import ImportedFile, Source, WireItem


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "language", "credit_line", "active"]
    list_filter = ["kind", "active", "language"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["code"]}


@admin.register(ImportedFile)
class ImportedFileAdmin(admin.ModelAdmin):
    """Files imported whole, recognised by their bytes on re-import. Read-only; deleting a record only
    makes the next import of that file parse it again."""

    list_display = ["sha256", "source", "format", "stories", "imported_at"]
    list_filter = ["source", "format"]
    search_fields = ["sha256"]
    show_full_result_count = False
    readonly_fields = [f.name for f in ImportedFile._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WireItem)
class WireItemAdmin(admin.ModelAdmin):
    list_display = ["guid", "version", "source", "format", "outcome", "article", "received_at", "triage"]
    list_filter = ["source", "format", "outcome"]
    list_select_related = ["source", "article"]
    search_fields = ["guid", "filename", "article__headline"]
    show_full_result_count = False
    readonly_fields = [f.name for f in WireItem._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Triage")
    def triage(self, obj):
        if obj.outcome != WireItem.Outcome.WAITING or not obj.article_id:
            return ""
        return format_html(
            '<a href="{}">Compare and decide</a>', reverse("admin:sources_wire_triage", args=[obj.article_id])
        )

    def get_urls(self):
        return [
            path(
                "triage/<int:article_id>/",
                self.admin_site.admin_view(self.triage_view),
                name="sources_wire_triage",
            ),
            *super().get_urls(),
        ]

    def triage_view(self, request, article_id):
        """The agency's previous version, the new one and the current story side by side; accept or reject."""
        if not ArticlePermissions(request.user).can_triage():
            refusal = Refused(services.TRIAGE_REFUSED, user=request.user, action="wire triage")
            if request.method == "POST":  # an attempt to decide, not only to look: audited
                record_refusal(refusal, article=Article.objects.filter(pk=article_id).first())
            raise refusal
        article = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
        triage = services.pending_triage(article)
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "accept":
                    try:
                        expected = int(request.POST.get("version", ""))
                    except ValueError:
                        raise ValidationError(
                            "The form did not say which version of the story you saw: "
                            "reload the page and decide again."
                        ) from None
                    services.accept_wire_update(article, user=request.user, expected_version=expected)
                    messages.success(request, "The agency's version was applied.")
                elif action == "reject":
                    services.reject_wire_update(article, user=request.user)
                    messages.success(request, "The story was kept as the editor left it.")
                else:
                    messages.error(request, "Choose accept or reject.")
            except (ValidationError, StaleVersion) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(reverse("admin:sources_wire_triage", args=[article.pk]))
        rows = []
        if triage:
            new, old = triage.new_story, triage.previous_story
            for label, attr, current in [
                ("Headline", "headline", article.headline),
                ("Standfirst", "standfirst", article.standfirst),
                ("Dateline", "dateline_place", article.dateline_place),
                ("Body", "body_html", article.body),
            ]:
                previous = getattr(old, attr, "") if old else ""
                row = {
                    "label": label,
                    "previous": previous,
                    "new": getattr(new, attr),
                    "current": current,
                    "changed": previous != getattr(new, attr),
                }
                if attr == "body_html":
                    # Stored HTML is sanitised again as it is shown: the stored copy may predate
                    # today's allow-list, or have been written around the services.
                    for key in ("previous", "new", "current"):
                        row[key] = mark_safe(sanitize_html(row[key] or ""))
                rows.append(row)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Wire update waiting: {article.headline}",
            "article": article,
            "triage": triage,
            "can_accept": ArticlePermissions(request.user, article).can_accept_wire_update(),
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/sources/triage.html", context)
