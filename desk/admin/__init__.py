"""The desk: the admin's screens, one module per screen (Django's autodiscovery imports this package)."""

from desk.admin import api_keys, articles, staff, wire  # noqa: F401 - each registers its screens
