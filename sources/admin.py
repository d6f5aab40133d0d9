from django.contrib import admin

from sources.models import Source, WireItem


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "language", "credit_line", "active"]
    list_filter = ["kind", "active", "language"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["code"]}


@admin.register(WireItem)
class WireItemAdmin(admin.ModelAdmin):
    list_display = ["guid", "version", "source", "format", "outcome", "article", "received_at"]
    list_filter = ["source", "format", "outcome"]
    list_select_related = ["source", "article"]
    search_fields = ["guid", "filename", "article__headline"]
    show_full_result_count = False
    readonly_fields = [f.name for f in WireItem._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
