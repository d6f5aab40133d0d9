from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html

from articles import services
from articles.models import (
    Article,
    ArticleCredit,
    AuditEntry,
    Correction,
    Image,
    ImageRendition,
    Revision,
    Section,
    Tag,
)

STATUS_COLOURS = {
    "draft": "#6b7280", "in_review": "#b45309", "published": "#15803d", "unpublished": "#7c3aed", "killed": "#b91c1c",
}


class ArticleCreditInline(admin.TabularInline):
    model = ArticleCredit
    extra = 1
    fields = ["position", "role", "editor", "name"]
    autocomplete_fields = ["editor"]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]
    readonly_fields = ["created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


class ArticleAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        exclude = ["locked_by", "locked_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["expected_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current is not None and current != expected:
                raise ValidationError(
                    "Someone else saved this story while you were editing it (version %(current)s; you started "
                    "from %(expected)s). Your changes were not saved: copy them, reload, and apply them again.",
                    params={"current": current, "expected": expected},
                )
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "status_badge", "section", "language", "source", "publish_at", "modified_at"]
    list_filter = ["status", "section", "language", "source", "wire_update_waiting"]
    list_select_related = ["section", "source"]
    search_fields = ["headline", "standfirst", "wire_guid"]
    date_hierarchy = None
    show_full_result_count = False
    list_per_page = 50
    ordering = ["-modified_at"]
    autocomplete_fields = ["section", "tags", "lead_image", "translation_of"]
    readonly_fields = ["status", "version", "first_published_at", "source", "wire_guid", "created_at", "modified_at"]
    inlines = [ArticleCreditInline, CorrectionInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "standfirst", "body", "expected_version"]}),
        ("Dateline", {"fields": [("dateline_place", "dateline_outlet")]}),
        ("Placement", {"fields": ["section", "tags", "language", "lead_image", "translation_of"]}),
        ("Publication", {"fields": ["status", "publish_at", "updated_at", "embargo_until", "expire_at",
                                    "first_published_at"]}),
        ("Search and sharing", {"classes": ["collapse"], "fields": ["slug", "seo_title", "seo_description"]}),
        ("Wire and rights", {"classes": ["collapse"], "fields": ["source", "wire_guid", "urgency", "copyright",
                                                                  "editor_note", "version", "created_at",
                                                                  "modified_at"]}),
    ]

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        label = "Scheduled" if obj.is_scheduled else obj.get_status_display()
        return format_html(
            '<span style="background:{};color:#fff;padding:1px 8px;border-radius:9px;font-size:11px">{}</span>',
            STATUS_COLOURS.get(obj.status, "#444"), label,
        )

    def save_model(self, request, obj, form, change):
        services.save_article(obj, user=request.user, expected_version=form.cleaned_data.get("expected_version"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_revision(form.instance, user=request.user, reason="Edited" if change else "Created")

    def _transition(self, request, queryset, name):
        done = 0
        for article in queryset:
            try:
                services.transition(article, name, user=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{article.headline}: {' '.join(getattr(exc, 'messages', [str(exc)]))}",
                                  messages.ERROR)
        if done:
            self.message_user(request, f"{done} stor{'y' if done == 1 else 'ies'}: {name} done.", messages.SUCCESS)

    @admin.action(description="Submit selected stories for review")
    def submit_selected(self, request, queryset):
        self._transition(request, queryset, "submit")

    @admin.action(description="Publish selected stories")
    def publish_selected(self, request, queryset):
        self._transition(request, queryset, "publish")

    @admin.action(description="Unpublish selected stories")
    def unpublish_selected(self, request, queryset):
        self._transition(request, queryset, "unpublish")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RenditionInline(admin.TabularInline):
    model = ImageRendition
    extra = 0
    readonly_fields = ["width", "height", "format", "file"]
    can_delete = False


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "credit", "width", "height", "uploaded_at"]
    search_fields = ["caption", "credit", "alt_text"]
    list_select_related = ["uploaded_by"]
    readonly_fields = ["width", "height", "uploaded_by"]
    inlines = [RenditionInline]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "status", "created_by", "created_at", "reason"]
    list_filter = ["status"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "reason"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["article", "kind", "created_at", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__headline", "text"]
    autocomplete_fields = ["article"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.add_correction(obj.article, kind=obj.kind, text=obj.text, user=request.user)
        obj.pk = created.pk


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "article", "actor", "from_status", "to_status", "message"]
    list_filter = ["action"]
    list_select_related = ["article", "actor"]
    search_fields = ["article__headline", "message"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
