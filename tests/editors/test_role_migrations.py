"""The role data migrations are frozen: each applies its own copy of the role table with the models as
they were then, so a permission added to editors/roles.py later cannot break ``migrate`` on a fresh
database. (The whole chain runs on a fresh database each time pytest creates the test database.)"""

import ast
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from editors.roles import ROLE_PERMISSIONS

MIGRATIONS = Path(import_module("editors.migrations").__file__).parent
ROLE_MIGRATIONS = [
    "0002_roles",
    "0003_audit_for_chief_editors",
    "0004_no_article_delete",
    "0005_chief_editors_unlock_sign_ins",
]


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(MIGRATIONS.glob("*.py")), ids=lambda p: p.name)
def test_no_migration_imports_the_current_code(path):
    """Only Django and the migrations package itself: never editors.roles, never a model module."""
    ours = {name for name in _imported_modules(path) if not name.startswith("django")}
    assert ours <= {"editors.migrations._roles"}, f"{path.name} imports {ours}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ROLE_MIGRATIONS)
def test_a_role_migration_runs_on_the_state_it_was_written_for(name, monkeypatch):
    monkeypatch.setitem(sys.modules, "editors.roles", None)  # importing it now raises ImportError
    migration = MigrationLoader(connection).get_migration("editors", name)
    state = MigrationLoader(connection).project_state(("editors", name), at_end=False)
    (operation,) = migration.operations
    operation.code(state.apps, connection.schema_editor())

    frozen = import_module(f"editors.migrations.{name}").ROLES
    Group = state.apps.get_model("auth", "Group")
    for role, names in frozen.items():
        granted = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(names), role


def test_the_last_role_migration_carries_the_current_table():
    """Changing editors/roles.py needs a new data migration with a copy of the new table."""
    latest = import_module(f"editors.migrations.{ROLE_MIGRATIONS[-1]}").ROLES
    assert {role: set(names) for role, names in latest.items()} == {
        role: set(names) for role, names in ROLE_PERMISSIONS.items()
    }
    later = sorted(p.stem for p in MIGRATIONS.glob("0*.py") if p.stem > ROLE_MIGRATIONS[-1])
    assert not later or all(not hasattr(import_module(f"editors.migrations.{m}"), "ROLES") for m in later), (
        f"add the newer role migration to ROLE_MIGRATIONS: {later}"
    )
