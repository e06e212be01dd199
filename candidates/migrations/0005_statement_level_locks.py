"""Recreates the lock triggers: on PostgreSQL, statement-level over transition tables."""

from django.db import migrations

from candidates.locking import create_triggers, drop_triggers


def recreate(apps, schema_editor) -> None:
    drop_triggers(apps, schema_editor)
    create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("candidates", "0004_unlock_needs_record")]

    operations = [migrations.RunPython(recreate, recreate)]
