from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The project as an app (no models): it connects the staff-account receivers (lockouts are
    audited) and registers the deployment checks (newsroom/checks.py)."""

    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from axes.signals import user_locked_out

        from newsroom import accounts, checks  # noqa: F401 - checks register themselves

        user_locked_out.connect(accounts.audit_lockout, dispatch_uid="newsroom.audit_lockout")
