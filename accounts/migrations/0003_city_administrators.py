"""The group that gives the city department's staff the admin (campaigns, holidays, steps…)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "市委组织部管理员"
APPS = (
    "accounts",
    "elections",
    "candidates",
    "audits",
    "petitions",
    "oversight",
    "sheets",
    "reports",
)


def create(apps, schema_editor) -> None:
    # Permissions are normally made after all migrations; make them now for these apps.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))


def remove(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("elections", "0004_election_rules_in_database"),
        ("candidates", "0005_statement_level_locks"),
        ("audits", "0001_initial"),
        ("petitions", "0002_holidays"),
        ("oversight", "0001_initial"),
        ("sheets", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, remove)]
