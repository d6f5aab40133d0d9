"""The story screens, put together: ``ArticleAdmin`` (the list, the change form, its extra views and
its history, each in its own module) with its configuration and permissions (the policy's answers).

The admin validates input and calls ``articles.services``; it never flips a status itself. A refusal
(PermissionDenied) is a 403 and is audited (after the admin's own transaction has rolled back).
"""

from django.contrib import admin
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.permissions import ArticlePermissions
from articles.sanitize import sanitize_html
from desk.admin.article_actions import ArticleActionsMixin
from desk.admin.article_change import ArticleChangeMixin
from desk.admin.article_form import ArticleAdminForm, ArticleCreditInline, CorrectionInline
from desk.admin.article_list import (
    ArticleListMixin,
    AuthorFilter,
    DeskActionForm,
    DeskStateFilter,
    MineFilter,
    ReviewFilter,
)
from desk.admin.history import ArticleHistoryMixin
from desk.admin.paginators import DeskPaginator
from desk.admin.widgets import DeskAutocompleteMixin


@admin.register(Article)
class ArticleAdmin(
    DeskAutocompleteMixin,
    ArticleListMixin,
    ArticleChangeMixin,
    ArticleActionsMixin,
    ArticleHistoryMixin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline",
        "status_badge",
        "section",
        "source",
        "times",
        "lock_holder",
        "author",
        "modified",
    ]
    list_filter = [DeskStateFilter, ReviewFilter, MineFilter, "section", "language", "source", AuthorFilter]
    list_select_related = ["section", "source", "locked_by", "created_by"]
    search_fields = ["headline", "wire_guid"]
    show_full_result_count = False
    paginator = DeskPaginator
    show_facets = admin.ShowFacets.NEVER  # facet counts are one COUNT per filter option: too slow at 100k
    list_per_page = 50
    ordering = ["-modified_at"]
    autocomplete_fields = ["section", "tags", "lead_image", "translation_of"]
    readonly_fields = [
        "status",
        "version",
        "first_published_at",
        "source",
        "wire_guid",
        "created_at",
        "modified_at",
        "body_as_readers_see_it",
    ]
    inlines = [ArticleCreditInline, CorrectionInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    action_form = DeskActionForm
    fieldsets = [
        # expected_version (hidden) is printed by the change form's template: in a fieldset the admin
        # gives a hidden input a <label>, which HTML forbids.
        (None, {"fields": ["kicker", "headline", "standfirst", "body"]}),
        ("Dateline", {"fields": [("dateline_place", "dateline_outlet")]}),
        ("Placement", {"fields": ["section", "tags", "language", "lead_image", "translation_of"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "publish_at",
                    "embargo_until",
                    "expire_at",
                    "updated_at",
                    "first_published_at",
                ]
            },
        ),
        ("Search and sharing", {"classes": ["collapse"], "fields": ["slug", "seo_title", "seo_description"]}),
        (
            "Wire and rights",
            {
                "classes": ["collapse"],
                "fields": [
                    "source",
                    "wire_guid",
                    "urgency",
                    "copyright",
                    "editor_note",
                    "version",
                    "created_at",
                    "modified_at",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["desk/desk.css"]}
        js = ["desk/desk.js"]

    def get_fieldsets(self, request, obj=None):
        """Who may only read the story sees its body as readers do, not its HTML source."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        swap = {"body": "body_as_readers_see_it"}
        return [
            (
                name,
                {
                    **options,
                    "fields": [swap.get(f, f) if isinstance(f, str) else f for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    @admin.display(description="Body")
    def body_as_readers_see_it(self, obj):
        # Stored sanitised at every save; cleaned again here, so a row written some other way cannot run.
        body = sanitize_html(obj.body)
        return mark_safe(f'<div class="desk-readonly-body">{body}</div>')  # noqa: S308 - sanitised

    def has_view_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_view()

    def has_add_permission(self, request):
        return ArticlePermissions(request.user).can_create()

    def has_change_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_edit()

    def has_delete_permission(self, request, obj=None):
        return ArticlePermissions(request.user, obj).can_delete()
