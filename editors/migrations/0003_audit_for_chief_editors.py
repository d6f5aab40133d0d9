from django.db import migrations


def sync(apps, schema_editor):
    from editors.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """The audit log is the chief editors' alone (editors/roles.py)."""

    dependencies = [("editors", "0002_roles"), ("articles", "0004_search_trigram")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
