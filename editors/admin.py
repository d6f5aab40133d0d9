from django.contrib import admin

from editors.models import Editor


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "job_title", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["display_name", "job_title", "user__username"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["user"]
