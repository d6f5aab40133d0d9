"""Records nobody edits: revisions, corrections (added through the service, never changed) and the
audit log (chief editors)."""

from django.contrib import admin

from articles import services
from articles.models import AuditEntry, Correction, Revision
from articles.permissions import ArticlePermissions


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "status", "created_by", "created_at", "reason"]
    list_filter = ["status"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "reason"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "created_at", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]
    readonly_fields = ["created_by", "created_at"]

    def has_add_permission(self, request):
        return ArticlePermissions(request.user).can_correct()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A correction is a public record, added through the service and never taken back (as in the
        # story's inline); deleting one would also leave the story page's cached copy showing it.
        return False

    def save_model(self, request, obj, form, change):
        created = services.add_correction(obj.article, kind=obj.kind, text=obj.text, user=request.user)
        obj.pk = created.pk


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Every transition, refusal and lock override. Chief editors only (``articles.view_audit``)."""

    list_display = ["created_at", "action", "article", "actor", "from_status", "to_status", "message"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    search_fields = ["article__headline", "message"]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user).can_view_audit()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
