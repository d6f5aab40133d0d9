from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The content API (ninjs 2.1 out, API keys). It reads the domain (articles) and the site's one
    home for absolute links (``public.seo``); only the desk imports it."""

    name = "api"
    verbose_name = "Content API"
    default_auto_field = "django.db.models.BigAutoField"
