"""How the role data migrations apply their tables: with the historical models only.

Each role migration carries its own copy of the role table as it was when the migration was written,
and never imports ``editors.roles``: the current table may name a permission that a later migration
declares, and ``migrate`` on a fresh database must still work. This module is frozen with them:
change nothing here; a new behaviour belongs in a new migration. (The loader skips modules whose
name starts with an underscore, so this is not a migration itself.)
"""

from django.contrib.auth.management import create_permissions


def apply_roles(apps, table):
    """Create the groups of ``table`` ({role: ["app_label.codename", ...]}) with exactly those permissions."""
    for config in apps.get_app_configs():
        # In a migration the app configs are stubs: make create_permissions see their models.
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in table.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in names:
            app_label, codename = name.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
