from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The editors' workspace (the Django admin's screens), on top of the domain, ingest and site."""

    name = "desk"
    verbose_name = "Desk"
