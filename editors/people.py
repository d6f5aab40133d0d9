"""How a member of staff is named to colleagues: one rule for locks, takeovers, history and audit."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

SYSTEM = "system"  # who made a change no person made (the scheduler, the wire)


def display_name(user) -> str:
    """The staff profile's display name, else the account's full name, else its username. Select
    ``<user>__editor`` with the user where a page names many people (each profile is a query)."""
    if user is None:
        return SYSTEM
    if isinstance(user, str):  # already a name
        return user
    try:
        profile = user.editor
    except (ObjectDoesNotExist, AttributeError):
        profile = None
    if profile is not None and profile.display_name.strip():
        return profile.display_name.strip()
    return (user.get_full_name() or "").strip() or user.get_username()
