from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import services
from editors.models import Editor


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "job_title", "user", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["user"]
    search_fields = ["display_name", "job_title", "user__username"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["user"]


User = get_user_model()


def _unlock_username(request, username: str) -> int:
    """Clear an account's failed sign-ins (django-axes), audited."""
    from axes.utils import reset

    removed = reset(username=username)
    services.audit(
        None,
        "unlocked",
        user=request.user,
        message=f"Sign-in unlocked for username “{username}” ({removed} failed-attempt records cleared)",
    )
    return removed


class StaffUserAdmin(UserAdmin):
    """Chief editors manage staff accounts, but only a superuser can make superusers, grant single
    permissions or touch a superuser's account: roles are given through the groups. Chief editors
    also unlock a locked-out sign-in and reset a lost second factor (docs/security.md), audited."""

    list_display = [*UserAdmin.list_display, "two_factor"]
    actions = ["unlock_sign_in", "reset_two_factor"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        )

    @admin.display(boolean=True, description=_("Two-factor"), ordering="has_two_factor")
    def two_factor(self, obj):
        return obj.has_two_factor

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def _allowed(self, request, queryset):
        users = list(queryset)
        allowed = [u for u in users if self.has_change_permission(request, u)]
        if len(allowed) < len(users):
            self.message_user(
                request, _("Only a superuser can do that to a superuser's account."), messages.WARNING
            )
        return allowed

    @admin.action(permissions=["change"], description=_("Unlock sign-in (clear failed attempts)"))
    def unlock_sign_in(self, request, queryset):
        users = self._allowed(request, queryset)
        with transaction.atomic():
            for user in users:
                _unlock_username(request, user.get_username())
        if users:
            self.message_user(
                request,
                ngettext("Unlocked %(n)d account.", "Unlocked %(n)d accounts.", len(users))
                % {"n": len(users)},
                messages.SUCCESS,
            )

    @admin.action(permissions=["change"], description=_("Reset two-factor sign-in (lost phone)"))
    def reset_two_factor(self, request, queryset):
        """Remove the user's authenticator app and backup codes: their next desk request asks them to
        set it up again (where it is required) and any session verified with the old device loses that."""
        users = self._allowed(request, queryset)
        with transaction.atomic():
            for user in users:
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
                services.audit(
                    None,
                    "2fa_reset",
                    user=request.user,
                    message=f"Two-factor sign-in reset for {user.get_username()} by {request.user.get_username()}",
                )
        if users:
            self.message_user(
                request,
                ngettext(
                    "Two-factor sign-in reset for %(n)d account: it is set up again at the next sign-in.",
                    "Two-factor sign-in reset for %(n)d accounts: each is set up again at the next sign-in.",
                    len(users),
                )
                % {"n": len(users)},
                messages.SUCCESS,
            )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(AccessAttempt)
class SignInLockoutAdmin(admin.ModelAdmin):
    """Failed sign-ins (django-axes) by username and address: a lockout per account or per address, and
    the chief editor's Unlock, which clears them (audited). Nothing here can be added or edited."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = ["unlock"]

    @admin.display(boolean=True, description=_("Locked"))
    def locked(self, obj):
        recent = obj.attempt_time >= timezone.now() - settings.AXES_COOLOFF_TIME
        return recent and obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # Unlock is the way, audited
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(permissions=["delete"], description=_("Unlock (clear these failed sign-ins)"))
    def unlock(self, request, queryset):
        with transaction.atomic():
            attempts = list(queryset)
            self.delete_queryset(request, queryset)
        self.message_user(
            request,
            ngettext("Cleared %(n)d lockout record.", "Cleared %(n)d lockout records.", len(attempts))
            % {"n": len(attempts)},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        self.delete_queryset(request, AccessAttempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        for attempt in queryset:
            services.audit(
                None,
                "unlocked",
                user=request.user,
                message=(
                    f"Sign-in unlocked for username “{attempt.username}” from address {attempt.ip_address} "
                    f"({attempt.failures_since_start} failed attempts cleared)"
                ),
            )
        queryset.delete()
