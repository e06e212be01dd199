"""Creates the lock triggers of candidates/locking.py."""

from django.db import migrations

from candidates.locking import create_triggers, drop_triggers


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0001_initial"),
        ("elections", "0002_election_certified_at_election_locked_and_more"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
