"""The second sign-in step and its set-up (django-otp): an authenticator app (TOTP) and ten single-use
backup codes. ``newsroom.accounts.desk_session`` sends a signed-in user here before any desk page."""

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.accounts import two_factor_required

BACKUP_CODES = 10
APP_DEVICE = "Authenticator app"
BACKUP_DEVICE = "Backup codes"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 10}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _page(request, template, **context):
    return TemplateResponse(
        request, template, {**admin.site.each_context(request), "next": _next(request), **context}
    )


def _signed_in(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return sensitive_post_parameters("token")(csrf_protect(never_cache(wrapped)))


def _verified(request, device) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # a new session key for the stronger sign-in


@_signed_in
def verify(request):
    """Ask for a code from the authenticator app (or a backup code). Each device throttles its own
    failures (django-otp: the wait doubles with every wrong code)."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            _verified(request, device)
            return redirect(_next(request))
        form.add_error("token", _("That code is not right, or it was used already. Try the next one."))
    return _page(request, "admin/two_factor/verify.html", form=form, title=_("Two-factor sign-in"))


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def _readable_key(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@_signed_in
def setup(request):
    """Set up (or replace) the authenticator app: a new secret shown as a QR code and as text; it takes
    effect once a code from it is entered, and then ten backup codes are shown, once. A user who already
    has a device proves it first (the verification step), so a stolen password cannot replace it."""
    user = request.user
    if user_has_device(user) and not user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = _confirm(user, device)
            _verified(request, device)
            return _page(
                request, "admin/two_factor/backup_codes.html", codes=codes, title=_("Your backup codes")
            )
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and try the next one.")
        )
    return _page(
        request,
        "admin/two_factor/setup.html",
        form=form,
        title=_("Set up two-factor sign-in"),
        qr=mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - drawn here from our own URL
        key=_readable_key(device),
        config_url=device.config_url,
        required=two_factor_required(user),
        issuer=settings.OTP_TOTP_ISSUER,
    )


@transaction.atomic
def _confirm(user, device: TOTPDevice) -> list[str]:
    """The new app replaces any other device; fresh backup codes replace the old ones."""
    from articles import services

    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    services.audit(None, "2fa_enabled", user=user, message=f"{user.get_username()} set up two-factor sign-in")
    return codes
