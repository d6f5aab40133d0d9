from django.db import migrations


def sync(apps, schema_editor):
    from editors.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """No role deletes stories any more: kill is the sanctioned path (editors/roles.py)."""

    dependencies = [("editors", "0003_audit_for_chief_editors")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
