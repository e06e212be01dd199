from django.db import migrations

from candidates.locking import enable_always


class Migration(migrations.Migration):
    """The lock triggers of certified results fire even where the people import's writer
    turns the per-row foreign-key triggers off for its transaction (issue 4; on PostgreSQL
    only: SQLite has no session_replication_role)."""

    dependencies = [
        ("candidates", "0007_candidacy_import_indexes"),
    ]

    operations = [
        # Backwards: nothing. create_triggers makes them ENABLE ALWAYS too, so earlier
        # migrations already leave them so on a new database; firing always is never wrong.
        migrations.RunPython(enable_always, migrations.RunPython.noop),
    ]
