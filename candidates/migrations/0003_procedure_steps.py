"""Loads the procedure steps of each method from candidates/fixtures/procedure_steps.json."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "procedure_steps.json"


def load(apps, schema_editor) -> None:
    StepDefinition = apps.get_model("candidates", "StepDefinition")
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for method, steps in data.items():
        if method.startswith("_"):
            continue
        previous = None
        for order, (code, name) in enumerate(steps, start=1):
            previous, _ = StepDefinition.objects.get_or_create(
                method=method,
                code=code,
                defaults={"order": order, "name": name, "depends_on": previous},
            )


def unload(apps, schema_editor) -> None:
    StepDefinition = apps.get_model("candidates", "StepDefinition")
    for step in StepDefinition.objects.order_by("-order"):
        step.delete()


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_lock_triggers")]

    operations = [migrations.RunPython(load, unload)]
