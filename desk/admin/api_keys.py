"""API keys for the content API (docs/api.md): one per consumer. The key is shown once, on the page
that follows its creation, and never again (only its hash is stored); revoking stops it at once."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse

from api import keys
from api.models import ApiKey, Scope


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Scope.values),
        help_text="What this key may read.",
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes", "rate_limit", "note"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "scope_list", "rate_limit", "last_used_at", "created_at", "active"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "note"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke_keys"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scopes", "rate_limit", "note"]
        return [
            "name",
            "prefix",
            "scopes",
            "rate_limit",
            "note",
            "created_at",
            "created_by",
            "last_used_at",
            "revoked_at",
        ]

    @admin.display(description="Scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    @admin.display(description="Active", boolean=True, ordering="revoked_at")
    def active(self, obj):
        return obj.is_active

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The one moment the key exists outside its holder's hands: kept on the request for the page
        # that shows it, never in a message (messages are stored in a cookie or the session).
        request._new_api_key = keys.issue(obj, user=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_new_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"API key for {obj.name}",
            "key": obj,
            "raw_key": raw,
            "change_url": reverse("admin:api_apikey_change", args=[obj.pk]),
            "list_url": reverse("admin:api_apikey_changelist"),
        }
        response = TemplateResponse(request, "admin/api/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys (they stop working at once)", permissions=["change"])
    def revoke_keys(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            keys.revoke(key)
            revoked += 1
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)
