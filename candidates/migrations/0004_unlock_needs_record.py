"""Recreates the lock triggers: unlocking now needs a recorded unlock (candidates/locking.py)."""

from django.db import migrations

from candidates.locking import create_triggers, drop_triggers


def recreate(apps, schema_editor) -> None:
    drop_triggers(apps, schema_editor)
    create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0003_procedure_steps"),
        ("elections", "0004_election_rules_in_database"),
    ]

    operations = [migrations.RunPython(recreate, recreate)]
