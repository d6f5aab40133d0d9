"""Staff accounts: who must sign in with a second factor, the desk's session rules, and lockouts.

- ``two_factor_required(user)``: superusers and the roles in ``OTP_REQUIRED_ROLES``, while
  ``OTP_REQUIRED`` is on (the default unless ``DEBUG``). Anyone who has set up a device is asked for
  it whatever the setting says.
- ``desk_session`` (middleware, after ``OTPMiddleware``): under ``/admin/`` a session ends after
  ``SESSION_IDLE_TIMEOUT`` seconds without a request, and a signed-in user who has not passed the second
  step is sent to it (or to set it up, when it is required and they have none) before any desk page.
  A password change ends every other session by Django's session hash (``get_user`` checks it).
- Lockouts (django-axes): ``locked_out`` is the page a locked-out sign-in gets (429), ``client_ip`` the
  address it is counted by, ``audit_lockout`` writes the audit row.

docs/security.md, "Staff accounts", says how a chief editor unlocks an account or resets 2FA.
"""

import ipaddress
import time

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import user_has_device

DESK_PREFIX = "/admin/"
LAST_SEEN = "desk_last_seen"  # session key: when this session last made a desk request (epoch seconds)
TWO_FACTOR_CHECKED = "desk_2fa_checked"  # when this session was last found to need no second step
# How often (at most) the session is written to keep it alive, and the second step decided again.
TOUCH_SECONDS = 60


def two_factor_required(user) -> bool:
    """Whether ``user`` must sign in with a second factor (``"*"`` in the roles: every staff user)."""
    if not settings.OTP_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = set(settings.OTP_REQUIRED_ROLES)
    if "*" in roles:
        return user.is_staff
    return user.groups.filter(name__in=roles).exists()


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _second_step(request, now: int):
    """The redirect to the verification (or set-up) page, or None when this request may go on."""
    path = request.path_info
    if path.startswith(reverse("two_factor_verify")) or path in (
        reverse("admin:login"),
        reverse("admin:logout"),
    ):
        return None
    user = request.user
    if user.is_verified():
        return None
    checked = request.session.get(TWO_FACTOR_CHECKED)
    if checked is not None and 0 <= now - checked < TOUCH_SECONDS:
        return None
    if user_has_device(user):
        return redirect(_with_next(reverse("two_factor_verify"), request))
    if two_factor_required(user):
        return redirect(_with_next(reverse("two_factor_setup"), request))
    request.session[TWO_FACTOR_CHECKED] = now
    return None


def desk_session(get_response):
    """Idle timeout and the second sign-in step, for desk requests of a signed-in user."""

    def middleware(request):
        if not request.path_info.startswith(DESK_PREFIX) or not request.user.is_authenticated:
            return get_response(request)
        now = int(time.time())
        idle = settings.SESSION_IDLE_TIMEOUT
        seen = request.session.get(LAST_SEEN)
        if seen is not None and now - seen > idle:
            logout(request)
            minutes = max(1, idle // 60)
            messages.info(
                request,
                ngettext(
                    "You were signed out after %(minutes)d minute without activity. Please sign in again.",
                    "You were signed out after %(minutes)d minutes without activity. Please sign in again.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        # Written at most once a minute (a tenth of a short idle time): the session's write stays rare.
        if seen is None or now - seen >= min(TOUCH_SECONDS, max(1, idle // 10)):
            request.session[LAST_SEEN] = now
        return _second_step(request, now) or get_response(request)

    return middleware


def client_ip(request) -> str:
    """The address a sign-in is counted by: the connection's, or the one the trusted proxies in front
    (``TRUSTED_PROXY_COUNT``) put in X-Forwarded-For. Anything a client could forge beyond them is ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a value, not a bind address
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def locked_out(request, original_response=None, credentials=None):
    """What a locked-out sign-in sees (AXES_LOCKOUT_CALLABLE): 429, in the desk's design, with when to try
    again and who can help; the same whether the account or the address is locked, and whether the
    password was right."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in locked"),
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = TemplateResponse(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "no-store"
    return response.render()  # it replaces a response on the way out (AxesMiddleware): render it now


def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """One audit row per lockout: axes signals every refused attempt while it lasts, so a row like this
    one since the last unlock (within the lockout time) means it is the same lockout."""
    from articles import services
    from articles.models import AuditEntry

    who = (username or "")[:150]
    message = f"Sign-in locked after {settings.AXES_FAILURE_LIMIT} failed attempts: username “{who}”, address {ip_address}"
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    last = (
        AuditEntry.objects.filter(action__in=["locked_out", "unlocked"], created_at__gte=since)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None and last.action == "locked_out" and last.message == message:
        return
    services.audit(None, "locked_out", message=message)
