"""API keys: one per consumer (a partner, an app), created in the desk. Only a hash of the key is
stored; the key itself is shown once, when it is made (``api.keys.issue``)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a key may read: one scope per kind of resource."""

    STORIES = "stories", _("Stories")
    SECTIONS = "sections", _("Sections")
    AUTHORS = "authors", _("Authors")


def all_scopes() -> list[str]:
    return list(Scope.values)


class ApiKey(models.Model):
    Scope = Scope

    name = models.CharField(max_length=100, help_text="Who uses it: a partner, an app.")
    note = models.TextField(blank=True, help_text="Contact, contract, anything the desk should know.")
    # The key's first characters, shown in the desk to tell keys apart; not enough to use it.
    prefix = models.CharField(max_length=16, editable=False)
    # SHA-256 of the whole key (the key is 256 random bits: a slow hash would add nothing).
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=16, choices=Scope.choices),
        default=all_scopes,
        help_text="What this key may read.",
    )
    rate_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Requests a minute; empty: the API_RATE_LIMIT setting (600)."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Written at most once a minute per key (``api.keys.touch``), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "API key"
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="apikey_name_required")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
