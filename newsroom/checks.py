"""Deployment checks (``manage.py check --deploy``): the staff-account controls and the
Content-Security-Policy are on, as docs/security.md describes them."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:", "data:"}


@register(Tags.security, deploy=True)
def content_security_policy(app_configs, **kwargs):
    """W001: no policy is sent; W002: it only reports; W003: scripts may run from anywhere or inline."""
    problems = []
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = policy.get("DIRECTIVES") or {}
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE or not directives:
        if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            problems.append(
                Warning(
                    "The Content-Security-Policy only reports (CSP_REPORT_ONLY): nothing is blocked.",
                    hint="Unset CSP_REPORT_ONLY once the reports are clean.",
                    id="newsroom.W002",
                )
            )
        else:
            problems.append(
                Warning(
                    "No Content-Security-Policy is sent on the site, the desk and previews.",
                    hint=f"Keep {CSP_MIDDLEWARE} in MIDDLEWARE and CSP_ENABLED on (docs/security.md).",
                    id="newsroom.W001",
                )
            )
        return problems
    scripts = directives.get("script-src") or directives.get("default-src") or []
    unsafe = sorted(UNSAFE_SCRIPT_SOURCES.intersection(str(s) for s in scripts))
    if not scripts or unsafe:
        problems.append(
            Warning(
                f"The Content-Security-Policy lets scripts run from anywhere or inline ({', '.join(unsafe) or 'no script-src'}).",
                hint="script-src 'self' and the request's nonce (newsroom/settings.py).",
                id="newsroom.W003",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def staff_accounts(app_configs, **kwargs):
    """W010: sign-ins are not throttled; W011: no second factor is required; W012: short passwords."""
    problems = []
    if (
        not getattr(settings, "AXES_ENABLED", True)
        or "axes.middleware.AxesMiddleware" not in settings.MIDDLEWARE
    ):
        problems.append(
            Warning(
                "Sign-ins are not throttled: django-axes is off or its middleware is missing.",
                id="newsroom.W010",
            )
        )
    if not settings.OTP_REQUIRED or "newsroom.accounts.desk_session" not in settings.MIDDLEWARE:
        problems.append(
            Warning(
                "Chief editors and superusers can sign in to the desk without a second factor.",
                hint="Leave OTP_REQUIRED on in production (it is off only with DEBUG).",
                id="newsroom.W011",
            )
        )
    lengths = [
        (v.get("OPTIONS") or {}).get("min_length", 8)
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith(".MinimumLengthValidator")
    ]
    if not lengths or max(lengths) < 12:
        problems.append(
            Warning(
                "Staff passwords may be shorter than 12 characters.",
                hint="PASSWORD_MIN_LENGTH=12 or more.",
                id="newsroom.W012",
            )
        )
    return problems
