"""Records nobody edits: revisions, corrections (added through the service, never changed) and the
audit log (chief editors)."""

from django.contrib import admin

from articles import services
from articles.models import AuditEntry, Correction, Revision
from articles.permissions import ArticlePermissions
from editors.people import display_name


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


class AuditActionFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(AuditEntry.ACTION_WORDS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Every transition, refusal and lock override. Chief editors only (``articles.view_audit``)."""

    list_display = ["created_at", "what", "article", "who", "statuses", "message"]
    list_filter = [AuditActionFilter]
    list_select_related = ["article", "actor__editor"]
    search_fields = ["article__headline", "message"]
    show_full_result_count = False

    @admin.display(description="action", ordering="action")
    def what(self, obj):
        return obj.action_words

    @admin.display(description="by", ordering="actor")
    def who(self, obj):
        return display_name(obj.actor)

    @admin.display(description="from → to")
    def statuses(self, obj):
        return obj.status_change

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user).can_view_audit()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
