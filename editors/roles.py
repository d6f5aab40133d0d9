"""The newsroom's roles: Django groups and their permissions, as the current code wants them.

``python manage.py sync_roles`` applies this table to a database. A change to it needs a data
migration too, carrying a frozen copy of the new table (see editors/migrations/_roles.py): migrations
never import this module, so a permission added later cannot break ``migrate`` on a fresh database.
``tests/editors/test_roles.py`` fails while the last migration's copy differs from this table.

No role has ``articles.delete_article``: a story leaves the site by unpublish or kill, through the
services (audited, revisions kept, caches purged); deleting is for superusers only."""

REPORTER, EDITOR, WIRE_EDITOR, CHIEF_EDITOR = "Reporter", "Editor", "Wire editor", "Chief editor"

_READ = [
    "articles.view_article",
    "articles.view_section",
    "articles.view_tag",
    "articles.view_image",
    "articles.view_revision",
    "articles.view_correction",
    "editors.view_editor",
]
_WRITE = [
    "articles.add_article",
    "articles.change_article",
    "articles.add_articlecredit",
    "articles.change_articlecredit",
    "articles.delete_articlecredit",
    "articles.view_articlecredit",
    "articles.add_image",
    "articles.change_image",
    "articles.add_tag",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    REPORTER: [*_READ, *_WRITE, "articles.submit_article"],
    EDITOR: [
        *_READ,
        *_WRITE,
        "articles.submit_article",
        "articles.edit_any_article",
        "articles.publish_article",
        "articles.correct_article",
        "articles.add_correction",
        "articles.change_section",
        "articles.add_section",
        "sources.view_source",
        "sources.view_wireitem",
    ],
    WIRE_EDITOR: [
        *_READ,
        *_WRITE,
        "articles.submit_article",
        "articles.edit_any_article",
        "sources.import_wire",
        "sources.triage_wire",
        "sources.view_source",
        "sources.add_source",
        "sources.change_source",
        "sources.view_wireitem",
    ],
}
ROLE_PERMISSIONS[CHIEF_EDITOR] = sorted(
    {
        *ROLE_PERMISSIONS[EDITOR],
        *ROLE_PERMISSIONS[WIRE_EDITOR],
        "articles.kill_article",
        "articles.unlock_article",
        "articles.view_audit",
        "articles.view_auditentry",
        "editors.add_editor",
        "editors.change_editor",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        # Sign-in lockouts (django-axes): see them and unlock them (desk/admin/staff.py).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
    }
)


def sync_roles(verbosity=0):
    """Create the groups and give them exactly the permissions above (the installed apps' models)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=verbosity)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for name in names:
            app_label, codename = name.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
