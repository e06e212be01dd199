from django.db import migrations

from candidates.locking import enable_always, enable_origin


class Migration(migrations.Migration):
    """The lock triggers of certified results fire even where the people import's writer
    turns the per-row foreign-key triggers off for its transaction (issue 4; on PostgreSQL
    only: SQLite has no session_replication_role)."""

    dependencies = [
        ("candidates", "0007_candidacy_import_indexes"),
    ]

    operations = [
        migrations.RunPython(enable_always, enable_origin),
    ]
